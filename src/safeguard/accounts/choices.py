"""Agency kinds and roles: the two axes of every permission in Safeguard."""

from django.db import models


class AgencyKind(models.TextChoices):
    PREVENTION = "prevention", "Prevention service"
    TREATMENT = "treatment", "Treatment provider"
    PROBATION = "probation", "Probation"
    POLICE = "police", "Police"
    COURT = "court", "Court"
    PRISON = "prison", "Prison"
    ANALYSIS = "analysis", "Analysis"
    ADMINISTRATION = "administration", "Administration"


class Role(models.TextChoices):
    PRACTITIONER = "practitioner", "Practitioner"
    SUPERVISOR = "supervisor", "Supervisor"
    ANALYST = "analyst", "Analyst"
    AUDITOR = "auditor", "Auditor"
    ADMINISTRATOR = "administrator", "Administrator"
    GUIDELINE_EDITOR = "guideline_editor", "Guideline content editor"


class SharingBasis(models.TextChoices):
    STATUTORY = "statutory", "Statutory multi-agency sharing"
    CONSENT = "consent", "Consent of the person"
    OWNER = "owner", "Record owner"
