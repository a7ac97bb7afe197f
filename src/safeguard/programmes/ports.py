"""The programmes app's door for other feature apps: the only module of `safeguard.programmes` they import.

For the prevention app (a sealed room): a centre enrols a participant, known only by a pseudonym the
centre gives, on the prevention course that takes its participants, and reads that pseudonym's
sessions and attendance. Nothing else: no names, no person records, no other centre's participants.
The actor must be a prevention centre's practitioner or supervisor (`programmes.pseudonym.manage`);
anyone else gets PermissionDenied, an unknown pseudonym LookupError, bad input ValidationError
naming the field.

For the insights app: each person's programme status with dates, and the referral funnel per
programme and site with waiting times. Both need the insights action (`insights.view`), return
identifiers and figures only, and write no audit event: insights records its own aggregate event.
They read across agencies by design (outcomes are analysed for the whole population).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from safeguard import policy
from safeguard.audit.services import record_event
from safeguard.policy import Action, Actor
from safeguard.programmes import services
from safeguard.programmes.catalogue import get as template
from safeguard.programmes.choices import ATTENDED, GroupStatus, MemberStatus, Outcome
from safeguard.programmes.models import Attendance, Group, GroupMember, Referral, Session
from safeguard.programmes.policies import ProgrammeAction
from safeguard.programmes.workflow import WAITING

__all__ = [
    "FunnelRow",
    "PersonStatus",
    "PreventionCourse",
    "PseudonymAttendance",
    "PseudonymSession",
    "enrol_pseudonym",
    "person_statuses",
    "prevention_courses",
    "pseudonym_attendance",
    "pseudonym_sessions",
    "referral_funnel",
]

PREVENTION_PROGRAMME = "prevention-course"


# --- For the prevention app ---------------------------------------------------------------------


@dataclass(frozen=True)
class PreventionCourse:
    group_id: int
    code: str
    starts_on: date
    site: str
    places_left: int


@dataclass(frozen=True)
class PseudonymSession:
    number: int
    name: str
    starts_at: datetime | None
    ends_at: datetime | None
    place: str
    outcome: str  # the attendance outcome in words, or "" before the register is taken


@dataclass(frozen=True)
class PseudonymAttendance:
    group_code: str
    sessions_held: int
    attended: int
    acceptable_absences: int
    unacceptable_absences: int


def _prevention(actor: Actor) -> None:
    if not policy.allows(actor, ProgrammeAction.PSEUDONYM_MANAGE):
        raise PermissionDenied


def _courses(actor: Actor):  # type: ignore[no-untyped-def]
    return policy.scope(actor, ProgrammeAction.PSEUDONYM_MANAGE, Group.objects.all()).filter(
        programme_id=PREVENTION_PROGRAMME, status__in=(GroupStatus.PLANNED, GroupStatus.RUNNING)
    )


def prevention_courses(*, actor: Actor) -> list[PreventionCourse]:
    """Prevention courses that take this centre's participants and have not finished, soonest first."""
    _prevention(actor)
    rows = (
        _courses(actor).select_related("site")
        .annotate(taken=Count("members", filter=Q(members__status__in=(MemberStatus.ALLOCATED, MemberStatus.ACTIVE))))
        .order_by("start_date", "pk")[:20]
    )
    return [PreventionCourse(g.pk, g.code, g.start_date, g.site.name, max(0, g.max_size - g.taken)) for g in rows]


def enrol_pseudonym(*, actor: Actor, pseudonym: str, today: date, group_id: int | None = None) -> PreventionCourse:
    """Enrol a pseudonym on a course of this centre: the one named, or else the soonest with a place."""
    _prevention(actor)
    courses = _courses(actor)
    if group_id is not None:
        group = courses.filter(pk=group_id).first()
        if group is None:
            raise services.refuse("group", "unknown", "Choose one of the prevention courses open to your centre")
    else:
        open_courses = [c for c in prevention_courses(actor=actor) if c.places_left > 0]
        if not open_courses:
            raise services.refuse("group", "none_open", "No prevention course open to your centre has a place")
        group = courses.get(pk=open_courses[0].group_id)
    services.pseudonym_enrol(actor=actor, group=group, pseudonym=pseudonym, joined_on=today)
    return next(c for c in prevention_courses(actor=actor) if c.group_id == group.pk)


