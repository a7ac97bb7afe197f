"""Programme delivery: sites, referrals, groups, sessions, registers, homework, progress, reports.

The templates themselves are data files (`catalogue.py`); records name a template by its id and a
group by the version it runs. A group member is either an identified person (with their referral)
or a pseudonymous participant from a prevention centre (a pseudonym and the centre, nothing else):
never both, enforced by a check constraint. Person-linked free text is encrypted at rest.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q

from safeguard.calendar.bank_holidays import Region
from safeguard.core.fields import EncryptedTextField
from safeguard.programmes.choices import (
    Cohort,
    CourtOrder,
    FacilitatorKind,
    GroupStatus,
    HomeworkStatus,
    MemberStatus,
    Outcome,
    RecipientKind,
    ReportOutcome,
    SessionKind,
    Setting,
    Source,
    Weekday,
)
from safeguard.programmes.workflow import REFERRAL

USER = settings.AUTH_USER_MODEL
REGION_CHOICES = [(r.value, r.label) for r in Region]


class Site(models.Model):
    """Where groups meet: a provider's premises (or a prison), in one bank-holiday region."""

    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=120)
    region = models.CharField(max_length=20, choices=REGION_CHOICES, default="england-and-wales")

    class Meta:
        ordering: ClassVar = ["name"]
        constraints: ClassVar = [models.UniqueConstraint(fields=["agency", "name"], name="programmes_site_name")]

    def __str__(self) -> str:
        return self.name


class Room(models.Model):
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(max_length=80)
    capacity = models.PositiveSmallIntegerField(default=12)

    class Meta:
        ordering: ClassVar = ["name"]
        constraints: ClassVar = [models.UniqueConstraint(fields=["site", "name"], name="programmes_room_name")]

    def __str__(self) -> str:
        return f"{self.site.name}, {self.name}"


class Closure(models.Model):
    """A day a site is shut: no session is planned on it, like a bank holiday."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="closures")
    day = models.DateField()
    reason = models.CharField(max_length=200)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["day"]
        constraints: ClassVar = [models.UniqueConstraint(fields=["site", "day"], name="programmes_closure_day")]

    def __str__(self) -> str:
        return f"{self.site} closed {self.day}"


class CustodyPeriod(models.Model):
    """A person in custody and the day they are expected to be released (kept by the prison)."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    prison = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    received_on = models.DateField(null=True, blank=True)
    expected_release_on = models.DateField()
    released_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["person"], condition=Q(released_on__isnull=True),
                                    name="programmes_one_open_custody"),
        ]
        indexes: ClassVar = [
            models.Index(fields=["expected_release_on"], condition=Q(released_on__isnull=True),
                         name="programmes_custody_release"),
        ]

    def __str__(self) -> str:
        return f"Custody of {self.person_id} until {self.expected_release_on}"


class Referral(models.Model):
    """A person referred to a programme, moved through the spec's states (workflow.REFERRAL)."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    programme_id = models.CharField(max_length=60)
    source = models.CharField(max_length=20, choices=Source.choices)
    setting = models.CharField(max_length=20, choices=[c for c in Setting.choices if c[0] != Setting.BOTH])
    referrer_agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    referrer = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    provider_agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    # A court order's programme requirement: the sentencing case (courts app, through courts.ports),
    # the kind of order, and the probation officer responsible for the order.
    court_case_id = models.BigIntegerField(null=True, blank=True)
    court_order = models.CharField(max_length=20, choices=CourtOrder.choices, blank=True)
    responsible_agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    responsible_officer = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # A self-referral (alone or after a police invitation) rests on the person's consent.
    consent_given_on = models.DateField(null=True, blank=True)
    information = EncryptedTextField("Why the person is referred", blank=True)
    state = models.CharField(max_length=40, choices=REFERRAL.choices(), default=REFERRAL.initial)
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_on = models.DateField(null=True, blank=True)
    assessed_on = models.DateField(null=True, blank=True)
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["provider_agency", "state", "submitted_on"], name="programmes_ref_provider"),
            models.Index(fields=["referrer_agency", "state"], name="programmes_ref_referrer"),
            models.Index(fields=["programme_id", "site", "state"], name="programmes_ref_programme"),
            models.Index(fields=["person", "state"], name="programmes_ref_person"),
        ]

    def __str__(self) -> str:
        return f"Referral {self.pk}"

    @property
    def reference(self) -> str:
        return f"R{self.pk:06d}"

    @property
    def state_label(self) -> str:
        return REFERRAL.label_of(self.state)

    def waiting_days(self, today: date) -> int | None:
        if self.submitted_on is None:
            return None
        end = self.started_on or self.ended_on or today
        return max(0, (end - self.submitted_on).days)


class Invitation(models.Model):
    """A police force's invitation to a person at the lower end of offending to refer themselves to a
    programme, and — if they take it up — their consent and the referral it became."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    police_agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    invited_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    invited_on = models.DateField()
    programme_id = models.CharField(max_length=60)
    provider_agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    taken_up_on = models.DateField(null=True, blank=True)
    consent_given_on = models.DateField(null=True, blank=True)
    consent_recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    referral = models.OneToOneField(Referral, on_delete=models.PROTECT, null=True, blank=True, related_name="invitation")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes: ClassVar = [models.Index(fields=["police_agency", "-invited_on"], name="programmes_invite_police")]

    def __str__(self) -> str:
        return f"Invitation {self.pk}"


