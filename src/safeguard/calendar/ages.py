"""Age and interval arithmetic by anniversary, the convention every risk instrument uses.

Two conventions for 29 February live in this package on purpose: the instruments count a year as
completed on 1 March in a common year (here), while the legal periods of `dates.py` end on
28 February (`dates.age_on`). Each is what its source asks for; do not merge them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime


def today_utc() -> date:
    """The scoring date when none is given: today in UTC, so results do not depend on the server's zone."""
    return datetime.now(UTC).date()


def whole_years(start: date, end: date) -> int:
    """Completed years from `start` to `end`, counted by anniversary (negative if `end` is earlier).

    A person born on 29 February completes a year on 1 March in a common year, because
    (2, 28) sorts before (2, 29).
    """
    years = end.year - start.year
    if (end.month, end.day) < (start.month, start.day):
        years -= 1
    return years


def _anniversary(start: date, years: int) -> date:
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February in a common year: the anniversary falls on 1 March
        return date(start.year + years, 3, 1)


def decimal_years(start: date, end: date) -> float:
    """Age in years with a fraction: completed years plus the share of the current year elapsed.

    The whole part always equals `whole_years`, so cut-offs such as "35 to 39.9" agree with
    the anniversary rule.
    """
    years = whole_years(start, end)
    last = _anniversary(start, years)
    following = _anniversary(start, years + 1)
    return years + (end - last).days / (following - last).days
