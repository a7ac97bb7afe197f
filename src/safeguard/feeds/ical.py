"""Feed events as an iCalendar document (RFC 5545), through the `icalendar` library."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar, Event

from safeguard.feeds.registry import FeedEvent

CALENDAR_NAME = "Safeguard"
# Calendar apps poll a subscription on their own schedule; this asks for about once an hour.
REFRESH = timedelta(hours=1)


def _end(event: FeedEvent) -> date | datetime:
    if event.end is not None:
        return event.end
    if isinstance(event.start, datetime):
        return event.start + timedelta(hours=1)
    return event.start + timedelta(days=1)  # DTEND of an all-day event is the day after (exclusive)


def _utc(moment: date | datetime) -> date | datetime:
    return moment.astimezone(UTC) if isinstance(moment, datetime) else moment


def render(events: Iterable[FeedEvent], *, now: datetime | None = None) -> bytes:
    stamp = (now or datetime.now(UTC)).astimezone(UTC)
    calendar = Calendar()
    calendar.add("prodid", "-//Safeguard//Calendar feed//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", CALENDAR_NAME)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", REFRESH)
    for item in events:
        entry = Event()
        entry.add("uid", item.uid)
        entry.add("dtstamp", stamp)
        entry.add("dtstart", _utc(item.start))
        entry.add("dtend", _utc(_end(item)))
        entry.add("summary", item.summary)
        if item.location:
            entry.add("location", item.location)
        entry.add("transp", "TRANSPARENT")
        calendar.add_component(entry)
    return bytes(calendar.to_ical())
