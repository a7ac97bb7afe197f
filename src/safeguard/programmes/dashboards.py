"""What the programmes app adds to dashboards (panels) and to the "needs attention" list (due items).

Each function runs on every dashboard view: a fixed number of queries, scoped through the policy,
bounded by what one person or one agency has in hand (never the whole table). A panel returns None
— and is not drawn — for someone it has nothing to say to (a practitioner who facilitates no group).
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import CharField, Count, F, Max, Min, Q, Sum
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone

from safeguard import policy
from safeguard.accounts.choices import Role
from safeguard.assessments.ports import latest_results
from safeguard.core.due import DueItem, DueQuery
from safeguard.core.wording import date_words
from safeguard.people.ports import visible_person_filter
from safeguard.policy import Actor
from safeguard.programmes.choices import HomeworkStatus, MemberStatus, Outcome, SessionKind
from safeguard.programmes.conf import current as settings_now
from safeguard.programmes.models import (
    Attendance,
    Group,
    GroupFacilitator,
    GroupMember,
    Homework,
    Referral,
    ReportRecipient,
    Session,
    SessionFacilitator,
)
from safeguard.programmes.policies import ProgrammeAction as A
from safeguard.programmes.selectors import programme_name, release_gap
from safeguard.programmes.workflow import DESELECTION_REASONS, WAITING
from safeguard.workflows.models import TransitionRecord

SHOWN = 5


def _day_bounds(today: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(today, datetime.min.time()), timezone.get_default_timezone())
    return start, start + timedelta(days=1)


def _user_name(user: Any) -> str:
    return str(user.get_full_name() or user.get_username())


# --- Facilitator ----------------------------------------------------------------------------------


def _my_groups(actor: Actor) -> list[int]:
    """The groups the actor facilitates in their agency (a handful: the panels start from them)."""
    return list(
        GroupFacilitator.objects.filter(user_id=actor.user.pk, group__provider_agency=actor.agency)
        .order_by("-group_id").values_list("group_id", flat=True)[:100]
    )


def _my_homework(actor: Actor, status: str) -> Any:
    """Homework of the groups the actor runs — the SESSION_RUN scope of a facilitator, read from the
    groups outwards so that it costs what those groups hold, not what the agency holds."""
    if not policy.allows(actor, A.SESSION_RUN):
        return Homework.objects.none()
    people = Q(member__person__isnull=True) | visible_person_filter(actor, "member__person")
    members = GroupMember.objects.filter(group_id__in=_my_groups(actor)).values("pk")
    return Homework.objects.filter(member_id__in=members, status=status).filter(people)


def facilitator_panel(actor: Actor, now: datetime | None = None) -> dict[str, Any] | None:
    """Today's sessions, registers still to take and homework to review, for someone who runs groups."""
    now = now or timezone.now()
    if not _my_groups(actor):
        return None
    today = timezone.localdate(now)
    start, end = _day_bounds(today)
    mine = SessionFacilitator.objects.filter(user_id=actor.user.pk, session__group__provider_agency=actor.agency)
    today_sessions = [
        sf.session for sf in mine.filter(starts_at__gte=start, starts_at__lt=end)
        .select_related("session", "session__group", "session__room").order_by("starts_at")[:10]
    ]
    window = now - timedelta(days=settings_now().register_window_days)
    to_take = mine.filter(starts_at__lte=now, starts_at__gte=window, session__register_taken_at__isnull=True)
    registers = [
        sf.session for sf in to_take.select_related("session", "session__group").order_by("starts_at")[:SHOWN]
    ]
    homework = _my_homework(actor, HomeworkStatus.SUBMITTED)
    review = list(homework.select_related("member", "member__person", "member__group").order_by("submitted_on", "pk")[:SHOWN])
    return {
        "today": today,
        "today_sessions": today_sessions,
        "registers": registers,
        "registers_count": to_take.count(),
        "homework": review,
        "homework_count": homework.count(),
    }


# --- Programme manager ----------------------------------------------------------------------------

WAIT_BUCKETS = ((0, 4, "Under 4 weeks"), (4, 8, "4 to 8 weeks"), (8, 12, "8 to 12 weeks"),
                (12, 26, "12 to 26 weeks"), (26, None, "26 weeks or more"))


