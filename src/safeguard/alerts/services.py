"""Writes: acknowledging due items (several at once), audited in the same transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import transaction

from safeguard.alerts.models import Acknowledgement, key_digest
from safeguard.audit.services import record_event
from safeguard.core.due import DueItem
from safeguard.policy import Actor

ACKNOWLEDGE = "alerts.acknowledge"


@transaction.atomic
def acknowledge(*, actor: Actor, items: Sequence[DueItem], now: datetime) -> int:
    """Mark these items (the caller checked they are the actor's current items) as acknowledged by
    the actor; one audit event names them all. An item acknowledged before keeps its first time.
    Returns how many items were given."""
    if not items:
        raise ValueError("nothing to acknowledge")
    Acknowledgement.objects.bulk_create(
        [
            Acknowledgement(
                user=actor.user, key_digest=key_digest(item.key), kind=item.kind, due_on=item.due_on,
                acknowledged_at=now,
            )
            for item in items
        ],
        ignore_conflicts=True,
    )
    record_event(
        action=ACKNOWLEDGE, actor=actor, object_type="alerts.DueItem",
        details={"acknowledged": [item.key for item in items]},
    )
    return len(items)
