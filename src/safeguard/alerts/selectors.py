"""Reads of due items for the dashboard panel, the alerts page and the supervisor's team view.

Items come from the providers the apps registered (`safeguard.core.due`), computed when read;
the only table read here is the acknowledgements (one query per page, by the shown items' key
digests). Each page that shows items writes one audit event naming their keys (which carry record
ids, never names).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from safeguard import policy
from safeguard.accounts.choices import Role
from safeguard.accounts.models import Membership, User
from safeguard.alerts.models import Acknowledgement, key_digest
from safeguard.alerts.policies import AlertsAction
from safeguard.audit.services import record_event
from safeguard.core.due import DueItem, DueQuery, DueReport, checked_at, collect, describe_due, providers_for
from safeguard.policy import Actor

DUE_ITEM = "alerts.DueItem"
PANEL_SHOWN = 5
# The panel lists unacknowledged items, so it asks for more than it shows: acknowledged ones must
# not crowd out the rest.
PANEL_FETCH = 50
PAGE_LIMIT = 200
TEAM_LIMIT = 500


@dataclass(frozen=True)
class AlertRow:
    item: DueItem
    when: str
    status: str
    acknowledged_at: datetime | None = None

    @property
    def key(self) -> str:
        return self.item.key


def _row(item: DueItem, today: date, acknowledged_at: datetime | None = None) -> AlertRow:
    return AlertRow(item, describe_due(item.due_on, today), item.status(today), acknowledged_at)


def _own_rows(actor: Actor, items: list[DueItem], today: date) -> list[AlertRow]:
    """Each item with the actor's acknowledgement of it, if any (one query)."""
    digests = {key_digest(item.key): item.key for item in items}
    acknowledged: dict[str, datetime] = {}
    if digests:
        rows = policy.scope(actor, AlertsAction.VIEW, Acknowledgement.objects.all()).filter(
            key_digest__in=list(digests)
        )
        acknowledged = {digests[d]: at for d, at in rows.values_list("key_digest", "acknowledged_at")}
    return [_row(item, today, acknowledged.get(item.key)) for item in items]


def _audit(actor: Actor, action: str, page: str, rows: list[AlertRow], **more: object) -> None:
    if rows:
        record_event(
            action=action, actor=actor, object_type=DUE_ITEM,
            details={"page": page, "shown": [row.key for row in rows], **more},
        )


def current(*, actor: Actor, today: date, limit: int = PAGE_LIMIT) -> DueReport:
    """The actor's own due items now (not audited: for checking what a form may acknowledge)."""
    return collect(DueQuery(actor=actor, today=today, limit=limit))


@dataclass(frozen=True)
class Attention:
    """The dashboard's "needs attention" panel."""

    rows: list[AlertRow]
    waiting: int
    overdue: int
    acknowledged: int
    more: bool
    failed: list[str]
    checked: list[str]
    team: bool
    # When the oldest answer shown was worked out (a dashboard may show one kept for a few seconds).
    checked_at: datetime | None = None


def attention(*, actor: Actor, today: date) -> Attention | None:
    """The most urgent unacknowledged items; None when no provider asks anything of this role."""
    if not providers_for(actor):
        return None
    # `once`: the dashboard only reads, and an app's own panel may show the same provider's items.
    report = collect(DueQuery(actor=actor, today=today, limit=PANEL_FETCH), once=True)
    rows = _own_rows(actor, report.items, today)
    waiting = [row for row in rows if row.acknowledged_at is None]
    shown = waiting[:PANEL_SHOWN]
    _audit(actor, AlertsAction.VIEW, "dashboard", shown)
    return Attention(
        rows=shown,
        waiting=len(waiting),
        overdue=sum(1 for row in waiting if row.status == "overdue"),
        acknowledged=len(rows) - len(waiting),
        more=report.more,
        failed=report.failed,
        checked=[p.label for p in report.asked],
        team=policy.allows(actor, AlertsAction.TEAM_VIEW),
        checked_at=checked_at(actor),
    )


