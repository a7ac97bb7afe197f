"""Due items: one mechanism through which every app says what is due, for whom, by when, and which
page resolves it (a register to take, a referral waiting too long, a visit overdue, a notification
due, a plan review, an order expiring).

Due items are computed from the records, never typed by hand. Each app registers providers in its
`AppConfig.ready()`; a provider answers for one actor, scoped by the policy like everything else,
with a bounded number of queries and at most `limit` items, most urgent first. The dashboard's
"needs attention" list, the alerts page and the supervisor's team view all read through
`due_items()`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from safeguard.policy import Actor


@dataclass(frozen=True)
class DueQuery:
    """What is asked of a provider: whose items (the actor's own, or their team's when
    `team` is true and the actor supervises), as at `today`, and at most `limit` of them."""

    actor: Actor
    today: date
    limit: int = 50
    team: bool = False


@dataclass(frozen=True)
class DueItem:
    """One thing that needs doing.

    `key` is stable for the same obligation (kind, record and due date), so an acknowledgement
    holds until the obligation changes. `title` and `reason` are plain words for the page;
    `reference` is a record reference (never a name) so the item may leave the platform (a
    calendar feed). `owner_id` is the user responsible, when there is one.
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


Provider = Callable[[DueQuery], list[DueItem]]


@dataclass(frozen=True)
class DueProvider:
    """A named source of due items; `action` is the policy action an actor needs to be asked."""

    kind: str
    label: str
    action: str
    provide: Provider


_PROVIDERS: dict[str, DueProvider] = {}


def register(provider: DueProvider) -> None:
    existing = _PROVIDERS.get(provider.kind)
    if existing is not None and existing != provider:
        raise ValueError(f"due-item kind {provider.kind!r} is already registered")
    _PROVIDERS[provider.kind] = provider


def providers() -> list[DueProvider]:
    return sorted(_PROVIDERS.values(), key=lambda p: p.kind)


def due_items(query: DueQuery) -> list[DueItem]:
    """Every provider's items for this actor, most urgent first (earliest due date), at most `limit`."""
    from safeguard import policy

    items: list[DueItem] = []
    for provider in providers():
        if policy.allows(query.actor, provider.action):
            items.extend(provider.provide(query))
    items.sort(key=lambda item: (item.due_on, item.kind, item.key))
    return items[: query.limit]
