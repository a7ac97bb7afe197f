"""Hashing rules of the audit chain: how one event's hash is computed from its content.

Two schemes, told apart by the event's `key_id`:

- **keyed** (`key_id` names a key of AUDIT_CHAIN_KEYS): ``HMAC-SHA256(key, message)``. The message
  is the compact JSON array (UTF-8, no whitespace, only `"`, `\\` and control characters escaped)
  of: the previous event's hash, the key id, the twelve columns of `FIELDS` in that order (the
  time as ``YYYY-MM-DDTHH:MM:SS.mmmZ``, ids as numbers or null), the details as their canonical
  JSON text (compact, keys sorted) and, for every event outside the general partition or of
  another kind than "event", two more: its partition and its kind (`extension`). An event of the
  general partition and kind "event" keeps the fifteen-element message every event had before
  partitions and kinds existed, so those still verify; moving an event between partitions or
  kinds changes its message either way. Without the key nobody can compute a valid hash, so an
  event changed, inserted or removed by someone who can write to the database but does not hold
  the key breaks the chain at that event.
- **legacy** (`key_id` empty): plain ``SHA-256(prev_hash "\\n" canonical_v1)``, the scheme of events
  written before the chain was keyed. They still verify, but only as the start of the chain: a
  legacy event after the first keyed one is refused (it was re-hashed without the key).

The database keeps the details column as the canonical text itself, and the verifier has the
database format the time, so `audit verify` builds each message from the columns as stored.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import msgspec

GENESIS_HASH = "0" * 64
# The partition and kind of every event written before partitions and kinds existed: their message
# has no extension (see the module's docstring; the values of models.Partition and EventKind).
DEFAULT_PARTITION = "general"
DEFAULT_KIND = "event"

# The keyed scheme's columns, in message order (the details come last).
FIELDS = (
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
)
# The legacy scheme's columns (hashed as a JSON object with sorted keys).
HASHED_FIELDS = (*FIELDS, "details")

encode_message = msgspec.json.Encoder().encode
_encode_sorted = msgspec.json.Encoder(order="sorted").encode


def canonical_details(details: Any) -> str:
    """The details as hashed and as stored: compact JSON, keys sorted (dates, UUIDs and decimals
    as strings)."""
    if not details:
        return "{}"
    return _encode_sorted(details).decode()


class CanonicalJSONEncoder(json.JSONEncoder):
    """The details column's encoder: the database keeps exactly the canonical text that was hashed."""

    def encode(self, o: Any) -> str:
        return canonical_details(o)


def truncate_to_millisecond(moment: datetime) -> datetime:
    """Audit times are kept to the millisecond so both databases round-trip them exactly."""
    moment = moment.astimezone(UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def time_text(moment: datetime) -> str:
    """The time as the keyed scheme hashes it: UTC, to the millisecond, ``…T…Z``."""
    moment = truncate_to_millisecond(moment)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}Z"


def keyed_fields(values: dict[str, Any]) -> list[Any]:
    """The keyed scheme's field list from an event's values (time as a datetime)."""
    return [time_text(values["occurred_at"]), *(values[name] for name in FIELDS[1:])]


def extension(partition: str, kind: str) -> tuple[str, ...]:
    """What the message adds after the details: nothing for the general partition's plain events."""
    if partition == DEFAULT_PARTITION and kind == DEFAULT_KIND:
        return ()
    return (partition, kind)


def keyed_hash(
    key: bytes,
    prev_hash: str,
    key_id: str,
    fields: Sequence[Any],
    details_text: str,
    partition: str = DEFAULT_PARTITION,
    kind: str = DEFAULT_KIND,
) -> str:
    message = encode_message((prev_hash, key_id, *fields, details_text, *extension(partition, kind)))
    return hmac.digest(key, message, "sha256").hex()


# --- the legacy scheme (events written before the chain was keyed) ---------------------------


def canonical(values: dict[str, Any]) -> str:
    payload = {}
    for name in HASHED_FIELDS:
        value = values[name]
        if isinstance(value, datetime):
            value = truncate_to_millisecond(value).isoformat(timespec="milliseconds")
        payload[name] = value
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)


def legacy_hash(prev_hash: str, values: dict[str, Any]) -> str:
    """Plain SHA-256 with no secret: anyone can compute it, which is why it is kept only for
    the events written before the chain was keyed."""
    return hashlib.sha256(f"{prev_hash}\n{canonical(values)}".encode()).hexdigest()
