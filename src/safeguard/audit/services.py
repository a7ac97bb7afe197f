"""The one audit writer. Every read and write of personal data goes through one of:

- `record_event`: one event (a page view, an API call, a change);
- `record_events`: many events of one action under ONE lock of the chain head, in one
  transaction (an attendance register of 12 people is one lock, one insert, one head update);
- `record_aggregate`: one event of kind "aggregate" for an extract of many records (an export, a
  statistic): its parameters and counts, never the ids of the records it covers.

Each appends to the chain of its partition (partitions.py): the general one, or a sealed one that
the caller asks for (`partition="prevention"`) or that claims the action or record type.

The writer checks what it is given: an action name nobody registered (audit.actions), a partition
that does not exist, an aggregate description too large to be counts. In development and tests
that raises `AuditWriteError`, so a mistake fails its test; in production the event is recorded
anyway (a sealed partition when the partition is unknown) and an error is logged: an audit event
is never lost, and a request never fails, because of a name.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from safeguard.audit import actions, checkpoints, partitions
from safeguard.audit.chain import (
    GENESIS_HASH,
    canonical_details,
    keyed_fields,
    keyed_hash,
    truncate_to_millisecond,
)
from safeguard.audit.keys import chain_keys
from safeguard.audit.models import AuditChainHead, AuditEvent, EventKind, Outcome
from safeguard.audit.partitions import Partition

if TYPE_CHECKING:
    from django.db.models import Model

    from safeguard.accounts.models import User
    from safeguard.policy import Actor

logger = logging.getLogger(__name__)

# An aggregate's description is its parameters and counts: this many characters of canonical JSON
# is far more than those need, and far less than a list of the records' ids.
AGGREGATE_MAX_CHARS = 4000
# Where an event goes when it names a partition that does not exist (production only): the
# sealed partition, so that it is kept and verified but never shown to the general auditors.
_UNKNOWN_PARTITION_GOES_TO = Partition.PREVENTION


class AuditWriteError(ValueError):
    """What the audit writer refuses in development and tests (production records and logs it)."""


@dataclass(frozen=True)
class AuditEntry:
    """One event of a bulk write: its record, and what differs from the batch (None: the batch's)."""

    obj: Model | None = None
    object_type: str = ""
    object_id: str = ""
    details: Mapping[str, Any] | None = None
    justification: str | None = None
    outcome: str | None = None


def _refuse(problem: str) -> None:
    if not getattr(settings, "PRODUCTION", False):
        raise AuditWriteError(problem)
    logger.error("Audit event recorded although %s", problem)


def _checked_action(action: str) -> str:
    if not actions.is_known(action):
        _refuse(
            f"the action name {action!r} is not registered (add it to audit.actions.AuditAction or "
            "register it with audit.actions.register in the app's AppConfig.ready())"
        )
    return action[: actions.MAX_ACTION]


def _partition(requested: str | None, action: str, object_types: Iterable[str]) -> str:
    """The chain these events go to: the sealed partition that claims them, else the one asked
    for (the general one when none was)."""
    claimed = partitions.claimed_by(action, *object_types)
    if requested is not None and not partitions.is_known(requested):
        _refuse(f"the partition {requested!r} does not exist (known: {', '.join(Partition.values)})")
        return claimed or _UNKNOWN_PARTITION_GOES_TO
    return claimed or requested or Partition.GENERAL


def _object_reference(obj: Model | None, object_type: str, object_id: str) -> tuple[str, str]:
    if obj is not None:
        return obj._meta.label, str(obj.pk)
    return object_type, object_id


def _who(
    actor: Actor | None, user: User | None, username: str, endpoint: str
) -> dict[str, Any]:
    """The columns that say who acted, and where (shared by every event of one call)."""
    if actor is not None:
        user = actor.user
        endpoint = endpoint or actor.endpoint
    return {
        "user_id": user.pk if user is not None else None,
        "username": (user.get_username() if user is not None else username)[:150],
        "agency_id": actor.agency.pk if actor is not None else None,
        "agency_name": actor.agency.name if actor is not None else "",
        "role": actor.role if actor is not None else "",
        "endpoint": endpoint[:300],
    }


def _locked_head(partition: str) -> AuditChainHead:
    """The partition's chain head, locked until the transaction ends (created on first use; two
    first writers at once both end up locking the one row)."""
    heads = AuditChainHead.objects.select_for_update()
    head = heads.filter(partition=partition).first()
    if head is None:
        AuditChainHead.objects.bulk_create(
            [AuditChainHead(partition=partition, last_hash=GENESIS_HASH)], ignore_conflicts=True
        )
        head = heads.get(partition=partition)
    return head


def _append(partition: str, rows: Sequence[dict[str, Any]]) -> list[AuditEvent]:
    """Chain these events, in order, onto the partition's chain: one lock, one insert, one update
    of the head, whatever their number. Called inside a transaction."""
    ring = chain_keys()
    key_id = ring.primary_id
    key = ring.get(key_id)
    head = _locked_head(partition)
    prev = head.last_hash
    events: list[AuditEvent] = []
    for values in rows:
        digest = keyed_hash(
            key, prev, key_id, keyed_fields(values), canonical_details(values["details"]), partition, values["kind"]
        )
        events.append(AuditEvent(prev_hash=prev, key_id=key_id, partition=partition, hash=digest, **values))
        prev = digest
    if len(events) == 1:
        events[0].save(force_insert=True)
    else:
        # Both databases hand back the new ids in the order given, which is the chain's order.
        AuditEvent.objects.bulk_create(events)
    before = head.event_count
    head.last_event_id = events[-1].pk
    head.last_hash = prev
    head.event_count = before + len(events)
    head.save(update_fields=["last_event_id", "last_hash", "event_count"])
    every = settings.AUDIT_CHECKPOINT_EVERY
    if every and head.event_count // every > before // every:
        # After the commit, so that a checkpoint never names an event that was rolled back.
        transaction.on_commit(partial(checkpoints.write_quietly, partition=partition))
    return events


@dataclass(frozen=True)
class CapturedWrite:
    """What one audited write said (not who or when): `replay` writes it again for another request. The
    entries are (object_type, object_id, outcome, justification, details)."""

    action: str
    kind: str
    partition: str | None
    entries: tuple[tuple[str, str, str, str, dict[str, Any]], ...]


_capture: ContextVar[list[CapturedWrite] | None] = ContextVar("safeguard_audit_capture", default=None)


@contextmanager
def captured_writes() -> Iterator[list[CapturedWrite]]:
    """Every audit write made inside the block, also kept in the list it yields: a read whose answer is
    kept for a while (core.due) records the same events each time the kept answer is shown again."""
    found: list[CapturedWrite] = []
    token = _capture.set(found)
    try:
        yield found
    finally:
        _capture.reset(token)


@transaction.atomic
def replay(writes: Sequence[CapturedWrite], *, actor: Actor) -> None:
    """Write captured events again, now and by this actor (a kept answer shown again is read again)."""
    for write in writes:
        entries = [AuditEntry(None, t, i, details, justification, outcome)
                   for t, i, outcome, justification, details in write.entries]  # fmt: skip
        _write(write.action, entries, _who(actor, None, "", ""), write.kind, write.partition)


def _write(
    action: str, items: Sequence[AuditEntry], who: dict[str, Any], kind: str, partition: str | None
) -> list[AuditEvent]:
    """One row per entry (every entry's reason, outcome and details given), at one moment."""
    moment = truncate_to_millisecond(timezone.now())
    rows: list[dict[str, Any]] = []
    for item in items:
        object_type, object_id = _object_reference(item.obj, item.object_type, item.object_id)
        rows.append(
            {
                "occurred_at": moment,
                **who,
                "action": action,
                "object_type": object_type,
                "object_id": object_id,
                "outcome": item.outcome,
                "justification": item.justification,
                "details": dict(item.details or {}),
                "kind": kind,
            }
        )
    captured = _capture.get()
    if captured is not None:
        captured.append(CapturedWrite(action, kind, partition, tuple(
            (row["object_type"], row["object_id"], row["outcome"], row["justification"], row["details"]) for row in rows
        )))  # fmt: skip
    return _append(_partition(partition, action, {row["object_type"] for row in rows}), rows)


@transaction.atomic
def record_event(
    *,
    action: str,
    actor: Actor | None = None,
    user: User | None = None,
    username: str = "",
    obj: Model | None = None,
    object_type: str = "",
    object_id: str = "",
    outcome: str = Outcome.SUCCESS,
    endpoint: str = "",
    justification: str = "",
    details: Mapping[str, Any] | None = None,
    partition: str | None = None,
) -> AuditEvent:
    """Append one event to its partition's chain, inside the caller's transaction, keyed with the
    primary AUDIT_CHAIN_KEYS key."""
    action = _checked_action(action)
    entry = AuditEntry(obj, object_type, object_id, details, justification, outcome)
    return _write(action, [entry], _who(actor, user, username, endpoint), EventKind.EVENT, partition)[0]


@transaction.atomic
def record_events(
    *,
    action: str,
    entries: Iterable[Model | AuditEntry],
    actor: Actor | None = None,
    user: User | None = None,
    username: str = "",
    outcome: str = Outcome.SUCCESS,
    endpoint: str = "",
    justification: str = "",
    details: Mapping[str, Any] | None = None,
    partition: str | None = None,
) -> list[AuditEvent]:
    """Append one event per entry (a record, or an `AuditEntry` with its own details, reason or
    outcome), all of one action by one actor at one time, to one partition's chain under a single
    lock of its head. The events are hashed and verified exactly as single ones are.

        record_events(action="programmes.attendance.record", actor=actor,
                      entries=[AuditEntry(obj=mark, details={"attended": mark.attended}) for mark in marks])
    """
    action = _checked_action(action)
    items = [
        AuditEntry(
            entry.obj, entry.object_type, entry.object_id,
            entry.details if entry.details is not None else details,
            entry.justification if entry.justification is not None else justification,
            entry.outcome if entry.outcome is not None else outcome,
        )
        if isinstance(entry, AuditEntry)
        else AuditEntry(entry, details=details, justification=justification, outcome=outcome)
        for entry in entries
    ]
    if not items:
        return []
    return _write(action, items, _who(actor, user, username, endpoint), EventKind.EVENT, partition)


@transaction.atomic
def record_aggregate(
    *,
    actor: Actor | None,
    action: str,
    description: Mapping[str, Any],
    object_type: str = "",
    outcome: str = Outcome.SUCCESS,
    username: str = "",
    endpoint: str = "",
    partition: str | None = None,
) -> AuditEvent:
    """One event of kind "aggregate" for an extract of many records: `description` holds its
    parameters and counts (which list, which filters, how many rows), never the records' ids;
    `object_type` may say what kind of record was counted. A scheduled job passes no actor and
    its name as `username`."""
    action = _checked_action(action)
    size = len(canonical_details(description))
    if size > AGGREGATE_MAX_CHARS:
        _refuse(
            f"the description of the aggregate {action!r} is {size} characters long (at most "
            f"{AGGREGATE_MAX_CHARS}): describe an extract by its parameters and counts, not its records"
        )
    entry = AuditEntry(object_type=object_type, details=description, justification="", outcome=outcome)
    return _write(action, [entry], _who(actor, None, username, endpoint), EventKind.AGGREGATE, partition)[0]