def _member(actor: Actor, pseudonym: str) -> GroupMember:
    found = (
        policy.scope(actor, ProgrammeAction.PSEUDONYM_MANAGE, GroupMember.objects.select_related("group", "group__site"))
        .filter(pseudonym=pseudonym).order_by("-joined_on", "-pk").first()
    )
    if found is None:
        raise LookupError("no participant of your centre has this pseudonym")
    return found


def pseudonym_sessions(*, actor: Actor, pseudonym: str) -> list[PseudonymSession]:
    """The group sessions of the pseudonym's course (and any catch-up of theirs), with their outcome."""
    _prevention(actor)
    member = _member(actor, pseudonym)
    sessions = (
        Session.objects.filter(group=member.group, placeholder=False)
        .filter(Q(member__isnull=True) | Q(member=member)).select_related("room").order_by("day", "starts_at", "pk")
    )
    outcomes = dict(Attendance.objects.filter(member=member).values_list("session_id", "outcome"))
    record_event(action="programmes.pseudonym.sessions", actor=actor, obj=member, details={"group": member.group.code})
    return [
        PseudonymSession(
            s.number, s.name, s.starts_at, s.ends_at,
            member.group.site.name + (f", {s.room.name}" if s.room else ""),
            Outcome(outcomes[s.pk]).label if s.pk in outcomes else "",
        )
        for s in sessions
    ]


def pseudonym_attendance(*, actor: Actor, pseudonym: str) -> PseudonymAttendance:
    _prevention(actor)
    member = _member(actor, pseudonym)
    counts = dict(Attendance.objects.filter(member=member).values("outcome").annotate(n=Count("pk")).values_list("outcome", "n"))
    record_event(action="programmes.pseudonym.attendance", actor=actor, obj=member, details={"group": member.group.code})
    return PseudonymAttendance(
        group_code=member.group.code, sessions_held=sum(counts.values()),
        attended=sum(counts.get(code, 0) for code in ATTENDED),
        acceptable_absences=counts.get(Outcome.ACCEPTABLE_ABSENCE, 0),
        unacceptable_absences=counts.get(Outcome.UNACCEPTABLE_ABSENCE, 0),
    )


# --- For the insights app -----------------------------------------------------------------------

COMPLETED = "completed"
STARTED_NOT_COMPLETED = "started_not_completed"
REFERRED_NOT_STARTED = "referred_not_started"
NOT_REFERRED = "not_referred"


@dataclass(frozen=True)
class PersonStatus:
    person_id: str
    status: str  # completed | started_not_completed | referred_not_started | not_referred
    programme_id: str | None  # the referral the status rests on
    referred_on: date | None
    started_on: date | None
    completed_on: date | None


def _insights(actor: Actor) -> None:
    if not policy.allows(actor, Action.INSIGHTS_VIEW):
        raise PermissionDenied


