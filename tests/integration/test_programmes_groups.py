"""Groups and schedules: sessions planned from the template around holidays and closures, facilitator
and room double booking refused with nothing saved, places and their limit, rescheduling that keeps
the past, catch-ups that move nothing, one-to-ones booked from their placeholders."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from safeguard.programmes import services
from safeguard.programmes.models import Group, GroupMember, Session, SessionFacilitator, WeeklySlot
from safeguard.programmes.scheduling import Slot
from tests import programmes_world as pwm

EASTER_MONDAY_WEEK = date(2027, 3, 23)  # a Tuesday: Easter Monday 2027 is 29 March, Good Friday 26 March


@pytest.fixture
def pw(world):
    return pwm.build(world)


def refused(function, **kwargs) -> tuple[str, str]:
    with pytest.raises(ValidationError) as caught:
        function(**kwargs)
    [(field, errors)] = caught.value.error_dict.items()
    return field, errors[0].code


def plan_days(group: Group) -> list[date]:
    return list(group.sessions.filter(placeholder=False, member__isnull=True).order_by("day").values_list("day", flat=True))


def test_a_group_is_planned_from_its_template_around_bank_holidays(pw):
    group = pwm.group(pw, start=date(2027, 3, 22), slots=(Slot(0, time(18, 0)),))  # Mondays from 22 March 2027
    assert group.sessions.count() == 12
    days = plan_days(group)
    assert date(2027, 3, 29) not in days and days[:2] == [date(2027, 3, 22), date(2027, 4, 5)]
    assert {"date": "2027-03-29", "reason": "Easter Monday"} in group.skipped
    first = group.sessions.order_by("day").first()
    assert timezone.localtime(first.starts_at).hour == 18
    assert (first.ends_at - first.starts_at) == timedelta(minutes=150)
    assert set(SessionFacilitator.objects.filter(session__group=group).values_list("user__username", flat=True)) == {"treat_prac"}
    assert list(WeeklySlot.objects.filter(group=group).values_list("weekday", "start_time")) == [(0, time(18, 0))]
    assert group.code.startswith("CIC-20270322-")


def test_the_sites_region_decides_the_holidays(pw):
    pw.site.region = "scotland"
    pw.site.save()
    group = pwm.group(pw, start=date(2027, 3, 22), slots=(Slot(0, time(18, 0)),))
    assert plan_days(group)[:2] == [date(2027, 3, 22), date(2027, 3, 29)]  # no Easter Monday in Scotland


def test_building_choices_has_placeholders_and_the_specs_gaps(pw):
    group = pwm.group(pw, start=date(2027, 1, 4), programme="building-choices-moderate",
                      slots=(Slot(0, time(10, 0)), Slot(2, time(10, 0))))
    sessions = list(group.sessions.order_by("number"))
    assert len(sessions) == 27
    placeholders = [s for s in sessions if s.placeholder]
    assert [s.number for s in placeholders] == [1, 4, 11, 16, 23, 27]
    assert all(s.starts_at is None and s.room is None for s in placeholders)
    first_group = min(s.day for s in sessions if s.kind == "group")
    assert first_group >= sessions[0].day + timedelta(days=21)
    last_group = max(s.day for s in sessions if s.kind == "group")
    assert sessions[-1].day == last_group + timedelta(days=42)


def test_a_room_booked_twice_is_refused_and_nothing_is_saved(pw):
    pwm.group(pw, start=date(2027, 4, 6))
    before = (Group.objects.count(), Session.objects.count(), SessionFacilitator.objects.count())
    field, code = refused(pwm.group, pw=pw, start=date(2027, 4, 13), facilitators=("treat_prac2",))
    assert (field, code) == ("room", "double_booked")
    assert (Group.objects.count(), Session.objects.count(), SessionFacilitator.objects.count()) == before


def test_a_facilitator_booked_twice_is_refused(pw):
    pwm.group(pw, start=date(2027, 4, 6))
    with pytest.raises(ValidationError) as caught:
        pwm.group(pw, start=date(2027, 4, 6), room=pw.room2, slots=(Slot(1, time(19, 0)),))
    assert caught.value.error_dict["facilitators"][0].code == "double_booked"
    assert "Treat_Prac already runs a session on Tuesday" not in str(caught.value)  # dates in words, no weekday needed
    assert "6 April 2027 at 18:00" in str(caught.value)
    # Another time of day is fine.
    pwm.group(pw, start=date(2027, 4, 6), room=pw.room2, slots=(Slot(1, time(10, 0)),))


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"start_date": date(2026, 6, 1)}, "start_date", "past"),
        ({"slots": ()}, "slots", "required"),
        ({"slots": (Slot(1, time(18, 0)), Slot(1, time(10, 0)))}, "slots", "duplicate"),
        ({"facilitators": ()}, "facilitators", "required"),
        ({"max_size": 40}, "max_size", "out_of_range"),
        ({"cohort": "nonsense"}, "cohort", "invalid"),
        ({"programme_id": "prevention-course"}, "partner_agency", "required"),
        ({"room": None}, "room", "invalid"),
        ({"start_date": date(2101, 1, 4)}, "start_date", "beyond_known_years"),
    ],
)
def test_bad_groups_are_refused_naming_the_field(pw, overrides, field, code):
    values = {"programme_id": "community-image-course", "site": pw.site, "room": pw.room, "start_date": date(2027, 4, 6),
              "slots": (Slot(1, time(18, 0)),), "facilitators": (pw.world.users["treat_prac"],), "cohort": "sexual_offence"}
    values.update(overrides)
    assert refused(services.group_create, actor=pw.actor("treat_sup"), today=date(2027, 1, 1),
                   data=services.GroupInput(**values)) == (field, code)
    assert not Group.objects.exists() and not Session.objects.exists()


def test_a_facilitator_must_work_for_the_provider(pw):
    values = {"programme_id": "community-image-course", "site": pw.site, "room": pw.room, "start_date": date(2027, 4, 6),
              "slots": (Slot(1, time(18, 0)),), "facilitators": (pw.world.users["prison_prac"],), "cohort": "sexual_offence"}
    assert refused(services.group_create, actor=pw.actor("treat_sup"), today=date(2027, 1, 1),
                   data=services.GroupInput(**values)) == ("facilitators", "invalid")


def test_places_are_limited_to_the_groups_size(pw):
    group = pwm.group(pw, start=pwm.past_start(1), max_size=2)
    pwm.members(pw, group, 2, start=False)
    third = pwm.referral(pw)
    assert refused(services.member_allocate, actor=pw.actor("treat_sup"), group=group, referral=third,
                   joined_on=group.start_date) == ("group", "full")
    assert GroupMember.objects.filter(group=group).count() == 2
    not_ready = pwm.referral(pw, state="awaiting_assessment")
    bigger = pwm.group(pw, start=pwm.past_start(1), room=pw.room2, facilitators=("treat_prac2",))
    assert refused(services.member_allocate, actor=pw.actor("treat_sup"), group=bigger, referral=not_ready,
                   joined_on=bigger.start_date) == ("referral", "not_suitable_yet")
    other_programme = pwm.referral(pw, programme="individual-therapy")
    assert refused(services.member_allocate, actor=pw.actor("treat_sup"), group=bigger, referral=other_programme,
                   joined_on=bigger.start_date) == ("referral", "other_programme")


def test_rescheduling_keeps_the_past_and_plans_the_rest_on_the_new_slots(pw):
    start = pwm.past_start(3)
    group = pwm.group(pw, start=start)
    [member] = pwm.members(pw, group, 1)
    held = list(group.sessions.filter(day__lt=timezone.localdate()).order_by("day"))
    services.register_take(actor=pw.actor("treat_prac"), session=held[0], outcomes={member.pk: "unacceptable_absence"},
                           now=timezone.now())
    catch_up_day = timezone.localdate() + timedelta(days=2)
    catch_up = services.catch_up_add(actor=pw.actor("treat_prac"), group=group, number=1, member=member, day=catch_up_day,
                                     start=time(9, 0), room=pw.room2)
    past = [(s.pk, s.day) for s in held]
    tomorrow = timezone.localdate() + timedelta(days=1)
    count = services.group_reschedule(actor=pw.actor("treat_sup"), group=group, from_date=tomorrow, today=timezone.localdate(),
                                      slots=(Slot(3, time(17, 0)),))
    assert [(s.pk, s.day) for s in group.sessions.filter(pk__in=[p for p, _ in past]).order_by("day")] == past
    future = list(group.sessions.filter(day__gte=tomorrow, catch_up=False).order_by("day"))
    assert count == len(future) == 12 - len(held)
    assert all(s.day.weekday() == 3 and timezone.localtime(s.starts_at).hour == 17 for s in future)
    assert Session.objects.filter(pk=catch_up.pk, day=catch_up_day).exists()
    assert sorted(s.number for s in group.sessions.filter(catch_up=False)) == list(range(1, 13))


def test_rescheduling_into_a_double_booking_changes_nothing(pw):
    group = pwm.group(pw, start=date(2027, 4, 6))
    pwm.group(pw, start=date(2027, 4, 8), slots=(Slot(3, time(18, 0)),), facilitators=("treat_prac2",))
    before = list(group.sessions.order_by("pk").values_list("pk", "day"))
    assert refused(services.group_reschedule, actor=pw.actor("treat_sup"), group=group, from_date=date(2027, 4, 6),
                   today=date(2027, 1, 1), slots=(Slot(3, time(18, 30)),)) == ("room", "double_booked")
    assert list(group.sessions.order_by("pk").values_list("pk", "day")) == before
    assert list(group.slots.values_list("weekday", flat=True)) == [1]


def test_a_catch_up_moves_nothing_and_must_be_a_session_of_the_template_for_a_member(pw):
    group = pwm.group(pw, start=pwm.past_start(2))
    [member] = pwm.members(pw, group, 1)
    plan = plan_days(group)
    day = timezone.localdate() + timedelta(days=1)
    assert refused(services.catch_up_add, actor=pw.actor("treat_prac"), group=group, number=99, member=member, day=day,
                   start=time(9, 0)) == ("number", "outside_template")
    elsewhere = pwm.group(pw, start=pwm.past_start(2), room=pw.room2, facilitators=("treat_prac2",))
    [stranger] = pwm.members(pw, elsewhere, 1)
    assert refused(services.catch_up_add, actor=pw.actor("treat_prac"), group=group, number=2, member=stranger, day=day,
                   start=time(9, 0)) == ("member", "not_in_group")
    session = services.catch_up_add(actor=pw.actor("treat_prac"), group=group, number=2, member=member, day=day,
                                    start=time(9, 0), room=pw.room2)
    assert (session.catch_up, session.member, session.number) == (True, member, 2)
    assert plan_days(group) == plan


def test_one_to_ones_are_booked_from_their_placeholders(pw):
    group = pwm.group(pw, start=date(2027, 1, 4), programme="building-choices-moderate",
                      slots=(Slot(0, time(10, 0)), Slot(2, time(10, 0))), max_size=12)
    ref = pwm.referral(pw, programme="building-choices-moderate")
    member = GroupMember.objects.create(group=group, referral=ref, person=ref.person, joined_on=date(2026, 12, 1))
    placeholder = group.sessions.get(number=1)
    assert refused(services.one_to_one_book, actor=pw.actor("treat_prac"), placeholder=placeholder, member=member,
                   day=placeholder.day - timedelta(days=1), start=time(14, 0)) == ("day", "too_early")
    booked = services.one_to_one_book(actor=pw.actor("treat_prac"), placeholder=placeholder, member=member,
                                      day=placeholder.day, start=time(14, 0))
    assert (booked.member, booked.placeholder, booked.kind) == (member, False, "one_to_one")
    assert Session.objects.filter(pk=placeholder.pk, placeholder=True).exists()  # it stays for the others
    assert refused(services.one_to_one_book, actor=pw.actor("treat_prac"), placeholder=placeholder, member=member,
                   day=placeholder.day, start=time(15, 0)) == ("member", "already_booked")
    not_a_placeholder = group.sessions.get(number=2)
    assert refused(services.one_to_one_book, actor=pw.actor("treat_prac"), placeholder=not_a_placeholder, member=member,
                   day=not_a_placeholder.day, start=time(15, 0)) == ("session", "not_a_placeholder")


def test_a_closure_moves_the_sessions_planned_on_that_day(pw):
    group = pwm.group(pw, start=date(2027, 4, 6))
    closed = date(2027, 4, 13)
    assert closed in plan_days(group)
    services.closure_add(actor=pw.actor("treat_sup"), site=pw.site, day=closed, reason="Synthetic: boiler repair",
                         today=date(2027, 1, 1))
    days = plan_days(group)
    assert closed not in days and len(days) == 12 and days[1] == date(2027, 4, 20)
    group.refresh_from_db()
    assert {"date": "2027-04-13", "reason": "closure"} in group.skipped
    assert refused(services.closure_add, actor=pw.actor("treat_sup"), site=pw.site, day=closed, reason="Again",
                   today=date(2027, 1, 1)) == ("day", "duplicate")
    # A later group at the same site steps over the closed day from the start.
    later = pwm.group(pw, start=date(2027, 4, 6), room=pw.room2, facilitators=("treat_prac2",))
    assert closed not in plan_days(later)
