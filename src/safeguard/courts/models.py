"""Sentencing cases and their scenarios, and the administration of guideline data.

A case belongs to one agency (the policy scopes it to that agency). It is either about a person the
agency can see or an unnamed scenario (a legal adviser's worked example). Each scenario is one
possible sentence for every offence in the case: the lead offence's request, any further offences
with how each relates to the lead sentence (concurrent, consecutive, no separate penalty), and the
total the court settles on. It is built step by step and keeps a snapshot of its last calculation.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from safeguard.accounts.models import Agency
from safeguard.core.fields import EncryptedTextField
from safeguard.people.models import Person


class SentencingCase(models.Model):
    """Sentencing decision support for one person, or an unnamed scenario."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    title = models.CharField(max_length=200, blank=True)
    # Practitioner-entered text for the pre-sentence report; encrypted at rest.
    suitability = EncryptedTextField("Suitability for community treatment", blank=True)
    proposal = EncryptedTextField("Proposal", blank=True)
    # The probation officer who signed the pre-sentence report, and as whom (role and agency then).
    # A change to the case after `report_signed_at` means the signature no longer covers it.
    report_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    report_signed_as = models.CharField(max_length=300, blank=True)
    report_signed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering: ClassVar = ["-updated_at", "-id"]
        indexes: ClassVar = [models.Index(fields=["agency", "-updated_at"], name="courts_case_agency_idx")]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        if self.person_id is not None:
            person = self.person
            name = f"{person.given_name} {person.family_name} ({person.reference})" if person else ""
            return f"{name}: {self.title}" if self.title else name
        return self.title or f"Unnamed scenario {self.pk}"

    @property
    def is_unnamed(self) -> bool:
        return self.person_id is None

    @property
    def report_signed(self) -> bool:
        """Signed, and nothing in the case changed since (a later change needs a new signature)."""
        return (
            self.report_signed_at is not None
            and self.updated_at is not None
            and self.updated_at <= self.report_signed_at
        )


class CaseScenario(models.Model):
    """One possible sentence: the lead offence's engine request, further offences, and the snapshots
    of the last calculation (the lead on its own, each further offence, and the whole case).

    The requirements of a suspended sentence order are part of the lead's request
    (`request["suspension"]["requirements"]`), checked by the engine like every other answer."""

    case = models.ForeignKey(SentencingCase, on_delete=models.CASCADE, related_name="scenarios")
    label = models.CharField(max_length=120)
    request = models.JSONField(default=dict, blank=True)  # the lead offence
    # Further offences: [{label, relation, request, result, problems, steps_done}] (relation: concurrent,
    # consecutive or no_separate_penalty; result and problems from that offence's own calculation).
    other_offences = models.JSONField(default=list, blank=True)
    totality = models.JSONField(null=True, blank=True)  # {"total": "3y", "reason": ...}: the court's total
    case_result = models.JSONField(null=True, blank=True)  # CaseResult.to_dict(): every offence and the total
    case_problems = models.JSONField(default=list, blank=True)  # problems only the whole case shows
    result = models.JSONField(null=True, blank=True)  # SentencingResult.to_dict(), or None
    problems = models.JSONField(default=list, blank=True)  # [{field, code, message}] still to resolve
    # The lead offence's steps saved at least once (a step may be answered by leaving everything at
    # its default, like "Use the starting point", which leaves no key in the request).
    steps_done = models.JSONField(default=list, blank=True)
    calculated_at = models.DateTimeField(null=True, blank=True)
    engine_version = models.CharField(max_length=40, blank=True)
    guideline_id = models.CharField(max_length=100, blank=True)
    guideline_version = models.CharField(max_length=50, blank=True)
    library_signature = models.CharField(max_length=200, blank=True)
    data_fingerprint = models.CharField(max_length=64, blank=True)
    proposed = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering: ClassVar = ["id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["case"], condition=models.Q(proposed=True), name="one_proposed_scenario_per_case"
            )
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def result_data(self) -> dict[str, Any] | None:
        return self.result if isinstance(self.result, dict) else None

    @property
    def case_data(self) -> dict[str, Any] | None:
        return self.case_result if isinstance(self.case_result, dict) else None

    @property
    def offence_count(self) -> int:
        return 1 + len(self.other_offences or [])


class GuidelineUpload(models.Model):
    """A guideline data file (TOML) accepted by the engine's loader; refused files are never stored.

    The latest upload of a file name replaces the packaged file of that name (a revision of the
    same version); a new name adds a version.
    """

    guideline_id = models.CharField(max_length=100)
    version = models.CharField(max_length=50)
    file_name = models.CharField(max_length=160)
    text = models.TextField()
    sha256 = models.CharField(max_length=64)
    notes = models.TextField()
    revision = models.BooleanField(default=False)  # it replaced a file already in use
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["-id"]

    def __str__(self) -> str:
        return f"{self.file_name} (upload {self.pk})"


class VerifiedPart(models.TextChoices):
    """The parts of a guideline version whose figures a guideline editor can verify."""

    TABLE = "table", "Starting points and ranges (the table)"
    HARM = "harm", "Harm categories and factors"
    CULPABILITY = "culpability", "Culpability categories and factors"
    OFFENCE_RANGE = "offence_range", "Offence range"


class GuidelineVerification(models.Model):
    """Who checked which part of a guideline version, when, and against what source."""

    guideline_id = models.CharField(max_length=100)
    version = models.CharField(max_length=50)
    table_id = models.CharField("Part", max_length=20, choices=VerifiedPart.choices)
    figures = models.JSONField()  # exactly what was checked, as shown to the editor
    data_sha256 = models.CharField(max_length=64)  # the file text in use when it was checked
    verified_against = models.TextField()
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    verified_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["-verified_at", "-id"]
        indexes: ClassVar = [models.Index(fields=["guideline_id", "version"], name="courts_verif_gl_idx")]

    def __str__(self) -> str:
        return f"{self.guideline_id} {self.version} {self.table_id}"
