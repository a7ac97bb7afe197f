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


# Roles that open the whole audit log or the administration of accounts. Giving one needs a
# second administrator's approval (the two-person rule, docs/security.md).
PRIVILEGED_ROLES = frozenset({Role.AUDITOR, Role.ADMINISTRATOR})


class RequestState(models.TextChoices):
    REQUESTED = "requested", "Waiting for a decision"
    APPROVED = "approved", "Approved"
    REFUSED = "refused", "Refused"


class NoticeKind(models.TextChoices):
    PASSWORD_RESET = "password_reset", "An administrator reset your password"
    SECOND_FACTOR_RESET = "second_factor_reset", "An administrator reset your second factor"
