"""Reads of the programmes app: scoped through the policy, audited where they show personal data.

A record outside the actor's scope is answered like one that does not exist (404), and the attempt is
recorded as a denied event; a role without the action is refused (403). Lists are keyset-paginated
and every page does a fixed number of queries, whatever the size of the tables.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Min, Model, Q, QuerySet
from django.http import Http404

from safeguard import policy
from safeguard.assessments.ports import LatestResult, latest_results
from safeguard.audit.models import Outcome
from safeguard.audit.services import record_event
from safeguard.calendar.bank_holidays import Region
from safeguard.calendar.dates import add_months
from safeguard.instruments import registry
from safeguard.people.ports import Person, justification_for
from safeguard.policy import Actor
from safeguard.programmes import catalogue, domains
from safeguard.programmes.catalogue import ProgrammeTemplate
from safeguard.programmes.charts import ProgressChart, progress_chart
from safeguard.programmes.choices import (
    ATTENDED,
    SERVICE_CODES,
    HomeworkStatus,
    MemberStatus,
)
from safeguard.programmes.choices import Outcome as Attended
from safeguard.programmes.conf import current as settings_now
from safeguard.programmes.models import (
    Attendance,
    CustodyPeriod,
    EndOfProgrammeReport,
    Group,
    GroupMember,
    Homework,
    Invitation,
    ModuleReview,
    Referral,
    Session,
    Site,
)
from safeguard.programmes.policies import ProgrammeAction as A
from safeguard.programmes.services import expected_members, template_of_group
from safeguard.programmes.workflow import CLOSED, REFERRAL, WAITING

PAGE_SIZE = 25
M = TypeVar("M", bound=Model)


def scoped(actor: Actor, action: str, queryset: QuerySet[M]) -> QuerySet[M]:
    if not policy.allows(actor, action):
        raise PermissionDenied
    return policy.scope(actor, action, queryset)


def locate(actor: Actor, action: str, queryset: QuerySet[M], pk: Any) -> M:
    """One record in reach for this action: 403 for the role; 404 — recorded as denied, and answered
    like a record that does not exist — when it is out of reach."""
    found = scoped(actor, action, queryset).filter(pk=pk).first()
    if found is None:
        record_event(action=action, actor=actor, object_type=queryset.model._meta.label, object_id=str(pk),
                     outcome=Outcome.DENIED)
        raise Http404
    return found


# --- Catalogue -----------------------------------------------------------------------------------


def templates(*, actor: Actor) -> tuple[ProgrammeTemplate, ...]:
    if not policy.allows(actor, A.CATALOGUE_VIEW):
        raise PermissionDenied
    return catalogue.catalogue()


def template(*, actor: Actor, template_id: str, version: str | None = None) -> ProgrammeTemplate:
    if not policy.allows(actor, A.CATALOGUE_VIEW):
        raise PermissionDenied
    found = catalogue.get(template_id, version)
    if found is None:
        raise Http404
    return found


def programme_name(programme_id: str) -> str:
    found = catalogue.get(programme_id)
    return found.name if found else programme_id


# --- Referrals -----------------------------------------------------------------------------------

REFERRAL_RELATED = ("person", "person__owner_agency", "referrer_agency", "provider_agency", "site", "referrer",
                    "responsible_officer")


def referral_locate(*, actor: Actor, pk: Any, action: str = A.REFERRAL_VIEW) -> Referral:
    return locate(actor, action, Referral.objects.select_related(*REFERRAL_RELATED), pk)


@dataclass(frozen=True)
class ReferralRecord:
    referral: Referral
    justification: str
    template: ProgrammeTemplate | None
    membership: GroupMember | None
    report: EndOfProgrammeReport | None


def referral_open(*, actor: Actor, pk: Any, purpose: str = "programmes.referral.view") -> ReferralRecord:
    """The referral page or API record: one audited event (with the justification a police-owned
    record needs; `JustificationRequired` is raised when none was given)."""
    referral = referral_locate(actor=actor, pk=pk)
    justification = justification_for(actor, referral.person)
    record_event(action=purpose, actor=actor, obj=referral, justification=justification,
                 details={"person": str(referral.person_id)})
    membership = (
        GroupMember.objects.select_related("group", "group__site").filter(referral=referral)
        .order_by("-joined_on", "-id").first()
    )
    report = EndOfProgrammeReport.objects.filter(referral=referral).first()
    return ReferralRecord(referral, justification, catalogue.get(referral.programme_id), membership, report)


@dataclass(frozen=True)
class ReferralPage:
    rows: list[Referral]
    next_before: int | None
    filters: dict[str, str]


STATE_GROUPS = {
    "waiting": WAITING,
    "on_programme": ("on_programme",),
    "closed": CLOSED,
    "draft": ("draft",),
}


def referral_list(
    *, actor: Actor, state_group: str = "", programme_id: str = "", mine: bool = False, before: int | None = None,
    limit: int = PAGE_SIZE,
) -> ReferralPage:
    """Referrals in reach, newest first, `limit` at a time after the keyset `before` (an id)."""
    rows = scoped(actor, A.REFERRAL_VIEW, Referral.objects.select_related(*REFERRAL_RELATED))
    filters: dict[str, str] = {}
    if state_group in STATE_GROUPS:
        rows = rows.filter(state__in=STATE_GROUPS[state_group])
        filters["state"] = state_group
    if programme_id in catalogue.ids():
        rows = rows.filter(programme_id=programme_id)
        filters["programme"] = programme_id
    if mine:
        rows = rows.filter(Q(referrer=actor.user) | Q(responsible_officer=actor.user))
        filters["mine"] = "1"
    if before is not None:
        rows = rows.filter(pk__lt=before)
    found = list(rows.order_by("-pk")[: limit + 1])
    page, more = found[:limit], len(found) > limit
    record_event(action="programmes.referral.list", actor=actor, object_type="programmes.Referral",
                 details={"filters": filters, "shown": [r.pk for r in page]})
    return ReferralPage(page, page[-1].pk if more and page else None, filters)


# The instruments whose latest results the suitability section shows, in this order.
SUITABILITY_INSTRUMENTS = ("pni", "osp-dc", "osp-iic", "rsr", "static-99r", "stable-2007")
PATHWAY_WORDS = {
    "high": "High intensity",
    "moderate": "Moderate intensity",
    "alternative": "Alternative (no accredited programme recommended)",
    "omission": "Not determined (information missing)",
}


@dataclass(frozen=True)
class ResultLine:
    instrument: str
    name: str
    value: str  # in words: a band, points, or "Not assessed"
    assessed_on: date | None
    verified: bool | None


@dataclass(frozen=True)
class Suitability:
    pathway: str | None
    pathway_words: str
    lines: list[ResultLine]
    advice: str


def _pathway_of(result: LatestResult | None) -> str | None:
    if result is None:
        return None
    found = result.extra.get("pathway") or result.band
    return str(found) if found else None


def _instrument_name(instrument_id: str) -> str:
    try:
        return registry.metadata(instrument_id).name.split(" (")[0]
    except registry.UnknownInstrumentError:
        return instrument_id


def suitability(*, actor: Actor, referral: Referral) -> Suitability:
    """The person's PNI pathway and latest risk bands, "Not assessed" where there is none, and how
    the pathway fits this programme's intensity (one query)."""
    found = latest_results(actor=actor, person_ids=[referral.person_id], instruments=SUITABILITY_INSTRUMENTS)
    results = found.get(str(referral.person_id), {})
    lines = []
    for instrument_id in SUITABILITY_INSTRUMENTS:
        result = results.get(instrument_id)
        if result is None:
            value = "Not assessed"
        elif instrument_id == "pni":
            value = PATHWAY_WORDS.get(_pathway_of(result) or "", "Not determined")
        elif result.band:
            value = result.band.replace("_", " ").capitalize()
        elif result.points is not None:
            value = f"{result.points} points (no band: this instrument has none)"
        else:
            value = "No band recorded"
        lines.append(ResultLine(instrument_id, _instrument_name(instrument_id), value,
                                result.assessment_date if result else None, result.verified if result else None))
    pathway = _pathway_of(results.get("pni"))
    template = catalogue.get(referral.programme_id)
    return Suitability(pathway, PATHWAY_WORDS.get(pathway or "", "Not assessed"), lines,
                       _fit(pathway, template, referral.setting))


