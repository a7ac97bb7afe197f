"""Bank holidays by region, checked against the dates GOV.UK publishes for each nation."""

from __future__ import annotations

from datetime import date

import pytest

from safeguard.calendar.bank_holidays import (
    FIRST_YEAR,
    LAST_YEAR,
    OutsideKnownYears,
    Region,
    bank_holidays,
    holiday_name,
    is_bank_holiday,
)

EW, SCOT, NI = Region.ENGLAND_AND_WALES, Region.SCOTLAND, Region.NORTHERN_IRELAND
ALL = (EW, SCOT, NI)


@pytest.mark.parametrize("region", ALL)
@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2022, 9, 19), "State Funeral of Queen Elizabeth II"),
        (date(2023, 5, 8), "Coronation of Charles III"),
        (date(2022, 6, 3), "Platinum Jubilee of Elizabeth II"),
        (date(2022, 6, 2), "Spring Bank Holiday"),  # moved from the last Monday of May that year
    ],
)
def test_one_off_days_in_every_region(region: Region, day: date, name: str) -> None:
    assert holiday_name(region, day) == name


def test_the_moved_spring_bank_holiday_left_its_usual_monday() -> None:
    assert not is_bank_holiday(EW, date(2022, 5, 30))


@pytest.mark.parametrize("region", ALL)
def test_christmas_2021_on_a_weekend_gives_two_substitute_days(region: Region) -> None:
    assert holiday_name(region, date(2021, 12, 27)) == "Christmas Day (observed)"
    assert holiday_name(region, date(2021, 12, 28)) == "Boxing Day (observed)"


@pytest.mark.parametrize("region", ALL)
def test_christmas_2022_on_a_sunday_is_made_up_on_the_tuesday(region: Region) -> None:
    assert holiday_name(region, date(2022, 12, 26)) == "Boxing Day"
    assert holiday_name(region, date(2022, 12, 27)) == "Christmas Day (observed)"
    assert not is_bank_holiday(region, date(2022, 12, 28))


def test_a_holiday_on_a_weekend_keeps_its_own_date_too() -> None:
    assert holiday_name(EW, date(2021, 12, 25)) == "Christmas Day"


def test_easter_2023() -> None:
    assert holiday_name(EW, date(2023, 4, 7)) == "Good Friday"
    assert holiday_name(EW, date(2023, 4, 10)) == "Easter Monday"
    assert holiday_name(NI, date(2023, 4, 10)) == "Easter Monday"
    assert holiday_name(SCOT, date(2023, 4, 7)) == "Good Friday"
    assert not is_bank_holiday(SCOT, date(2023, 4, 10))  # Scotland has no Easter Monday


def test_scotland_has_2_january_st_andrews_day_and_an_early_summer_holiday() -> None:
    assert holiday_name(SCOT, date(2024, 1, 2)) == "New Year Holiday"
    assert holiday_name(SCOT, date(2023, 11, 30)) == "Saint Andrew's Day"
    assert holiday_name(SCOT, date(2024, 12, 2)) == "Saint Andrew's Day (observed)"  # 30 Nov 2024 was a Saturday
    assert holiday_name(SCOT, date(2023, 8, 7)) == "Summer Bank Holiday"
    assert not is_bank_holiday(SCOT, date(2023, 8, 28))
    for region in (EW, NI):
        assert not is_bank_holiday(region, date(2024, 1, 2))
        assert not is_bank_holiday(region, date(2023, 11, 30))
        assert holiday_name(region, date(2023, 8, 28)) == "Late Summer Bank Holiday"


def test_scotland_new_year_2023_joins_two_holidays_on_one_day() -> None:
    assert holiday_name(SCOT, date(2023, 1, 2)) == "New Year Holiday; New Year's Day (observed)"
    assert holiday_name(SCOT, date(2023, 1, 3)) == "New Year Holiday (observed)"


def test_northern_ireland_has_st_patricks_day_and_12_july() -> None:
    assert holiday_name(NI, date(2023, 3, 17)) == "Saint Patrick's Day"
    assert holiday_name(NI, date(2024, 3, 18)) == "Saint Patrick's Day (observed)"  # the 17th was a Sunday
    assert holiday_name(NI, date(2023, 7, 12)) == "Battle of the Boyne"
    assert holiday_name(NI, date(2025, 7, 14)) == "Battle of the Boyne (observed)"
    for region in (EW, SCOT):
        assert not is_bank_holiday(region, date(2023, 3, 17))
        assert not is_bank_holiday(region, date(2023, 7, 12))


def test_2023_in_england_and_wales_in_full() -> None:
    found = [(b.day, b.name) for b in bank_holidays(EW, date(2023, 1, 1), date(2023, 12, 31))]
    weekdays = [day for day, _ in found if day.weekday() < 5]
    # GOV.UK lists nine for 2023 (its list leaves out New Year's Day itself, a Sunday).
    assert weekdays == [
        date(2023, 1, 2), date(2023, 4, 7), date(2023, 4, 10), date(2023, 5, 1), date(2023, 5, 8),
        date(2023, 5, 29), date(2023, 8, 28), date(2023, 12, 25), date(2023, 12, 26),
    ]  # fmt: skip
    assert found == sorted(found)


def test_regions_are_accepted_by_their_names() -> None:
    assert is_bank_holiday("scotland", date(2024, 1, 2))
    with pytest.raises(ValueError, match="wales"):
        holiday_name("wales", date(2024, 1, 2))


def test_a_range_across_years_and_an_empty_range() -> None:
    found = bank_holidays(NI, date(2022, 12, 20), date(2023, 1, 5))
    assert [b.day for b in found] == [date(2022, 12, 25), date(2022, 12, 26), date(2022, 12, 27), date(2023, 1, 1), date(2023, 1, 2)]
    assert all(b.region is NI for b in found)
    assert bank_holidays(EW, date(2023, 1, 5), date(2023, 1, 1)) == []


def test_years_without_known_holidays_are_refused_not_guessed() -> None:
    with pytest.raises(OutsideKnownYears, match=str(LAST_YEAR)):
        holiday_name(EW, date(LAST_YEAR + 1, 1, 1))
    with pytest.raises(OutsideKnownYears):
        bank_holidays(EW, date(FIRST_YEAR - 1, 12, 1), date(FIRST_YEAR, 1, 31))
