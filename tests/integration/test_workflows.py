"""The workflow engine on the programme referral of the spec (`safeguard.programmes.workflow`): every
transition against every role and state, reasons, history and audit in one transaction, the
two-person rule, and the rendered diagram.

The record moved is a model of this test module, so the engine is tested apart from the programmes
app's own model; its table is created for the module and dropped after it. The grants of the
referral actions are replaced for each test by a fixed set (the programme team is the treatment
provider, the referrer probation); the app's real grants are tested in test_programmes_workflow.py.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection, models
from django.db.models import Q
from django.template import engines

from safeguard import policy
from safeguard.audit import actions as audit_actions
from safeguard.audit.models import AuditEvent, Outcome
from safeguard.programmes.workflow import HOLD, PROGRESS, REFERRAL, RELEASE, SUBMIT, WITHDRAW
from safeguard.workflows import selectors
from safeguard.workflows.definitions import Reason, State, Transition, Workflow
from safeguard.workflows.forms import TransitionForm
from safeguard.workflows.models import TransitionRecord
from safeguard.workflows.services import TransitionRefused, apply_transition
from tests.conftest import ROLES
from tests.programmes_world import SPEC_STEPS

NOW = datetime(2026, 4, 14, 10, 0, tzinfo=UTC)


class SampleReferral(models.Model):
    state = models.CharField(max_length=40)
    provider_agency_id = models.BigIntegerField()
    referrer_agency_id = models.BigIntegerField()

    class Meta:
        app_label = "workflow_tests"

    def __str__(self) -> str:
        return f"test referral {self.pk}"


@pytest.fixture(scope="module", autouse=True)
def referral_table(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        with connection.schema_editor() as editor:
            editor.create_model(SampleReferral)
        yield
        with connection.schema_editor() as editor:
            editor.delete_model(SampleReferral)


TEAM = {"treat_prac"}  # the programme team: the treatment provider's staff
REFERRER = {"prob_prac", "prob_sup"}  # the referring probation service
BOTH = TEAM | REFERRER

# The spec's table (tests/programmes_world.py), with this test's people in each party.
ALLOWED: dict[tuple[str, str], tuple[str, set[str]]] = {
    key: (target, {"team": TEAM, "referrer": REFERRER, "both": BOTH}[who]) for key, (target, who) in SPEC_STEPS.items()
}

def _grant(monkeypatch, kind: str, roles: tuple[str, ...], actions: set[str]) -> None:
    for role in roles:
        monkeypatch.setitem(policy.GRANTS, (kind, role), policy.GRANTS[(kind, role)] | actions)


@pytest.fixture
def referral_policy(monkeypatch):
    """The team everything, the referrer its part; nobody else anything. A referral is reached by
    its provider and by the agency that referred it."""
    referral_actions = {SUBMIT, PROGRESS, HOLD, RELEASE, WITHDRAW}
    for key in list(policy.GRANTS):
        monkeypatch.setitem(policy.GRANTS, key, policy.GRANTS[key] - referral_actions)
    _grant(monkeypatch, "treatment", ("practitioner", "supervisor"), {PROGRESS, HOLD, RELEASE, WITHDRAW})
    _grant(monkeypatch, "probation", ("practitioner", "supervisor"), {SUBMIT, HOLD, RELEASE, WITHDRAW})
    # The programmes app registers the referral's audit words; the test workflow's are added here
    # (undone after the test).
    monkeypatch.setattr(audit_actions, "_ACTION_LABELS", dict(audit_actions._ACTION_LABELS))
    assert audit_actions.is_known(REFERRAL.audit_action)
    audit_actions.register({DECISION.audit_action: "Decide a test disclosure"})
    monkeypatch.setitem(
        policy._SCOPES, "workflow_tests.SampleReferral",
        lambda actor: Q(provider_agency_id=actor.agency.pk) | Q(referrer_agency_id=actor.agency.pk),
    )


def _referral(world, state: str, referrer: str = "probation") -> SampleReferral:
    return SampleReferral.objects.create(
        state=state, provider_agency_id=world.agencies["treatment"].pk,
        referrer_agency_id=world.agencies[referrer].pk,
    )


def _reasons_for(step: Transition) -> dict[str, str]:
    """A valid reason for this step: the first code offered, and words where they are asked for."""
    reasons: dict[str, str] = {}
    if step.reasons:
        reasons["reason_code"] = step.reasons[0].code
    if step.requires_text or (step.reasons and step.reasons[0].needs_text):
        reasons["reason_text"] = "Synthetic test reason."
    return reasons


def test_the_declaration_is_the_spec_table():
    declared = {(source, t.name): t.target for t in REFERRAL.transitions for source in t.source}
    assert declared == {key: target for key, (target, _) in ALLOWED.items()}


@pytest.mark.parametrize("who", sorted(ROLES))
def test_every_transition_is_allowed_exactly_where_the_spec_allows_it(db, world, referral_policy, who):
    actor = world.actor(who)
    names = sorted({t.name for t in REFERRAL.transitions})
    wrong: list[str] = []
    for state in (s.code for s in REFERRAL.states):
        standing = _referral(world, state)  # refused attempts leave it as it is
        for name in names:
            target, parties = ALLOWED.get((state, name), (None, set()))
            may_take_step = any(who in p for (_, n), (_, p) in ALLOWED.items() if n == name)
            allowed = target is not None and who in parties
            subject = _referral(world, state) if allowed else standing
            step = REFERRAL.find(name, state)
            reasons = _reasons_for(step) if step is not None else {}
            try:
                apply_transition(actor=actor, workflow=REFERRAL, obj=subject, transition=name, now=NOW, **reasons)
                outcome = "moved"
            except PermissionDenied:
                outcome = "403"
            except TransitionRefused as refused:
                outcome = f"refused:{refused.code}"
            expected = "moved" if allowed else ("403" if not may_take_step or target is not None
                                               else "refused:not_allowed_from_state")
            subject.refresh_from_db()
            if outcome != expected or subject.state != (target if allowed else state):
                wrong.append(f"{who} {name} from {state}: {outcome} (state {subject.state}), expected {expected}")
    assert wrong == []


def test_a_referral_of_another_agency_is_out_of_reach(db, world, referral_policy):
    referral = _referral(world, "submitted", referrer="other_probation")
    with pytest.raises(PermissionDenied):
        apply_transition(actor=world.actor("prob_prac"), workflow=REFERRAL, obj=referral, transition="hold",
                         reason_text="Synthetic test reason.", now=NOW)
    denied = AuditEvent.objects.get(action="programmes.referral.transition")
    assert (denied.outcome, denied.user_id) == (Outcome.DENIED, world.users["prob_prac"].pk)
    # The provider's team reaches it.
    apply_transition(actor=world.actor("treat_prac"), workflow=REFERRAL, obj=referral, transition="hold",
                     reason_text="Synthetic test reason.", now=NOW)
    assert referral.state == "on_hold_submitted"


# ---------------------------------------------------------------- reasons


@pytest.mark.parametrize(
    ("transition", "state", "reasons", "field", "code"),
    [
        ("withdraw", "submitted", {}, "reason_code", "required"),
        ("withdraw", "submitted", {"reason_code": "bored"}, "reason_code", "invalid"),
        ("withdraw", "submitted", {"reason_code": "other"}, "reason_text", "required"),
        ("withdraw", "submitted", {"reason_code": "other", "reason_text": "   "}, "reason_text", "required"),
        ("hold", "submitted", {}, "reason_text", "required"),
        ("accept", "submitted", {"reason_code": "operational"}, "reason_code", "not_expected"),
        ("hold", "submitted", {"reason_text": "x" * 2001}, "reason_text", "too_long"),
        ("deselect", "on_programme", {"reason_code": "operational"}, "reason_code", "invalid"),
    ],
)
def test_reasons_are_required_where_declared(db, world, referral_policy, transition, state, reasons, field, code):
    referral = _referral(world, state)
    with pytest.raises(TransitionRefused) as refused:
        apply_transition(actor=world.actor("treat_prac"), workflow=REFERRAL, obj=referral, transition=transition,
                         now=NOW, **reasons)
    assert refused.value.problems[0]["field"] == field
    assert refused.value.problems[0]["code"] == code
    assert refused.value.problems[0]["message"]
    referral.refresh_from_db()
    assert referral.state == state
    assert not TransitionRecord.objects.exists()
    failure = AuditEvent.objects.get(action="programmes.referral.transition")
    assert (failure.outcome, failure.details["refused"]) == (Outcome.FAILURE, code)


def test_the_refusal_names_what_is_possible_now(db, world, referral_policy):
    referral = _referral(world, "on_programme")
    with pytest.raises(TransitionRefused) as refused:
        apply_transition(actor=world.actor("treat_prac"), workflow=REFERRAL, obj=referral, transition="accept", now=NOW)
    message = refused.value.problems[0]["message"]
    assert message.startswith("Accept for assessment is not possible while this is “On programme”")
    assert "“Record completion”" in message and "“Deselect”" in message


def test_a_stale_page_is_refused(db, world, referral_policy):
    referral = _referral(world, "awaiting_assessment")
    with pytest.raises(TransitionRefused) as refused:
        apply_transition(actor=world.actor("treat_prac"), workflow=REFERRAL, obj=referral, transition="withdraw",
                         reason_code="operational", expected_state="submitted", now=NOW)
    assert refused.value.code == "stale"
    assert "“Awaiting assessment”, not “Submitted”" in refused.value.problems[0]["message"]


def test_an_unknown_step_is_refused(db, world, referral_policy):
    with pytest.raises(TransitionRefused) as refused:
        apply_transition(actor=world.actor("treat_prac"), workflow=REFERRAL, obj=_referral(world, "submitted"),
                         transition="teleport", now=NOW)
    assert refused.value.code == "unknown"


# ---------------------------------------------------------------- history and audit


def test_history_and_audit_are_written_with_the_change(db, world, referral_policy):
    referral = _referral(world, "assessed_suitable")
    record = apply_transition(
        actor=world.actor("prob_sup"), workflow=REFERRAL, obj=referral, transition="withdraw",
        reason_code="other", reason_text="Synthetic: released after a parole hearing.", now=NOW,
    )
    referral.refresh_from_db()
    assert referral.state == "withdrawn"
    assert (record.from_state, record.to_state, record.transition) == ("assessed_suitable", "withdrawn", "withdraw")
    assert (record.user, record.agency, record.role, record.occurred_at) == (
        world.users["prob_sup"], world.agencies["probation"], "supervisor", NOW
    )
    assert (record.reason_code, record.reason_text) == ("other", "Synthetic: released after a parole hearing.")
    # The words are encrypted at rest.
    with connection.cursor() as cursor:
        cursor.execute("SELECT reason_text FROM workflows_transitionrecord WHERE id = %s", [record.pk])
        stored = cursor.fetchone()[0]
    assert "parole" not in stored
    event = AuditEvent.objects.get(action="programmes.referral.transition")
    assert (event.outcome, event.object_type, event.object_id) == (
        Outcome.SUCCESS, "workflow_tests.SampleReferral", str(referral.pk)
    )
    assert event.details == {
        "workflow": "programmes.referral", "transition": "withdraw", "from": "assessed_suitable",
        "to": "withdrawn", "reason": "other", "record": record.pk,
    }
    assert "parole" not in str(event.details)  # the reason's words are never in the audit log


def test_nothing_is_kept_when_the_apps_own_change_fails(db, world, referral_policy):
    referral = _referral(world, "assessed_suitable")

    def effects(locked, record):
        assert TransitionRecord.objects.filter(pk=record.pk).exists()  # written, in this transaction
        raise RuntimeError("the app's own change failed")

    with pytest.raises(RuntimeError):
        apply_transition(actor=world.actor("treat_prac"), workflow=REFERRAL, obj=referral,
                         transition="start_programme", now=NOW, effects=effects)
    referral.refresh_from_db()
    assert referral.state == "assessed_suitable"
    assert not TransitionRecord.objects.exists()
    assert not AuditEvent.objects.filter(outcome=Outcome.SUCCESS).exists()


def test_nothing_is_kept_when_the_audit_write_fails(db, world, referral_policy, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("the audit log is unavailable")

    monkeypatch.setattr("safeguard.workflows.services.record_event", broken)
    referral = _referral(world, "assessed_suitable")
    with pytest.raises(RuntimeError):
        apply_transition(actor=world.actor("treat_prac"), workflow=REFERRAL, obj=referral,
                         transition="start_programme", now=NOW)
    referral.refresh_from_db()
    assert referral.state == "assessed_suitable"
    assert not TransitionRecord.objects.exists()


def test_history_is_read_oldest_first_and_shown_in_words(db, world, referral_policy):
    referral = _referral(world, "draft")
    apply_transition(actor=world.actor("prob_prac"), workflow=REFERRAL, obj=referral, transition="submit", now=NOW)
    apply_transition(actor=world.actor("treat_prac"), workflow=REFERRAL, obj=referral, transition="hold",
                     reason_text="Synthetic: waiting for a test report.", now=NOW)
    rows = selectors.history(workflow=REFERRAL, obj=referral)
    assert [(r.from_state, r.to_state) for r in rows] == [("draft", "submitted"), ("submitted", "on_hold_submitted")]
    html = engines["django"].from_string("{% load workflows %}{% workflow_history wf rows %}").render(
        {"wf": REFERRAL, "rows": rows}
    )
    assert "On hold (submitted)" in html and "Put on hold" in html
    assert "Synthetic: waiting for a test report." in html
    assert "14 April 2026" in html
    assert "on_hold_submitted" not in html and "2026-04-14" not in html


# ---------------------------------------------------------------- the two-person rule

DECISION = Workflow(
    name="tests.disclosure",
    label="Test disclosure",
    initial="draft",
    states=(State("draft", "Draft"), State("requested", "Requested"), State("approved", "Approved", final=True),
            State("refused", "Refused")),
    transitions=(
        Transition("request", source=("draft", "refused"), target="requested", action="tests.disclosure.request",
                   label="Request", requires_text=True),
        Transition("approve", source="requested", target="approved", action="tests.disclosure.decide",
                   label="Approve", different_actor_from="request"),
        Transition("refuse", source="requested", target="refused", action="tests.disclosure.decide",
                   label="Refuse", different_actor_from="request", reasons=(Reason("not_imminent", "No imminent risk"),)),
    ),
)


@pytest.fixture
def decision_policy(monkeypatch, referral_policy):
    _grant(monkeypatch, "probation", ("practitioner", "supervisor"), {"tests.disclosure.request", "tests.disclosure.decide"})


def test_the_requester_may_not_approve_their_own_request(db, world, decision_policy):
    subject = _referral(world, "draft")
    apply_transition(actor=world.actor("prob_prac"), workflow=DECISION, obj=subject, transition="request",
                     reason_text="Synthetic test request.", now=NOW)
    with pytest.raises(TransitionRefused) as refused:
        apply_transition(actor=world.actor("prob_prac"), workflow=DECISION, obj=subject, transition="approve", now=NOW)
    assert refused.value.code == "same_person"
    assert refused.value.problems[0]["message"] == "Someone other than the person who chose “Request” must approve"
    assert [t.name for t in selectors.available_transitions(actor=world.actor("prob_prac"), workflow=DECISION,
                                                            obj=subject)] == []
    assert [t.name for t in selectors.available_transitions(actor=world.actor("prob_sup"), workflow=DECISION,
                                                            obj=subject)] == ["approve", "refuse"]
    apply_transition(actor=world.actor("prob_sup"), workflow=DECISION, obj=subject, transition="approve", now=NOW)
    assert subject.state == "approved"


def test_the_same_person_in_another_role_is_still_the_same_person(db, world, decision_policy):
    from safeguard.accounts.models import Membership
    from safeguard.policy import Actor

    subject = _referral(world, "draft")
    apply_transition(actor=world.actor("prob_prac"), workflow=DECISION, obj=subject, transition="request",
                     reason_text="Synthetic test request.", now=NOW)
    as_supervisor = Membership.objects.create(user=world.users["prob_prac"], agency=world.agencies["probation"],
                                              role="supervisor")
    with pytest.raises(TransitionRefused, match="Someone other than"):
        apply_transition(actor=Actor(user=world.users["prob_prac"], membership=as_supervisor), workflow=DECISION,
                         obj=subject, transition="refuse", reason_code="not_imminent", now=NOW)


def test_the_latest_request_is_the_one_that_counts(db, world, decision_policy):
    subject = _referral(world, "draft")
    apply_transition(actor=world.actor("prob_prac"), workflow=DECISION, obj=subject, transition="request",
                     reason_text="Synthetic test request.", now=NOW)
    apply_transition(actor=world.actor("prob_sup"), workflow=DECISION, obj=subject, transition="refuse",
                     reason_code="not_imminent", now=NOW)
    # The supervisor who refused now asks again; the first requester may decide this time.
    apply_transition(actor=world.actor("prob_sup"), workflow=DECISION, obj=subject, transition="request",
                     reason_text="Synthetic: new information.", now=NOW)
    with pytest.raises(TransitionRefused, match="Someone other than"):
        apply_transition(actor=world.actor("prob_sup"), workflow=DECISION, obj=subject, transition="approve", now=NOW)
    apply_transition(actor=world.actor("prob_prac"), workflow=DECISION, obj=subject, transition="approve", now=NOW)
    assert subject.state == "approved"


def test_a_decision_without_any_request_is_refused(db, world, decision_policy):
    subject = _referral(world, "requested")  # put there by hand: no request in the history
    with pytest.raises(TransitionRefused) as refused:
        apply_transition(actor=world.actor("prob_sup"), workflow=DECISION, obj=subject, transition="approve", now=NOW)
    assert refused.value.code == "two_person_missing"


# ---------------------------------------------------------------- diagram, offered steps and form


def test_the_diagram_shows_states_steps_roles_and_reasons_in_words(db, referral_policy):
    html = engines["django"].from_string("{% load workflows %}{% workflow_diagram wf 'submitted' %}").render(
        {"wf": REFERRAL}
    )
    for state in REFERRAL.states:
        assert state.label in html
    assert html.count(">Now</strong>") == 1
    assert "Treatment provider: Practitioner" in html and "Probation: Supervisor" in html
    assert "Administrative error; Motivation and behaviour" in html
    assert "Closed: no further steps." in html
    assert "on_hold_submitted" not in html and WITHDRAW not in html  # no codes on screen
    html = engines["django"].from_string("{% load workflows %}{% workflow_diagram wf %}").render({"wf": DECISION})
    assert "Someone other than the person who chose “Request”." in html
    assert "No role yet" in html  # tests.disclosure.* are granted to nobody in this test


def test_offered_steps_follow_the_policy(db, world, referral_policy):
    referral = _referral(world, "submitted")
    team = {t.name for t in selectors.available_transitions(actor=world.actor("treat_prac"), workflow=REFERRAL, obj=referral)}
    referrer = {t.name for t in selectors.available_transitions(actor=world.actor("prob_prac"), workflow=REFERRAL, obj=referral)}
    assert team == {"accept", "not_eligible", "hold", "withdraw"}
    assert referrer == {"hold", "withdraw"}
    assert selectors.available_transitions(actor=world.actor("police_prac"), workflow=REFERRAL, obj=referral) == []


def test_the_form_asks_for_what_the_step_needs(db):
    withdraw = REFERRAL.find("withdraw", "submitted")
    form = TransitionForm(data={"expected_state": "submitted"}, transition=withdraw)
    assert not form.is_valid()
    assert form.errors["reason_code"] == ["Choose a reason"]
    assert "reason_text" not in form.errors  # only "Other" needs words; the service checks that
    hold = REFERRAL.find("hold", "submitted")
    form = TransitionForm(data={"expected_state": "submitted"}, transition=hold)
    assert not form.is_valid()
    assert form.errors["reason_text"] == ["Explain the reason in a few words"]
    assert "reason_code" not in form.fields
