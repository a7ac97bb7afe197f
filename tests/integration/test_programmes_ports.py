"""The programmes app's ports: the prevention app enrols and follows pseudonymous participants (and
learns nothing else); the insights app reads programme status per person and the referral funnel."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from safeguard.accounts.models import Agency, Membership, User
from safeguard.policy import Actor
from safeguard.programmes import ports, services
from safeguard.programmes.choices import Outcome
from safeguard.programmes.models import GroupMember
from safeguard.programmes.scheduling import Slot
from tests import programmes_world as pwm


@pytest.fixture
def pw(world):
    return pwm.build(world)


@pytest.fixture
def course(pw):
    return pwm.group(pw, start=pwm.past_start(2), programme="prevention-course", partner=pw.agencies["prevention"],
                     slots=(Slot(2, time(18, 30)),), max_size=3)


def centre_actor(pw, name: str = "Test other centre") -> Actor:
    agency = Agency.objects.create(name=name, kind="prevention")
    user = User.objects.create(username=f"adviser_{agency.pk}", password="!")
    return Actor(user=user, membership=Membership.objects.create(user=user, agency=agency, role="practitioner"))


def test_a_centre_enrols_a_pseudonym_and_reads_its_sessions_and_attendance(pw, course):
    centre = pw.actor("prev_prac")
    [offered] = ports.prevention_courses(actor=centre)
    assert (offered.code, offered.places_left) == (course.code, 3)
    enrolled = ports.enrol_pseudonym(actor=centre, pseudonym="Birch-42", today=timezone.localdate())
    assert (enrolled.group_id, enrolled.places_left) == (course.pk, 2)
    member = GroupMember.objects.get(pseudonym="Birch-42")
    GroupMember.objects.filter(pk=member.pk).update(joined_on=course.start_date)  # joined when it began
    member.refresh_from_db()
    assert (member.person_id, member.referral_id, member.prevention_agency) == (None, None, pw.agencies["prevention"])
    first = course.sessions.filter(starts_at__lte=timezone.now()).order_by("day").first()
    services.register_take(actor=pw.actor("treat_prac"), session=first, outcomes={member.pk: Outcome.ACCEPTABLE_ABSENCE},
                           now=timezone.now())
    sessions = ports.pseudonym_sessions(actor=centre, pseudonym="Birch-42")
    assert len(sessions) == 10 and sessions[0].outcome == "Acceptable absence" and sessions[1].outcome == ""
    summary = ports.pseudonym_attendance(actor=centre, pseudonym="Birch-42")
    assert (summary.sessions_held, summary.attended, summary.acceptable_absences) == (1, 0, 1)
    # The facilitator's register shows the pseudonym, and only the pseudonym.
    assert member.display_name == "Birch-42 (pseudonym)" and member.reference == "Birch-42"


def test_a_pseudonym_is_never_both_and_never_linked_to_a_person(pw, course):
    person = pwm.person(pw)
    with pytest.raises(IntegrityError), transaction.atomic():
        GroupMember.objects.create(group=course, pseudonym="Both-1", prevention_agency=pw.agencies["prevention"],
                                   person=person, joined_on=timezone.localdate())
    with pytest.raises(IntegrityError), transaction.atomic():
        GroupMember.objects.create(group=course, joined_on=timezone.localdate())


def test_only_prevention_staff_use_the_port_and_only_for_their_centre(pw, course):
    with pytest.raises(PermissionDenied):
        ports.prevention_courses(actor=pw.actor("treat_prac"))
    with pytest.raises(PermissionDenied):
        ports.enrol_pseudonym(actor=pw.actor("prob_prac"), pseudonym="X", today=timezone.localdate())
    ports.enrol_pseudonym(actor=pw.actor("prev_prac"), pseudonym="Elm-7", today=timezone.localdate())
    other = centre_actor(pw)
    assert ports.prevention_courses(actor=other) == []
    with pytest.raises(LookupError):
        ports.pseudonym_sessions(actor=other, pseudonym="Elm-7")
    with pytest.raises(ValidationError) as refused:
        ports.enrol_pseudonym(actor=other, pseudonym="Elm-7", today=timezone.localdate(), group_id=course.pk)
    assert "group" in refused.value.error_dict


def test_bad_pseudonyms_and_a_full_course_are_refused(pw, course):
    centre = pw.actor("prev_prac")
    for bad in ("", "x" * 41):
        with pytest.raises(ValidationError) as refused:
            ports.enrol_pseudonym(actor=centre, pseudonym=bad, today=timezone.localdate())
        assert "pseudonym" in refused.value.error_dict
    for name in ("A-1", "A-2", "A-3"):
        ports.enrol_pseudonym(actor=centre, pseudonym=name, today=timezone.localdate(), group_id=course.pk)
    with pytest.raises(ValidationError) as refused:
        ports.enrol_pseudonym(actor=centre, pseudonym="A-4", today=timezone.localdate(), group_id=course.pk)
    assert refused.value.error_dict["group"][0].code == "full"
    with pytest.raises(ValidationError) as refused:
        ports.enrol_pseudonym(actor=centre, pseudonym="A-4", today=timezone.localdate())
    assert refused.value.error_dict["group"][0].code == "none_open"


def test_person_statuses_and_the_funnel_for_insights(pw):
    group = pwm.group(pw, start=pwm.past_start(3))
    completed, started = pwm.members(pw, group, 2)
    services.referral_transition(actor=pw.actor("treat_prac"), referral=completed.referral, transition="complete",
                                 now=timezone.now())
    waiting = pwm.referral(pw, state="awaiting_assessment")
    nobody = pwm.person(pw)
    analyst = pw.actor("analyst")
    ids = [completed.person_id, started.person_id, waiting.person_id, nobody.pk]
    statuses = ports.person_statuses(actor=analyst, person_ids=ids)
    assert [statuses[str(pk)].status for pk in ids] == [
        "completed", "started_not_completed", "referred_not_started", "not_referred"]
    assert statuses[str(completed.person_id)].completed_on == timezone.localdate()
    assert statuses[str(nobody.pk)].programme_id is None
    [row] = ports.referral_funnel(actor=analyst, since=timezone.localdate() - timedelta(days=30))
    assert (row.referred, row.assessed, row.started, row.completed, row.waiting_now) == (3, 2, 2, 1, 1)
    assert row.site == "Test Centre" and row.wait_days_median == 0
    with pytest.raises(PermissionDenied):
        ports.person_statuses(actor=pw.actor("prob_prac"), person_ids=ids)
    with pytest.raises(PermissionDenied):
        ports.referral_funnel(actor=pw.actor("treat_sup"))
