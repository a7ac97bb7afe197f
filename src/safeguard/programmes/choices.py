"""The programmes app's fixed vocabularies: codes stay in the database and the API, labels on screen."""

from django.db import models


class Setting(models.TextChoices):
    CUSTODY = "custody", "In custody"
    COMMUNITY = "community", "In the community"
    BOTH = "both", "In custody or in the community"


class Audience(models.TextChoices):
    SEXUAL_OFFENDING = "sexual_offending", "People convicted of sexual offences"
    INTERNET_OFFENDING = "internet_offending", "People convicted of image or other internet offences"
    GENERAL = "general", "People convicted of other offences"
    PREVENTION = "prevention", "People who have not offended and want help not to"


class Intensity(models.TextChoices):
    HIGH = "high", "High intensity"
    MODERATE = "moderate", "Moderate intensity"
    NONE = "none", "Not an accredited intensity"


class Delivery(models.TextChoices):
    GROUP = "group", "Group programme"
    INDIVIDUAL = "individual", "Individual sessions"


class SessionKind(models.TextChoices):
    GROUP = "group", "Group session"
    ONE_TO_ONE = "one_to_one", "One-to-one session"


class Source(models.TextChoices):
    """Who referred the person (the spec's referral routes)."""

    PROBATION = "probation", "Probation"
    PRISON = "prison", "Prison"
    POLICE = "police", "Police"
    POLICE_INVITATION = "police_invitation", "Self-referral after a police invitation"
    COURT_ORDER = "court_order", "Programme requirement of a court order"
    SELF = "self", "Self-referral"


class CourtOrder(models.TextChoices):
    SUSPENDED_SENTENCE = "suspended_sentence", "Suspended sentence order"
    COMMUNITY_ORDER = "community_order", "Community order"


class Cohort(models.TextChoices):
    """The spec's four cohorts: offence type × learning needs."""

    SEXUAL = "sexual_offence", "Sexual offence"
    SEXUAL_LD = "sexual_offence_ldc", "Sexual offence, learning disabilities or challenges"
    GENERAL = "general", "General offence"
    GENERAL_LD = "general_ldc", "General offence, learning disabilities or challenges"
    PREVENTION = "prevention", "Prevention (no offence)"


class GroupStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    RUNNING = "running", "Running"
    FINISHED = "finished", "Finished"
    CANCELLED = "cancelled", "Cancelled"


class FacilitatorKind(models.TextChoices):
    REGULAR = "regular", "Regular facilitator"
    COVER = "cover", "Cover facilitator"


class Outcome(models.TextChoices):
    """Attendance outcomes of the spec. The open-source delivery service records them as the codes
    ATTC, AFTC and UAAB plus a legitimate-absence flag (`SERVICE_CODES`)."""

    ATTENDED_COMPLIED = "attended_complied", "Attended – complied"
    ATTENDED_FAILED_TO_COMPLY = "attended_failed_to_comply", "Attended – failed to comply"
    ACCEPTABLE_ABSENCE = "acceptable_absence", "Acceptable absence"
    UNACCEPTABLE_ABSENCE = "unacceptable_absence", "Unacceptable absence"


# Our reading of the spec's "codes ATTC, AFTC, UAAB plus a legitimate absence flag": both absences
# carry UAAB, told apart by the flag. (code, legitimate absence)
SERVICE_CODES: dict[str, tuple[str, bool]] = {
    Outcome.ATTENDED_COMPLIED: ("ATTC", False),
    Outcome.ATTENDED_FAILED_TO_COMPLY: ("AFTC", False),
    Outcome.ACCEPTABLE_ABSENCE: ("UAAB", True),
    Outcome.UNACCEPTABLE_ABSENCE: ("UAAB", False),
}
ATTENDED = (Outcome.ATTENDED_COMPLIED, Outcome.ATTENDED_FAILED_TO_COMPLY)


class HomeworkStatus(models.TextChoices):
    SET = "set", "Set"
    SUBMITTED = "submitted", "Handed in"
    REVIEWED = "reviewed", "Reviewed"


class MemberStatus(models.TextChoices):
    ALLOCATED = "allocated", "Allocated"
    ACTIVE = "active", "On the programme"
    COMPLETED = "completed", "Completed"
    LEFT = "left", "Left the group"


class ReportOutcome(models.TextChoices):
    COMPLETED = "completed", "Completed the programme"
    DESELECTED = "deselected", "Deselected"


class RecipientKind(models.TextChoices):
    REFERRER = "referrer", "Referrer"
    RESPONSIBLE_OFFICER = "responsible_officer", "Responsible officer"


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"