def _fit(pathway: str | None, template: ProgrammeTemplate | None, setting: str) -> str:
    if template is None:
        return ""
    if pathway is None:
        return "No programme needs identifier (PNI) result: the pathway is not known. Consider a PNI before assessment."
    if template.intensity == "none":
        return f"“{template.name}” is not an accredited-intensity programme; the pathway is {PATHWAY_WORDS[pathway].lower()}."
    if pathway in ("alternative", "omission"):
        return f"The pathway is {PATHWAY_WORDS[pathway].lower()}: an accredited programme is not indicated by it."
    if pathway == template.intensity:
        return f"The pathway matches this programme ({PATHWAY_WORDS[pathway].lower()})."
    if pathway == "high" and setting != "custody":
        return "The pathway is high intensity, which is only available in custody; in the community the moderate programme is the nearest."
    return (f"The pathway is {PATHWAY_WORDS[pathway].lower()}, but this programme is "
            f"{template.intensity} intensity: check that it is the right one.")


# --- Waiting list ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class WaitingGroup:
    programme_id: str
    programme: str
    site: str
    count: int
    oldest: date | None


@dataclass(frozen=True)
class WaitingList:
    groups: list[WaitingGroup]
    rows: list[Referral]
    today: date
    due_weeks: int
    next_before: int | None
    filters: dict[str, str] = field(default_factory=dict)


