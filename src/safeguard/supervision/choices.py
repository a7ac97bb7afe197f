"""Codes and their words for supervision records (codes stay in the API; pages show the words)."""

from __future__ import annotations

from django.db import models

from safeguard.guidelines.notification import Disposal


class RiskLevel(models.TextChoices):
    VERY_HIGH = "very_high", "Very high"
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


class RiskSource(models.TextChoices):
    NONE = "", "No completed assessment"
    ASSESSMENT = "assessment", "Latest completed assessment"
    OVERRIDE = "override", "Override approved by a supervisor"


class Management(models.TextChoices):
    ACTIVE = "active", "Active management with home visits"
    REACTIVE = "reactive", "Reactive management (no home visits)"


class MappaCategory(models.IntegerChoices):
    ONE = 1, "Category 1: registered sexual offender"
    TWO = 2, "Category 2: violent offender sentenced to 12 months or more, or on a hospital order"
    THREE = 3, "Category 3: other dangerous offender needing multi-agency management"
    FOUR = 4, "Category 4: terrorism risk (seen in probation data)"


class MappaLevel(models.IntegerChoices):
    ONE = 1, "Level 1: ordinary agency management"
    TWO = 2, "Level 2: active multi-agency management"
    THREE = 3, "Level 3: active multi-agency management with senior oversight"


class RequirementSource(models.TextChoices):
    COMPUTED = "computed", "Computed by the sentencing engine from the disposal"
    ENTERED = "entered", "Entered with its legal basis"


DISPOSAL_LABELS = {
    Disposal.IMPRISONMENT: "Imprisonment for a fixed term",
    Disposal.LIFE: "Imprisonment for life",
    Disposal.IPP: "Imprisonment for public protection",
    Disposal.HOSPITAL_RESTRICTION_ORDER: "Hospital order with a restriction order",
    Disposal.HOSPITAL_ORDER: "Hospital order without a restriction order",
    Disposal.CAUTION: "Caution",
    Disposal.CONDITIONAL_DISCHARGE: "Conditional discharge",
    Disposal.COMMUNITY_ORDER: "Community order",
    Disposal.FINE: "Fine",
    Disposal.OTHER: "Any other disposal",
}
DISPOSAL_CHOICES = [(d.value, DISPOSAL_LABELS[d]) for d in Disposal]


class NotificationKind(models.TextChoices):
    INITIAL = "initial", "Initial notification"
    NAME = "name", "Change of name"
    HOME_ADDRESS = "home_address", "Change of home address"
    STAYING_ELSEWHERE = "staying_elsewhere", "Staying elsewhere for the qualifying period"
    RELEASE = "release_from_custody", "Release from custody"
    ANNUAL = "annual", "Annual notification"
    TRAVEL = "travel", "Foreign travel"


# The kinds an officer records after the event (the initial one comes with the requirement).
CHANGE_KINDS = (NotificationKind.NAME, NotificationKind.HOME_ADDRESS, NotificationKind.STAYING_ELSEWHERE,
                NotificationKind.RELEASE)  # fmt: skip


class Compliance(models.TextChoices):
    UP_TO_DATE = "up_to_date", "Up to date"
    DUE = "due", "A notification is due"
    OVERDUE = "overdue", "A notification is overdue"
    BREACH = "breach", "A breach is under consideration"
    ENDED = "ended", "The requirements have ended"


class VisitKind(models.TextChoices):
    PLANNED = "planned", "Planned (the person knows)"
    UNANNOUNCED = "unannounced", "Unannounced"


class VisitStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    DONE = "done", "Recorded"
    CANCELLED = "cancelled", "Cancelled"


class VisitOutcome(models.TextChoices):
    COMPLETED = "completed", "Visit completed"
    NO_ACCESS = "no_access", "No access: the visit did not take place"


class PlanItemKind(models.TextChoices):
    RISK_FACTOR = "risk_factor", "Risk factor"
    PROTECTIVE_FACTOR = "protective_factor", "Protective factor"
    CONDITION = "condition", "Condition"
    PROHIBITION = "prohibition", "Prohibition"
    CONTINGENCY = "contingency", "Contingency action"


# Kinds that may carry an end date (an order's terms) and so become "orders expiring".
DATED_KINDS = (PlanItemKind.CONDITION, PlanItemKind.PROHIBITION)


class TriggerOutcome(models.TextChoices):
    STAY_REACTIVE = "stay_reactive", "Stay under reactive management"
    RETURN_TO_ACTIVE = "return_to_active", "Return to active management with home visits"
