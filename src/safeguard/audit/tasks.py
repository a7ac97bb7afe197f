"""The audit log's periodic job: an hourly signed checkpoint of every partition's chain, so a quiet
service is anchored too."""

from __future__ import annotations

from datetime import datetime

from safeguard.audit import checkpoints
from safeguard.jobs.registry import periodic


@periodic("audit.checkpoint", "every 60 minutes", title="Write a signed checkpoint of the audit chain")
def hourly_checkpoint(*, now: datetime, due_at: datetime) -> str:
    written = checkpoints.write_all()
    return " ".join(f"Checkpoint of the {c.partition} partition after {c.count} events." for c in written)
