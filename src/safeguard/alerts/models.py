"""Acknowledgements: a user has seen a due item and taken it in hand.

An item itself is never stored (due items are computed when read, docs/decisions/0016); only the
acknowledgement of one obligation, by the digest of the item's key. When the obligation changes
(a new due date, a new record) its key changes, so the old acknowledgement no longer matches and
the item asks for attention again; when it is resolved the item is gone and the row matches nothing.
"""

from __future__ import annotations

import hashlib
from typing import ClassVar

from django.conf import settings
from django.db import models


def key_digest(key: str) -> str:
    """SHA-256 of an item's key: fixed length whatever a provider's keys look like."""
    return hashlib.sha256(key.encode()).hexdigest()


class Acknowledgement(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key_digest = models.CharField(max_length=64)
    kind = models.CharField(max_length=100)
    due_on = models.DateField()
    acknowledged_at = models.DateTimeField()

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["user", "key_digest"], name="alerts_one_acknowledgement_per_item"),
        ]
        # The team view looks acknowledgements up by item, for whoever owns it.
        indexes: ClassVar = [models.Index(fields=["key_digest"], name="alerts_acknowledgement_item")]

    def __str__(self) -> str:
        return f"{self.kind} due {self.due_on} acknowledged by {self.user_id}"
