"""Due items: one mechanism through which every app says what is due, for whom, by when, and which
page resolves it (a register to take, a referral waiting too long, a visit overdue, a notification
due, a plan review, an order expiring).

Due items are computed from the records when they are read, never typed by hand and never copied
into a table of their own (docs/decisions/0016). Each app registers providers in its
`AppConfig.ready()`; a provider answers for one actor, scoped by the policy like everything else,
with a bounded number of queries (one or two, each with a LIMIT) and at most `limit` items, most
urgent first. The dashboard's "needs attention" panel, the alerts page and the supervisor's team
view (`safeguard.alerts`) all read through `collect()`.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from safeguard.audit.services import CapturedWrite, captured_writes, replay
from safeguard.core.wording import date_words

if TYPE_CHECKING:
    from safeguard.policy import Actor

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DueQuery:
    """What is asked of a provider: whose items (the actor's own, or their team's when
    `team` is true and the actor supervises), as at `today`, and at most `limit` of them.

    `owner_id`, with `team`, narrows the team's items to one owner (a supervisor filtering by
    practitioner); a provider should filter by it in its query, and the caller filters again.
    """

    actor: Actor
    today: date
    limit: int = 50
    team: bool = False
    owner_id: int | None = None


@dataclass(frozen=True)
class DueItem:
    """One thing that needs doing.

    `key` is stable for the same obligation (kind, record and due date), so an acknowledgement
    holds until the obligation changes. `title` and `reason` are plain words for the page (they may
    name the person: pages are audited); `reference` is a record reference (never a name) so the
    item may leave the platform (a calendar feed). `owner_id` is the user responsible, when there
    is one, and `owner_name` their name as the team view shows it.
    """

    key: str
    kind: str
    title: str
    reason: str
    due_on: date
    url: str
    reference: str = ""
    owner_id: int | None = None
    owner_name: str = ""

    def days_overdue(self, today: date) -> int:
        return (today - self.due_on).days

    def status(self, today: date) -> str:
        """"overdue", "today" or "upcoming"."""
        if self.due_on < today:
            return "overdue"
        if self.due_on == today:
            return "today"
        return "upcoming"

    def when(self, today: date) -> str:
        return describe_due(self.due_on, today)


def describe_due(due_on: date, today: date) -> str:
    """The due date in words: "Overdue by 3 days", "Due today", "Due 14 June 2026"."""
    late = (today - due_on).days
    if late > 0:
        return f"Overdue by {late:,} day{'' if late == 1 else 's'}"
    if late == 0:
        return "Due today"
    return f"Due {date_words(due_on)}"


Provider = Callable[[DueQuery], list[DueItem]]


@dataclass(frozen=True)
class DueProvider:
    """A named source of due items; `action` is the policy action an actor needs to be asked.

    `label` names the kind of item in plain words ("Reassessment due"). `in_feed` puts the items in
    the owner's calendar feed as "<label>: <reference>" (never the title, which may name a person).
    """

    kind: str
    label: str
    action: str
    provide: Provider
    in_feed: bool = False


_PROVIDERS: dict[str, DueProvider] = {}


def register(provider: DueProvider) -> None:
    existing = _PROVIDERS.get(provider.kind)
    if existing is not None and existing != provider:
        raise ValueError(f"due-item kind {provider.kind!r} is already registered")
    _PROVIDERS[provider.kind] = provider


def providers() -> list[DueProvider]:
    return sorted(_PROVIDERS.values(), key=lambda p: p.kind)


def providers_for(actor: Actor) -> list[DueProvider]:
    """The providers this actor's role is asked (an empty list: due items mean nothing to this role)."""
    from safeguard import policy

    return [p for p in providers() if policy.allows(actor, p.action)]


@dataclass(frozen=True)
class DueReport:
    """What the providers said: the items (most urgent first, at most the query's limit), whether
    they had more than that between them, and the labels of any provider that failed this time."""

    items: list[DueItem]
    more: bool = False
    failed: list[str] = field(default_factory=list)
    asked: list[DueProvider] = field(default_factory=list)


# While a signed-in page is drawn: a stamp of the user's own writes (core.middleware.DueStampMiddleware).
# Unset everywhere else (jobs, token API calls, code that asks a provider directly): no kept answers.
_page_stamp: ContextVar[str | None] = ContextVar("safeguard_due_page_stamp", default=None)


@contextmanager
def kept_answers(stamp: str) -> Iterator[None]:
    """Inside the block, `provide_once` may show an answer worked out by an earlier page of the same
    user in the same membership, for up to settings.DUE_KEPT_SECONDS, as long as the user has written
    nothing since (`stamp` changes with each of their writes)."""
    token = _page_stamp.set(stamp)
    try:
        yield
    finally:
        _page_stamp.reset(token)


def own_writes_stamp() -> str | None:
    """The stamp of the signed-in user's own writes while their page is drawn (it changes with each of
    them); None outside a signed-in page. For other short-lived answers kept for one user."""
    return _page_stamp.get()