def person_statuses(
    *, actor: Actor, person_ids: Iterable[object] | QuerySet[Any], as_of: date | None = None
) -> dict[str, PersonStatus]:
    """{person id: status} from each person's most advanced referral submitted on or before `as_of` (a
    completed one over a started one over a referral that was submitted; a start or completion after
    `as_of` does not count yet).

    `person_ids` a list: every id given is in the answer (`not_referred` without a referral), one query
    per 1,000 ids. A QuerySet of person ids (e.g. `FollowUp.objects.values("person_id")`): one query
    whatever its size, and only persons with a referral are in the answer."""
    _insights(actor)
    rank = {NOT_REFERRED: 0, REFERRED_NOT_STARTED: 1, STARTED_NOT_COMPLETED: 2, COMPLETED: 3}
    referrals = Referral.objects.filter(submitted_on__isnull=False)
    if as_of is not None:
        referrals = referrals.filter(submitted_on__lte=as_of)
    found: dict[str, PersonStatus] = {}
    if isinstance(person_ids, QuerySet):
        batches = [referrals.filter(person_id__in=person_ids)]
    else:
        ids = [str(pk) for pk in person_ids]
        found = {pk: PersonStatus(pk, NOT_REFERRED, None, None, None, None) for pk in ids}
        batches = [referrals.filter(person_id__in=ids[i:i + 1000]) for i in range(0, len(ids), 1000)]
    for batch in batches:
        rows = batch.values_list(
            "person_id", "programme_id", "state", "submitted_on", "started_on", "ended_on"
        ).order_by("submitted_on", "pk")
        for person_id, programme_id, state, submitted, started, ended in rows:
            if as_of is not None:
                started = started if started is not None and started <= as_of else None
                if ended is not None and ended > as_of:
                    state = ""
            if state == "programme_complete":
                status = COMPLETED
            elif started is not None:
                status = STARTED_NOT_COMPLETED
            else:
                status = REFERRED_NOT_STARTED
            key = str(person_id)
            if key not in found or rank[status] >= rank[found[key].status]:
                found[key] = PersonStatus(key, status, programme_id, submitted, started,
                                          ended if status == COMPLETED else None)
    return found


@dataclass(frozen=True)
class FunnelRow:
    programme_id: str
    programme: str
    site_id: int
    site: str
    referred: int
    assessed: int
    started: int
    completed: int
    waiting_now: int
    wait_days_median: float | None  # submission to start, for those who started
    wait_days_p90: float | None


def referral_funnel(*, actor: Actor, since: date | None = None, until: date | None = None) -> list[FunnelRow]:
    """Referred → assessed → started → completed, per programme and site, for referrals submitted in
    [since, until], with the waiting time from submission to start (median and 90th percentile)."""
    _insights(actor)
    until = until or timezone.localdate()
    rows = Referral.objects.filter(submitted_on__isnull=False, submitted_on__lte=until)
    if since is not None:
        rows = rows.filter(submitted_on__gte=since)
    counts = (
        rows.values("programme_id", "site_id", "site__name")
        .annotate(
            referred=Count("pk"), assessed=Count("pk", filter=Q(assessed_on__isnull=False)),
            started=Count("pk", filter=Q(started_on__isnull=False)),
            completed=Count("pk", filter=Q(state="programme_complete")),
            waiting=Count("pk", filter=Q(state__in=WAITING)),
        )
        .order_by("programme_id", "site__name")
    )
    waits: dict[tuple[str, int], list[int]] = {}
    for programme_id, site_id, submitted, started in rows.filter(started_on__isnull=False).values_list(
        "programme_id", "site_id", "submitted_on", "started_on"
    ).iterator(chunk_size=2000):
        if started is not None and submitted is not None:
            waits.setdefault((programme_id, site_id), []).append((started - submitted).days)
    found = []
    for row in counts:
        days = sorted(waits.get((row["programme_id"], row["site_id"]), []))
        found_template = template(row["programme_id"])
        found.append(
            FunnelRow(
                programme_id=row["programme_id"], programme=found_template.name if found_template else row["programme_id"],
                site_id=row["site_id"], site=row["site__name"], referred=row["referred"], assessed=row["assessed"],
                started=row["started"], completed=row["completed"], waiting_now=row["waiting"],
                wait_days_median=statistics.median(days) if days else None,
                wait_days_p90=statistics.quantiles(days, n=10, method="inclusive")[-1] if len(days) > 1 else (float(days[0]) if days else None),
            )
        )
    return found
