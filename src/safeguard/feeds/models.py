"""Calendar feed links: one per membership at a time, the secret kept only as a hash."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import Q

from safeguard.accounts.models import Membership


class CalendarFeed(models.Model):
    """A feed link for one user in one role. Revoked links stay (a revoked link answers 404)."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="calendar_feeds")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["membership"], condition=Q(revoked_at__isnull=True), name="one_live_feed_per_membership"
            )
        ]

    def __str__(self) -> str:
        return f"calendar feed {self.pk} ({'revoked' if self.revoked_at else 'live'})"
