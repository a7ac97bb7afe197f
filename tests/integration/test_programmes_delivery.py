"""Registers, homework and progress: one row per member per session with the spec's outcomes, taken
for a whole group at once and corrected; nobody outside the group; homework set from the template;
ratings on the documented domains; free text encrypted at rest."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from safeguard.audit.models import AuditEvent
from safeguard.programmes import services
from safeguard.programmes.choices import SERVICE_CODES, Outcome
from safeguard.programmes.models import Attendance, Homework, ModuleReview, Session
from tests import programmes_world as pwm


@pytest.fixture
def pw(world):
    return pwm.build(world)


@pytest.fixture
def running(pw):
    """A weekly course three weeks in, with twelve members."""
    group = pwm.group(pw, start=pwm.past_start(3))
    members = pwm.members(pw, group, 12)
    first = group.sessions.order_by("day").first()
    return group, members, first


def refused(function, **kwargs) -> tuple[str, str]:
    with pytest.raises(ValidationError) as caught:
        function(**kwargs)
    [(field, errors)] = caught.value.error_dict.items()
    return field, errors[0].code


def test_a_twelve_person_register_sets_homework_for_those_who_attended(pw, running):
    group, members, session = running
    outcomes = {m.pk: Outcome.ATTENDED_COMPLIED for m in members}
    outcomes[members[0].pk] = Outcome.UNACCEPTABLE_ABSENCE
    outcomes[members[1].pk] = Outcome.ACCEPTABLE_ABSENCE
    outcomes[members[2].pk] = Outcome.ATTENDED_FAILED_TO_COMPLY
    rows = services.register_take(actor=pw.actor("treat_prac"), session=session, outcomes=outcomes, now=timezone.now())
    assert len(rows) == 12 and {r.member_id: r.outcome for r in rows} == outcomes
    session.refresh_from_db()
    assert session.register_taken_by == pw.world.users["treat_prac"]
    homework = Homework.objects.filter(session=session)
    assert sorted(homework.values_list("member_id", flat=True)) == sorted(m.pk for m in members[2:])
    next_day = group.sessions.filter(day__gt=session.day).order_by("day").values_list("day", flat=True).first()
    assert set(homework.values_list("due_on", flat=True)) == {max(next_day, timezone.localdate())}
    assert set(homework.values_list("title", flat=True)) == {"My story so far"}
    group.refresh_from_db()
    assert group.status == "running"
    [event] = AuditEvent.objects.filter(action="programmes.register.take")
    assert sorted(event.details["members"]) == sorted(m.pk for m in members)


def test_taking_the_register_again_corrects_it(pw, running):
    _, members, session = running
    outcomes = {m.pk: Outcome.ATTENDED_COMPLIED for m in members}
    services.register_take(actor=pw.actor("treat_prac"), session=session, outcomes=outcomes, now=timezone.now())
    outcomes[members[5].pk] = Outcome.UNACCEPTABLE_ABSENCE
    services.register_take(actor=pw.actor("treat_sup"), session=session, outcomes=outcomes, now=timezone.now())
    assert Attendance.objects.filter(session=session).count() == 12
    assert Attendance.objects.get(session=session, member=members[5]).outcome == Outcome.UNACCEPTABLE_ABSENCE


def test_someone_not_in_the_group_is_refused_and_nothing_is_saved(pw, running):
    _group, members, session = running
    elsewhere = pwm.group(pw, start=pwm.past_start(3), room=pw.room2, facilitators=("treat_prac2",))
    [stranger] = pwm.members(pw, elsewhere, 1)
    outcomes = {m.pk: Outcome.ATTENDED_COMPLIED for m in members} | {stranger.pk: Outcome.ATTENDED_COMPLIED}
    assert refused(services.register_take, actor=pw.actor("treat_prac"), session=session, outcomes=outcomes,
                   now=timezone.now()) == ("member", "not_in_group")
    assert not Attendance.objects.exists() and not Homework.objects.exists()
    assert Session.objects.get(pk=session.pk).register_taken_at is None


def test_every_member_needs_an_outcome_and_only_the_specs_outcomes(pw, running):
    _, members, session = running
    partial = {m.pk: Outcome.ATTENDED_COMPLIED for m in members[1:]}
    with pytest.raises(ValidationError, match=members[0].person.family_name):
        services.register_take(actor=pw.actor("treat_prac"), session=session, outcomes=partial, now=timezone.now())
    wrong = {m.pk: Outcome.ATTENDED_COMPLIED for m in members} | {members[0].pk: "ATTC"}
    assert refused(services.register_take, actor=pw.actor("treat_prac"), session=session, outcomes=wrong,
                   now=timezone.now()) == ("outcome", "invalid")
    assert not Attendance.objects.exists()


def test_a_register_waits_for_the_session_and_a_placeholder_has_none(pw, running):
    group, members, _ = running
    future = group.sessions.filter(day__gt=timezone.localdate()).order_by("day").first()
    assert refused(services.register_take, actor=pw.actor("treat_prac"), session=future,
                   outcomes={m.pk: "attended_complied" for m in members}, now=timezone.now()) == ("session", "not_started")


def test_only_the_groups_facilitators_and_their_supervisor_take_its_register(pw, running):
    _, members, session = running
    outcomes = {m.pk: Outcome.ATTENDED_COMPLIED for m in members}
    for outsider in ("treat_prac2", "prison_prac", "prob_prac"):
        with pytest.raises(PermissionDenied):
            services.register_take(actor=pw.actor(outsider), session=session, outcomes=outcomes, now=timezone.now())
    services.register_take(actor=pw.actor("treat_sup"), session=session, outcomes=outcomes, now=timezone.now())


def test_a_member_who_joined_later_is_not_on_an_earlier_register(pw):
    group = pwm.group(pw, start=pwm.past_start(3))
    pwm.members(pw, group, 2)
    session = group.sessions.order_by("day").first()
    late = pwm.referral(pw)
    joined = session.day + timedelta(days=1)
    newcomer = services.member_allocate(actor=pw.actor("treat_sup"), group=group, referral=late, joined_on=joined)
    assert newcomer.pk not in {m.pk for m in services.expected_members(session)}
    later = group.sessions.filter(day__gt=joined).order_by("day").first()
    assert newcomer.pk in {m.pk for m in services.expected_members(later)}


def test_the_service_codes_follow_the_spec():
    assert SERVICE_CODES == {
        "attended_complied": ("ATTC", False), "attended_failed_to_comply": ("AFTC", False),
        "acceptable_absence": ("UAAB", True), "unacceptable_absence": ("UAAB", False),
    }


def test_homework_is_handed_in_then_reviewed_with_encrypted_feedback(pw, running):
    _, members, session = running
    services.register_take(actor=pw.actor("treat_prac"), session=session,
                           outcomes={m.pk: Outcome.ATTENDED_COMPLIED for m in members}, now=timezone.now())
    item = Homework.objects.filter(member=members[0]).get()
    today = timezone.localdate()
    assert refused(services.homework_update, actor=pw.actor("treat_prac"), homework=item, status="reviewed",
                   feedback="Synthetic.", today=today) == ("status", "not_allowed")
    services.homework_update(actor=pw.actor("treat_prac"), homework=item, status="submitted", today=today)
    assert refused(services.homework_update, actor=pw.actor("treat_prac"), homework=item, status="reviewed",
                   today=today) == ("feedback", "required")
    done = services.homework_update(actor=pw.actor("treat_prac"), homework=item, status="reviewed",
                                    feedback="Synthetic: thoughtful and honest.", today=today)
    assert (done.status, done.reviewed_by, done.submitted_on) == ("reviewed", pw.world.users["treat_prac"], today)
    with connection.cursor() as cursor:
        cursor.execute("SELECT feedback FROM programmes_homework WHERE id = %s", [item.pk])
        assert "thoughtful" not in cursor.fetchone()[0]


def test_progress_ratings_on_every_domain_within_the_template(pw, running):
    _, members, _ = running
    ratings = {"engagement": 3, "understanding": 2, "victim_empathy": 2, "regret": 2, "reflective_capacity": 1,
               "self_management": 1}
    today = timezone.localdate()
    assert refused(services.module_review_save, actor=pw.actor("treat_prac"), member=members[0], module=9,
                   ratings=ratings, notes="", today=today) == ("module", "outside_template")
    assert refused(services.module_review_save, actor=pw.actor("treat_prac"), member=members[0], module=1,
                   ratings={**ratings, "regret": 5}, notes="", today=today) == ("regret", "required")
    assert refused(services.module_review_save, actor=pw.actor("treat_prac"), member=members[0], module=1,
                   ratings={**ratings, "charm": 2}, notes="", today=today) == ("charm", "unknown")
    services.module_review_save(actor=pw.actor("treat_prac"), member=members[0], module=1, ratings=ratings,
                                notes="Synthetic: quiet but attentive.", today=today)
    services.module_review_save(actor=pw.actor("treat_prac"), member=members[0], module=1,
                                ratings={**ratings, "engagement": 4}, notes="Synthetic: quiet but attentive.", today=today)
    review = ModuleReview.objects.get(member=members[0])
    assert (review.engagement, review.notes) == (4, "Synthetic: quiet but attentive.")
    with connection.cursor() as cursor:
        cursor.execute("SELECT notes FROM programmes_modulereview WHERE id = %s", [review.pk])
        assert "attentive" not in cursor.fetchone()[0]
