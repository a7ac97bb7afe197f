"""Outcome events and follow-up periods of persons, import batches, cached analysis results and
published statistics.

Person-level records (outcome events, follow-up) are seen only by staff of agencies that see the
person; analysts see aggregates of them, never a row (docs/insights.md).
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models

from safeguard.accounts.models import Agency
from safeguard.insights.choices import (
    EndReason,
    EthnicGroup,
    OffenceType,
    OutcomeKind,
    ProgrammeStatus,
    Source,
    StartReason,
)
from safeguard.people.ports import Person


class ImportBatch(models.Model):
    """One CSV import: who, when, which file, how many rows (all or nothing, so all of them)."""

    KIND_CHOICES: ClassVar = [("outcomes", "Outcome events"), ("follow_ups", "Follow-up periods")]

    kind = models.CharField(max_length=20, choices=KIND_CHOICES)
    filename = models.CharField(max_length=200)
    rows = models.PositiveIntegerField()
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    imported_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.filename} ({self.rows} rows)"


class OutcomeEvent(models.Model):
    """A new charge, conviction, caution or recall of a person, with its offence type and date."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=OutcomeKind.choices)
    offence_type = models.CharField(max_length=30, choices=OffenceType.choices)
    event_date = models.DateField()
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.ENTERED)
    batch = models.ForeignKey(ImportBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="events")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering: ClassVar = ["event_date"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["person", "kind", "offence_type", "event_date"], name="one_outcome_event_per_day")
        ]
        indexes: ClassVar = [models.Index(fields=["person", "event_date"], name="outcome_person_date")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.get_offence_type_display()} ({self.event_date:%Y})"


class FollowUp(models.Model):
    """When a person's follow-up started (release, or the start of a community order) and ended
    (death or emigration; open while followed), with what an evaluation needs to know about them.

    `programme_status`, `programme` and `site` are recorded here until the programmes app answers
    them (insights.sources); `baseline_*` is the risk score at the start of follow-up when it was
    imported with the cohort rather than recorded as an assessment in Safeguard.
    """

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="+", primary_key=True)
    start_date = models.DateField()
    start_reason = models.CharField(max_length=20, choices=StartReason.choices)
    end_date = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=20, choices=EndReason.choices, blank=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    programme_status = models.CharField(max_length=30, choices=ProgrammeStatus.choices, blank=True)
    programme = models.CharField(max_length=100, blank=True)
    site = models.CharField(max_length=100, blank=True)
    ethnic_group = models.CharField(max_length=20, choices=EthnicGroup.choices, default=EthnicGroup.NOT_RECORDED)
    baseline_instrument = models.CharField(max_length=30, blank=True)
    baseline_points = models.IntegerField(null=True, blank=True)
    baseline_band = models.CharField(max_length=30, blank=True)
    baseline_probability = models.FloatField(null=True, blank=True)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.ENTERED)
    batch = models.ForeignKey(ImportBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="follow_ups")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        indexes: ClassVar = [models.Index(fields=["agency", "start_date"], name="followup_agency_start")]

    def __str__(self) -> str:
        return f"Follow-up from {self.start_date}"


class DataVersion(models.Model):
    """One row counting changes to outcome data: a cached result names the version it was computed
    on, so any change makes every older result stale without deleting it."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    version = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"Outcome data version {self.version}"


class AnalysisResult(models.Model):
    """A computed analysis, keyed by a hash of its parameters, the scope and the data version."""

    key = models.CharField(max_length=64, primary_key=True)
    kind = models.CharField(max_length=30)
    parameters = models.JSONField()
    result = models.JSONField()
    data_version = models.PositiveBigIntegerField()
    computed_at = models.DateTimeField()
    seconds = models.FloatField()

    class Meta:
        indexes: ClassVar = [models.Index(fields=["computed_at"], name="analysis_computed_at")]

    def __str__(self) -> str:
        return f"{self.kind} computed {self.computed_at:%Y-%m-%d %H:%M}"


class PublishedStatistics(models.Model):
    """A table of figures an analyst published, after disclosure control; the public page shows the latest."""

    title = models.CharField(max_length=200)
    period_label = models.CharField(max_length=100)
    table = models.JSONField()  # disclosure-controlled cells only: nothing else is stored
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField()

    class Meta:
        ordering: ClassVar = ["-published_at"]
        verbose_name_plural = "published statistics"

    def __str__(self) -> str:
        return f"{self.title} ({self.published_at:%Y-%m-%d})"
