"""Reads of the audit log: the auditor's filtered browse and a record's access history.

Every filter is served by an index, so a page costs the same at any size of log: a record (or
person) filter by `audit_object_idx` (partition, object_type, object_id, -id) for a whole id; the
start of an id by a range on that index (SQLite) or by `audit_object_prefix_idx`, whose pattern
operator class lets PostgreSQL use it for LIKE; the kind by `audit_kind_idx` (partition, kind, id).
Pages are read newest first by id (keyset, never OFFSET).

What an auditor reads is the policy's audit scope: the partitions their agency may read
(`policy.audit_partitions`; the sealed prevention partition never for the global auditors).
A record's access history, shown on the record itself, reads the general partition only.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from safeguard import policy
from safeguard.audit.actions import RecordType
from safeguard.audit.models import AuditEvent
from safeguard.audit.partitions import Partition
from safeguard.policy import Action, Actor

# Records whose ids are UUIDs may be found by the start of the id (at least this long); the
# others have numbers for ids, always matched whole (user 1 is not user 10).
MIN_PREFIX = 6
UUID_RECORDS = frozenset({RecordType.PERSON, RecordType.SENTENCING_CASE, RecordType.ASSESSMENT})
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def is_whole_id(object_type: str, value: str) -> bool:
    return object_type not in UUID_RECORDS or bool(_UUID.match(value))


@dataclass(frozen=True)
class AuditFilter:
    username: str = ""
    action: str = ""
    kind: str = ""
    outcome: str = ""
    person: str = ""
    record_type: str = ""
    object_id: str = ""
    date_from: date | None = None
    date_to: date | None = None

    def given(self) -> dict[str, str]:
        """The filters in use, as text (for the audit event of a search or an export)."""
        return {name: str(value) for name, value in asdict(self).items() if value}


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _successor(prefix: str) -> str:
    """The smallest string after every string that starts with `prefix` (in code-point order)."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def for_record(events: QuerySet[AuditEvent], object_type: str, object_id: str) -> QuerySet[AuditEvent]:
    """Events about one record (a whole id), or about the records whose id starts so."""
    events = events.filter(object_type=object_type)
    if is_whole_id(object_type, object_id):
        return events.filter(object_id=object_id)
    if connection.vendor == "postgresql":
        return events.filter(object_id__startswith=object_id)
    # SQLite's LIKE ignores case and so cannot use the (case-sensitive) index: a range can.
    return events.filter(object_id__gte=object_id, object_id__lt=_successor(object_id))


def event_list(*, actor: Actor, filters: AuditFilter) -> QuerySet[AuditEvent]:
    events = policy.scope(actor, Action.AUDIT_VIEW, AuditEvent.objects.all())
    # The audit scope joins nothing, so its rows are unique already: no DISTINCT (which would
    # make every page sort the whole filtered log).
    events.query.distinct = False
    if filters.username:
        events = events.filter(username__iexact=filters.username)
    if filters.action:
        events = events.filter(action=filters.action)
    if filters.kind:
        events = events.filter(kind=filters.kind)
    if filters.outcome:
        events = events.filter(outcome=filters.outcome)
    if filters.person:
        events = for_record(events, RecordType.PERSON, filters.person)
    elif filters.record_type and filters.object_id:
        events = for_record(events, filters.record_type, filters.object_id)
    if filters.date_from:
        events = events.filter(occurred_at__gte=_start_of(filters.date_from))
    if filters.date_to:
        events = events.filter(occurred_at__lt=_start_of(filters.date_to + timedelta(days=1)))
    return events.order_by("-id")


def event_batches(events: QuerySet[AuditEvent], size: int = 2000) -> Iterator[list[AuditEvent]]:
    """All of a filtered list, newest first, a batch at a time (keyset: each batch costs the same)."""
    before: int | None = None
    while True:
        page = events if before is None else events.filter(pk__lt=before)
        batch = list(page[:size])
        if not batch:
            return
        yield batch
        before = batch[-1].pk


def access_history(*, object_type: str, object_id: str, limit: int = 20) -> list[AuditEvent]:
    """Who accessed this record: for display on the record itself to those who may see it. Never
    an event of a sealed partition (the prevention service holds no persons, and its events stay
    with its own auditors whatever they name)."""
    events = AuditEvent.objects.filter(object_type=object_type, object_id=object_id, partition=Partition.GENERAL)
    return list(events.order_by("-id")[:limit])
