"""Making a transition: the one write every workflow goes through.

`apply_transition` locks the record, checks in this order — the policy grants the actor some
transition of that name at all (else 403), the transition exists from the current state, the
policy allows its action on this record, the reasons are given, the two-person rule holds — then
changes the state, keeps the history row and writes the audit event, all in one transaction.
A refusal changes nothing and is itself recorded on the audit log (denied or failure).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import Http404

from safeguard import policy
from safeguard.audit.models import Outcome
from safeguard.audit.services import record_event
from safeguard.policy import Actor
from safeguard.workflows.definitions import Transition, Workflow
from safeguard.workflows.models import TransitionRecord

MAX_REASON_TEXT = 2000


class TransitionRefused(ValidationError):
    """The transition is not possible as asked; `problems` are [{field, code, message}]."""

    def __init__(self, field: str, code: str, message: str) -> None:
        super().__init__({field: [ValidationError(message, code=code)]})
        self.code = code
        self.problems = [{"field": field, "code": code, "message": message}]


def _quoted(text: str) -> str:
    return f"“{text}”"


def _check_reason(step: Transition, reason_code: str, reason_text: str) -> None:
    if step.reasons:
        if not reason_code:
            raise TransitionRefused("reason_code", "required", f"Choose a reason to {step.label.lower()}")
        reason = step.reason(reason_code)
        if reason is None:
            allowed = ", ".join(_quoted(r.label) for r in step.reasons)
            raise TransitionRefused("reason_code", "invalid", f"Choose one of the reasons offered: {allowed}")
        needs_text = step.requires_text or reason.needs_text
    else:
        if reason_code:
            raise TransitionRefused("reason_code", "not_expected", f"{step.label} takes no reason from a list")
        needs_text = step.requires_text
    if needs_text and not reason_text:
        raise TransitionRefused("reason_text", "required", "Explain the reason in a few words")
    if len(reason_text) > MAX_REASON_TEXT:
        raise TransitionRefused(
            "reason_text", "too_long", f"Keep the reason to {MAX_REASON_TEXT} characters or fewer"
        )


def _check_two_person(*, workflow: Workflow, step: Transition, subject: tuple[str, str], actor: Actor) -> None:
    earlier_name = step.different_actor_from
    if earlier_name is None:
        return
    earlier = (
        TransitionRecord.objects.filter(
            workflow=workflow.name, subject_type=subject[0], subject_id=subject[1], transition=earlier_name
        )
        .order_by("-id")
        .only("user_id")
        .first()
    )
    earlier_label = workflow.named(earlier_name)[0].label
    if earlier is None:
        raise TransitionRefused(
            "transition", "two_person_missing",
            f"{step.label} needs an earlier {_quoted(earlier_label)} by someone else, and there is none",
        )
    if earlier.user_id == actor.user.pk:
        raise TransitionRefused(
            "transition", "same_person",
            f"Someone other than the person who chose {_quoted(earlier_label)} must {step.label.lower()}",
        )


def apply_transition(
    *,
    actor: Actor,
    workflow: Workflow,
    obj: models.Model,
    transition: str,
    now: datetime,
    reason_code: str = "",
    reason_text: str = "",
    expected_state: str | None = None,
    effects: Callable[[Any, TransitionRecord], None] | None = None,
) -> TransitionRecord:
    """Move `obj` along `transition` for `actor`. `expected_state` (the state the person saw)
    refuses a transition made from a page that has gone stale; `effects(locked_obj, record)` runs
    in the same transaction for the app's own changes (e.g. a start date on "start programme")."""
    subject = (obj._meta.label, str(obj.pk))
    reason_code = (reason_code or "").strip()
    reason_text = (reason_text or "").strip()
    details: dict[str, Any] = {"workflow": workflow.name, "transition": transition}
    try:
        with transaction.atomic():
            model = type(obj)
            locked = model._default_manager.select_for_update().filter(pk=obj.pk).first()
            if locked is None:
                raise Http404
            current = getattr(locked, workflow.state_field)
            details["from"] = current
            named = workflow.named(transition)
            if not named:
                raise TransitionRefused("transition", "unknown", f"There is no step called {_quoted(transition)}")
            # A role that may make no transition of this name is refused outright (403)...
            if not any(policy.allows(actor, action) for action in {t.action for t in named}):
                raise PermissionDenied
            if expected_state is not None and expected_state != current:
                raise TransitionRefused(
                    "state", "stale",
                    f"This is now {_quoted(workflow.label_of(current))}, not "
                    f"{_quoted(workflow.label_of(expected_state))}: check it and try again",
                )
            step = workflow.find(transition, current)
            if step is None:
                possible = ", ".join(_quoted(t.label) for t in workflow.outgoing(current)) or "nothing more"
                raise TransitionRefused(
                    "transition", "not_allowed_from_state",
                    f"{named[0].label} is not possible while this is {_quoted(workflow.label_of(current))}; "
                    f"possible now: {possible}",
                )
            # ...and then the action of this very transition must reach this very record.
            if not policy.allows(actor, step.action, locked):
                raise PermissionDenied
            _check_reason(step, reason_code, reason_text)
            _check_two_person(workflow=workflow, step=step, subject=subject, actor=actor)
            setattr(locked, workflow.state_field, step.target)
            locked.save(update_fields=[workflow.state_field])
            record = TransitionRecord.objects.create(
                workflow=workflow.name, subject_type=subject[0], subject_id=subject[1],
                transition=step.name, from_state=current, to_state=step.target,
                user=actor.user, agency=actor.agency, role=actor.role,
                reason_code=reason_code, reason_text=reason_text, occurred_at=now,
            )
            if effects is not None:
                effects(locked, record)
            details.update({"to": step.target, "reason": reason_code, "record": record.pk})
            # The reason's free text stays in the history (encrypted), never in the audit log.
            record_event(action=workflow.audit_action, actor=actor, obj=locked, details=details)
    except PermissionDenied:
        record_event(action=workflow.audit_action, actor=actor, obj=obj, outcome=Outcome.DENIED, details=details)
        raise
    except TransitionRefused as refused:
        record_event(
            action=workflow.audit_action, actor=actor, obj=obj, outcome=Outcome.FAILURE,
            details={**details, "refused": refused.code},
        )
        raise
    setattr(obj, workflow.state_field, step.target)
    return record
