"""Supervision in the community: cases and their officers, the register's notification requirements and
events, risk management plans, home visits, MAPPA levels and meetings, breaches, transfers.

Every record of a person carries `person` and `agency` (the agency that holds it), so the policy scopes
it on its own columns. Dates that are deadlines (`next_visit_due`, `due_date`, `review_qualifying_date`
and the like) are computed by `services` from the rules (`supervision.rules`, `guidelines.register`),
never typed; the case keeps the earliest as `attention_on` so a caseload is an index read in the order
of what needs attention first.
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q

from safeguard.accounts.models import Agency
from safeguard.core.fields import EncryptedTextField
from safeguard.supervision import flows
from safeguard.supervision.choices import (
    DISPOSAL_CHOICES,
    Management,
    MappaCategory,
    MappaLevel,
    NotificationKind,
    PlanItemKind,
    RequirementSource,
    RiskLevel,
    RiskSource,
    TriggerOutcome,
    VisitKind,
    VisitOutcome,
    VisitStatus,
)
from safeguard.supervision.rules.visits import NOTHING_DUE

USER = settings.AUTH_USER_MODEL
OPEN = Q(closed_on__isnull=True)


class AgencyVisitFrequency(models.Model):
    """One row of an agency's visit-frequency table; a level without a row uses the default table."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    risk_level = models.CharField(max_length=10, choices=RiskLevel.choices)
    months = models.PositiveSmallIntegerField()
    updated_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints: ClassVar = [models.UniqueConstraint(fields=["agency", "risk_level"], name="one_frequency_per_level")]

    def __str__(self) -> str:
        return f"Visit frequency {self.risk_level}: every {self.months} months"



class SupervisionCase(models.Model):
    """A person managed in the community by one agency (a police force or a probation region: its area),
    with the named officer responsible for them."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    officer = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    opened_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)
    # Tier inputs typed by the agency (the rest come from assessments, MAPPA and the register).
    rosh_level = models.CharField("Risk of serious harm", max_length=10, choices=RiskLevel.choices, blank=True)
    rosh_assessed_on = models.DateField(null=True, blank=True)
    sexual_offence_history = models.BooleanField(default=False)
    child_protection = models.BooleanField(default=False)
    domestic_abuse = models.BooleanField(default=False)
    release_date = models.DateField(null=True, blank=True)
    management = models.CharField(max_length=10, choices=Management.choices, default=Management.ACTIVE)
    reactive_since = models.DateField(null=True, blank=True)
    # Derived by services.refresh_cases (never typed).
    risk_level = models.CharField(max_length=10, choices=RiskLevel.choices, blank=True)
    risk_source = models.CharField(max_length=10, choices=RiskSource.choices, blank=True)
    risk_instrument = models.CharField(max_length=40, blank=True)
    risk_assessed_on = models.DateField(null=True, blank=True)
    low_risk_since = models.DateField(null=True, blank=True)
    visit_every_months = models.PositiveSmallIntegerField(null=True, blank=True)
    visit_frequency_source = models.CharField(max_length=120, blank=True)
    last_visit_on = models.DateField(null=True, blank=True)
    next_visit_due = models.DateField(null=True, blank=True)
    next_notification_due = models.DateField(null=True, blank=True)
    plan_review_due = models.DateField(null=True, blank=True)
    order_end_due = models.DateField(null=True, blank=True)
    review_trigger_due = models.DateField(null=True, blank=True)
    attention_on = models.DateField(default=NOTHING_DUE)
    tier = models.CharField(max_length=1, blank=True)
    tier_provisional = models.BooleanField(default=True)
    tier_reason = models.TextField(blank=True)
    tier_detail = models.JSONField(default=dict, blank=True)
    # The next day on which time alone changes a derived value (an order's end or a release date passing,
    # a tier input growing stale): the daily job refreshes the cases whose day has come.
    refresh_due = models.DateField(null=True, blank=True)
    refreshed_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["person", "agency"], condition=OPEN, name="one_open_case_per_agency"),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("opened_on")),
                name="case_closes_after_it_opens",
            ),
        ]
        indexes: ClassVar = [
            # An officer's caseload and a team's, in order of what needs attention (keyset pages).
            models.Index(fields=["officer", "agency", "attention_on", "id"], condition=OPEN, name="case_officer_attention"),
            models.Index(fields=["agency", "attention_on", "id"], condition=OPEN, name="case_agency_attention"),
            models.Index(fields=["agency", "tier", "attention_on", "id"], condition=OPEN, name="case_agency_tier"),
            models.Index(fields=["refresh_due"], condition=OPEN, name="case_refresh_due"),
            # The calendar feed: an officer's visits due in a window.
            models.Index(fields=["officer", "next_visit_due"], condition=OPEN, name="case_officer_visit_due"),
        ]

    def __str__(self) -> str:
        return f"Supervision case {self.pk}"


class CaseTransfer(models.Model):
    """A case moved to another officer or area: the history is kept, the case keeps its records."""

    case = models.ForeignKey(SupervisionCase, on_delete=models.CASCADE, related_name="transfers")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")  # the receiving agency
    from_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    from_officer = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    to_officer = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    transferred_on = models.DateField()
    reason = EncryptedTextField()
    transferred_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Transfer of case {self.case_id} on {self.transferred_on}"



class NotificationRequirement(models.Model):
    """A person's notification requirements under the Sexual Offences Act 2003 Part 2, held by a police force."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=10, choices=RequirementSource.choices)
    relevant_date = models.DateField()
    disposal = models.CharField(max_length=40, choices=DISPOSAL_CHOICES, blank=True)
    custody_months = models.PositiveSmallIntegerField(null=True, blank=True)
    conditional_discharge_months = models.PositiveSmallIntegerField(null=True, blank=True)
    suspended = models.BooleanField(default=False)
    age_at_relevant_date = models.PositiveSmallIntegerField()
    indefinite = models.BooleanField()
    period_text = models.CharField(max_length=60, blank=True)
    end_date = models.DateField(null=True, blank=True)
    legal_basis = models.TextField(blank=True)  # entered requirements: where they come from
    basis = models.TextField(blank=True)  # computed requirements: the engine's rule in words
    status = models.CharField(max_length=40, blank=True)  # the engine's verification status
    warnings = models.JSONField(default=list, blank=True)
    # Derived from the events (services.requirement_refresh).
    first_notification_on = models.DateField(null=True, blank=True)
    review_qualifying_date = models.DateField(null=True, blank=True)
    review_basis = models.TextField(blank=True)
    next_annual_due = models.DateField(null=True, blank=True)
    next_due = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["-relevant_date", "-created_at"]
        indexes: ClassVar = [
            models.Index(fields=["person", "agency"], name="requirement_person"),
            models.Index(fields=["agency", "next_due"], name="requirement_next_due"),
            models.Index(fields=["agency", "review_qualifying_date"], name="requirement_review_due"),
        ]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("relevant_date")),
                name="requirement_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=Q(indefinite=True, end_date__isnull=True) | Q(indefinite=False, end_date__isnull=False),
                name="requirement_indefinite_or_dated",
            ),
        ]

    def __str__(self) -> str:
        return f"Notification requirements {self.pk}"