def waiting_list(
    *, actor: Actor, today: date, programme_id: str = "", site_id: int | None = None, before: int | None = None,
    limit: int = 50,
) -> WaitingList:
    """People waiting for a programme the actor's agency provides, per programme and site, longest
    waiting first (keyset on the referral id within submission order), with counts per programme and site."""
    base = scoped(actor, A.REFERRAL_PROGRESS, Referral.objects.all()).filter(state__in=WAITING)
    filters: dict[str, str] = {}
    if programme_id in catalogue.ids():
        base = base.filter(programme_id=programme_id)
        filters["programme"] = programme_id
    if site_id is not None:
        base = base.filter(site_id=site_id)
        filters["site"] = str(site_id)
    groups = [
        WaitingGroup(row["programme_id"], programme_name(row["programme_id"]), row["site__name"], row["n"], row["oldest"])
        for row in base.values("programme_id", "site__name").annotate(n=Count("pk"), oldest=Min("submitted_on"))
        .order_by("programme_id", "site__name")
    ]
    rows_qs = base.select_related(*REFERRAL_RELATED).order_by("submitted_on", "pk")
    if before is not None:
        anchor = base.filter(pk=before).values_list("submitted_on", flat=True).first()
        if anchor is not None:
            rows_qs = rows_qs.filter(Q(submitted_on__gt=anchor) | Q(submitted_on=anchor, pk__gt=before))
    found = list(rows_qs[: limit + 1])
    page, more = found[:limit], len(found) > limit
    record_event(action="programmes.waiting.view", actor=actor, object_type="programmes.Referral",
                 details={"filters": filters, "shown": [r.pk for r in page]})
    return WaitingList(groups, page, today, settings_now().waiting_due_weeks, page[-1].pk if more and page else None,
                       filters)


