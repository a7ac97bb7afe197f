"""A centre enrols a person who attended their appointment on the prevention course under a new
pseudonym, through the programmes app's port (issue 11, item 6): the course learns the pseudonym only."""

from __future__ import annotations

from datetime import time

import pytest
from django.urls import reverse
from django.utils import timezone

from safeguard.prevention.models import CentreReferral
from safeguard.programmes import ports as programme_ports
from safeguard.programmes.models import GroupMember
from safeguard.programmes.scheduling import Slot
from tests import prevention_fixtures as fx
from tests import programmes_world as pwm
from tests.integration.test_prevention_staff import staff


@pytest.fixture
def course(world):
    pw = pwm.build(world)
    return pwm.group(pw, start=pwm.past_start(2), programme="prevention-course", partner=pw.agencies["prevention"],
                     slots=(Slot(2, time(18, 30)),), max_size=2)


def attended(world, state: str = "attended") -> CentreReferral:
    conversation = fx.start(world)[0]
    referral = fx.referral(world, conversation)
    CentreReferral.objects.filter(pk=referral.pk).update(state=state)
    referral.refresh_from_db()
    return referral


def test_a_centre_enrols_an_attended_person_under_a_pseudonym_and_sees_their_attendance(world, course):
    referral = attended(world)
    client = staff(world)
    url = reverse("prevention:referral", kwargs={"pk": referral.pk})
    assert "Enrol on the prevention course" in client.get(url).content.decode()
    assert client.post(url, {"step": "enrol"}).status_code == 302
    referral.refresh_from_db()
    assert referral.course_pseudonym.startswith("PC-") and referral.course_enrolment == course.code
    [member] = GroupMember.objects.filter(group=course)
    assert member.pseudonym == referral.course_pseudonym and member.person_id is None and member.referral_id is None
    assert referral.conversation.reference_code not in member.pseudonym
    page = client.get(url).content.decode()
    assert f"as {referral.course_pseudonym}" in page and 'data-testid="course-attendance"' in page
    again = client.post(url, {"step": "enrol"})
    assert again.status_code == 400 and "already enrolled" in again.content.decode()
    assert GroupMember.objects.filter(group=course).count() == 1


def test_only_an_attended_appointment_and_a_course_with_a_place_can_be_enrolled(world, course):
    client = staff(world)
    waiting = attended(world, state="waiting")
    refused = client.post(reverse("prevention:referral", kwargs={"pk": waiting.pk}), {"step": "enrol"})
    assert refused.status_code == 400 and "Only a person who attended" in refused.content.decode()
    for name in ("Birch-1", "Birch-2"):
        programme_ports.enrol_pseudonym(actor=world.actor("prev_prac"), pseudonym=name, today=timezone.localdate())
    referral = attended(world)
    url = reverse("prevention:referral", kwargs={"pk": referral.pk})
    assert "Every prevention course open to your centre is full" in client.get(url).content.decode()
    full = client.post(url, {"step": "enrol"})
    assert full.status_code == 400 and "No prevention course open to your centre has a place" in full.content.decode()
    referral.refresh_from_db()
    assert referral.course_pseudonym == "" and GroupMember.objects.filter(group=course).count() == 2


def test_without_a_course_the_page_says_so(world):
    referral = attended(world)
    page = staff(world).get(reverse("prevention:referral", kwargs={"pk": referral.pk})).content.decode()
    assert "No prevention course takes your centre's participants at the moment" in page
