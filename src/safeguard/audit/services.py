"""The one audit writer: every read and write of personal data goes through `record_event`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from safeguard.audit import checkpoints
from safeguard.audit.chain import (
    GENESIS_HASH,
    canonical_details,
    keyed_fields,
    keyed_hash,
    truncate_to_millisecond,
)
from safeguard.audit.keys import chain_keys
from safeguard.audit.models import AuditChainHead, AuditEvent, Outcome

if TYPE_CHECKING:
    from django.db.models import Model

    from safeguard.accounts.models import User
    from safeguard.policy import Actor


def _object_reference(obj: Model | None, object_type: str, object_id: str) -> tuple[str, str]:
    if obj is not None:
        return obj._meta.label, str(obj.pk)
    return object_type, object_id


@transaction.atomic
def record_event(
    *,
    action: str,
    actor: Actor | None = None,
    user: User | None = None,
    username: str = "",
    obj: Model | None = None,
    object_type: str = "",
    object_id: str = "",
    outcome: str = Outcome.SUCCESS,
    endpoint: str = "",
    justification: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain, inside the caller's transaction, keyed with the primary
    AUDIT_CHAIN_KEYS key."""
    if actor is not None:
        user = actor.user
        endpoint = endpoint or actor.endpoint
    object_type, object_id = _object_reference(obj, object_type, object_id)
    values: dict[str, Any] = {
        "occurred_at": truncate_to_millisecond(timezone.now()),
        "user_id": user.pk if user is not None else None,
        "username": (user.get_username() if user is not None else username)[:150],
        "agency_id": actor.agency.pk if actor is not None else None,
        "agency_name": actor.agency.name if actor is not None else "",
        "role": actor.role if actor is not None else "",
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "outcome": outcome,
        "endpoint": endpoint[:300],
        "justification": justification,
        "details": details or {},
    }
    ring = chain_keys()
    key_id = ring.primary_id
    fields, details_text = keyed_fields(values), canonical_details(values["details"])
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        head = AuditChainHead.objects.create(pk=1, last_hash=GENESIS_HASH)
    values["hash"] = keyed_hash(ring.get(key_id), head.last_hash, key_id, fields, details_text)
    event = AuditEvent.objects.create(prev_hash=head.last_hash, key_id=key_id, **values)
    head.last_event_id = event.pk
    head.last_hash = event.hash
    head.event_count += 1
    head.save(update_fields=["last_event_id", "last_hash", "event_count"])
    every = settings.AUDIT_CHECKPOINT_EVERY
    if every and head.event_count % every == 0:
        # After the commit, so that a checkpoint never names an event that was rolled back.
        transaction.on_commit(checkpoints.write_quietly)
    return event
