"""Lengths: parsing, the 12 months = 52 weeks = 364 days comparison convention, and scaling."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safeguard.calendar.durations import Duration, Unit, compare


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("18m", Duration.months(18)),
        ("26w", Duration.weeks(26)),
        ("2y", Duration.years(2)),
        ("14d", Duration.days(14)),
        ("18 months", Duration.months(18)),
        ("1 year", Duration.years(1)),
        ("1y6m", Duration.months(18)),
        ("2 years 6 months", Duration.months(30)),
        ("1w3d", Duration.days(10)),
        (" 26 Weeks ", Duration.weeks(26)),
    ],
)
def test_parse_accepts_court_lengths(text: str, expected: Duration) -> None:
    assert Duration.parse(text) == expected


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "expected a length"),
        ("18", "could not read"),
        ("18 fortnights", "could not read"),
        ("1m2w", "do not mix"),
        ("1y1y", "repeated"),
        ("0m", "zero"),
        ("101y", "100 years"),
        ("x" * 50, "expected a length"),
    ],
)
def test_parse_refuses_with_explanation(text: str, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        Duration.parse(text)


def test_convention_makes_26_weeks_equal_6_months() -> None:
    assert compare(Duration.weeks(26), Duration.months(6)) == 0
    assert compare(Duration.weeks(27), Duration.months(6)) == 1
    assert compare(Duration.weeks(130), Duration.months(30)) == 0
    assert compare(Duration.days(364), Duration.years(1)) == 0
    assert compare(Duration.days(14), Duration.weeks(2)) == 0
    assert compare(Duration.months(25), Duration.years(2)) == 1


def test_text_and_json() -> None:
    assert Duration.years(1).text() == "1 year"
    assert Duration.months(18).text() == "18 months"
    assert Duration.weeks(26).to_json() == "26w"


@pytest.mark.parametrize(
    ("length", "factor", "expected", "exact"),
    [
        (Duration.months(9), Fraction(2, 3), Duration.months(6), True),
        (Duration.years(1), Fraction(3, 4), Duration.months(9), True),
        (Duration.years(3), Fraction(2, 3), Duration.years(2), True),
        (Duration.years(5), Fraction(2, 3), Duration.months(40), True),
        (Duration.months(12), Fraction(3, 4), Duration.months(9), True),
        (Duration.months(3), Fraction(1), Duration.months(3), True),
        # 26 weeks x 2/3 = 17 1/3 weeks = 121 1/3 days -> rounded down to 121 days.
        (Duration.weeks(26), Fraction(2, 3), Duration.days(121), False),
        (Duration.weeks(39), Fraction(2, 3), Duration.weeks(26), True),
    ],
)
def test_scaled_keeps_unit_when_whole_and_rounds_down_otherwise(
    length: Duration, factor: Fraction, expected: Duration, exact: bool
) -> None:
    assert length.scaled(factor) == (expected, exact)


def test_duration_rejects_negative_and_bool() -> None:
    with pytest.raises(ValueError):
        Duration(-1, Unit.DAYS)
    with pytest.raises(ValueError):
        Duration(True, Unit.DAYS)


@given(st.integers(1, 1200), st.sampled_from(list(Unit)))
def test_json_round_trip(amount: int, unit: Unit) -> None:
    months = amount * {"d": Fraction(12, 364), "w": Fraction(12, 52), "m": 1, "y": 12}[unit.value]
    if months > 1200:
        return
    length = Duration(amount, unit)
    assert Duration.parse(length.to_json()) == length


@given(st.integers(1, 600), st.fractions(min_value=0, max_value=1, max_denominator=20))
def test_scaling_never_lengthens_and_is_close(months: int, factor: Fraction) -> None:
    length = Duration.months(months)
    scaled, exact = length.scaled(factor)
    assert scaled.in_months() <= length.in_months() * factor
    # rounding loses less than a day
    assert length.in_months() * factor - scaled.in_months() < Fraction(12, 364)
    assert exact == (scaled.in_months() == length.in_months() * factor)
