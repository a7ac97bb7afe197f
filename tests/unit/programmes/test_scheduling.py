"""Planning a group's sessions (programmes.scheduling) on fixed dates: Easter, Christmas substitute
days and one-off holidays in all three regions, closures, the spec's gaps and placeholders."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from safeguard.programmes import catalogue
from safeguard.programmes.catalogue import SessionTemplate
from safeguard.programmes.scheduling import PlanError, Slot, check_slots, plan

MON, TUE, WED, THU, FRI = 0, 1, 2, 3, 4
EVENING = time(18, 0)


def group_sessions(count: int) -> list[SessionTemplate]:
    return [SessionTemplate(number=n, module=1, name=f"Session {n}", kind="group", minutes=150) for n in range(1, count + 1)]


def days_of(result):
    return [s.day for s in result.sessions if not s.placeholder]


def skipped_of(result):
    return [(s.day, s.reason) for s in result.skipped]


# --- Easter ------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("region", "expected", "skipped"),
    [
        # Easter Monday is a bank holiday in England and Wales and in Northern Ireland, not in Scotland.
        ("england-and-wales", [date(2026, 3, 30), date(2026, 4, 13), date(2026, 4, 20)], [(date(2026, 4, 6), "Easter Monday")]),
        ("northern-ireland", [date(2026, 3, 30), date(2026, 4, 13), date(2026, 4, 20)], [(date(2026, 4, 6), "Easter Monday")]),
        ("scotland", [date(2026, 3, 30), date(2026, 4, 6), date(2026, 4, 13)], []),
    ],
)
def test_a_monday_group_around_easter(region, expected, skipped):
    result = plan(sessions=group_sessions(3), start=date(2026, 3, 30), slots=[Slot(MON, EVENING)], region=region)
    assert days_of(result) == expected
    assert skipped_of(result) == skipped


@pytest.mark.parametrize("region", ["england-and-wales", "scotland", "northern-ireland"])
def test_good_friday_is_stepped_over_everywhere(region):
    result = plan(sessions=group_sessions(2), start=date(2026, 3, 27), slots=[Slot(FRI, EVENING)], region=region)
    assert days_of(result) == [date(2026, 3, 27), date(2026, 4, 10)]
    assert skipped_of(result) == [(date(2026, 4, 3), "Good Friday")]


# --- Christmas substitute days ----------------------------------------------------------------------

def test_christmas_2021_substitutes_in_england_and_wales():
    # Christmas Day and Boxing Day 2021 fell at the weekend: Monday 27 and Tuesday 28 were the
    # substitute days, and Monday 3 January 2022 the substitute for New Year's Day.
    result = plan(sessions=group_sessions(4), start=date(2021, 12, 20), slots=[Slot(MON, EVENING), Slot(TUE, EVENING)],
                  region="england-and-wales")
    assert days_of(result) == [date(2021, 12, 20), date(2021, 12, 21), date(2022, 1, 4), date(2022, 1, 10)]
    assert skipped_of(result) == [
        (date(2021, 12, 27), "Christmas Day (observed)"), (date(2021, 12, 28), "Boxing Day (observed)"),
        (date(2022, 1, 3), "New Year's Day (observed)"),
    ]


def test_christmas_2021_substitutes_in_scotland_add_the_second_of_january():
    result = plan(sessions=group_sessions(4), start=date(2021, 12, 20), slots=[Slot(MON, EVENING), Slot(TUE, EVENING)],
                  region="scotland")
    assert days_of(result) == [date(2021, 12, 20), date(2021, 12, 21), date(2022, 1, 10), date(2022, 1, 11)]
    assert (date(2022, 1, 4), "New Year Holiday (observed)") in skipped_of(result)


def test_boxing_day_2026_substitute_in_northern_ireland():
    result = plan(sessions=group_sessions(2), start=date(2026, 12, 21), slots=[Slot(MON, EVENING)], region="northern-ireland")
    assert days_of(result) == [date(2026, 12, 21), date(2027, 1, 4)]
    assert skipped_of(result) == [(date(2026, 12, 28), "Boxing Day (observed)")]


# --- One-off holidays -------------------------------------------------------------------------------

@pytest.mark.parametrize("region", ["england-and-wales", "scotland", "northern-ireland"])
def test_the_state_funeral_and_the_coronation_are_stepped_over(region):
    funeral = plan(sessions=group_sessions(2), start=date(2022, 9, 12), slots=[Slot(MON, EVENING)], region=region)
    assert days_of(funeral) == [date(2022, 9, 12), date(2022, 9, 26)]
    assert skipped_of(funeral) == [(date(2022, 9, 19), "State Funeral of Queen Elizabeth II")]
    coronation = plan(sessions=group_sessions(2), start=date(2023, 5, 8), slots=[Slot(MON, EVENING)], region=region)
    assert days_of(coronation) == [date(2023, 5, 15), date(2023, 5, 22)]
    assert skipped_of(coronation) == [(date(2023, 5, 8), "Coronation of Charles III")]


@pytest.mark.parametrize("region", ["england-and-wales", "scotland", "northern-ireland"])
def test_the_platinum_jubilee_thursday_and_friday(region):
    result = plan(sessions=group_sessions(2), start=date(2022, 6, 1), slots=[Slot(THU, EVENING), Slot(FRI, EVENING)],
                  region=region)
    assert days_of(result) == [date(2022, 6, 9), date(2022, 6, 10)]
    assert skipped_of(result) == [(date(2022, 6, 2), "Spring Bank Holiday"), (date(2022, 6, 3), "Platinum Jubilee of Elizabeth II")]


@pytest.mark.parametrize(
    ("region", "day", "name"),
    [("northern-ireland", date(2026, 3, 17), "Saint Patrick's Day"), ("scotland", date(2026, 11, 30), "Saint Andrew's Day"),
     ("northern-ireland", date(2026, 7, 13), "Battle of the Boyne (observed)")],
)
def test_regional_days_are_stepped_over_only_in_their_region(region, day, name):
    weekday = day.weekday()
    here = plan(sessions=group_sessions(1), start=day, slots=[Slot(weekday, EVENING)], region=region)
    assert days_of(here) == [day + timedelta(days=7)] and skipped_of(here) == [(day, name)]
    england = plan(sessions=group_sessions(1), start=day, slots=[Slot(weekday, EVENING)], region="england-and-wales")
    assert days_of(england) == [day]


def test_a_closure_is_stepped_over_like_a_holiday_and_a_holiday_wins_when_both():
    result = plan(sessions=group_sessions(3), start=date(2026, 3, 30), slots=[Slot(MON, EVENING)], region="england-and-wales",
                  closures={date(2026, 4, 13), date(2026, 4, 6)})
    assert days_of(result) == [date(2026, 3, 30), date(2026, 4, 20), date(2026, 4, 27)]
    assert skipped_of(result) == [(date(2026, 4, 6), "Easter Monday"), (date(2026, 4, 13), "closure")]


# --- The spec's gaps and placeholders ---------------------------------------------------------------

def building_choices():
    found = catalogue.get("building-choices-moderate")
    assert found is not None
    return found


def test_building_choices_waits_three_weeks_after_the_pre_group_session_and_six_before_the_review():
    template = building_choices()
    start = date(2026, 1, 5)  # a Monday
    result = plan(sessions=template.sessions, start=start, slots=[Slot(MON, EVENING), Slot(WED, EVENING), Slot(THU, EVENING)],
                  region="england-and-wales", gap_after_pre_group=timedelta(days=21), gap_before_review=timedelta(days=42))
    planned = list(result.sessions)
    assert len(planned) == 27
    pre, review = planned[0], planned[-1]
    assert (pre.template.stage, pre.placeholder, pre.day) == ("pre_group", True, start)
    groups = [p for p in planned if p.template.kind == "group"]
    assert len(groups) == 21 and not any(p.placeholder for p in groups)
    assert groups[0].day == date(2026, 1, 26)  # the first slot on or after 5 January + 21 days
    assert all(g.start == EVENING for g in groups)
    assert [g.day for g in groups] == sorted(g.day for g in groups) and len({g.day for g in groups}) == 21
    assert (review.template.stage, review.placeholder, review.day) == ("review", True, groups[-1].day + timedelta(days=42))
    # The one-to-ones between modules are placeholders, bookable from the day after the module's last session.
    middle = [p for p in planned[1:-1] if p.template.kind == "one_to_one"]
    assert len(middle) == 4 and all(p.placeholder and p.start is None for p in middle)
    for placeholder in middle:
        before = [g for g in groups if g.template.number < placeholder.template.number][-1]
        assert placeholder.day == before.day + timedelta(days=1)


def test_rescheduling_measures_the_gaps_from_sessions_already_held():
    template = building_choices()
    remaining = [s for s in template.sessions if s.number >= 2]  # the pre-group one-to-one is held
    result = plan(sessions=remaining, start=date(2026, 1, 6), slots=[Slot(TUE, EVENING)], region="england-and-wales",
                  pre_group_on=date(2026, 1, 5))
    first_group = next(p for p in result.sessions if p.template.kind == "group")
    assert first_group.day == date(2026, 1, 27)
    later = plan(sessions=[template.sessions[-1]], start=date(2026, 6, 1), slots=[Slot(TUE, EVENING)],
                 region="england-and-wales", last_group_on=date(2026, 6, 2))
    assert later.sessions[0].day == date(2026, 7, 14) and later.sessions[0].placeholder


def test_an_individual_programme_books_every_one_to_one_into_the_slots():
    template = catalogue.get("individual-therapy")
    assert template is not None
    result = plan(sessions=template.sessions, start=date(2026, 3, 30), slots=[Slot(MON, time(10, 0))],
                  region="england-and-wales", individual=True)
    assert not any(p.placeholder for p in result.sessions)
    assert [p.day for p in result.sessions][:3] == [date(2026, 3, 30), date(2026, 4, 13), date(2026, 4, 20)]
    assert len(result.sessions) == 12


@pytest.mark.parametrize(
    ("slots", "code"),
    [([], "required"), ([Slot(MON, EVENING), Slot(MON, time(10, 0))], "duplicate"), ([Slot(7, EVENING)], "invalid")],
)
def test_bad_slots_are_refused_naming_the_field(slots, code):
    with pytest.raises(PlanError) as refused:
        check_slots(slots)
    assert (refused.value.field, refused.value.code) == ("slots", code)