class Group(models.Model):
    """One run of one template version at a site: weekly slots, facilitators, members, sessions."""

    code = models.CharField(max_length=30, unique=True)
    programme_id = models.CharField(max_length=60)
    programme_version = models.CharField(max_length=30)
    provider_agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    # A prevention course takes pseudonymous participants from one prevention centre.
    partner_agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="groups")
    room = models.ForeignKey(Room, on_delete=models.PROTECT, related_name="+")
    cohort = models.CharField(max_length=30, choices=Cohort.choices)
    sex = models.CharField(max_length=10, choices=[("male", "Men"), ("female", "Women"), ("any", "Anyone")],
                           default="male")
    learning_needs_adapted = models.BooleanField(default=False)
    start_date = models.DateField()
    max_size = models.PositiveSmallIntegerField()
    treatment_manager = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    status = models.CharField(max_length=20, choices=GroupStatus.choices, default=GroupStatus.PLANNED)
    # The slots the schedule stepped over (bank holidays, closures): [{"date", "reason"}].
    skipped = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["provider_agency", "status", "start_date"], name="programmes_group_provider"),
            models.Index(fields=["partner_agency", "programme_id"], name="programmes_group_partner"),
        ]

    def __str__(self) -> str:
        return self.code


class WeeklySlot(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="slots")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    start_time = models.TimeField()

    class Meta:
        ordering: ClassVar = ["weekday"]
        constraints: ClassVar = [models.UniqueConstraint(fields=["group", "weekday"], name="programmes_slot_day")]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start_time:%H:%M}"


class GroupFacilitator(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="facilitators")
    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=FacilitatorKind.choices, default=FacilitatorKind.REGULAR)

    class Meta:
        constraints: ClassVar = [models.UniqueConstraint(fields=["group", "user"], name="programmes_facilitator")]
        indexes: ClassVar = [models.Index(fields=["user", "group"], name="programmes_facilitator_user")]

    def __str__(self) -> str:
        return f"{self.user_id} on {self.group_id}"


class GroupMember(models.Model):
    """An identified person (with the referral that brought them) or a pseudonymous participant."""

    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="members")
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, null=True, blank=True, related_name="memberships")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    pseudonym = models.CharField(max_length=40, blank=True)
    prevention_agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=20, choices=MemberStatus.choices, default=MemberStatus.ALLOCATED)
    joined_on = models.DateField()
    left_on = models.DateField(null=True, blank=True)
    left_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=(
                    Q(referral__isnull=False, person__isnull=False, pseudonym="", prevention_agency__isnull=True)
                    | (Q(referral__isnull=True, person__isnull=True, prevention_agency__isnull=False) & ~Q(pseudonym=""))
                ),
                name="programmes_member_person_or_pseudonym",
            ),
            models.UniqueConstraint(fields=["group", "referral"], condition=Q(referral__isnull=False),
                                    name="programmes_member_referral"),
            models.UniqueConstraint(fields=["group", "prevention_agency", "pseudonym"],
                                    condition=Q(prevention_agency__isnull=False), name="programmes_member_pseudonym"),
        ]
        indexes: ClassVar = [
            models.Index(fields=["person"], name="programmes_member_person"),
            models.Index(fields=["prevention_agency", "pseudonym"], name="programmes_member_pseud_idx"),
        ]

    def __str__(self) -> str:
        return f"Member {self.pk} of {self.group_id}"

    @property
    def is_pseudonymous(self) -> bool:
        return self.person_id is None

    @property
    def display_name(self) -> str:
        if self.person_id is None:
            return f"{self.pseudonym} (pseudonym)"
        return self.person.full_name  # type: ignore[union-attr]

    @property
    def reference(self) -> str:
        return self.pseudonym if self.person_id is None else self.person.reference  # type: ignore[union-attr]

    def in_group_on(self, day: date) -> bool:
        return self.joined_on <= day and (self.left_on is None or day < self.left_on)