# --- Groups, sessions and registers ----------------------------------------------------------------


def group_locate(*, actor: Actor, pk: Any, action: str = A.GROUP_VIEW) -> Group:
    return locate(actor, action, Group.objects.select_related("site", "room", "provider_agency", "partner_agency", "treatment_manager"), pk)


@dataclass(frozen=True)
class GroupRow:
    group: Group
    template: ProgrammeTemplate | None
    places_taken: int


def group_list(*, actor: Actor, status: str = "", before: int | None = None, limit: int = PAGE_SIZE) -> tuple[list[GroupRow], int | None]:
    """The agency's groups, newest start first (no personal data: codes, dates and counts)."""
    rows = scoped(actor, A.GROUP_VIEW, Group.objects.select_related("site")).annotate(
        taken=Count("members", filter=Q(members__status__in=(MemberStatus.ALLOCATED, MemberStatus.ACTIVE)))
    )
    if status:
        rows = rows.filter(status=status)
    if before is not None:
        rows = rows.filter(pk__lt=before)
    found = list(rows.order_by("-pk")[: limit + 1])
    page = found[:limit]
    return ([GroupRow(g, catalogue.get(g.programme_id, g.programme_version), g.taken) for g in page],
            page[-1].pk if len(found) > limit and page else None)


@dataclass(frozen=True)
class ScheduleRow:
    session: Session
    booked: int  # for a one-to-one placeholder: how many members have theirs booked
    held: bool


@dataclass(frozen=True)
class GroupRecord:
    group: Group
    template: ProgrammeTemplate
    members: list[GroupMember]
    facilitators: list[Any]
    slots: list[Any]
    schedule: list[ScheduleRow]
    extra_sessions: list[Session]  # catch-ups and booked one-to-ones
    skipped: list[dict[str, Any]]
    places_taken: int
    region: str


def group_open(*, actor: Actor, pk: Any) -> GroupRecord:
    """A group's page: schedule, members and facilitators (one audited event)."""
    group = group_locate(actor=actor, pk=pk)
    members = list(
        policy.scope(actor, A.GROUP_VIEW, GroupMember.objects.filter(group=group))
        .select_related("person", "referral").order_by("status", "person__family_name", "pseudonym", "id")
    )
    sessions = list(group.sessions.select_related("room", "member", "member__person").order_by("day", "starts_at", "number", "id"))
    planned = [s for s in sessions if s.member_id is None]
    booked = Counter(s.number for s in sessions if s.member_id is not None and not s.catch_up)
    schedule = [ScheduleRow(s, booked[s.number] if s.placeholder else 0, s.register_taken_at is not None) for s in planned]
    record_event(action="programmes.group.view", actor=actor, obj=group,
                 details={"members": [m.pk for m in members]})
    return GroupRecord(
        group=group, template=template_of_group(group), members=members,
        facilitators=list(group.facilitators.select_related("user").order_by("kind", "user__last_name")),
        slots=list(group.slots.all()), schedule=schedule,
        extra_sessions=[s for s in sessions if s.member_id is not None],
        skipped=[{"day": date.fromisoformat(x["date"]), "reason": x["reason"]} for x in group.skipped],
        places_taken=sum(1 for m in members if m.status in (MemberStatus.ALLOCATED, MemberStatus.ACTIVE)),
        region=Region(group.site.region).label,
    )


def session_locate(*, actor: Actor, pk: Any, action: str = A.SESSION_RUN) -> Session:
    return locate(actor, action, Session.objects.select_related("group", "group__site", "room", "member", "member__person"), pk)


@dataclass(frozen=True)
class RegisterRow:
    member: GroupMember
    outcome: str
    unacceptable: int  # unacceptable absences so far, in this group


@dataclass(frozen=True)
class Register:
    session: Session
    rows: list[RegisterRow]
    outcomes: list[tuple[str, str]]
    threshold: int
    homework: list[str]


