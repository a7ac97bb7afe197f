"""The plug-in point for calendar feeds: each app registers the events it contributes.

An app registers a provider in its `AppConfig.ready`:

    from safeguard.feeds.registry import register
    register("assessments.reassessments", reassessments_due)

A provider is called with the actor whose feed is read (a user in one membership) and the window
of dates the feed covers, and returns `FeedEvent`s for the records that actor may see (scoped by
`safeguard.policy`, like every read). It must not write audit events itself: reading the feed
writes one event that lists every event's uid.

A feed leaves the platform (it sits in a phone's calendar, synced by a third party), so an event
carries reference numbers, times and places only: never a person's name, date of birth, address or
offence. `summary` and `location` are the only text a calendar shows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from safeguard.policy import Actor

MAX_TEXT = 200


@dataclass(frozen=True, slots=True)
class Window:
    """The dates a feed covers, both inclusive."""

    start: date
    end: date


@dataclass(frozen=True, slots=True)
class FeedEvent:
    """One calendar entry. A `date` start makes an all-day event; `end` defaults to the same day
    (all day) or one hour after a timed start. `uid` must stay the same for the same record across
    reads, so a calendar updates the entry instead of adding a second one."""

    uid: str
    start: date | datetime
    summary: str
    end: date | datetime | None = None
    location: str = ""

    def __post_init__(self) -> None:
        for name in ("uid", "summary", "location"):
            text = getattr(self, name)
            if len(text) > MAX_TEXT or any(ch in text for ch in "\r\n"):
                raise ValueError(f"{name} must be one line of at most {MAX_TEXT} characters")
        if not self.uid or not self.summary:
            raise ValueError("an event needs a uid and a summary")
        for moment in (self.start, self.end):
            if isinstance(moment, datetime) and moment.tzinfo is None:
                raise ValueError("a timed event needs timezone-aware datetimes")
        if self.end is not None and isinstance(self.start, datetime) != isinstance(self.end, datetime):
            raise ValueError("start and end must both be dates or both be datetimes")


FeedProvider = Callable[["Actor", Window], Iterable[FeedEvent]]
_PROVIDERS: dict[str, FeedProvider] = {}


def register(name: str, provider: FeedProvider) -> None:
    """Add a provider under a unique name (`app.what`). Registering the same function again is harmless."""
    known = _PROVIDERS.get(name)
    if known is not None and known is not provider:
        raise ValueError(f"a different calendar feed provider is already registered as {name!r}")
    _PROVIDERS[name] = provider


def providers() -> dict[str, FeedProvider]:
    """The registered providers by name, in the order they were registered."""
    return dict(_PROVIDERS)
