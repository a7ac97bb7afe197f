"""Hashing rules of the audit chain: how one event's hash is computed from its content."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

GENESIS_HASH = "0" * 64
HASHED_FIELDS = (
    "occurred_at",
    "user_id",
    "username",
    "agency_id",
    "agency_name",
    "role",
    "action",
    "object_type",
    "object_id",
    "outcome",
    "endpoint",
    "justification",
    "details",
)


def truncate_to_millisecond(moment: datetime) -> datetime:
    """Audit times are kept to the millisecond so both databases round-trip them exactly."""
    moment = moment.astimezone(UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def canonical(values: dict[str, Any]) -> str:
    payload = {}
    for name in HASHED_FIELDS:
        value = values[name]
        if isinstance(value, datetime):
            value = truncate_to_millisecond(value).isoformat(timespec="milliseconds")
        payload[name] = value
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)


def event_hash(prev_hash: str, values: dict[str, Any]) -> str:
    return hashlib.sha256(f"{prev_hash}\n{canonical(values)}".encode()).hexdigest()