@dataclass(frozen=True)
class _Kept:
    limit: int
    items: list[DueItem]
    audit: list[CapturedWrite]
    at: datetime


def _kept_key(provide: Callable[[DueQuery], list[DueItem]], query: DueQuery, stamp: str) -> str:
    actor = query.actor
    name = getattr(provide, "__qualname__", type(provide).__qualname__)  # a function, or a callable object
    # The role and the user's security stamp (which any change of their permissions renews): an answer
    # worked out under one role is never shown under another, even in a session that has written nothing.
    parts = (f"{provide.__module__}.{name}", actor.membership.pk, actor.membership.role, actor.user.pk,
             actor.user.security_stamp, query.today.isoformat(), query.team, query.owner_id, stamp)  # fmt: skip
    return "core.due:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def _asked(provide: Callable[[DueQuery], list[DueItem]], query: DueQuery) -> tuple[list[DueItem], datetime]:
    """The provider's answer and when it was worked out: kept for a short while on signed-in pages
    (the cost of a dashboard is the providers' query building, not the data), with the audit events
    the provider wrote, which are written again whenever the kept answer is shown."""
    seconds, stamp = settings.DUE_KEPT_SECONDS, _page_stamp.get()
    if not seconds or stamp is None:
        return provide(query), timezone.now()
    key = _kept_key(provide, query, stamp)
    kept = cache.get(key)
    if isinstance(kept, _Kept) and kept.limit >= query.limit:
        replay(kept.audit, actor=query.actor)
        return kept.items[: query.limit], kept.at
    with captured_writes() as audit:
        found = provide(query)
    now = timezone.now()
    cache.set(key, _Kept(query.limit, found, audit, now), seconds)
    return found, now


def checked_at(actor: Actor) -> datetime | None:
    """When the oldest due-item answer shown to this actor in this request was worked out."""
    found: datetime | None = actor.memo.get("core.due.checked_at")
    return found


def provide_once(provide: Callable[[DueQuery], list[DueItem]], query: DueQuery) -> list[DueItem]:
    """A provider's items for this query, asked at most once for this actor: a later, smaller ask of the
    same provider (same day, team and owner) is the front of the earlier answer, since every provider
    returns its most urgent items first, at most `limit` of them. For pages that only read (the dashboard,
    where the attention list and an app's own panel both show a provider's items): after a write in the
    same request, ask the provider itself. On a signed-in page the answer may also be one kept from the
    user's previous page (`kept_answers`): at most DUE_KEPT_SECONDS old, and never older than their own
    last write; `checked_at` tells the page when it was worked out."""
    memo: dict[tuple[object, ...], tuple[int, list[DueItem]]] = query.actor.memo.setdefault("core.due", {})
    key = (provide, query.today, query.team, query.owner_id)
    held = memo.get(key)
    if held is not None and held[0] >= query.limit:
        return held[1][: query.limit]
    found, at = _asked(provide, query)
    memo[key] = (query.limit, found)
    oldest = query.actor.memo.get("core.due.checked_at")
    query.actor.memo["core.due.checked_at"] = at if oldest is None else min(oldest, at)
    return found


def collect(query: DueQuery, *, kinds: frozenset[str] | None = None, once: bool = False) -> DueReport:
    """Every allowed provider's items for this query, most urgent first (earliest due date), at most
    `limit`, one item per key. Each provider is asked for one more than the limit, so that `more`
    says whether anything was left out. A provider that raises is logged and named in `failed`: one
    app's fault must not hide every other app's deadlines."""
    asked = [p for p in providers_for(query.actor) if kinds is None or p.kind in kinds]
    wider = DueQuery(
        actor=query.actor, today=query.today, limit=query.limit + 1, team=query.team, owner_id=query.owner_id
    )
    items: dict[str, DueItem] = {}
    failed: list[str] = []
    for provider in asked:
        try:
            # Inside a caller's transaction, a savepoint keeps a provider's database error from
            # breaking the rest of the request (PostgreSQL refuses every query after one).
            with transaction.atomic() if connection.in_atomic_block else nullcontext():
                found = provide_once(provider.provide, wider) if once else provider.provide(wider)
        except Exception:
            logger.exception("due-item provider %s failed", provider.kind)
            failed.append(provider.label)
            continue
        for item in found[: wider.limit]:
            if query.team and query.owner_id is not None and item.owner_id != query.owner_id:
                continue
            items.setdefault(item.key, item)
    ordered = sorted(items.values(), key=lambda item: (item.due_on, item.kind, item.key))
    return DueReport(items=ordered[: query.limit], more=len(ordered) > query.limit, failed=failed, asked=asked)


def due_items(query: DueQuery) -> list[DueItem]:
    """Every provider's items for this actor, most urgent first (earliest due date), at most `limit`."""
    return collect(query).items
