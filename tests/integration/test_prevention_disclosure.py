"""The one exception: a safeguarding disclosure needs one supervisor to ask (with a written reason) and
a different supervisor to decide; only the approved excerpt is released to the named agency; every
step is audited and listed in the register the auditor reads."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safeguard.audit.models import AuditEvent
from safeguard.prevention import services
from safeguard.prevention.models import Disclosure
from safeguard.workflows.models import TransitionRecord
from safeguard.workflows.services import TransitionRefused
from tests import prevention_fixtures as fx
from tests.conftest import sign_in


def as_(world, who: str) -> Client:
    client = Client()
    sign_in(client, world.users[who])
    return client


def make_second_supervisor(world):
    """Another supervisor of the same centre (the test world has one)."""
    from safeguard.accounts.models import Membership, User
    from tests.conftest import password_hash

    user = User.objects.create(username="prev_sup2", password=password_hash(), first_name="Second")
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    membership = Membership.objects.create(user=user, agency=world.agencies["prevention"], role="supervisor")
    from safeguard.policy import Actor

    return user, Actor(user=user, membership=membership, endpoint="test")


def test_the_requester_cannot_approve_their_own_request_and_a_second_supervisor_can(world):
    conversation = fx.start(world, message="A synthetic message naming a synthetic risk.")[0]
    disclosure = fx.disclosure(world, conversation, excerpt="Only this synthetic sentence.")
    assert disclosure.state == "requested"
    with pytest.raises(TransitionRefused) as refused:
        services.disclosure_step(actor=world.actor("prev_sup"), disclosure=disclosure, transition="approve",
                                 reason_text="", expected_state="requested", now=timezone.now())
    assert refused.value.code == "same_person"
    disclosure.refresh_from_db()
    assert disclosure.state == "requested" and disclosure.decided_by is None
    _user, second = make_second_supervisor(world)
    services.disclosure_step(actor=second, disclosure=disclosure, transition="approve", reason_text="",
                             expected_state="requested", now=timezone.now())
    services.disclosure_step(actor=second, disclosure=disclosure, transition="release", reason_text="",
                             expected_state="approved", now=timezone.now())
    disclosure.refresh_from_db()
    assert disclosure.state == "released" and disclosure.released_at and disclosure.decided_by == second.user
    assert disclosure.excerpt == "Only this synthetic sentence."
    steps = list(TransitionRecord.objects.filter(subject_id=str(disclosure.pk)).values_list("transition", "user_id"))
    assert steps == [("request", world.users["prev_sup"].pk), ("approve", second.user.pk),
                     ("release", second.user.pk)]
    events = set(AuditEvent.objects.filter(object_id=str(disclosure.pk)).values_list("action", "outcome"))
    assert ("prevention.disclosure.transition", "failure") in events  # the refused self-approval
    assert ("prevention.disclosure.create", "success") in events


def test_the_database_refuses_a_disclosure_decided_by_its_requester(world):
    conversation = fx.start(world)[0]
    disclosure = fx.disclosure(world, conversation)
    with pytest.raises(IntegrityError), transaction.atomic():
        Disclosure.objects.filter(pk=disclosure.pk).update(decided_by=world.users["prev_sup"],
                                                           decided_at=timezone.now())


def test_a_refusal_needs_words_and_releases_nothing(world):
    conversation = fx.start(world)[0]
    disclosure = fx.disclosure(world, conversation)
    _user, second = make_second_supervisor(world)
    with pytest.raises(TransitionRefused):
        services.disclosure_step(actor=second, disclosure=disclosure, transition="refuse", reason_text="",
                                 expected_state="requested", now=timezone.now())
    services.disclosure_step(actor=second, disclosure=disclosure, transition="refuse",
                             reason_text="No identified child: synthetic.", expected_state="requested",
                             now=timezone.now())
    disclosure.refresh_from_db()
    assert disclosure.state == "refused" and disclosure.released_at is None
    with pytest.raises(TransitionRefused):
        services.disclosure_step(actor=second, disclosure=disclosure, transition="release", reason_text="",
                                 expected_state="refused", now=timezone.now())


def test_only_supervisors_of_the_handling_centre_may_ask(world):
    conversation = fx.start(world)[0]
    for who in ("prev_prac", "prev_other", "police_prac", "auditor"):
        with pytest.raises(PermissionDenied):
            fx.disclosure(world, conversation, by=who)
    assert Disclosure.objects.count() == 0
    assert as_(world, "prev_prac").get(
        reverse("prevention:disclosure-request", kwargs={"pk": conversation.pk})).status_code == 403


def test_the_page_offers_the_second_supervisor_the_decision_and_not_the_first(world):
    conversation = fx.start(world)[0]
    disclosure = fx.disclosure(world, conversation)
    mine = as_(world, "prev_sup").get(reverse("prevention:disclosure", kwargs={"pk": disclosure.pk})).content.decode()
    assert 'data-testid="needs-second-supervisor"' in mine and "Approve</button>" not in mine
    user, _second = make_second_supervisor(world)
    client = Client()
    sign_in(client, user)
    theirs = client.get(reverse("prevention:disclosure", kwargs={"pk": disclosure.pk})).content.decode()
    assert "Approve</button>" in theirs and "Refuse</button>" in theirs
    # The requester posting an approval anyway is refused, with the reason, and nothing changes.
    forced = as_(world, "prev_sup").post(reverse("prevention:disclosure", kwargs={"pk": disclosure.pk}),
                                         {"transition": "approve", "expected_state": "requested"})
    assert forced.status_code == 400 and "Someone other than the person who chose" in forced.content.decode()
    disclosure.refresh_from_db()
    assert disclosure.state == "requested"


def test_the_auditor_reads_the_register_but_not_the_excerpt_or_the_conversation(world):
    conversation = fx.start(world, message="zq-conversation-words")[0]
    fx.disclosure(world, conversation, excerpt="zq-excerpt-words")
    register = as_(world, "auditor").get(reverse("prevention:disclosures"))
    page = register.content.decode()
    assert register.status_code == 200
    assert "Testshire Police (test)" in page and "A synthetic imminent risk, for the test." in page
    assert "zq-excerpt-words" not in page and "zq-conversation-words" not in page
    assert as_(world, "auditor").get(reverse("prevention:conversation", kwargs={"pk": conversation.pk})).status_code == 403
    for who in ("prev_prac", "police_prac", "analyst", "admin", "prev_other"):
        assert as_(world, who).get(reverse("prevention:disclosures")).status_code == 403, who
    assert "zq-excerpt-words" in as_(world, "prev_sup").get(
        reverse("prevention:disclosure", kwargs={"pk": Disclosure.objects.get().pk})).content.decode()


def test_the_excerpt_and_reason_are_encrypted(world):
    conversation = fx.start(world)[0]
    fx.disclosure(world, conversation, excerpt="zq-excerpt-plain")
    with connection.cursor() as cursor:
        cursor.execute("SELECT excerpt FROM prevention_disclosure")
        assert "zq-excerpt-plain" not in cursor.fetchone()[0]
        cursor.execute("SELECT reason_text FROM workflows_transitionrecord")
        assert "synthetic imminent risk" not in cursor.fetchone()[0]
