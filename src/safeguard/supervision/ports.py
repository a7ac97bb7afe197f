"""The supervision app's door for other feature apps (insights, programmes): the only module of
`safeguard.supervision` they import. Read-only, scoped, and not audited here: callers audit what they show.

`caseload_aggregates` is for the insights app: monthly counts only, no row about anyone."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q

from safeguard import policy
from safeguard.accounts.choices import AgencyKind
from safeguard.policy import Action, Actor
from safeguard.supervision.actions import SupervisionAction
from safeguard.supervision.choices import VisitStatus
from safeguard.supervision.models import SupervisionCase, Visit

__all__ = ["CaseSummary", "MonthlyCaseload", "caseload_aggregates", "open_cases_of"]

MAX_MONTHS = 36


@dataclass(frozen=True)
class CaseSummary:
    person_id: str
    agency: str
    officer: str
    tier: str
    tier_provisional: bool
    risk_level: str
    next_visit_due: date | None


def open_cases_of(*, actor: Actor, person_ids: Iterable[object]) -> list[CaseSummary]:
    """The open supervision cases of these persons that the actor's agency may read (one query)."""
    ids = [str(pk) for pk in person_ids]
    if not ids or not policy.allows(actor, SupervisionAction.VIEW):
        return []
    cases = policy.scope(actor, SupervisionAction.VIEW, SupervisionCase.objects.filter(person_id__in=ids, closed_on__isnull=True))
    return [
        CaseSummary(str(c.person_id), c.agency.name, c.officer.get_full_name() or c.officer.username, c.tier,
                    c.tier_provisional, c.risk_level, c.next_visit_due)
        for c in cases.select_related("agency", "officer").order_by("person_id", "agency_id")[:500]
    ]  # fmt: skip


@dataclass(frozen=True)
class MonthlyCaseload:
    month: date  # the first day of the month
    caseload: int  # cases open on the month's last day (or on the end date, for the last month)
    visits_due: int  # visits planned for a day in the month (recorded, cancelled or still scheduled)
    visits_done: int  # visits recorded as done on a day in the month


def _months(start: date, end: date) -> list[tuple[date, date]]:
    """(first day, last day counted) of each month from start's to end's; the last one ends at `end`."""
    found: list[tuple[date, date]] = []
    first = start.replace(day=1)
    while first <= end:
        following = (first + timedelta(days=32)).replace(day=1)
        found.append((first, min(following - timedelta(days=1), end)))
        first = following
    return found


def _agency_filter(actor: Actor) -> Q:
    """An analysis agency counts every agency's cases; any other agency its own (as insights scopes follow-ups)."""
    return Q() if actor.agency.kind == AgencyKind.ANALYSIS else Q(agency_id=actor.agency.pk)


def caseload_aggregates(*, actor: Actor, start: date, end: date) -> list[MonthlyCaseload]:
    """Per month from `start` to `end` (at most 36 months): the open caseload at the month's end and the
    home visits due and done in it. For an actor who may view insights; two queries (one conditional
    count per month on each table, no join), whatever the number of cases."""
    if not policy.allows(actor, Action.INSIGHTS_VIEW):
        raise PermissionDenied
    if end < start:
        raise ValueError("the end must not be before the start")
    months = _months(start, end)
    if len(months) > MAX_MONTHS:
        raise ValueError(f"ask for at most {MAX_MONTHS} months")
    scope = _agency_filter(actor)
    open_at = {
        f"m{i}": Count("pk", filter=Q(opened_on__lte=last) & (Q(closed_on__isnull=True) | Q(closed_on__gt=last)))
        for i, (_first, last) in enumerate(months)
    }
    caseload = SupervisionCase.objects.filter(scope, opened_on__lte=end).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gte=months[0][1])
    ).aggregate(**open_at)
    visits = Visit.objects.filter(scope).filter(
        Q(planned_for__gte=months[0][0], planned_for__lte=end) | Q(visited_on__gte=months[0][0], visited_on__lte=end)
    )
    counts = {}
    for i, (first, last) in enumerate(months):
        counts[f"due{i}"] = Count("pk", filter=Q(planned_for__gte=first, planned_for__lte=last))
        counts[f"done{i}"] = Count("pk", filter=Q(status=VisitStatus.DONE, visited_on__gte=first, visited_on__lte=last))
    visited = visits.aggregate(**counts)
    return [
        MonthlyCaseload(first, caseload[f"m{i}"], visited[f"due{i}"], visited[f"done{i}"])
        for i, (first, _last) in enumerate(months)
    ]
