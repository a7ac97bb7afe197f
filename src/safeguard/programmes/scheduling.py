"""Planning a group's sessions from its template: the spec's scheduling rules, pure Python.

- Group sessions go into the group's weekly slots in template order, from the start date, skipping
  bank holidays of the group's region and closures of its site (`safeguard.calendar`): a skipped
  slot moves the session to the next free slot, it is never lost.
- After the pre-group session there is a gap (3 weeks in the spec) before the first group session.
- The post-programme review comes a gap (6 weeks) after the last group session.
- In a group programme one-to-ones are placeholders to be booked: each has the day from which it
  may be booked (the day after the group session before it) and takes no slot. In an individual
  programme every session is a one-to-one and they go into the slots like group sessions.

Rescheduling plans only what is still to come: the caller passes the session templates not yet
held, the day to start from and, if the pre-group session already took place, its date.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta

from safeguard.calendar.bank_holidays import Region
from safeguard.calendar.schedules import SkippedSlot, weekly_sessions
from safeguard.programmes.catalogue import SessionTemplate


@dataclass(frozen=True)
class Slot:
    """A weekly meeting time: weekday 0 (Monday) to 6 (Sunday) and the time the session starts."""

    weekday: int
    start: time


@dataclass(frozen=True)
class PlannedSession:
    template: SessionTemplate
    day: date  # the day it meets, or for a placeholder the first day it may be booked
    start: time | None  # None for a placeholder
    placeholder: bool


@dataclass(frozen=True)
class Plan:
    sessions: tuple[PlannedSession, ...]
    skipped: tuple[SkippedSlot, ...]


class PlanError(ValueError):
    """The plan cannot be made as asked; `field` names the input at fault."""

    def __init__(self, field: str, code: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.code = code
        self.message = message


def check_slots(slots: Sequence[Slot]) -> None:
    if not slots:
        raise PlanError("slots", "required", "Give at least one weekly slot (a day and a start time)")
    days = [s.weekday for s in slots]
    if any(d not in range(7) for d in days):
        raise PlanError("slots", "invalid", "A slot's day is Monday to Sunday")
    if len(set(days)) != len(days):
        raise PlanError("slots", "duplicate", "A group meets at most once a day: give each day once")


def plan(
    *,
    sessions: Sequence[SessionTemplate],
    start: date,
    slots: Sequence[Slot],
    region: Region | str,
    closures: Collection[date] = (),
    individual: bool = False,
    gap_after_pre_group: timedelta = timedelta(days=21),
    gap_before_review: timedelta = timedelta(days=42),
    pre_group_on: date | None = None,
    last_group_on: date | None = None,
) -> Plan:
    """Dates for `sessions` (template order) from `start` on. `pre_group_on` and `last_group_on`
    are the dates of a pre-group session and a last group session already held (rescheduling)."""
    check_slots(slots)
    times = {s.weekday: s.start for s in slots}
    weekdays = sorted(times)
    planned: list[PlannedSession] = []
    skipped: list[SkippedSlot] = []
    cursor = start  # the earliest day the next slotted session may take

    def take_slot(not_before: date) -> date:
        schedule = weekly_sessions(start=not_before, weekdays=weekdays, sessions=1, region=region, closures=closures)
        skipped.extend(schedule.skipped)
        return schedule.dates[0]

    last_slotted = last_group_on
    for spec in sessions:
        slotted = individual or spec.kind == "group"
        if spec.stage == "pre_group":
            day = take_slot(cursor) if individual else cursor
            planned.append(PlannedSession(spec, day, times[day.weekday()] if individual else None, not individual))
            pre_group_on = day
            cursor = day + timedelta(days=1)
            continue
        if spec.stage == "review":
            anchor = last_slotted or cursor
            review_from = anchor + gap_before_review
            if individual:
                day = take_slot(review_from)
                planned.append(PlannedSession(spec, day, times[day.weekday()], False))
            else:
                planned.append(PlannedSession(spec, review_from, None, True))
            continue
        if slotted:
            not_before = cursor
            if pre_group_on is not None and last_slotted is None:
                # The first session after the pre-group one waits for the gap.
                not_before = max(not_before, pre_group_on + gap_after_pre_group)
            day = take_slot(not_before)
            planned.append(PlannedSession(spec, day, times[day.weekday()], False))
            last_slotted = day
            cursor = day + timedelta(days=1)
        else:
            # A one-to-one in a group programme: a placeholder, bookable from the day after the last
            # group session before it.
            planned.append(PlannedSession(spec, cursor, None, True))
    unique = tuple(dict.fromkeys(skipped))
    return Plan(tuple(planned), tuple(sorted(unique, key=lambda s: s.day)))
