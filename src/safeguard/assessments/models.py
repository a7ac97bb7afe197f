"""Stored risk and need assessments: one person, one instrument, and an immutable scored snapshot.

A draft holds answers while they are being coded. Completing it scores the answers through
`safeguard.instruments` and keeps everything needed to reproduce and explain the result years
later: the inputs, the whole result (items, rules, warnings), the versions, a hash of the inputs,
who assessed and when. A completed row is never changed: a correction is a new completed row
that points to the one it corrects, with the reason.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Subquery

from safeguard.accounts.models import Agency
from safeguard.assessments.choices import AssessmentStatus
from safeguard.core.fields import EncryptedTextField
from safeguard.people.models import Person


class AssessmentQuerySet(models.QuerySet["Assessment"]):
    def completed(self) -> AssessmentQuerySet:
        return self.filter(status=AssessmentStatus.COMPLETED)

    def with_supersession(self) -> AssessmentQuerySet:
        """Each row annotated with `is_superseded` and `superseded_by_pk`: a later correction points to it."""
        corrections = Assessment.objects.filter(supersedes=OuterRef("pk"))
        return self.annotate(
            is_superseded=Exists(corrections), superseded_by_pk=Subquery(corrections.values("pk")[:1])
        )

    def current(self) -> AssessmentQuerySet:
        """Completed versions that no correction has replaced."""
        return self.completed().filter(superseded_by__isnull=True)


class Assessment(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="assessments")
    instrument_id = models.CharField(max_length=40)
    status = models.CharField(max_length=20, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT)
    # 1 for an original assessment, n + 1 for a correction of version n.
    version = models.PositiveSmallIntegerField(default=1)
    # The answers exactly as given to the instrument (editable only while a draft).
    inputs = models.JSONField(default=dict, blank=True)
    # The snapshot, set once on completion.
    result = models.JSONField(null=True, blank=True)
    instrument_snapshot = models.JSONField(null=True, blank=True)
    model_version = models.CharField(max_length=60, blank=True)
    thresholds_version = models.CharField(max_length=60, blank=True)
    verified = models.BooleanField(null=True)
    # Copied from the result on completion so that analysts can query and aggregate them as columns.
    points = models.IntegerField(null=True, blank=True)
    band = models.CharField(max_length=40, blank=True)
    probability = models.FloatField(null=True, blank=True)
    inputs_hash = models.CharField(max_length=64, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    # The agency that holds the draft and, on completion, the assessor's agency.
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    assessment_date = models.DateField(null=True, blank=True)
    reassessment_due = models.DateField(null=True, blank=True)
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, related_name="superseded_by", null=True, blank=True
    )
    correction_reason = EncryptedTextField(blank=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["-assessment_date", "-completed_at", "-created_at"]
        indexes: ClassVar = [
            models.Index(fields=["person", "instrument_id", "status", "assessment_date"], name="assessment_person_instr"),
            models.Index(fields=["status", "reassessment_due"], name="assessment_due"),
            models.Index(fields=["instrument_id", "band"], name="assessment_instr_band"),
        ]
        constraints: ClassVar = [
            models.CheckConstraint(
                name="assessment_completed_has_snapshot",
                condition=models.Q(status=AssessmentStatus.DRAFT)
                | models.Q(
                    result__isnull=False,
                    completed_at__isnull=False,
                    assessed_by__isnull=False,
                    assessment_date__isnull=False,
                    verified__isnull=False,
                )
                & ~models.Q(inputs_hash=""),
            ),
            models.CheckConstraint(
                name="assessment_correction_is_completed",
                condition=models.Q(supersedes__isnull=True) | models.Q(status=AssessmentStatus.COMPLETED),
            ),
            models.CheckConstraint(
                name="assessment_status_known",
                condition=models.Q(status__in=AssessmentStatus.values),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument_id} assessment {self.pk} ({self.status})"

    @property
    def is_completed(self) -> bool:
        return self.status == AssessmentStatus.COMPLETED

    @property
    def is_draft(self) -> bool:
        return self.status == AssessmentStatus.DRAFT


class ReassessmentDue(models.Model):
    """When each person's instrument is next due: the latest completed assessment's reassessment date
    (its correction's, once corrected), one row per person and instrument.

    Written by the services in the same transaction as the assessment (`services._track_due`), so
    due items (`assessments/due.py`) read one indexed row per obligation instead of working out,
    from every assessment ever completed, which is the latest. An instrument without an interval,
    or a latest assessment without a date, has no row.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    instrument_id = models.CharField(max_length=40)
    assessment = models.OneToOneField(Assessment, on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assessment_date = models.DateField()
    due_on = models.DateField()

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["person", "instrument_id"], name="reassessment_due_one_per_instrument"),
        ]
        indexes: ClassVar = [
            models.Index(fields=["agency", "due_on"], name="reassessment_due_agency"),
            models.Index(fields=["assessed_by", "due_on"], name="reassessment_due_assessor"),
        ]

    def __str__(self) -> str:
        return f"{self.instrument_id} due {self.due_on} for {self.person_id}"