def manager_panel(actor: Actor, now: datetime | None = None) -> dict[str, Any] | None:
    """Waiting list, group fill, attendance and completion rates, deselection reasons and the
    distribution of waiting times, for the agency's programme manager (all aggregates)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    year_ago = today - timedelta(days=365)
    referrals = policy.scope(actor, A.REFERRAL_PROGRESS, Referral.objects.all())
    waiting: list[dict[str, Any]] = [
        dict(row) for row in referrals.filter(state__in=WAITING).values("programme_id", "site__name")
        .annotate(n=Count("pk"), oldest=Min("submitted_on")).order_by("-n")[:SHOWN]
    ]
    for row in waiting:
        row["programme"] = programme_name(row["programme_id"])
        row["weeks"] = (today - row["oldest"]).days // 7 if row["oldest"] else None
    groups = list(
        policy.scope(actor, A.GROUP_MANAGE, Group.objects.all()).filter(status__in=("planned", "running"))
        .annotate(taken=Count("members", filter=Q(members__status__in=(MemberStatus.ALLOCATED, MemberStatus.ACTIVE))))
        .order_by("start_date", "pk")[:SHOWN]
    )
    attendance = (
        Session.objects.filter(group__provider_agency=actor.agency, day__gte=today - timedelta(days=90),
                               register_taken_at__isnull=False)
        .aggregate(total=Sum("recorded"), attended=Sum("attended"))
    )
    ended = referrals.filter(ended_on__gte=year_ago, started_on__isnull=False).aggregate(
        ended=Count("pk"), completed=Count("pk", filter=Q(state="programme_complete"))
    )
    reason_words = {r.code: r.label for r in DESELECTION_REASONS}
    deselections = [
        {"reason": reason_words.get(row["reason_code"], "Other"), "n": row["n"]}
        for row in TransitionRecord.objects.filter(
            workflow="programmes.referral", transition="deselect", occurred_at__gte=_day_bounds(year_ago)[0],
            subject_type="programmes.Referral",
            subject_id__in=referrals.annotate(key=Cast("pk", CharField())).values("key"),
        ).values("reason_code").annotate(n=Count("pk")).order_by("-n")
    ]
    buckets = []
    started = referrals.filter(started_on__gte=year_ago, submitted_on__isnull=False)
    still = referrals.filter(state__in=WAITING, submitted_on__isnull=False)
    counts: dict[str, Any] = {}
    for low, high, label in WAIT_BUCKETS:
        lo = timedelta(weeks=low)
        started_q = Q(started_on__gte=F("submitted_on") + lo)
        waiting_q = Q(submitted_on__lte=today - lo)
        if high is not None:
            started_q &= Q(started_on__lt=F("submitted_on") + timedelta(weeks=high))
            waiting_q &= Q(submitted_on__gt=today - timedelta(weeks=high))
        counts[f"s{low}"] = Count("pk", filter=started_q)
        buckets.append((label, f"s{low}", waiting_q))
    started_counts = started.aggregate(**counts) if counts else {}
    waiting_counts = still.aggregate(**{key: Count("pk", filter=q) for _, key, q in buckets})
    distribution: list[dict[str, Any]] = [
        {"label": label, "started": started_counts.get(key) or 0, "waiting": waiting_counts.get(key) or 0}
        for label, key, _ in buckets
    ]
    peak = max([max(d["started"], d["waiting"]) for d in distribution] + [1])
    for d in distribution:
        d["started_width"] = math.ceil(100 * d["started"] / peak)
        d["waiting_width"] = math.ceil(100 * d["waiting"] / peak)
    total = attendance["total"] or 0
    return {
        "waiting": waiting,
        "groups": groups,
        "attendance_rate": round(100 * (attendance["attended"] or 0) / total) if total else None,
        "attendance_total": total,
        "completion_rate": round(100 * ended["completed"] / ended["ended"]) if ended["ended"] else None,
        "ended": ended["ended"],
        "deselections": deselections,
        "distribution": distribution,
        "due_weeks": settings_now().waiting_due_weeks,
    }


# --- Referrer and release without treatment ------------------------------------------------------


def referrer_panel(actor: Actor) -> dict[str, Any] | None:
    """The agency's referrals by stage and the end-of-programme reports waiting to be read."""
    if actor.agency.kind not in ("probation", "prison", "police"):
        return None
    mine = policy.scope(actor, A.REFERRAL_VIEW, Referral.objects.all()).filter(
        Q(referrer_agency=actor.agency) | Q(responsible_agency=actor.agency)
    )
    counts = mine.aggregate(
        draft=Count("pk", filter=Q(state="draft")),
        waiting=Count("pk", filter=Q(state__in=WAITING)),
        on_programme=Count("pk", filter=Q(state="on_programme")),
        completed=Count("pk", filter=Q(state="programme_complete")),
    )
    unread = list(
        ReportRecipient.objects.filter(user=actor.user, read_at__isnull=True)
        .select_related("report", "report__referral", "report__referral__person").order_by("report__issued_at")[:SHOWN]
    )
    return {"counts": counts, "unread": unread}