class NotificationEvent(models.Model):
    """A notification the person must make (and, once made, when): its due date is computed from the
    date it counts from by `guidelines.register`."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requirement = models.ForeignKey(NotificationRequirement, on_delete=models.CASCADE, related_name="events")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=24, choices=NotificationKind.choices)
    counts_from = models.DateField()  # the relevant date, date of the change, departure, or last notification
    due_date = models.DateField()
    due_basis = models.TextField()
    due_verified = models.BooleanField(default=True)
    notified_on = models.DateField(null=True, blank=True)
    # Foreign travel: the details the rules ask for (secondary source). Encrypted: where a person goes.
    return_date = models.DateField(null=True, blank=True)
    destination = EncryptedTextField(blank=True)
    carrier = EncryptedTextField(blank=True)
    accommodation = EncryptedTextField(blank=True)
    details = EncryptedTextField(blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["-counts_from", "-recorded_at"]
        indexes: ClassVar = [
            models.Index(fields=["requirement", "notified_on"], name="event_requirement"),
            models.Index(fields=["agency", "due_date"], condition=Q(notified_on__isnull=True), name="event_pending_due"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} due {self.due_date}"

    @property
    def is_late(self) -> bool:
        return self.notified_on is not None and self.notified_on > self.due_date



class Breach(models.Model):
    """A failure to comply with the notification requirements (an either-way offence, maximum 5 years:
    secondary), moved through `flows.BREACH`."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    requirement = models.ForeignKey(NotificationRequirement, on_delete=models.PROTECT, related_name="breaches")
    event = models.ForeignKey(NotificationEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    noticed_on = models.DateField()
    description = EncryptedTextField()
    state = models.CharField(max_length=40, choices=flows.BREACH.choices(), default=flows.BREACH.initial)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["-noticed_on", "-created_at"]
        indexes: ClassVar = [models.Index(fields=["requirement", "state"], name="breach_requirement")]

    def __str__(self) -> str:
        return f"Breach {self.pk} ({self.state})"



class RiskManagementPlan(models.Model):
    """The plan for one case: factors, conditions and prohibitions, contingencies, its review, and the
    visit frequency when the plan sets one (with the reason)."""

    case = models.OneToOneField(SupervisionCase, on_delete=models.CASCADE, related_name="plan")
    reviewed_on = models.DateField()
    review_every_months = models.PositiveSmallIntegerField(default=12)
    visit_override_months = models.PositiveSmallIntegerField(null=True, blank=True)
    visit_override_reason = EncryptedTextField(blank=True)
    updated_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Risk management plan of case {self.case_id}"



class PlanItem(models.Model):
    plan = models.ForeignKey(RiskManagementPlan, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(max_length=20, choices=PlanItemKind.choices)
    text = EncryptedTextField()
    order = models.CharField("From an order", max_length=100, blank=True)  # e.g. "Sexual Harm Prevention Order"
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    removed_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["kind", "created_at", "id"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(starts_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="plan_item_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"



class RiskLevelOverride(models.Model):
    """A risk level other than the assessment's, with its reason, in force once a supervisor approves it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(SupervisionCase, on_delete=models.CASCADE, related_name="overrides")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    level = models.CharField(max_length=10, choices=RiskLevel.choices)
    reason = EncryptedTextField()
    state = models.CharField(max_length=40, choices=flows.OVERRIDE.choices(), default=flows.OVERRIDE.initial)
    requested_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["-created_at"]
        indexes: ClassVar = [models.Index(fields=["case", "state"], name="override_case_state")]

    def __str__(self) -> str:
        return f"Risk level override {self.pk} ({self.state})"



class Visit(models.Model):
    """A home visit: scheduled ahead, then recorded (or cancelled). Notes are encrypted."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(SupervisionCase, on_delete=models.CASCADE, related_name="visits")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=VisitKind.choices)
    status = models.CharField(max_length=10, choices=VisitStatus.choices)
    planned_for = models.DateField(null=True, blank=True)
    visited_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=VisitOutcome.choices, blank=True)
    officers: models.ManyToManyField[Any, Any] = models.ManyToManyField(USER, related_name="+", blank=True)
    present = EncryptedTextField("Who was present", blank=True)
    observations = EncryptedTextField(blank=True)
    concerns = EncryptedTextField(blank=True)
    next_steps = EncryptedTextField(blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["-visited_on", "-planned_for"]
        indexes: ClassVar = [
            models.Index(fields=["case", "status", "visited_on"], name="visit_case_done"),
            # The last completed visit of a case: one index probe (the daily job asks for 1,000 at a time).
            models.Index(
                fields=["case", "-visited_on"], condition=Q(status=VisitStatus.DONE, outcome=VisitOutcome.COMPLETED),
                name="visit_case_completed",
            ),
            models.Index(fields=["case", "status", "planned_for"], name="visit_case_planned"),
        ]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=(
                    Q(status=VisitStatus.DONE, visited_on__isnull=False) & ~Q(outcome="")
                    | Q(status=VisitStatus.SCHEDULED, planned_for__isnull=False, visited_on__isnull=True)
                    | Q(status=VisitStatus.CANCELLED)
                ),
                name="visit_status_consistent",
            )
        ]

    def __str__(self) -> str:
        return f"Visit {self.pk} ({self.status})"



class ReviewTrigger(models.Model):
    """Something that makes a reactively managed person's arrangements due for review."""

    case = models.ForeignKey(SupervisionCase, on_delete=models.CASCADE, related_name="review_triggers")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20)  # rules.visits.ReviewTrigger
    occurred_on = models.DateField()
    note = EncryptedTextField(blank=True)
    reviewed_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=TriggerOutcome.choices, blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["-occurred_on", "-id"]
        indexes: ClassVar = [models.Index(fields=["case", "reviewed_on"], name="trigger_case_open")]

    def __str__(self) -> str:
        return f"Review trigger {self.pk} ({self.kind})"



class MappaStatus(models.Model):
    """A person's MAPPA category and level from a date; the current one has no end. History is kept."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")  # who recorded it
    category = models.PositiveSmallIntegerField(choices=MappaCategory.choices)
    level = models.PositiveSmallIntegerField(choices=MappaLevel.choices)
    since = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["-since", "-id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["person"], condition=Q(ended_on__isnull=True), name="one_current_mappa"),
        ]

    def __str__(self) -> str:
        return f"MAPPA category {self.category}, level {self.level} from {self.since}"



class MappaMeeting(models.Model):
    """A multi-agency meeting (levels 2 and 3): who attended, from which agencies, the minutes."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")  # who recorded it
    level = models.PositiveSmallIntegerField(choices=MappaLevel.choices)
    held_on = models.DateField()
    agencies_present = models.TextField()  # organisations, one a line: not personal data
    attendees = EncryptedTextField()
    minutes = EncryptedTextField()
    next_meeting_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["-held_on", "-created_at"]
        indexes: ClassVar = [models.Index(fields=["person", "held_on"], name="meeting_person")]

    def __str__(self) -> str:
        return f"MAPPA meeting {self.pk} on {self.held_on}"



class MappaAction(models.Model):
    """An action agreed at a meeting, with its owner and due date (a due item for the owner)."""

    meeting = models.ForeignKey(MappaMeeting, on_delete=models.CASCADE, related_name="actions")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")  # the owner's agency
    description = EncryptedTextField()
    owner = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    completed_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["due_on", "id"]
        indexes: ClassVar = [
            models.Index(fields=["owner", "due_on"], condition=Q(completed_on__isnull=True), name="mappa_action_owner"),
            models.Index(fields=["agency", "due_on"], condition=Q(completed_on__isnull=True), name="mappa_action_agency"),
        ]

    def __str__(self) -> str:
        return f"MAPPA action {self.pk} due {self.due_on}"
