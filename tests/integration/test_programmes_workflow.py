"""The programme referral workflow with the app's real grants and records: every transition of the
spec against every role (the programme team, the referrer, and everyone else), the app's own changes
that go with a step, and what a step needs first."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from safeguard import policy
from safeguard.audit.models import AuditEvent, Outcome
from safeguard.programmes import services
from safeguard.programmes.models import EndOfProgrammeReport, GroupMember, Referral, ReportRecipient
from safeguard.programmes.workflow import HOLD, PROGRESS, REFERRAL, RELEASE, SUBMIT, WITHDRAW
from safeguard.workflows.services import TransitionRefused, apply_transition
from tests import programmes_world as pwm
from tests.conftest import ROLES

TEAM = {"treat_prac", "treat_sup", "treat_prac2"}  # staff of the provider (a treatment provider)
REFERRER = {"prob_prac", "prob_sup"}  # staff of the referring probation service
BOTH = TEAM | REFERRER
EVERYONE = sorted({*ROLES, *pwm.EXTRA_ROLES})

# The spec's table (tests/programmes_world.py), with this test's people in each party.
ALLOWED: dict[tuple[str, str], tuple[str, set[str]]] = {
    key: (target, {"team": TEAM, "referrer": REFERRER, "both": BOTH}[who]) for key, (target, who) in pwm.SPEC_STEPS.items()
}
# Who holds each action at all (the grants in policies.py): the referrers' and providers' staff.
HOLDERS = {
    SUBMIT: {"prob_prac", "prob_sup", "police_prac", "prison_prac", "prison_sup", *TEAM},
    HOLD: {"prob_prac", "prob_sup", "police_prac", "prison_prac", "prison_sup", *TEAM},
    RELEASE: {"prob_prac", "prob_sup", "police_prac", "prison_prac", "prison_sup", *TEAM},
    WITHDRAW: {"prob_prac", "prob_sup", "police_prac", "prison_prac", "prison_sup", *TEAM},
    PROGRESS: {"prison_prac", "prison_sup", *TEAM},
}


@pytest.fixture
def pw(world):
    return pwm.build(world)


def test_the_declaration_is_the_spec_table():
    declared = {(source, t.name): t.target for t in REFERRAL.transitions for source in t.source}
    assert declared == {key: target for key, (target, _) in ALLOWED.items()}


def test_the_grants_are_the_ones_documented(pw):
    for action, holders in HOLDERS.items():
        assert {name for name in EVERYONE if policy.allows(pw.actor(name), action)} == holders, action


def _bare(pw, state: str, person) -> Referral:
    return Referral.objects.create(
        person=person, programme_id="community-image-course", source="probation", setting="community",
        referrer_agency=pw.agencies["probation"], referrer=pw.world.users["prob_prac"],
        provider_agency=pw.agencies["treatment"], site=pw.site, state=state,
    )


def _reasons(step) -> dict[str, str]:
    reasons: dict[str, str] = {}
    if step.reasons:
        reasons["reason_code"] = step.reasons[0].code
    if step.requires_text or (step.reasons and step.reasons[0].needs_text):
        reasons["reason_text"] = "Synthetic test reason."
    return reasons


@pytest.mark.parametrize("who", EVERYONE)
def test_every_transition_is_allowed_exactly_where_the_spec_allows_it(pw, who):
    actor = pw.actor(who)
    person = pwm.person(pw)
    group = pwm.group(pw, start=pwm.past_start(1))
    names = sorted({t.name for t in REFERRAL.transitions})
    now = timezone.now()
    wrong: list[str] = []
    for state in (s.code for s in REFERRAL.states):
        standing = _bare(pw, state, person)
        for name in names:
            target, parties = ALLOWED.get((state, name), (None, set()))
            holds = any(who in HOLDERS[t.action] for t in REFERRAL.named(name))
            allowed = target is not None and who in parties
            subject = _bare(pw, state, person) if allowed else standing
            if allowed and name == "start_programme":
                GroupMember.objects.create(group=group, referral=subject, person=person, joined_on=group.start_date)
            step = REFERRAL.find(name, state)
            try:
                services.referral_transition(actor=actor, referral=subject, transition=name, now=now,
                                             **(_reasons(step) if step else {}))
                outcome = "moved"
            except PermissionDenied:
                outcome = "403"
            except TransitionRefused as refused:
                outcome = f"refused:{refused.code}"
            if allowed:
                expected = "moved"
            elif not holds:
                expected = "403"
            elif target is None:
                expected = "refused:not_allowed_from_state"
            else:
                expected = "403"  # holds the action, but this referral is not theirs to move
            subject.refresh_from_db()
            if outcome != expected or subject.state != (target if allowed else state):
                wrong.append(f"{who} {name} from {state}: {outcome} (now {subject.state}), expected {expected}")
    assert wrong == []


def test_another_agencys_referral_is_out_of_reach_of_the_same_role(pw):
    person = pwm.person(pw, linked=("probation", "treatment", "other_probation"))
    referral = pwm.referral(pw, person, state="submitted")
    from safeguard.accounts.models import Membership, User

    stranger = User.objects.create(username="other_prob", password="!")
    membership = Membership.objects.create(user=stranger, agency=pw.agencies["other_probation"], role="practitioner")
    from safeguard.policy import Actor

    with pytest.raises(PermissionDenied):
        services.referral_transition(actor=Actor(user=stranger, membership=membership), referral=referral,
                                     transition="withdraw", reason_code="operational", now=timezone.now())
    referral.refresh_from_db()
    assert referral.state == "submitted"
    assert AuditEvent.objects.filter(action="programmes.referral.transition", outcome=Outcome.DENIED).count() == 1


def test_the_steps_record_their_dates(pw):
    now = timezone.now()
    today = timezone.localdate(now)
    referral = pwm.referral(pw, state="submitted", now=now - timedelta(days=30))
    assert referral.submitted_on == today - timedelta(days=30)
    for step in ("accept", "start_assessment", "mark_suitable"):
        services.referral_transition(actor=pw.actor("treat_prac"), referral=referral, transition=step, now=now)
    assert (referral.assessed_on, referral.started_on, referral.ended_on) == (today, None, None)
    assert referral.waiting_days(today) == 30


def test_the_programme_starts_only_for_someone_with_a_place(pw):
    referral = pwm.referral(pw, state="assessed_suitable")
    with pytest.raises(TransitionRefused) as refused:
        services.referral_transition(actor=pw.actor("treat_prac"), referral=referral, transition="start_programme",
                                     now=timezone.now())
    assert refused.value.problems[0]["field"] == "group" and refused.value.code == "not_allocated"
    referral.refresh_from_db()
    assert referral.state == "assessed_suitable" and referral.started_on is None


def test_completion_ends_the_place_and_issues_the_report_to_the_referrer_and_responsible_officer(pw):
    group = pwm.group(pw, start=pwm.past_start(2))
    [member] = pwm.members(pw, group, 1)
    referral = member.referral
    Referral.objects.filter(pk=referral.pk).update(responsible_officer=pw.world.users["prob_sup"],
                                                   responsible_agency=pw.agencies["probation"])
    referral.refresh_from_db()
    services.referral_transition(actor=pw.actor("treat_prac"), referral=referral, transition="complete",
                                 now=timezone.now(), summary="Synthetic: finished well.")
    member.refresh_from_db()
    assert (member.status, member.left_on) == ("completed", timezone.localdate())
    report = EndOfProgrammeReport.objects.get(referral=referral)
    assert (report.outcome, report.summary) == ("completed", "Synthetic: finished well.")
    assert dict(ReportRecipient.objects.filter(report=report).values_list("user__username", "kind")) == {
        "prob_prac": "referrer", "prob_sup": "responsible_officer",
    }


def test_a_failed_effect_leaves_nothing_behind(pw, monkeypatch):
    group = pwm.group(pw, start=pwm.past_start(2))
    [member] = pwm.members(pw, group, 1)

    def broken(*args, **kwargs):
        raise RuntimeError("the report could not be written")

    monkeypatch.setattr(services, "_issue_report", broken)
    with pytest.raises(RuntimeError):
        services.referral_transition(actor=pw.actor("treat_prac"), referral=member.referral, transition="deselect",
                                     reason_code="behaviour", now=timezone.now())
    member.refresh_from_db()
    member.referral.refresh_from_db()
    assert (member.referral.state, member.status) == ("on_programme", "active")
    assert not EndOfProgrammeReport.objects.exists()


def test_apply_transition_directly_still_goes_through_the_policy(pw):
    referral = pwm.referral(pw, state="submitted")
    with pytest.raises(PermissionDenied):
        apply_transition(actor=pw.actor("court_prac"), workflow=REFERRAL, obj=referral, transition="accept",
                         now=timezone.now())
