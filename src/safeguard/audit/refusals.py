"""Refused requests (403) in the audit log, recorded once per request, in one place.

Pages reach `record_refusal` through the 403 handler (`core.views.permission_denied`), the JSON
API through its PermissionDenied handler (`site/api.py`). The event names what was refused: the
policy's most recent refusal in the request (its action and record), or else the action the page
requires, and the endpoint; its outcome is `denied` and its details say the answer was a 403,
where a record out of reach is a `denied` event answered with a 404.

A refusal by a page or API call of a sealed app (the prevention service) goes to that app's sealed
partition: by its action or record (partitions.claimed_by), or by the page's URL namespace or
address, so that even a refused attempt on a prevention page is out of the general auditors' sight.
A 404 for a record out of reach is recorded by the app's selector under its own action name, which
the sealed partition claims in the same way.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.http import HttpRequest

from safeguard import policy
from safeguard.audit import partitions
from safeguard.audit.actions import AuditAction
from safeguard.audit.models import Outcome
from safeguard.audit.services import record_event

_RECORDED = "_safeguard_refusal_recorded"


def _page_action(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    return str(getattr(getattr(match, "func", None), "required_action", "") or AuditAction.REQUEST_REFUSED)


def _page_partition(request: HttpRequest) -> str | None:
    match = getattr(request, "resolver_match", None)
    return partitions.claimed_by_page(list(getattr(match, "namespaces", None) or []), request.path)


def record_refusal(request: HttpRequest) -> None:
    """Record this request's refusal (a second call for the same request records nothing)."""
    if getattr(request, _RECORDED, False):
        return
    setattr(request, _RECORDED, True)
    refusal = policy.last_refusal()
    action, obj = refusal if refusal is not None else (_page_action(request), None)
    actor = getattr(request, "actor", None)
    user: Any = request.user if actor is None and request.user.is_authenticated else None
    record_event(
        action=action,
        actor=actor,
        user=user,
        obj=obj if isinstance(obj, Model) else None,
        outcome=Outcome.DENIED,
        endpoint=f"{request.method} {request.path}",
        details={"status": 403},
        partition=_page_partition(request),
    )
    policy.forget_refusal()