def register_view(*, actor: Actor, pk: Any) -> Register:
    """The register page: one row per member expected at the session, with what is recorded (a fixed
    number of queries for any group size)."""
    session = session_locate(actor=actor, pk=pk)
    members = expected_members(session)
    ids = [m.pk for m in members]
    recorded = dict(Attendance.objects.filter(session=session).values_list("member_id", "outcome"))
    absences = dict(
        Attendance.objects.filter(member_id__in=ids, outcome=Attended.UNACCEPTABLE_ABSENCE)
        .values("member_id").annotate(n=Count("pk")).values_list("member_id", "n")
    )
    spec = template_of_group(session.group).session(session.number)
    record_event(action="programmes.register.view", actor=actor, obj=session, details={"members": ids})
    return Register(
        session=session,
        rows=[RegisterRow(m, recorded.get(m.pk, ""), absences.get(m.pk, 0)) for m in members],
        outcomes=list(Attended.choices), threshold=settings_now().breach_threshold,
        homework=[h.title for h in spec.homework] if spec else [],
    )


# --- A member's progress -------------------------------------------------------------------------


def member_locate(*, actor: Actor, pk: Any, action: str = A.SESSION_RUN) -> GroupMember:
    return locate(actor, action, GroupMember.objects.select_related("group", "group__site", "person", "referral"), pk)


@dataclass(frozen=True)
class AttendanceSummary:
    counts: dict[str, int]
    sessions_held: int
    attended: int
    rate: float | None  # attended / recorded, or None before any register

    @property
    def percent(self) -> str:
        return "No registers yet" if self.rate is None else f"{round(self.rate * 100)}%"

    @property
    def labelled(self) -> list[tuple[str, int]]:
        return [(label, self.counts.get(code, 0)) for code, label in Attended.choices]


def attendance_summary(member_ids: list[int]) -> dict[int, AttendanceSummary]:
    counts: dict[int, dict[str, int]] = {m: {} for m in member_ids}
    for row in Attendance.objects.filter(member_id__in=member_ids).values("member_id", "outcome").annotate(n=Count("pk")):
        counts[row["member_id"]][row["outcome"]] = row["n"]
    found = {}
    for member_id, per in counts.items():
        total = sum(per.values())
        attended = sum(per.get(code, 0) for code in ATTENDED)
        found[member_id] = AttendanceSummary(per, total, attended, attended / total if total else None)
    return found


@dataclass(frozen=True)
class MemberRecord:
    member: GroupMember
    template: ProgrammeTemplate
    attendance: AttendanceSummary
    history: list[tuple[Session, str]]
    homework: list[Homework]
    reviews: list[ModuleReview]
    chart: ProgressChart | None
    domains: tuple[domains.Domain, ...]


def member_open(*, actor: Actor, pk: Any, purpose: str = "programmes.member.view") -> MemberRecord:
    member = member_locate(actor=actor, pk=pk)
    justification = justification_for(actor, member.person) if member.person is not None else ""
    attendance = attendance_summary([member.pk])[member.pk]
    history = [
        (a.session, a.outcome)
        for a in Attendance.objects.filter(member=member).select_related("session").order_by("session__day", "session__id")
    ]
    reviews = list(ModuleReview.objects.filter(member=member).select_related("rated_by").order_by("module"))
    template = template_of_group(member.group)
    record_event(action=purpose, actor=actor, obj=member, justification=justification,
                 details={"group": member.group.code})
    return MemberRecord(
        member=member, template=template, attendance=attendance, history=history,
        homework=list(Homework.objects.filter(member=member).select_related("session", "reviewed_by")),
        reviews=reviews, chart=progress_chart(reviews, template) if reviews else None, domains=domains.DOMAINS,
    )


def homework_locate(*, actor: Actor, pk: Any) -> Homework:
    return locate(actor, A.SESSION_RUN, Homework.objects.select_related("member", "member__group", "member__person", "session"), pk)


