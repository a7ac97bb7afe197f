"""The history of every workflow transition, for every app that declares a workflow."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from safeguard.core.fields import EncryptedTextField


class TransitionRecord(models.Model):
    """One transition of one record: who (user, agency, role), when, from, to, and why.

    The record is named the way the audit log names it (`app_label.Model` and the primary key),
    so one table serves every workflow. Rows are only ever added (`services.apply_transition`).
    """

    workflow = models.CharField(max_length=60)
    subject_type = models.CharField(max_length=60)
    subject_id = models.CharField(max_length=64)
    transition = models.CharField(max_length=40)
    from_state = models.CharField(max_length=40)
    to_state = models.CharField(max_length=40)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=20)
    reason_code = models.CharField(max_length=40, blank=True)
    reason_text = EncryptedTextField(blank=True)
    occurred_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["subject_type", "subject_id", "-id"], name="workflow_subject_idx")]

    def __str__(self) -> str:
        return f"{self.subject_type} {self.subject_id}: {self.from_state} → {self.to_state}"
