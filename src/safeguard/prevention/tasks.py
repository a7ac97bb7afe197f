"""Scheduled work of the prevention service: retention."""

from __future__ import annotations

from datetime import datetime

from safeguard.jobs.registry import periodic
from safeguard.prevention import services


def _shown(count: int) -> str:
    # The jobs page is read outside the prevention agency: counts under 10 are not shown there.
    return "fewer than 10" if 0 < count < 10 else f"{count:,}"


@periodic("prevention.retention", "daily at 03:15", title="Delete prevention conversations and contacts past retention")
def retention(*, now: datetime, due_at: datetime) -> str:
    counts = services.retention_purge(now=now)
    return (
        f"Deleted {_shown(counts['conversations'])} conversations ({_shown(counts['messages'])} messages) and "
        f"{_shown(counts['contacts'])} contact-log rows inactive for {services.limit('RETENTION_DAYS')} days."
    )
