"""Lengths of sentences and orders (days, weeks, months, years) and the one rule for comparing them.

Sentences are pronounced in whole units ("26 weeks", "18 months", "2 years"), so a length keeps the
unit it was given in. Comparing lengths across units needs a convention, because a calendar month
has no fixed number of days. We use the sentencing convention that the guideline tables themselves
rely on when they put "26 weeks" next to the 6-month magistrates' maximum:

    1 year = 12 months = 52 weeks = 364 days (so 26 weeks = 6 months, 13 weeks = 3 months).

The convention is used only to compare and scale lengths. Adding a length to a date is calendar
arithmetic and lives in `dates.py`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction


class Unit(StrEnum):
    DAYS = "d"
    WEEKS = "w"
    MONTHS = "m"
    YEARS = "y"


# Months in one unit, under the convention in the module docstring.
MONTHS_PER_UNIT: dict[Unit, Fraction] = {
    Unit.YEARS: Fraction(12),
    Unit.MONTHS: Fraction(1),
    Unit.WEEKS: Fraction(12, 52),
    Unit.DAYS: Fraction(12, 364),
}

# No sentence or order handled here is longer; the cap also keeps date arithmetic inside the calendar.
MAX_MONTHS = Fraction(1200)

_SINGULAR = {Unit.DAYS: "day", Unit.WEEKS: "week", Unit.MONTHS: "month", Unit.YEARS: "year"}
_UNIT_WORDS = {
    "d": Unit.DAYS, "day": Unit.DAYS, "days": Unit.DAYS,
    "w": Unit.WEEKS, "wk": Unit.WEEKS, "wks": Unit.WEEKS, "week": Unit.WEEKS, "weeks": Unit.WEEKS,
    "m": Unit.MONTHS, "mo": Unit.MONTHS, "month": Unit.MONTHS, "months": Unit.MONTHS,
    "y": Unit.YEARS, "yr": Unit.YEARS, "yrs": Unit.YEARS, "year": Unit.YEARS, "years": Unit.YEARS,
}  # fmt: skip
_PART = re.compile(r"\s*(\d{1,5})\s*([a-z]+)\s*")
DURATION_HELP = (
    "a length such as '26w', '18m', '2y', '14d', '1y6m' or '18 months' "
    "(years and months may be combined, and weeks and days, but not months with weeks)"
)


@dataclass(frozen=True, slots=True)
class Duration:
    """A whole number of one unit, as a court would pronounce it."""

    amount: int
    unit: Unit

    def __post_init__(self) -> None:
        if isinstance(self.amount, bool) or not isinstance(self.amount, int) or self.amount < 0:
            raise ValueError("a duration is a whole number, zero or more")
        if self.in_months() > MAX_MONTHS:
            raise ValueError("a duration may not exceed 100 years")

    @classmethod
    def years(cls, amount: int) -> Duration:
        return cls(amount, Unit.YEARS)

    @classmethod
    def months(cls, amount: int) -> Duration:
        return cls(amount, Unit.MONTHS)

    @classmethod
    def weeks(cls, amount: int) -> Duration:
        return cls(amount, Unit.WEEKS)

    @classmethod
    def days(cls, amount: int) -> Duration:
        return cls(amount, Unit.DAYS)

    def in_months(self) -> Fraction:
        """Length in months under the 12 months = 52 weeks = 364 days convention."""
        return self.amount * MONTHS_PER_UNIT[self.unit]

    def to_json(self) -> str:
        return f"{self.amount}{self.unit.value}"

    def text(self) -> str:
        word = _SINGULAR[self.unit]
        return f"{self.amount} {word}" if self.amount == 1 else f"{self.amount} {word}s"

    def __str__(self) -> str:
        return self.text()

    @classmethod
    def parse(cls, text: str) -> Duration:
        """Read '18m', '26 weeks', '1y6m'; raise ValueError saying what is accepted."""
        cleaned = text.strip().lower()
        if not cleaned or len(cleaned) > 40:
            raise ValueError(f"expected {DURATION_HELP}")
        parts: list[tuple[int, Unit]] = []
        position = 0
        while position < len(cleaned):
            match = _PART.match(cleaned, position)
            if match is None or match.group(2) not in _UNIT_WORDS:
                raise ValueError(f"could not read {text!r}: expected {DURATION_HELP}")
            parts.append((int(match.group(1)), _UNIT_WORDS[match.group(2)]))
            position = match.end()
        units = {unit for _, unit in parts}
        if len(units) != len(parts):
            raise ValueError(f"could not read {text!r}: a unit is repeated")
        if units & {Unit.YEARS, Unit.MONTHS} and units & {Unit.WEEKS, Unit.DAYS}:
            raise ValueError(f"could not read {text!r}: do not mix months or years with weeks or days")
        if len(parts) == 1:
            amount, unit = parts[0]
        elif units == {Unit.YEARS, Unit.MONTHS}:
            unit = Unit.MONTHS
            amount = sum(n * 12 if u is Unit.YEARS else n for n, u in parts)
        else:
            unit = Unit.DAYS
            amount = sum(n * 7 if u is Unit.WEEKS else n for n, u in parts)
        if amount == 0:
            raise ValueError(f"{text!r} is zero: a length must be more than zero")
        months = amount * MONTHS_PER_UNIT[unit]
        if months > MAX_MONTHS:
            raise ValueError(f"{text!r} is longer than the 100 years this calculator accepts")
        return cls(amount, unit)

    def scaled(self, factor: Fraction) -> tuple[Duration, bool]:
        """This length multiplied by `factor`, and whether the result is exact.

        The result keeps the original unit when it comes out whole, else the next smaller unit that
        does (years → months → weeks → days). If even days are not whole, it is rounded down to the
        whole day, so a reduction never leaves a longer term than the exact figure.
        """
        if factor < 0:
            raise ValueError("a length cannot be scaled by a negative factor")
        return from_months(self.in_months() * factor, largest=self.unit)


_UNITS_DOWN = (Unit.YEARS, Unit.MONTHS, Unit.WEEKS, Unit.DAYS)


def from_months(months: Fraction, largest: Unit = Unit.YEARS) -> tuple[Duration, bool]:
    """A length of `months` (convention above) in the largest whole unit from `largest` down, and
    whether it is exact; when even days are not whole it is rounded down to the whole day."""
    for unit in _UNITS_DOWN[_UNITS_DOWN.index(largest) :]:
        amount = months / MONTHS_PER_UNIT[unit]
        if amount.denominator == 1:
            return Duration(int(amount), unit), True
    return Duration(int(months / MONTHS_PER_UNIT[Unit.DAYS]), Unit.DAYS), False


def compare(left: Duration, right: Duration) -> int:
    """-1, 0 or 1 as `left` is shorter than, as long as, or longer than `right` (convention above)."""
    a, b = left.in_months(), right.in_months()
    return (a > b) - (a < b)