def release_panel(actor: Actor) -> dict[str, Any] | None:
    gap = release_gap(actor=actor, today=timezone.localdate(), limit=SHOWN, audit=False)
    return {"gap": gap}


# --- Due items ------------------------------------------------------------------------------------


def _owner(query: DueQuery) -> dict[str, Any]:
    return {"owner_id": query.actor.user.pk, "owner_name": _user_name(query.actor.user)}


def due_waiting(query: DueQuery) -> list[DueItem]:
    """A referral waiting longer than the configured weeks, for the provider's programme manager."""
    actor, weeks = query.actor, settings_now().waiting_due_weeks
    if not policy.allows(actor, A.GROUP_MANAGE):
        return []
    limit_day = query.today - timedelta(weeks=weeks)
    rows = (
        policy.scope(actor, A.REFERRAL_PROGRESS, Referral.objects.select_related("person"))
        .filter(state__in=WAITING, submitted_on__lte=limit_day).order_by("submitted_on", "pk")[: query.limit]
    )
    return [
        DueItem(
            key=f"programmes.waiting:{r.pk}:{r.submitted_on}", kind="programmes.waiting",
            title=f"Waiting {(query.today - r.submitted_on).days // 7} weeks for {programme_name(r.programme_id)}",
            reason=f"Submitted {date_words(r.submitted_on)}; more than {weeks} weeks without starting",
            due_on=r.submitted_on + timedelta(weeks=weeks), url=reverse("programmes:referral-detail", args=[r.pk]),
            reference=r.person.reference, **_owner(query),
        )
        for r in rows if r.submitted_on is not None
    ]


def due_registers(query: DueQuery) -> list[DueItem]:
    """Sessions that have started without a register, for the facilitators who run them (a supervisor's
    team view: every such session of the agency's groups)."""
    actor, now = query.actor, timezone.now()
    end = min(now, _day_bounds(query.today)[1])
    window = end - timedelta(days=settings_now().register_window_days)
    rows = SessionFacilitator.objects.filter(
        starts_at__lte=end, starts_at__gte=window, session__register_taken_at__isnull=True,
        session__group__provider_agency=actor.agency,
    )
    if not (query.team and actor.role == Role.SUPERVISOR):
        rows = rows.filter(user_id=actor.user.pk)
    return [
        DueItem(
            key=f"programmes.register:{sf.session_id}", kind="programmes.register",
            title=f"Take the register: {sf.session.group.code}, session {sf.session.number}",
            reason=f"The session was on {date_words(timezone.localdate(sf.starts_at))}",
            due_on=timezone.localdate(sf.starts_at), url=reverse("programmes:register", args=[sf.session_id]),
            reference=sf.session.group.code, owner_id=sf.user_id, owner_name=_user_name(sf.user),
        )
        for sf in rows.select_related("session", "session__group", "user").order_by("starts_at", "pk")[: query.limit]
    ]


def due_homework(query: DueQuery) -> list[DueItem]:
    """Homework past its due date and not handed in, in the groups the actor runs."""
    rows = (
        _my_homework(query.actor, HomeworkStatus.SET)
        .filter(due_on__lt=query.today, member__status__in=(MemberStatus.ALLOCATED, MemberStatus.ACTIVE))
        .select_related("member", "member__person", "member__group").order_by("due_on", "pk")[: query.limit]
    )
    return [
        DueItem(
            key=f"programmes.homework:{h.pk}:{h.due_on}", kind="programmes.homework",
            title=f"Homework overdue: {h.title}", reason=f"Due {date_words(h.due_on)} ({h.member.group.code})",
            due_on=h.due_on, url=reverse("programmes:member", args=[h.member_id]),
            reference=h.member.reference, **_owner(query),
        )
        for h in rows
    ]