# --- End-of-programme report ---------------------------------------------------------------------


@dataclass(frozen=True)
class ReportData:
    referral: Referral
    report: EndOfProgrammeReport
    template: ProgrammeTemplate | None
    member: GroupMember | None
    attendance: AttendanceSummary | None
    homework: dict[str, int]
    first_review: ModuleReview | None
    last_review: ModuleReview | None
    domains: tuple[domains.Domain, ...]
    recipients: list[Any]
    justification: str
    service_codes: dict[str, tuple[str, bool]]


def report_data(*, actor: Actor, referral_pk: Any) -> ReportData:
    """Everything the end-of-programme report says; the caller audits the reading (services.report_opened)."""
    if not policy.allows(actor, A.REPORT_VIEW):
        raise PermissionDenied
    referral = referral_locate(actor=actor, pk=referral_pk)
    report = EndOfProgrammeReport.objects.select_related("issued_by").filter(referral=referral).first()
    if report is None:
        raise Http404
    justification = justification_for(actor, referral.person)
    member = (
        GroupMember.objects.select_related("group", "group__site").filter(referral=referral)
        .order_by("-joined_on", "-id").first()
    )
    attendance = attendance_summary([member.pk])[member.pk] if member else None
    homework = dict(Counter(Homework.objects.filter(member=member).values_list("status", flat=True))) if member else {}
    reviews = list(ModuleReview.objects.filter(member=member).order_by("module")) if member else []
    return ReportData(
        referral=referral, report=report, template=catalogue.get(referral.programme_id), member=member,
        attendance=attendance, homework={HomeworkStatus(k).label: v for k, v in homework.items()},
        first_review=reviews[0] if reviews else None, last_review=reviews[-1] if len(reviews) > 1 else None,
        domains=domains.DOMAINS, recipients=list(report.recipients.select_related("user")),
        justification=justification, service_codes=SERVICE_CODES,
    )


# --- Release without treatment -------------------------------------------------------------------


@dataclass(frozen=True)
class ReleaseRow:
    period: CustodyPeriod
    person: Person
    pathway: str | None
    pathway_words: str
    referral_state: str  # the latest referral's state in words, or "Not referred"


@dataclass(frozen=True)
class ReleaseGap:
    rows: list[ReleaseRow]
    not_assessed: int
    checked: int
    within_months: int
    until: date
    capped: bool


RELEASE_BATCH = 200


def release_gap(*, actor: Actor, today: date, limit: int = 50, audit: bool = True) -> ReleaseGap:
    """People in custody (visible to the actor) expected to be released within N months whose PNI
    pathway calls for a programme (high or moderate intensity) they have not completed — the gap the
    inspectorate found. The soonest `RELEASE_BATCH` releases are checked (a fixed number of queries).

    Whether a person completed a programme is read across every provider (not only the actor's own
    referrals): the list answers "did they get the treatment", not "did we give it".
    """
    if not policy.allows(actor, A.RELEASE_GAP_VIEW):
        raise PermissionDenied
    months = settings_now().release_within_months
    until = add_months(today, months)
    scoped_periods = policy.scope(actor, A.RELEASE_GAP_VIEW, CustodyPeriod.objects.all())
    periods = list(
        scoped_periods.filter(released_on__isnull=True, expected_release_on__gte=today, expected_release_on__lte=until)
        .select_related("person", "prison").order_by("expected_release_on", "pk")[: RELEASE_BATCH + 1]
    )
    capped = len(periods) > RELEASE_BATCH
    periods = periods[:RELEASE_BATCH]
    ids = [p.person_id for p in periods]
    pathways = latest_results(actor=actor, person_ids=ids, instruments=["pni"])
    completed: dict[str, int] = {}
    latest_state: dict[str, str] = {}
    for row in Referral.objects.filter(person_id__in=ids).order_by("created_at", "pk").values("person_id", "programme_id", "state"):
        person = str(row["person_id"])
        latest_state[person] = row["state"]
        if row["state"] == "programme_complete":
            template = catalogue.get(row["programme_id"])
            rank = catalogue.INTENSITY_RANK.get(template.intensity, 0) if template else 0
            completed[person] = max(completed.get(person, 0), rank)
    rows, not_assessed = [], 0
    for period in periods:
        person = str(period.person_id)
        pathway = _pathway_of(pathways.get(person, {}).get("pni"))
        if pathway not in ("high", "moderate"):
            not_assessed += pathway is None or pathway == "omission"
            continue
        if completed.get(person, 0) >= catalogue.INTENSITY_RANK[pathway]:
            continue
        state = latest_state.get(person)
        rows.append(ReleaseRow(period, period.person, pathway, PATHWAY_WORDS[pathway],
                               REFERRAL.label_of(state) if state else "Not referred"))
    rows = rows[:limit]
    if audit:
        record_event(action="programmes.release_gap.view", actor=actor, object_type="people.Person",
                     details={"shown": [str(r.person.pk) for r in rows]})
    return ReleaseGap(rows, not_assessed, len(periods), months, until, capped)


