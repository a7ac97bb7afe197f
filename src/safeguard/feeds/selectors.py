"""Reads: the feed behind a token, its events from every registered provider, and the account's link.

The token in the address is the only credential a calendar app sends, so it stands for the user
in the membership that made it, for as long as the link is live and the user and membership are
active and unlocked; otherwise the address answers 404 exactly as an unknown one does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from itertools import islice

from django.utils import timezone

from safeguard.accounts.models import hash_token
from safeguard.audit.models import Outcome
from safeguard.audit.services import record_event
from safeguard.feeds import ical
from safeguard.feeds.models import CalendarFeed
from safeguard.feeds.registry import FeedEvent, Window, providers
from safeguard.policy import Actor

DAYS_BEFORE = 31
DAYS_AFTER = 366
MAX_EVENTS_PER_PROVIDER = 500
# The token is never written anywhere, the audit log included.
ENDPOINT = "GET /feeds/(token).ics"
LAST_READ_RESOLUTION = timedelta(minutes=10)


def live_feed(*, actor: Actor) -> CalendarFeed | None:
    """The actor's live feed link for this membership, for the account page (not personal data)."""
    return CalendarFeed.objects.filter(membership=actor.membership, revoked_at__isnull=True).first()


def window_around(today: date) -> Window:
    return Window(today - timedelta(days=DAYS_BEFORE), today + timedelta(days=DAYS_AFTER))


def feed_events(*, actor: Actor, window: Window) -> list[FeedEvent]:
    """Every provider's events for this actor, by date; at most MAX_EVENTS_PER_PROVIDER from each."""
    events: list[FeedEvent] = []
    for provider in providers().values():
        events.extend(islice(provider(actor, window), MAX_EVENTS_PER_PROVIDER))
    return sorted(events, key=lambda e: (e.start.isoformat(), e.uid))


@dataclass(frozen=True)
class FeedDocument:
    body: bytes
    events: int


def feed_read(*, token: str, today: date | None = None) -> FeedDocument | None:
    """The iCalendar document for a live token, or None (answered as 404).

    Writes one `calendar.feed.read` event naming the feed and every event's uid; a revoked link
    (or one whose user or role was deactivated) that is still polled writes a denied event.
    """
    feed = (
        CalendarFeed.objects.select_related("membership__user", "membership__agency")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if feed is None:
        return None
    membership, user = feed.membership, feed.membership.user
    actor = Actor(user=user, membership=membership, endpoint=ENDPOINT, justifications={})
    usable = feed.revoked_at is None and membership.is_active and user.is_active and not user.is_locked
    if not usable:
        record_event(action="calendar.feed.read", actor=actor, obj=feed, outcome=Outcome.DENIED)
        return None
    window = window_around(today or timezone.localdate())
    events = feed_events(actor=actor, window=window)
    body = ical.render(events)
    record_event(
        action="calendar.feed.read", actor=actor, obj=feed,
        details={"window": [window.start.isoformat(), window.end.isoformat()], "events": [e.uid for e in events]},
    )
    now = timezone.now()
    if feed.last_read_at is None or now - feed.last_read_at > LAST_READ_RESOLUTION:
        CalendarFeed.objects.filter(pk=feed.pk).update(last_read_at=now)
    return FeedDocument(body=body, events=len(events))
