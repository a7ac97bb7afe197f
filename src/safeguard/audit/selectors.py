"""Reads of the audit log: the auditor's filtered browse and a record's access history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from safeguard import policy
from safeguard.audit.models import AuditEvent
from safeguard.policy import Action, Actor


@dataclass(frozen=True)
class AuditFilter:
    username: str = ""
    action: str = ""
    outcome: str = ""
    object_id: str = ""
    date_from: date | None = None
    date_to: date | None = None


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def event_list(*, actor: Actor, filters: AuditFilter) -> QuerySet[AuditEvent]:
    events = policy.scope(actor, Action.AUDIT_VIEW, AuditEvent.objects.all())
    if filters.username:
        events = events.filter(username__iexact=filters.username)
    if filters.action:
        events = events.filter(action__startswith=filters.action)
    if filters.outcome:
        events = events.filter(outcome=filters.outcome)
    if filters.object_id:
        events = events.filter(object_id=filters.object_id)
    if filters.date_from:
        events = events.filter(occurred_at__gte=_start_of(filters.date_from))
    if filters.date_to:
        events = events.filter(occurred_at__lt=_start_of(filters.date_to + timedelta(days=1)))
    return events.order_by("-id")


def access_history(*, object_type: str, object_id: str, limit: int = 20) -> list[AuditEvent]:
    """Who accessed this record: for display on the record itself to those who may see it."""
    return list(
        AuditEvent.objects.filter(object_type=object_type, object_id=object_id).order_by("-id")[
            :limit
        ]
    )
