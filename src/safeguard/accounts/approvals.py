"""Two-person approval: a change one person asks for and a different person approves or refuses.

The small reusable piece behind the two-person rule. Each kind of change registers once
(`register`) with the policy action its requester and decider need, how to say it in plain
words and how to apply it. Its state changes are three service functions, each one transaction
with its audit event:

- `change_request_open`: requested, with the requester's written reason;
- `change_request_approve`: approved by someone else, and the change applied in the same
  transaction (if applying fails, nothing changes and the request stays open);
- `change_request_refuse`: refused by someone else, with their reason; nothing changes.

Nobody decides on a request they made or one about their own account: the service refuses (and
records the attempt), and a database constraint refuses a decider equal to the requester.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from safeguard import policy
from safeguard.accounts.choices import RequestState
from safeguard.accounts.models import PrivilegedChangeRequest, User
from safeguard.audit.models import Outcome
from safeguard.audit.services import record_event

if TYPE_CHECKING:
    from safeguard.policy import Actor

REASON_MIN = 10
REASON_MAX = 500


class ChangeRefused(PermissionDenied):
    """The rules forbid this actor this change. The message says why, in plain words."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ChangeKind:
    """A kind of change that needs two people.

    `apply` makes the change (raising `ValidationError` if it can no longer be made) and returns
    a one-time secret to show the decider, or "" (a password reset returns its set-up link).
    """

    code: str
    action: str
    describe: Callable[[PrivilegedChangeRequest], str]
    apply: Callable[[Actor, PrivilegedChangeRequest], str]


_KINDS: dict[str, ChangeKind] = {}


def register(kind: ChangeKind) -> ChangeKind:
    _KINDS[kind.code] = kind
    return kind


def kind_of(request: PrivilegedChangeRequest) -> ChangeKind:
    return _KINDS[request.kind]


def kinds_by_action() -> dict[str, list[str]]:
    """Kind codes grouped by the policy action their deciders need (for scoping lists)."""
    grouped: dict[str, list[str]] = {}
    for kind in _KINDS.values():
        grouped.setdefault(kind.action, []).append(kind.code)
    return grouped


def clean_reason(reason: str, *, missing: str = "Enter why this change is needed") -> str:
    """A written reason: required, 10 to 500 characters. The error is on the field `reason`."""
    field = "reason"
    reason = reason.strip()
    if not reason:
        raise ValidationError({field: missing})
    if len(reason) < REASON_MIN:
        raise ValidationError({field: f"Reason must be at least {REASON_MIN} characters"})
    if len(reason) > REASON_MAX:
        raise ValidationError({field: f"Reason must be {REASON_MAX} characters or fewer"})
    return reason


def _audit_details(request: PrivilegedChangeRequest) -> dict[str, Any]:
    return {
        "request": request.pk, "kind": request.kind, "subject": request.subject_id, "summary": request.summary,
        **request.payload,
    }


def change_request_open(
    *, actor: Actor, kind: str, payload: dict[str, Any], reason: str, subject: User | None = None
) -> PrivilegedChangeRequest:
    """Ask for a change that a second person must approve. Nothing changes yet."""
    change = _KINDS.get(kind)
    if change is None:
        raise ValueError(f"unknown kind of change: {kind!r}")
    if not policy.allows(actor, change.action):
        raise ChangeRefused("Your role does not allow this change.")
    reason = clean_reason(reason)
    waiting = PrivilegedChangeRequest.objects.filter(kind=kind, subject=subject, state=RequestState.REQUESTED)
    if any(existing.payload == payload for existing in waiting):
        raise ValidationError(
            "The same change is already waiting for approval. Open it from the approvals page."
        )
    request = PrivilegedChangeRequest(
        kind=kind, agency=actor.agency, subject=subject, payload=payload, reason=reason, requested_by=actor.user
    )
    request.summary = change.describe(request)[:300]
    with transaction.atomic():
        request.save()
        record_event(
            action="approval.requested",
            actor=actor,
            obj=request,
            justification=reason,
            details=_audit_details(request),
        )
    return request


def _check_decider(actor: Actor, request: PrivilegedChangeRequest, decision: str) -> None:
    """Someone other than the requester and the subject, whose role may make this change."""
    if actor.user.pk == request.requested_by_id:
        message = "You asked for this change, so another administrator must decide on it."
    elif actor.user.pk == request.subject_id:
        message = "This change is about your own account, so another administrator must decide on it."
    elif not policy.allows(actor, kind_of(request).action):
        raise ChangeRefused("Your role does not allow you to decide on this change.")
    else:
        return
    record_event(
        action=f"approval.{decision}_refused",
        actor=actor,
        obj=request,
        outcome=Outcome.DENIED,
        details=_audit_details(request),
    )
    raise ChangeRefused(message)


def _lock_pending(request: PrivilegedChangeRequest) -> PrivilegedChangeRequest:
    locked = PrivilegedChangeRequest.objects.select_for_update().get(pk=request.pk)
    if not locked.is_pending:
        raise ValidationError(f"This request has already been decided: {locked.get_state_display().lower()}.")
    return locked


def _record_decision(actor: Actor, locked: PrivilegedChangeRequest, state: str, reason: str = "") -> None:
    locked.state = state
    locked.decided_by = actor.user
    locked.decided_at = timezone.now()
    locked.decision_reason = reason
    locked.save(update_fields=["state", "decided_by", "decided_at", "decision_reason"])
    record_event(
        action=f"approval.{state}",
        actor=actor,
        obj=locked,
        justification=reason,
        details=_audit_details(locked),
    )


def change_request_approve(*, actor: Actor, request: PrivilegedChangeRequest) -> str:
    """Approve and apply the change in one transaction. Returns the change's one-time secret, or ""."""
    _check_decider(actor, request, "approve")
    with transaction.atomic():
        locked = _lock_pending(request)
        secret = kind_of(locked).apply(actor, locked)
        _record_decision(actor, locked, RequestState.APPROVED)
    request.refresh_from_db()
    return secret


def change_request_refuse(
    *, actor: Actor, request: PrivilegedChangeRequest, reason: str
) -> PrivilegedChangeRequest:
    """Refuse the change, with a reason the requester will read. Nothing else changes."""
    _check_decider(actor, request, "refuse")
    reason = clean_reason(reason, missing="Enter why you are refusing")
    with transaction.atomic():
        _record_decision(actor, _lock_pending(request), RequestState.REFUSED, reason)
    request.refresh_from_db()
    return request
