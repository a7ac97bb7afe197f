"""The append-only, keyed hash-chained record of every read and write of personal data."""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from safeguard.audit.chain import CanonicalJSONEncoder


class Outcome(models.TextChoices):
    SUCCESS = "success", "Success"
    DENIED = "denied", "Denied"
    FAILURE = "failure", "Failure"


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
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering: ClassVar = ["-id"]
        indexes: ClassVar = [
            models.Index(fields=["object_type", "object_id", "-id"], name="audit_object_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.username} {self.action}"


class AuditChainHead(models.Model):
    """The single row holding the newest hash; locking it serialises appends to the chain."""

    last_event_id = models.BigIntegerField(null=True)
    last_hash = models.CharField(max_length=64)
    event_count = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"audit chain head after {self.event_count} events"
