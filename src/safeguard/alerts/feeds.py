"""Due items in the calendar feed: providers registered with `in_feed=True` put their items in the
owner's feed, one all-day event on the due date, as "<provider label>: <reference>".

Only the provider's label (fixed words such as "Visit due") and the item's reference (a record
reference, never a name) reach the calendar: never the item's title or reason, which may name the
person, nor the owner's name. Providers that already have a richer feed of their own (the
assessments app's reassessments, a year ahead) leave `in_feed` off so nothing appears twice.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from safeguard.core.due import DueQuery, collect, providers_for
from safeguard.feeds.registry import FeedEvent, Window
from safeguard.feeds.selectors import DAYS_BEFORE, MAX_EVENTS_PER_PROVIDER
from safeguard.policy import Actor

PROVIDER = "alerts.due"


def due_for_feed(actor: Actor, window: Window) -> list[FeedEvent]:
    labels = {p.kind: p.label for p in providers_for(actor) if p.in_feed}
    if not labels:
        return []
    today = window.start + timedelta(days=DAYS_BEFORE)  # the feed's window begins DAYS_BEFORE before today
    report = collect(DueQuery(actor=actor, today=today, limit=MAX_EVENTS_PER_PROVIDER), kinds=frozenset(labels))
    events = []
    for item in report.items:
        if not window.start <= item.due_on <= window.end:
            continue
        digest = hashlib.sha256(item.key.encode()).hexdigest()[:32]
        label = labels[item.kind]
        events.append(
            FeedEvent(
                uid=f"due-{digest}@safeguard",
                start=item.due_on,
                summary=f"{label}: {item.reference}" if item.reference else label,
            )
        )
    return events
