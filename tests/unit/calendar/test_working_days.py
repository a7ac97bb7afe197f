"""Working-day arithmetic: Monday to Friday, not a bank holiday of the region, not a closure."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from safeguard.calendar.bank_holidays import Region, is_bank_holiday
from safeguard.calendar.working_days import (
    add_working_days,
    is_working_day,
    next_working_day,
    working_days_between,
)

EW, SCOT, NI = Region.ENGLAND_AND_WALES, Region.SCOTLAND, Region.NORTHERN_IRELAND
days = st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31))
regions = st.sampled_from(list(Region))


def test_three_working_days_over_christmas_2023() -> None:
    assert add_working_days(date(2023, 12, 22), 3, EW) == date(2023, 12, 29)


def test_the_same_count_differs_by_region() -> None:
    # Tuesday 2 January 2024 is a bank holiday in Scotland only.
    assert add_working_days(date(2023, 12, 29), 1, EW) == date(2024, 1, 2)
    assert add_working_days(date(2023, 12, 29), 1, SCOT) == date(2024, 1, 3)
    # 17 March 2023 (Friday) only in Northern Ireland.
    assert add_working_days(date(2023, 3, 16), 1, NI) == date(2023, 3, 20)
    assert add_working_days(date(2023, 3, 16), 1, EW) == date(2023, 3, 17)


def test_counting_back_and_zero() -> None:
    assert add_working_days(date(2023, 1, 3), -1, EW) == date(2022, 12, 30)
    assert add_working_days(date(2023, 1, 7), 0, EW) == date(2023, 1, 7)


def test_closures_are_not_working_days() -> None:
    closed = {date(2023, 6, 14)}
    assert not is_working_day(date(2023, 6, 14), EW, closures=closed)
    assert add_working_days(date(2023, 6, 13), 1, EW, closures=closed) == date(2023, 6, 15)
    assert next_working_day(date(2023, 6, 14), EW, closures=closed) == date(2023, 6, 15)


def test_next_working_day_after_the_coronation_weekend() -> None:
    assert next_working_day(date(2023, 5, 6), EW) == date(2023, 5, 9)
    assert next_working_day(date(2023, 5, 9), EW) == date(2023, 5, 9)


def test_working_days_between() -> None:
    assert working_days_between(date(2022, 12, 23), date(2023, 1, 3), EW) == 4  # 28, 29, 30 December, 3 January
    assert working_days_between(date(2023, 1, 3), date(2022, 12, 23), EW) == 0


@given(days, st.integers(min_value=-60, max_value=60), regions)
def test_add_then_count_round_trips(start: date, count: int, region: Region) -> None:
    end = add_working_days(start, count, region)
    if count == 0:
        assert end == start
        return
    assert is_working_day(end, region)
    if count > 0:
        assert working_days_between(start, end, region) == count
    else:
        # The working days after `end` up to `start`: the |count| - 1 strictly between, and `start` itself.
        assert working_days_between(end, start, region) == -count - 1 + is_working_day(start, region)


@given(days, regions)
def test_next_working_day_is_the_first_one(day: date, region: Region) -> None:
    found = next_working_day(day, region)
    assert found >= day
    assert found.weekday() < 5 and not is_bank_holiday(region, found)
    probe = day
    while probe < found:
        assert not is_working_day(probe, region)
        probe += timedelta(days=1)
