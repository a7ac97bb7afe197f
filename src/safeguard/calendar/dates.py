"""The one place where legal periods are added to dates (calendar months and years, ages, deadlines).

Rules, chosen once and used everywhere:

* Adding months or years lands on the corresponding day of the later month; where that month is
  too short (31 January + 1 month, 29 February + 1 year) it lands on the month's last day. This is
  the usual reading of a "calendar month" in English law, and it keeps 29 February birthdays and
  month-end sentences from spilling into the next month.
* A period "beginning with" a date counts that date as day one, so it ends the day before the
  corresponding date: 5 years beginning with 1 March 2025 last applies on 28 February 2030, and
  18 months beginning with 1 March 2025 on 31 August 2026. Where the corresponding date does not
  exist (a period beginning with 31 January or 29 February), the period ends on the last day of
  that shorter month: 2 years beginning with 29 February 2024 last applies on 28 February 2026.
* A person's age on a date is the number of birthdays (corresponding dates, as above) reached on or
  before it.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from safeguard.calendar.durations import Duration, Unit

# Dates outside this window are refused by the parsers: they are certainly typing errors, and the
# bound keeps every "date + 100 years" inside what `datetime.date` can hold.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2999, 12, 31)


def in_supported_range(day: date) -> bool:
    return EARLIEST_DATE <= day <= LATEST_DATE


def add_days(day: date, days: int) -> date:
    return day + timedelta(days=days)


def add_months(day: date, months: int) -> date:
    """The corresponding day `months` calendar months later (or earlier), clipped to the month end."""
    index = day.year * 12 + (day.month - 1) + months
    year, month_index = divmod(index, 12)
    month = month_index + 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


def add_years(day: date, years: int) -> date:
    """The corresponding day `years` later; 29 February becomes 28 February in a common year."""
    return add_months(day, 12 * years)


def add_duration(day: date, length: Duration, *, sign: int = 1) -> date:
    """`day` moved forward (or back, with sign=-1) by `length`, in the length's own calendar unit."""
    if sign not in (1, -1):
        raise ValueError("sign must be 1 or -1")
    amount = sign * length.amount
    if length.unit is Unit.DAYS:
        return add_days(day, amount)
    if length.unit is Unit.WEEKS:
        return add_days(day, 7 * amount)
    if length.unit is Unit.MONTHS:
        return add_months(day, amount)
    return add_years(day, amount)


def period_last_day(start: date, length: Duration) -> date:
    """Last day of a period of `length` beginning with `start` (start counts as day one)."""
    if length.amount == 0:
        raise ValueError("a period of no length has no last day")
    corresponding = add_duration(start, length)
    if length.unit in (Unit.MONTHS, Unit.YEARS) and corresponding.day < start.day:
        return corresponding  # no corresponding date: the period runs to the end of that month
    return add_days(corresponding, -1)


def last_day_within(start: date, days: int) -> date:
    """Last day for something to be done "within `days` days beginning with" `start`.

    Counting `start` as day one gives the earlier of the two possible readings, so a person who
    acts by this date is in time on either reading.
    """
    if days < 1:
        raise ValueError("a deadline needs at least one day")
    return add_days(start, days - 1)


def age_on(date_of_birth: date, day: date) -> int:
    """Completed years of age on `day`."""
    if day < date_of_birth:
        raise ValueError("the date is before the date of birth")
    years = day.year - date_of_birth.year
    if add_years(date_of_birth, years) > day:
        years -= 1
    return years


def completed_years(start: date, end: date) -> int:
    """Whole years from `start` to `end` (0 when `end` is before the first anniversary)."""
    return age_on(start, end)