def due_breach(query: DueQuery) -> list[DueItem]:
    """A person whose unacceptable absences reached the breach threshold, for the referrer (and the
    court order's responsible officer): consider breach action."""
    actor, threshold = query.actor, settings_now().breach_threshold
    referrals = policy.scope(actor, A.REFERRAL_VIEW, Referral.objects.all())
    if query.team and actor.role == Role.SUPERVISOR:
        referrals = referrals.filter(Q(referrer_agency=actor.agency) | Q(responsible_agency=actor.agency))
    else:
        referrals = referrals.filter(Q(referrer=actor.user) | Q(responsible_officer=actor.user))
    rows = (
        Attendance.objects.filter(
            outcome=Outcome.UNACCEPTABLE_ABSENCE, member__referral__in=referrals.values("pk"),
            member__status__in=(MemberStatus.ALLOCATED, MemberStatus.ACTIVE),
        )
        .values("member_id", "member__referral_id", "member__person__reference", "member__group__code")
        .annotate(n=Count("pk"), last=Max("session__day")).filter(n__gte=threshold).order_by("last")[: query.limit]
    )
    return [
        DueItem(
            key=f"programmes.breach:{row['member_id']}:{row['n']}", kind="programmes.breach",
            title=f"{row['n']} unacceptable absences: consider breach action",
            reason=f"Group {row['member__group__code']}; the threshold is {threshold}",
            due_on=row["last"], url=reverse("programmes:referral-detail", args=[row["member__referral_id"]]),
            reference=row["member__person__reference"], **_owner(query),
        )
        for row in rows
    ]


def due_stable(query: DueQuery) -> list[DueItem]:
    """A STABLE-2007 re-assessment prompt when a group has held the configured share of its group
    sessions and a member has no STABLE-2007 rated since that point."""
    actor, points = query.actor, settings_now().stable_review_points
    groups = list(
        policy.scope(actor, A.SESSION_RUN, Group.objects.all()).filter(status="running").order_by("pk")[:20]
    )
    if not groups or not points:
        return []
    held: dict[int, list[date]] = {g.pk: [] for g in groups}
    for group_id, day in (
        Session.objects.filter(group__in=groups, kind=SessionKind.GROUP, catch_up=False, placeholder=False, member__isnull=True)
        .order_by("group_id", "day").values_list("group_id", "day")
    ):
        held[group_id].append(day)
    reached: dict[int, date] = {}
    for group in groups:
        days = held[group.pk]
        for fraction in points:
            index = max(1, math.ceil(fraction * len(days))) - 1
            if days and days[index] <= query.today:
                reached[group.pk] = days[index]  # the latest point reached counts
    if not reached:
        return []
    members = list(
        GroupMember.objects.filter(group_id__in=reached, status=MemberStatus.ACTIVE, person__isnull=False)
        .select_related("person", "group")[:200]
    )
    latest = latest_results(actor=actor, person_ids=[m.person_id for m in members], instruments=["stable-2007"])
    items = []
    for member in members:
        point = reached[member.group_id]
        result = latest.get(str(member.person_id), {}).get("stable-2007")
        if result is not None and result.assessment_date is not None and result.assessment_date >= point:
            continue
        items.append(
            DueItem(
                key=f"programmes.stable:{member.pk}:{point}", kind="programmes.stable",
                title="STABLE-2007 re-assessment due", reason=f"Group {member.group.code} reached a review point on {date_words(point)}",
                due_on=point, url=reverse("programmes:member", args=[member.pk]),
                reference=member.person.reference if member.person else "", **_owner(query),
            )
        )
    return sorted(items, key=lambda i: (i.due_on, i.key))[: query.limit]


def due_reports(query: DueQuery) -> list[DueItem]:
    """End-of-programme reports issued to the actor and not yet opened."""
    rows = (
        ReportRecipient.objects.filter(user=query.actor.user, read_at__isnull=True)
        .select_related("report", "report__referral", "report__referral__person").order_by("report__issued_at")[: query.limit]
    )
    return [
        DueItem(
            key=f"programmes.report:{r.report_id}", kind="programmes.report",
            title=f"End-of-programme report to read: {programme_name(r.report.referral.programme_id)}",
            reason=f"Issued {date_words(timezone.localdate(r.report.issued_at))} ({r.get_kind_display().lower()})",
            due_on=timezone.localdate(r.report.issued_at),
            url=reverse("programmes:report", args=[r.report.referral_id]),
            reference=r.report.referral.person.reference, **_owner(query),
        )
        for r in rows
    ]