@dataclass(frozen=True)
class AlertsPage:
    waiting: list[AlertRow]
    acknowledged: list[AlertRow]
    more: bool
    failed: list[str]
    checked: list[str]
    limit: int = PAGE_LIMIT


def alerts_page(*, actor: Actor, today: date, report: DueReport | None = None) -> AlertsPage:
    """Every due item of the actor's (up to the page's limit), unacknowledged first; audited."""
    report = report or current(actor=actor, today=today)
    rows = _own_rows(actor, report.items, today)
    _audit(actor, AlertsAction.VIEW, "alerts", rows)
    return AlertsPage(
        waiting=[row for row in rows if row.acknowledged_at is None],
        acknowledged=[row for row in rows if row.acknowledged_at is not None],
        more=report.more,
        failed=report.failed,
        checked=[p.label for p in report.asked],
    )


@dataclass(frozen=True)
class OwnerSummary:
    owner_id: int | None
    name: str
    overdue: int = 0
    today: int = 0
    upcoming: int = 0


@dataclass(frozen=True)
class TeamMember:
    user_id: int
    name: str


@dataclass(frozen=True)
class TeamView:
    rows: list[AlertRow]
    owners: list[OwnerSummary]
    more: bool
    failed: list[str]
    checked: list[str]
    owner: TeamMember | None = None
    limit: int = TEAM_LIMIT
    members: list[TeamMember] = field(default_factory=list)


def team_members(*, actor: Actor) -> list[TeamMember]:
    """The practitioners and supervisors of the supervisor's agency, by name (one query)."""
    memberships = policy.scope(actor, AlertsAction.TEAM_VIEW, Membership.objects.all()).filter(
        agency=actor.agency, role__in=[Role.PRACTITIONER, Role.SUPERVISOR]
    )
    users = User.objects.filter(pk__in=memberships.values("user_id")).order_by("first_name", "last_name", "username")
    return [
        TeamMember(pk, f"{first} {last}".strip() or username)
        for pk, first, last, username in users.values_list("pk", "first_name", "last_name", "username")
    ]


def _team_acknowledgements(actor: Actor, items: list[DueItem]) -> dict[tuple[int, str], datetime]:
    """(owner id, key) -> when the owner acknowledged the item (one query)."""
    digests = {key_digest(item.key): item.key for item in items if item.owner_id is not None}
    if not digests:
        return {}
    rows = policy.scope(actor, AlertsAction.TEAM_VIEW, Acknowledgement.objects.all()).filter(
        key_digest__in=list(digests)
    )
    return {(user_id, digests[d]): at for user_id, d, at in rows.values_list("user_id", "key_digest", "acknowledged_at")}


def team_view(*, actor: Actor, today: date, owner: TeamMember | None = None) -> TeamView:
    """The due items of the supervisor's agency, most overdue first, with each owner's counts and
    whether the owner acknowledged each item; `owner` narrows them to one person. Audited."""
    report = collect(
        DueQuery(actor=actor, today=today, limit=TEAM_LIMIT, team=True, owner_id=owner.user_id if owner else None)
    )
    acknowledged = _team_acknowledgements(actor, report.items)
    rows = []
    for item in report.items:
        at = acknowledged.get((item.owner_id, item.key)) if item.owner_id is not None else None
        rows.append(_row(item, today, at))
    counts = Counter((row.item.owner_id, row.status) for row in rows)
    names = {row.item.owner_id: row.item.owner_name or "No one" for row in rows}
    owners = sorted(
        (
            OwnerSummary(owner_id, name, counts[owner_id, "overdue"], counts[owner_id, "today"], counts[owner_id, "upcoming"])
            for owner_id, name in names.items()
        ),
        key=lambda s: (-s.overdue, -s.today, s.name),
    )
    _audit(actor, AlertsAction.TEAM_VIEW, "team", rows, owner=owner.user_id if owner else None)
    return TeamView(rows=rows, owners=owners, more=report.more, failed=report.failed,
                    checked=[p.label for p in report.asked], owner=owner)
