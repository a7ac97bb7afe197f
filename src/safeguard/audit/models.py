"""The append-only, keyed hash-chained record of every read and write of personal data."""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from safeguard.audit.chain import DEFAULT_KIND, CanonicalJSONEncoder
from safeguard.audit.partitions import Partition


class Outcome(models.TextChoices):
    SUCCESS = "success", "Success"
    DENIED = "denied", "Denied"
    FAILURE = "failure", "Failure"


class EventKind(models.TextChoices):
    EVENT = DEFAULT_KIND, "Access or change"
    # An extract of many records (an export, a statistic): its parameters and counts, never the
    # ids of the records it covers (`record_aggregate`).
    AGGREGATE = "aggregate", "Aggregate extract"


class AuditEvent(models.Model):
    """One access or change. Rows are never updated or deleted (database triggers refuse it)."""

    occurred_at = models.DateTimeField(db_index=True)
    user_id = models.BigIntegerField(null=True, db_index=True)
    username = models.CharField(max_length=150, blank=True)
    agency_id = models.BigIntegerField(null=True, db_index=True)
    agency_name = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=20, blank=True)
    action = models.CharField(max_length=40, db_index=True)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    endpoint = models.CharField(max_length=300, blank=True)
    justification = models.TextField(blank=True)
    # Written in canonical form (the text kept is the text hashed; see chain.py).
    details = models.JSONField(default=dict, blank=True, encoder=CanonicalJSONEncoder)
    # The id of the AUDIT_CHAIN_KEYS key this event was chained with; empty for events written
    # before the chain was keyed (plain SHA-256, verified only as the chain's first events).
    key_id = models.CharField(max_length=20, blank=True, default="")
    # The chain this event belongs to (partitions.py); hashed with the kind (chain.extension).
    # The database defaults are those of every event written before partitions and kinds existed.
    partition = models.CharField(
        max_length=20, choices=Partition.choices, default=Partition.GENERAL, db_default=Partition.GENERAL
    )
    kind = models.CharField(max_length=10, choices=EventKind.choices, default=EventKind.EVENT, db_default=EventKind.EVENT)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering: ClassVar = ["-id"]
        indexes: ClassVar = [
            # A record's events in one partition, newest first: every reader filters by partition.
            models.Index(fields=["partition", "object_type", "object_id", "-id"], name="audit_object_idx"),
            # One partition's chain in order (verify) and its newest events (the browse).
            models.Index(fields=["partition", "id"], name="audit_partition_idx"),
            models.Index(fields=["partition", "kind", "id"], name="audit_kind_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.username} {self.action}"


class AuditChainHead(models.Model):
    """One row per partition holding its chain's newest hash; locking it serialises appends to
    that chain (a bulk write takes it once for all its events)."""

    partition = models.CharField(max_length=20, choices=Partition.choices, default=Partition.GENERAL, unique=True)
    last_event_id = models.BigIntegerField(null=True)
    last_hash = models.CharField(max_length=64)
    event_count = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"audit chain head of the {self.partition} partition after {self.event_count} events"
