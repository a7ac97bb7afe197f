"""Weekly session schedules around bank holidays and closures: fixed dates and properties."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safeguard.calendar.bank_holidays import Region, holiday_name
from safeguard.calendar.schedules import CLOSURE, SkippedSlot, weekly_sessions

EW, SCOT, NI = Region.ENGLAND_AND_WALES, Region.SCOTLAND, Region.NORTHERN_IRELAND
MON, TUE, WED, THU, FRI, SAT, SUN = range(7)


def test_a_monday_group_over_easter_2023() -> None:
    schedule = weekly_sessions(start=date(2023, 3, 27), weekdays=[MON], sessions=3, region=EW)
    assert schedule.dates == (date(2023, 3, 27), date(2023, 4, 3), date(2023, 4, 17))
    assert schedule.skipped == (SkippedSlot(date(2023, 4, 10), "Easter Monday"),)


def test_the_same_group_in_scotland_meets_on_easter_monday() -> None:
    schedule = weekly_sessions(start=date(2023, 3, 27), weekdays=[MON], sessions=3, region=SCOT)
    assert schedule.dates == (date(2023, 3, 27), date(2023, 4, 3), date(2023, 4, 10))
    assert schedule.skipped == ()


def test_a_good_friday_group_everywhere() -> None:
    for region in Region:
        schedule = weekly_sessions(start=date(2023, 4, 7), weekdays=[FRI], sessions=1, region=region)
        assert schedule.dates == (date(2023, 4, 14),)
        assert schedule.skipped == (SkippedSlot(date(2023, 4, 7), "Good Friday"),)


def test_christmas_2021_substitutes_move_a_monday_and_tuesday_group() -> None:
    schedule = weekly_sessions(start=date(2021, 12, 20), weekdays=[MON, TUE], sessions=4, region=EW)
    assert schedule.dates == (date(2021, 12, 20), date(2021, 12, 21), date(2022, 1, 4), date(2022, 1, 10))
    assert schedule.skipped == (
        SkippedSlot(date(2021, 12, 27), "Christmas Day (observed)"),
        SkippedSlot(date(2021, 12, 28), "Boxing Day (observed)"),
        SkippedSlot(date(2022, 1, 3), "New Year's Day (observed)"),
    )


def test_christmas_2022_boxing_day_and_the_tuesday_substitute() -> None:
    for region in Region:
        schedule = weekly_sessions(start=date(2022, 12, 26), weekdays=[MON, TUE], sessions=2, region=region)
        assert [s.day for s in schedule.skipped][:2] == [date(2022, 12, 26), date(2022, 12, 27)]
    # In Scotland 2 and 3 January 2023 are holidays too; elsewhere only the 2nd.
    assert weekly_sessions(start=date(2022, 12, 26), weekdays=[MON, TUE], sessions=2, region=EW).dates == (
        date(2023, 1, 3), date(2023, 1, 9)
    )
    assert weekly_sessions(start=date(2022, 12, 26), weekdays=[MON, TUE], sessions=2, region=SCOT).dates == (
        date(2023, 1, 9), date(2023, 1, 10)
    )


@pytest.mark.parametrize("region", list(Region))
def test_the_state_funeral_and_the_coronation_move_a_monday_group(region: Region) -> None:
    funeral = weekly_sessions(start=date(2022, 9, 12), weekdays=[MON], sessions=2, region=region)
    assert funeral.dates == (date(2022, 9, 12), date(2022, 9, 26))
    assert funeral.skipped == (SkippedSlot(date(2022, 9, 19), "State Funeral of Queen Elizabeth II"),)
    coronation = weekly_sessions(start=date(2023, 5, 1), weekdays=[MON], sessions=2, region=region)
    # 1 May 2023 was the early May bank holiday, 8 May the coronation.
    assert coronation.dates == (date(2023, 5, 15), date(2023, 5, 22))
    assert [s.reason for s in coronation.skipped] == ["May Day", "Coronation of Charles III"]


def test_scotland_st_andrews_day_and_2_january() -> None:
    schedule = weekly_sessions(start=date(2023, 11, 30), weekdays=[THU], sessions=1, region=SCOT)
    assert schedule.skipped == (SkippedSlot(date(2023, 11, 30), "Saint Andrew's Day"),)
    assert schedule.dates == (date(2023, 12, 7),)
    tuesday = weekly_sessions(start=date(2024, 1, 2), weekdays=[TUE], sessions=1, region=SCOT)
    assert tuesday.dates == (date(2024, 1, 9),)
    assert weekly_sessions(start=date(2024, 1, 2), weekdays=[TUE], sessions=1, region=EW).dates == (date(2024, 1, 2),)


def test_northern_ireland_st_patricks_day_and_12_july() -> None:
    patrick = weekly_sessions(start=date(2023, 3, 17), weekdays=[FRI], sessions=1, region=NI)
    assert patrick.skipped == (SkippedSlot(date(2023, 3, 17), "Saint Patrick's Day"),)
    boyne = weekly_sessions(start=date(2023, 7, 12), weekdays=[WED], sessions=1, region=NI)
    assert boyne.dates == (date(2023, 7, 19),)
    assert boyne.skipped == (SkippedSlot(date(2023, 7, 12), "Battle of the Boyne"),)
    assert weekly_sessions(start=date(2023, 7, 12), weekdays=[WED], sessions=1, region=EW).dates == (date(2023, 7, 12),)


def test_a_weekend_holiday_skips_a_weekend_session() -> None:
    schedule = weekly_sessions(start=date(2021, 12, 25), weekdays=[SAT], sessions=1, region=EW)
    # 1 January 2022, New Year's Day, was a Saturday too.
    assert schedule.skipped == (
        SkippedSlot(date(2021, 12, 25), "Christmas Day"),
        SkippedSlot(date(2022, 1, 1), "New Year's Day"),
    )
    assert schedule.dates == (date(2022, 1, 8),)


def test_closures_skip_like_a_holiday_and_a_holiday_wins_the_reason() -> None:
    schedule = weekly_sessions(
        start=date(2023, 6, 5), weekdays=[MON], sessions=2, region=EW,
        closures=[date(2023, 6, 12), date(2023, 8, 28), date(2023, 6, 1)],
    )
    assert schedule.dates == (date(2023, 6, 5), date(2023, 6, 19))
    assert schedule.skipped == (SkippedSlot(date(2023, 6, 12), CLOSURE),)
    both = weekly_sessions(start=date(2023, 8, 28), weekdays=[MON], sessions=1, region=EW, closures=[date(2023, 8, 28)])
    assert both.skipped == (SkippedSlot(date(2023, 8, 28), "Late Summer Bank Holiday"),)


def test_skipped_stops_at_the_last_session() -> None:
    # 17 April is the last session; the Monday after it is not reported even if closed.
    schedule = weekly_sessions(
        start=date(2023, 4, 3), weekdays=[MON], sessions=2, region=EW, closures=[date(2023, 4, 24)]
    )
    assert schedule.dates[-1] == date(2023, 4, 17)
    assert [s.day for s in schedule.skipped] == [date(2023, 4, 10)]


def test_the_start_date_counts_only_on_a_weekday_of_the_group() -> None:
    schedule = weekly_sessions(start=date(2023, 6, 7), weekdays=[MON, FRI], sessions=2, region=EW)
    assert schedule.dates == (date(2023, 6, 9), date(2023, 6, 12))


@pytest.mark.parametrize(
    ("weekdays", "sessions", "message"),
    [([], 1, "at least one weekday"), ([7], 1, "0 .Monday. to 6"), ([MON], 0, "at least one session")],
)
def test_impossible_requests_are_refused(weekdays: list[int], sessions: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        weekly_sessions(start=date(2023, 1, 2), weekdays=weekdays, sessions=sessions)


@given(
    start=st.dates(min_value=date(2000, 1, 1), max_value=date(2080, 12, 31)),
    weekdays=st.sets(st.integers(min_value=0, max_value=6), min_size=1),
    sessions=st.integers(min_value=1, max_value=200),
    region=st.sampled_from(list(Region)),
    closure_offsets=st.sets(st.integers(min_value=0, max_value=400), max_size=30),
)
def test_schedule_properties(
    start: date, weekdays: set[int], sessions: int, region: Region, closure_offsets: set[int]
) -> None:
    closures = {start + timedelta(days=n) for n in closure_offsets}
    schedule = weekly_sessions(start=start, weekdays=weekdays, sessions=sessions, region=region, closures=closures)
    dates = schedule.dates
    assert len(dates) == sessions
    assert list(dates) == sorted(set(dates))
    assert all(d >= start and d.weekday() in weekdays for d in dates)
    assert all(holiday_name(region, d) is None and d not in closures for d in dates)
    # Every slot from the start to the last session is either a session or skipped, never both or neither.
    slots = [start + timedelta(days=n) for n in range((dates[-1] - start).days + 1)]
    slots = [d for d in slots if d.weekday() in weekdays]
    skipped = [s.day for s in schedule.skipped]
    assert sorted([*dates, *skipped]) == slots
    for slot in schedule.skipped:
        assert slot.reason == (holiday_name(region, slot.day) or CLOSURE)
