"""Writes: make a new calendar feed link (revoking the old one) and revoke it. Both audited."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone

from safeguard.accounts.models import hash_token
from safeguard.audit.services import record_event
from safeguard.feeds.models import CalendarFeed
from safeguard.policy import Actor


@transaction.atomic
def feed_create(*, actor: Actor) -> str:
    """A new feed link for the actor's membership; any live one stops working. Returns the secret
    token, which is not stored (only its hash) and so can be shown only now."""
    replaced = CalendarFeed.objects.filter(membership=actor.membership, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.create(membership=actor.membership, token_hash=hash_token(token))
    record_event(action="calendar.feed.create", actor=actor, obj=feed, details={"replaced": replaced})
    return token


@transaction.atomic
def feed_revoke(*, actor: Actor) -> int:
    """Stop the actor's live feed link for this membership; returns how many were revoked (0 or 1)."""
    revoked = CalendarFeed.objects.filter(membership=actor.membership, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    record_event(
        action="calendar.feed.revoke", actor=actor, object_type=CalendarFeed._meta.label, details={"revoked": revoked}
    )
    return revoked