class Session(models.Model):
    """A meeting of the group (or a one-to-one with one member), planned from a session template.

    A one-to-one in a group programme starts as a placeholder (no time, no member) to be booked for
    each member; a catch-up repeats a template session for one member and never moves the plan.
    """

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="sessions")
    number = models.PositiveSmallIntegerField()  # the template session it delivers
    module = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=SessionKind.choices)
    day = models.DateField()
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    room = models.ForeignKey(Room, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    placeholder = models.BooleanField(default=False)
    catch_up = models.BooleanField(default=False)
    member = models.ForeignKey(GroupMember, on_delete=models.PROTECT, null=True, blank=True, related_name="own_sessions")
    register_taken_at = models.DateTimeField(null=True, blank=True)
    register_taken_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # The register's totals, kept with it, so that rates add up sessions rather than every row.
    recorded = models.PositiveSmallIntegerField(default=0)
    attended = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering: ClassVar = ["day", "starts_at", "number", "id"]
        indexes: ClassVar = [
            models.Index(fields=["group", "day"], name="programmes_session_group"),
            models.Index(fields=["room", "starts_at"], name="programmes_session_room"),
        ]

    def __str__(self) -> str:
        return f"{self.group_id} session {self.number}"

    @property
    def is_booked_one_to_one(self) -> bool:
        return self.member_id is not None and not self.catch_up


class SessionFacilitator(models.Model):
    """Who runs a session, with its times copied so double bookings are found by one indexed query."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="session_facilitators")
    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["session", "user"], name="programmes_session_facilitator")
        ]
        indexes: ClassVar = [models.Index(fields=["user", "starts_at"], name="programmes_sf_user_time")]

    def __str__(self) -> str:
        return f"{self.user_id} at {self.session_id}"


class Attendance(models.Model):
    """One member at one session: the spec's outcome."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(GroupMember, on_delete=models.PROTECT, related_name="attendance")
    outcome = models.CharField(max_length=30, choices=Outcome.choices)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        constraints: ClassVar = [models.UniqueConstraint(fields=["session", "member"], name="programmes_attendance_once")]
        indexes: ClassVar = [models.Index(fields=["member", "outcome"], name="programmes_attendance_member")]

    def __str__(self) -> str:
        return f"{self.member_id} at {self.session_id}: {self.outcome}"


class Homework(models.Model):
    """Homework set from a session template for one member; the facilitator's feedback is encrypted."""

    member = models.ForeignKey(GroupMember, on_delete=models.PROTECT, related_name="homework")
    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=120)
    set_on = models.DateField()
    due_on = models.DateField()
    status = models.CharField(max_length=20, choices=HomeworkStatus.choices, default=HomeworkStatus.SET)
    submitted_on = models.DateField(null=True, blank=True)
    reviewed_on = models.DateField(null=True, blank=True)
    reviewed_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    feedback = EncryptedTextField(blank=True)

    class Meta:
        ordering: ClassVar = ["due_on", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["member", "session", "title"], name="programmes_homework_once")
        ]
        # Read from a facilitator's groups outwards: their members, then each member's homework by status.
        indexes: ClassVar = [models.Index(fields=["member", "status", "due_on"], name="programmes_homework_member")]

    def __str__(self) -> str:
        return self.title


class ModuleReview(models.Model):
    """A facilitator's ratings of one member at the end of one module (domains.py), and notes."""

    member = models.ForeignKey(GroupMember, on_delete=models.PROTECT, related_name="reviews")
    module = models.PositiveSmallIntegerField()
    engagement = models.PositiveSmallIntegerField()
    understanding = models.PositiveSmallIntegerField()
    victim_empathy = models.PositiveSmallIntegerField()
    regret = models.PositiveSmallIntegerField()
    reflective_capacity = models.PositiveSmallIntegerField()
    self_management = models.PositiveSmallIntegerField()
    notes = EncryptedTextField(blank=True)
    rated_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    rated_on = models.DateField()

    class Meta:
        ordering: ClassVar = ["module"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["member", "module"], name="programmes_review_module"),
            *(
                models.CheckConstraint(condition=Q(**{f"{d}__gte": 1, f"{d}__lte": 4}), name=f"programmes_review_{d}")
                for d in ("engagement", "understanding", "victim_empathy", "regret", "reflective_capacity",
                          "self_management")
            ),
        ]

    def __str__(self) -> str:
        return f"Review of {self.member_id}, module {self.module}"


class EndOfProgrammeReport(models.Model):
    """Issued when a referral completes or is deselected, for the referrer and the responsible officer."""

    referral = models.OneToOneField(Referral, on_delete=models.PROTECT, related_name="report")
    outcome = models.CharField(max_length=20, choices=ReportOutcome.choices)
    summary = EncryptedTextField(blank=True)
    issued_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"End-of-programme report {self.pk}"


class ReportRecipient(models.Model):
    report = models.ForeignKey(EndOfProgrammeReport, on_delete=models.CASCADE, related_name="recipients")
    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=30, choices=RecipientKind.choices)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [models.UniqueConstraint(fields=["report", "user"], name="programmes_recipient")]
        indexes: ClassVar = [models.Index(fields=["user", "read_at"], name="programmes_recipient_user")]

    def __str__(self) -> str:
        return f"{self.user_id} for {self.report_id}"
