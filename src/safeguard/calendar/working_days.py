"""Working days: Monday to Friday, neither a bank holiday of the region nor a closure.

Counting convention, used everywhere: the day you count from is never itself counted. "3 working
days after Friday 22 December 2023" in England and Wales is Friday 29 December (Monday 25 and
Tuesday 26 are bank holidays); 0 working days after a day is that day.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta

from safeguard.calendar.bank_holidays import Region, is_bank_holiday

SATURDAY = 5
_ONE_DAY = timedelta(days=1)


def is_working_day(day: date, region: Region | str, *, closures: Collection[date] = ()) -> bool:
    return day.weekday() < SATURDAY and day not in closures and not is_bank_holiday(region, day)


def next_working_day(day: date, region: Region | str, *, closures: Collection[date] = ()) -> date:
    """`day` itself when it is a working day, else the first working day after it."""
    while not is_working_day(day, region, closures=closures):
        day += _ONE_DAY
    return day


def add_working_days(day: date, count: int, region: Region | str, *, closures: Collection[date] = ()) -> date:
    """The `count`-th working day after `day` (before it, for a negative count); 0 gives `day`."""
    step = _ONE_DAY if count >= 0 else -_ONE_DAY
    remaining = abs(count)
    while remaining:
        day += step
        if is_working_day(day, region, closures=closures):
            remaining -= 1
    return day


def working_days_between(start: date, end: date, region: Region | str, *, closures: Collection[date] = ()) -> int:
    """Working days after `start` up to and including `end`; 0 when `end` is not after `start`."""
    count = 0
    day = start + _ONE_DAY
    while day <= end:
        if is_working_day(day, region, closures=closures):
            count += 1
        day += _ONE_DAY
    return count
