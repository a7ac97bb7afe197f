"""Weekly session schedules that step around bank holidays and closures.

A group meets on one or more days of the week. Its sessions are the slots (dates on those weekdays,
on or after the start date) in order, except a slot on a bank holiday of the group's region or on a
closure (the site shut for the day). A skipped slot is not lost: the session it would have held
moves to the next free slot, so a group always gets the number of sessions it asked for.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta

from safeguard.calendar.bank_holidays import Region, holiday_name

WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_NAMES: tuple[str, ...] = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
CLOSURE = "closure"


@dataclass(frozen=True, slots=True)
class SkippedSlot:
    """A slot on which no session was held, and why: the bank holiday's name, or `closure`."""

    day: date
    reason: str


@dataclass(frozen=True, slots=True)
class Schedule:
    """The session dates in order, and the slots skipped between the start and the last session.

    A slot that is both a bank holiday and a closure is reported once, with the holiday's name.
    """

    dates: tuple[date, ...]
    skipped: tuple[SkippedSlot, ...]


def weekly_sessions(
    *,
    start: date,
    weekdays: Collection[int],
    sessions: int,
    region: Region | str = Region.ENGLAND_AND_WALES,
    closures: Collection[date] = (),
) -> Schedule:
    """The first `sessions` free slots on `weekdays` (0 = Monday … 6 = Sunday) from `start` on.

    Raises ValueError for no weekdays, a weekday outside 0–6 or fewer than one session, and
    `OutsideKnownYears` when the schedule would run past the last year whose bank holidays are known.
    """
    days = frozenset(weekdays)
    if not days:
        raise ValueError("a schedule needs at least one weekday")
    if not days <= frozenset(range(7)):
        raise ValueError("weekdays are numbered 0 (Monday) to 6 (Sunday)")
    if sessions < 1:
        raise ValueError("a schedule has at least one session")
    the_region = Region(region)
    closed = frozenset(closures)
    dates: list[date] = []
    skipped: list[SkippedSlot] = []
    day = start
    one_day = timedelta(days=1)
    while len(dates) < sessions:
        if day.weekday() in days:
            name = holiday_name(the_region, day)
            if name is not None:
                skipped.append(SkippedSlot(day, name))
            elif day in closed:
                skipped.append(SkippedSlot(day, CLOSURE))
            else:
                dates.append(day)
        day += one_day
    return Schedule(tuple(dates), tuple(skipped))