def custody_locate(*, actor: Actor, pk: Any) -> CustodyPeriod:
    return locate(actor, A.CUSTODY_RECORD, CustodyPeriod.objects.select_related("person"), pk)


# --- The person page's section ---------------------------------------------------------------------


@dataclass(frozen=True)
class PersonProgrammes:
    referrals: list[Referral]
    memberships: dict[int, GroupMember]
    custody: CustodyPeriod | None
    invitations: list[Invitation]


def person_programmes(*, actor: Actor, person: Person) -> PersonProgrammes:
    """What the person page shows: the person's referrals in reach, their groups, an open custody
    period and police invitations. Not audited here: the person page's own event covers it."""
    referrals = list(
        policy.scope(actor, A.REFERRAL_VIEW, Referral.objects.select_related("provider_agency", "site"))
        .filter(person=person).order_by("-created_at", "-pk")[:20]
    ) if policy.allows(actor, A.REFERRAL_VIEW) else []
    memberships = {
        m.referral_id: m
        for m in GroupMember.objects.select_related("group").filter(referral__in=[r.pk for r in referrals])
        .order_by("joined_on", "id")
        if m.referral_id is not None
    }
    custody = (
        policy.scope(actor, A.RELEASE_GAP_VIEW, CustodyPeriod.objects.select_related("prison"))
        .filter(person=person, released_on__isnull=True).first()
        if policy.allows(actor, A.RELEASE_GAP_VIEW) else None
    )
    invitations = list(
        policy.scope(actor, A.INVITATION_RECORD, Invitation.objects.select_related("provider_agency"))
        .filter(person=person).order_by("-invited_on", "-pk")[:10]
    ) if policy.allows(actor, A.INVITATION_RECORD) else []
    return PersonProgrammes(referrals, memberships, custody, invitations)


def sites_of(*, actor: Actor) -> QuerySet[Site]:
    return policy.scope(actor, A.GROUP_MANAGE, Site.objects.all()).prefetch_related("rooms").order_by("name")


def latest_ratings_by_member(member_ids: list[int]) -> dict[int, ModuleReview]:
    latest: dict[int, ModuleReview] = {}
    for review in ModuleReview.objects.filter(member_id__in=member_ids).order_by("member_id", "module"):
        latest[review.member_id] = review
    return latest


def waiting_since(referrals: list[Referral], today: date) -> dict[int, int]:
    return {r.pk: (r.waiting_days(today) or 0) // 7 for r in referrals}


def reports_unread(*, actor: Actor) -> int:
    from safeguard.programmes.models import ReportRecipient

    return ReportRecipient.objects.filter(user=actor.user, read_at__isnull=True).count()

