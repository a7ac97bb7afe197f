"""Date arithmetic for legal periods: calendar months, 29 February, periods beginning with a date, ages."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safeguard.calendar.dates import (
    add_duration,
    add_months,
    add_years,
    age_on,
    last_day_within,
    period_last_day,
)
from safeguard.calendar.durations import Duration

dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2800, 12, 31))


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2025, 3, 31), -1, date(2025, 2, 28)),
        (date(2025, 12, 15), 1, date(2026, 1, 15)),
        (date(2025, 1, 15), -13, date(2023, 12, 15)),
    ],
)
def test_add_months_lands_on_corresponding_day_or_month_end(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


def test_adding_a_year_to_29_february() -> None:
    assert add_years(date(2024, 2, 29), 1) == date(2025, 2, 28)
    assert add_years(date(2024, 2, 29), 4) == date(2028, 2, 29)


@pytest.mark.parametrize(
    ("start", "length", "last"),
    [
        (date(2025, 3, 1), Duration.years(5), date(2030, 2, 28)),
        (date(2024, 2, 29), Duration.years(2), date(2026, 2, 28)),
        (date(2024, 3, 1), Duration.years(2), date(2026, 2, 28)),
        (date(2025, 1, 31), Duration.months(1), date(2025, 2, 28)),
        (date(2025, 1, 28), Duration.months(1), date(2025, 2, 27)),
        (date(2025, 3, 1), Duration.months(18), date(2026, 8, 31)),
        (date(2025, 1, 1), Duration.days(3), date(2025, 1, 3)),
        (date(2025, 1, 1), Duration.weeks(1), date(2025, 1, 7)),
    ],
)
def test_period_beginning_with_a_date_counts_it_as_day_one(start: date, length: Duration, last: date) -> None:
    assert period_last_day(start, length) == last


def test_deadline_within_days_counts_the_start_day() -> None:
    assert last_day_within(date(2025, 3, 1), 3) == date(2025, 3, 3)
    with pytest.raises(ValueError):
        last_day_within(date(2025, 3, 1), 0)


def test_age_on_birthday_and_day_before() -> None:
    born = date(2007, 3, 1)
    assert age_on(born, date(2025, 2, 28)) == 17
    assert age_on(born, date(2025, 3, 1)) == 18
    leap = date(2008, 2, 29)
    assert age_on(leap, date(2026, 2, 27)) == 17
    assert age_on(leap, date(2026, 2, 28)) == 18
    with pytest.raises(ValueError):
        age_on(born, date(2000, 1, 1))


def test_add_duration_backwards() -> None:
    assert add_duration(date(2025, 3, 31), Duration.months(1), sign=-1) == date(2025, 2, 28)
    with pytest.raises(ValueError):
        add_duration(date(2025, 3, 31), Duration.months(1), sign=2)


@given(dates, st.integers(-1200, 1200))
def test_add_months_moves_exactly_n_calendar_months(day: date, months: int) -> None:
    moved = add_months(day, months)
    assert (moved.year * 12 + moved.month) - (day.year * 12 + day.month) == months
    assert moved.day <= day.day
    if moved.day < day.day:  # clipped only at a month end
        assert (moved + timedelta(days=1)).month != moved.month


@given(dates, st.integers(-100, 100))
def test_years_are_twelve_months(day: date, years: int) -> None:
    assert add_years(day, years) == add_months(day, 12 * years)


@given(dates.filter(lambda d: d.day <= 28), st.integers(-1200, 1200))
def test_round_trip_when_no_clipping(day: date, months: int) -> None:
    assert add_months(add_months(day, months), -months) == day


@given(dates, dates, st.integers(0, 1200))
def test_add_months_is_monotonic(first: date, second: date, months: int) -> None:
    low, high = sorted((first, second))
    assert add_months(low, months) <= add_months(high, months)


@given(dates, st.integers(1, 100))
def test_age_reaches_n_on_the_nth_birthday(born: date, years: int) -> None:
    birthday = add_years(born, years)
    assert age_on(born, birthday) == years
    assert age_on(born, birthday - timedelta(days=1)) == years - 1


@given(dates, st.integers(1, 1200))
def test_period_ends_the_day_before_the_corresponding_date(start: date, months: int) -> None:
    last = period_last_day(start, Duration.months(months))
    corresponding = add_months(start, months)
    assert start <= last <= corresponding
    if corresponding.day == start.day:
        assert last == corresponding - timedelta(days=1)
    else:  # no corresponding date: the period fills the shorter month
        assert last == corresponding and (last + timedelta(days=1)).day == 1


@given(dates, st.integers(1, 1199))
def test_longer_periods_end_later(start: date, months: int) -> None:
    assert period_last_day(start, Duration.months(months)) < period_last_day(
        start, Duration.months(months + 1)
    )


@given(dates.filter(lambda d: d.day == 1), st.integers(1, 1200))
def test_periods_beginning_on_the_first_fill_whole_months(start: date, months: int) -> None:
    last = period_last_day(start, Duration.months(months))
    assert (last + timedelta(days=1)).day == 1
    assert (last.year * 12 + last.month) - (start.year * 12 + start.month) == months - 1


@given(dates, st.integers(1, 100))
def test_year_and_month_periods_agree(start: date, years: int) -> None:
    assert period_last_day(start, Duration.years(years)) == period_last_day(
        start, Duration.months(12 * years)
    )


@given(dates, st.integers(1, 5000))
def test_day_periods_are_simple(start: date, days: int) -> None:
    assert period_last_day(start, Duration.days(days)) == start + timedelta(days=days - 1)
