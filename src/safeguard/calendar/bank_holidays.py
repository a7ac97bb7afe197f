"""Bank holidays of the three UK regions, offline, from the maintained `holidays` library.

A region's bank holidays are what the library lists for it: the fixed and moveable days, the
substitute day when a holiday falls on a weekend ("Christmas Day (observed)"), and the one-off days
proclaimed for a single year (the state funeral on 19 September 2022, the coronation on 8 May 2023).
A holiday that falls on a weekend keeps its own date as well: nothing is scheduled on Christmas Day
whatever day of the week it is. One-off days proclaimed after the installed version of the library
was published appear when the library is upgraded; `HOLIDAYS_VERSION` names the version in use.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import lru_cache
from importlib.metadata import version
from types import MappingProxyType

import holidays as holidays_library

HOLIDAYS_VERSION: str = version("holidays")


class Region(StrEnum):
    """The UK's three bank-holiday regions, named as GOV.UK names them."""

    ENGLAND_AND_WALES = "england-and-wales"
    SCOTLAND = "scotland"
    NORTHERN_IRELAND = "northern-ireland"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Region.ENGLAND_AND_WALES: "England and Wales",
    Region.SCOTLAND: "Scotland",
    Region.NORTHERN_IRELAND: "Northern Ireland",
}
# The library's subdivision codes. Wales ("WLS") has the same bank holidays as England ("ENG").
_SUBDIVISION = {
    Region.ENGLAND_AND_WALES: "ENG",
    Region.SCOTLAND: "SCT",
    Region.NORTHERN_IRELAND: "NIR",
}
_UK = holidays_library.country_holidays("GB", subdiv="ENG", years=[])
# The years the library holds bank holidays for; a date outside them is refused, never guessed.
FIRST_YEAR: int = int(_UK.start_year)
LAST_YEAR: int = int(_UK.end_year)
REGIONS: tuple[str, ...] = tuple(r.value for r in Region)


class OutsideKnownYears(ValueError):
    """A date in a year for which the library holds no bank holidays."""

    def __init__(self, day: date) -> None:
        super().__init__(
            f"{day.isoformat()} is outside {FIRST_YEAR}–{LAST_YEAR}, the years whose bank holidays are known"
        )
        self.day = day


@dataclass(frozen=True, slots=True)
class BankHoliday:
    day: date
    name: str
    region: Region


@lru_cache(maxsize=512)
def _year(region: Region, year: int) -> Mapping[date, str]:
    found = holidays_library.country_holidays("GB", subdiv=_SUBDIVISION[region], years=[year])
    # Several holidays on one date (a substitute day falling on another holiday) come joined by "; ".
    return MappingProxyType({day: str(name) for day, name in sorted(found.items())})


def _check(day: date) -> None:
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise OutsideKnownYears(day)


def holiday_name(region: Region | str, day: date) -> str | None:
    """The name of the bank holiday on `day` in `region`, or None on an ordinary day."""
    _check(day)
    return _year(Region(region), day.year).get(day)


def is_bank_holiday(region: Region | str, day: date) -> bool:
    return holiday_name(region, day) is not None


def bank_holidays(region: Region | str, start: date, end: date) -> list[BankHoliday]:
    """Every bank holiday of `region` from `start` to `end` inclusive, in date order."""
    if end < start:
        return []
    _check(start)
    _check(end)
    the_region = Region(region)
    return [
        BankHoliday(day, name, the_region)
        for year in range(start.year, end.year + 1)
        for day, name in _year(the_region, year).items()
        if start <= day <= end
    ]

