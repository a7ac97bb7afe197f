"""Due items, dashboard panels, the calendar feed and the release-without-treatment list: each
provider's boundaries (due today, overdue by a day, not yet due), scoping (another agency sees none),
and query counts that do not grow with the data."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from safeguard.accounts.models import Membership, User
from safeguard.assessments.ports import record_completed
from safeguard.core.due import DueQuery, due_items
from safeguard.feeds.registry import Window
from safeguard.instruments import registry
from safeguard.policy import Actor
from safeguard.programmes import dashboards, selectors, services
from safeguard.programmes.choices import Outcome
from safeguard.programmes.feeds import sessions_for_feed
from safeguard.programmes.models import CustodyPeriod, Homework, Referral
from safeguard.programmes.scheduling import Slot
from tests import programmes_world as pwm
from tests.conftest import sign_in


@pytest.fixture
def pw(world):
    return pwm.build(world)


def items(actor, kind: str, *, team: bool = False, today: date | None = None):
    query = DueQuery(actor=actor, today=today or timezone.localdate(), team=team)
    return [i for i in due_items(query) if i.kind == kind]


def outsider(pw, agency: str, role: str = "supervisor") -> Actor:
    user = User.objects.create(username=f"outsider_{agency}_{role}", password="!")
    return Actor(user=user, membership=Membership.objects.create(user=user, agency=pw.agencies[agency], role=role))


@pytest.mark.parametrize(("days_over", "status"), [(-1, None), (0, "today"), (1, "overdue")])
def test_a_referral_waiting_too_long_is_due_for_the_manager(pw, days_over, status):
    today = timezone.localdate()
    referral = pwm.referral(pw, state="submitted")
    Referral.objects.filter(pk=referral.pk).update(submitted_on=today - timedelta(weeks=12, days=days_over))
    found = items(pw.actor("treat_sup"), "programmes.waiting")
    if status is None:
        assert found == []
    else:
        [item] = found
        assert item.status(today) == status and item.reference == referral.person.reference
        assert referral.person.family_name not in item.title + item.reason
    assert items(pw.actor("treat_prac"), "programmes.waiting") == []  # not a manager
    assert items(outsider(pw, "other_treatment"), "programmes.waiting") == []


def test_registers_to_take_are_due_for_the_facilitator_and_leave_when_taken(pw):
    group = pwm.group(pw, start=pwm.past_start(2))
    members = pwm.members(pw, group, 2)
    held = list(group.sessions.filter(starts_at__lte=timezone.now()).order_by("day"))
    found = items(pw.actor("treat_prac"), "programmes.register")
    assert [i.due_on for i in found] == [s.day for s in held]
    assert all(i.owner_id == pw.world.users["treat_prac"].pk for i in found)
    assert items(pw.actor("treat_prac2"), "programmes.register") == []
    assert len(items(pw.actor("treat_sup"), "programmes.register", team=True)) == len(held)
    assert items(pw.actor("treat_sup"), "programmes.register") == []  # not their own sessions
    services.register_take(actor=pw.actor("treat_prac"), session=held[0],
                           outcomes={m.pk: Outcome.ATTENDED_COMPLIED for m in members}, now=timezone.now())
    assert [i.due_on for i in items(pw.actor("treat_prac"), "programmes.register")] == [s.day for s in held[1:]]


def _absences(pw, count: int):
    group = pwm.group(pw, start=pwm.past_start(4))
    [member] = pwm.members(pw, group, 1)
    for session in group.sessions.filter(starts_at__lte=timezone.now()).order_by("day")[:count]:
        services.register_take(actor=pw.actor("treat_prac"), session=session,
                               outcomes={member.pk: Outcome.UNACCEPTABLE_ABSENCE}, now=timezone.now())
    return member


def test_unacceptable_absences_below_the_threshold_are_not_due(pw):
    _absences(pw, 2)
    assert items(pw.actor("prob_prac"), "programmes.breach") == []


def test_the_breach_threshold_makes_a_due_item_for_the_referrer(pw):
    member = _absences(pw, 3)
    [item] = items(pw.actor("prob_prac"), "programmes.breach")
    assert item.title.startswith("3 unacceptable absences") and item.reference == member.person.reference
    assert items(pw.actor("prob_sup"), "programmes.breach") == []  # not their referral
    assert len(items(pw.actor("prob_sup"), "programmes.breach", team=True)) == 1
    assert items(pw.actor("treat_prac"), "programmes.breach") == []
    assert items(outsider(pw, "other_probation", "practitioner"), "programmes.breach") == []


def test_overdue_homework_is_due_for_the_facilitator(pw):
    group = pwm.group(pw, start=pwm.past_start(2))
    [member] = pwm.members(pw, group, 1)
    first = group.sessions.order_by("day").first()
    services.register_take(actor=pw.actor("treat_prac"), session=first, outcomes={member.pk: Outcome.ATTENDED_COMPLIED},
                           now=timezone.now())
    today = timezone.localdate()
    Homework.objects.update(due_on=today)
    assert items(pw.actor("treat_prac"), "programmes.homework") == []
    Homework.objects.update(due_on=today - timedelta(days=1))
    [item] = items(pw.actor("treat_prac"), "programmes.homework")
    assert item.status(today) == "overdue"
    assert items(pw.actor("treat_prac2"), "programmes.homework") == []
    services.homework_update(actor=pw.actor("treat_prac"), homework=Homework.objects.get(), status="submitted", today=today)
    assert items(pw.actor("treat_prac"), "programmes.homework") == []


def test_a_stable_2007_prompt_at_the_half_way_point_until_one_is_rated(pw):
    group = pwm.group(pw, start=pwm.past_start(8))
    [member] = pwm.members(pw, group, 1)
    session = group.sessions.filter(starts_at__lte=timezone.now()).order_by("day").first()
    services.register_take(actor=pw.actor("treat_prac"), session=session, outcomes={member.pk: Outcome.ATTENDED_COMPLIED},
                           now=timezone.now())
    half = list(group.sessions.order_by("day").values_list("day", flat=True))[5]
    [item] = items(pw.actor("treat_prac"), "programmes.stable")
    assert item.due_on == half
    record_completed(actor=pw.actor("treat_prac"), person=member.person, instrument_id="stable-2007",
                     inputs=registry.example_input("stable-2007"), assessment_date=half - timedelta(days=1))
    assert len(items(pw.actor("treat_prac"), "programmes.stable")) == 1  # rated before the point: still due
    record_completed(actor=pw.actor("treat_prac"), person=member.person, instrument_id="stable-2007",
                     inputs=registry.example_input("stable-2007"), assessment_date=half)
    assert items(pw.actor("treat_prac"), "programmes.stable") == []


def test_the_end_of_programme_report_is_due_for_its_readers_until_opened(pw):
    group = pwm.group(pw, start=pwm.past_start(2))
    [member] = pwm.members(pw, group, 1)
    services.referral_transition(actor=pw.actor("treat_prac"), referral=member.referral, transition="deselect",
                                 reason_code="missed_sessions", now=timezone.now())
    [item] = items(pw.actor("prob_prac"), "programmes.report")
    assert item.url.endswith(f"/programmes/referrals/{member.referral_id}/report/")
    assert items(pw.actor("prob_sup"), "programmes.report") == []
    data = selectors.report_data(actor=pw.actor("prob_prac"), referral_pk=member.referral_id)
    services.report_opened(actor=pw.actor("prob_prac"), report=data.report, now=timezone.now(), purpose="programmes.report.view")
    assert items(pw.actor("prob_prac"), "programmes.report") == []


def test_the_feed_names_groups_and_places_never_people(pw):
    group = pwm.group(pw, start=pwm.past_start(1))
    [member] = pwm.members(pw, group, 1)
    today = timezone.localdate()
    events = sessions_for_feed(pw.actor("treat_prac"), Window(today - timedelta(days=31), today + timedelta(days=366)))
    assert len(events) == 12
    assert events[0].summary == f"Group session: {group.code}, session 1"
    assert events[0].location == "Test Centre, Room A"
    text = " ".join(e.summary + e.location for e in events)
    assert member.person.family_name not in text and "image" not in text.lower()
    assert sessions_for_feed(pw.actor("treat_prac2"), Window(today, today + timedelta(days=366))) == []


def _custody(pw, *, months_ahead: int = 2, pathway: str | None = "moderate", linked=("prison", "probation")):
    person = pwm.person(pw, owner="prison", linked=linked)
    CustodyPeriod.objects.create(person=person, prison=pw.agencies["prison"], recorded_by=pw.world.users["prison_prac"],
                                 expected_release_on=timezone.localdate() + timedelta(days=30 * months_ahead))
    if pathway:
        inputs = {**registry.example_input("pni"), "supervision_status": "custody",
                  "sara_risk_to_others": "medium" if pathway == "moderate" else "high",
                  "general_reoffending_percent": 10 if pathway == "moderate" else 90}
        record_completed(actor=pw.actor("prison_prac"), person=person, instrument_id="pni", inputs=inputs)
    return person


def _completed(pw, person, programme: str):
    Referral.objects.create(person=person, programme_id=programme, source="prison", setting="custody",
                            referrer_agency=pw.agencies["prison"], provider_agency=pw.agencies["prison"],
                            site=pw.prison_site, state="programme_complete")


def test_release_without_treatment_lists_who_lacks_the_programme_their_pathway_calls_for(pw):
    moderate = _custody(pw)
    high = _custody(pw, pathway="high")
    done = _custody(pw)
    _completed(pw, done, "building-choices-moderate")
    high_with_moderate = _custody(pw, pathway="high")
    _completed(pw, high_with_moderate, "building-choices-moderate")
    course_only = _custody(pw)
    _completed(pw, course_only, "community-image-course")  # not an accredited intensity
    _custody(pw, pathway=None)
    _custody(pw, months_ahead=8)  # beyond the six months
    hidden = _custody(pw, linked=("prison",))
    gap = selectors.release_gap(actor=pw.actor("prob_prac"), today=timezone.localdate())
    listed = {r.person.pk for r in gap.rows}
    assert listed == {moderate.pk, high.pk, high_with_moderate.pk, course_only.pk}
    assert gap.not_assessed == 1 and not gap.capped
    assert hidden.pk in {r.person.pk for r in selectors.release_gap(actor=pw.actor("prison_prac"), today=timezone.localdate()).rows}
    assert {r.referral_state for r in gap.rows if r.person.pk == course_only.pk} == {"Programme complete"}


def test_the_facilitator_panel_is_only_for_someone_who_runs_groups(pw):
    assert dashboards.facilitator_panel(pw.actor("treat_prac")) is None
    group = pwm.group(pw, start=pwm.past_start(1))
    pwm.members(pw, group, 2)
    panel = dashboards.facilitator_panel(pw.actor("treat_prac"))
    assert panel is not None and panel["registers_count"] >= 1
    assert dashboards.facilitator_panel(pw.actor("treat_prac2")) is None


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_register_page_and_the_dashboard_do_not_grow_with_the_group(pw, client):
    small = pwm.group(pw, start=pwm.past_start(1))
    pwm.members(pw, small, 3)
    big = pwm.group(pw, start=pwm.past_start(1), room=pw.room2, slots=(Slot(1, time(10, 0)),))
    pwm.members(pw, big, 12)
    sign_in(client, pw.world.users["treat_prac"])
    first_small = small.sessions.order_by("day").first()
    first_big = big.sessions.order_by("day").first()
    _count(client, f"/programmes/sessions/{first_small.pk}/register/")  # warm caches (session, templates)
    small_count = _count(client, f"/programmes/sessions/{first_small.pk}/register/")
    assert small_count > 5 and small_count == _count(client, f"/programmes/sessions/{first_big.pk}/register/")


def test_the_dashboard_does_the_same_queries_for_3_and_30_referrals(pw, client):
    group = pwm.group(pw, start=pwm.past_start(1))
    pwm.members(pw, group, 3)
    sign_in(client, pw.world.users["treat_sup"])
    _count(client, "/dashboard/")
    few = _count(client, "/dashboard/")
    for _ in range(9):
        pwm.referral(pw, state="submitted")
    pwm.members(pw, group, 9)
    for _ in range(9):
        pwm.referral(pw, state="awaiting_assessment")
    assert few > 10 and _count(client, "/dashboard/") == few
