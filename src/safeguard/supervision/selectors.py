"""Reads of the supervision app: scoped through the policy, audited, a fixed number of queries each.

- `caseload`: an officer's open cases (or, for a supervisor, the team's), in order of what needs
  attention first, keyset pages on (attention_on, id) by index, with filters.
- `supervision_record`: a person's whole supervision record for the page and the API.
- `due_items`: the due-item provider (`core.due`): overdue and coming visits, notifications, plan
  reviews, orders ending, release dates, reactive reviews and MAPPA actions.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.urls import reverse

from safeguard import policy
from safeguard.accounts.models import Agency, Membership, User
from safeguard.audit.models import Outcome
from safeguard.audit.services import record_event
from safeguard.core.due import DueItem, DueQuery
from safeguard.core.keyset import RowAfter
from safeguard.people.ports import (
    Person,
    justification_for,
    linked_agency_ids,
    persons_visible_to,
    statutory_link_exists,
)
from safeguard.policy import Actor
from safeguard.supervision import config
from safeguard.supervision.actions import SupervisionAction as A
from safeguard.supervision.choices import Compliance, VisitStatus
from safeguard.supervision.models import (
    AgencyVisitFrequency,
    Breach,
    CaseTransfer,
    MappaAction,
    MappaMeeting,
    MappaStatus,
    NotificationEvent,
    NotificationRequirement,
    PlanItem,
    ReviewTrigger,
    RiskLevelOverride,
    RiskManagementPlan,
    SupervisionCase,
    Visit,
)
from safeguard.supervision.policies import STAFF, SUPERVISING
from safeguard.supervision.rules.levels import LEVELS_HIGHEST_FIRST, Level
from safeguard.supervision.rules.visits import DEFAULT_VISIT_MONTHS, reactive_eligible_from

OPEN_BREACH_STATES = ("recorded", "referred")
HISTORY = 20


def _words(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


# --- keyset pages ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cursor:
    """Where a page starts: after (or before) the row with this attention date and id. Opaque in URLs."""

    after: bool
    attention_on: date
    pk: uuid.UUID

    def encode(self) -> str:
        raw = (b"a" if self.after else b"b") + self.attention_on.toordinal().to_bytes(3, "big") + self.pk.bytes
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str) -> Cursor:
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
            if len(raw) != 20 or raw[:1] not in (b"a", b"b"):
                raise ValueError
            return cls(raw[:1] == b"a", date.fromordinal(int.from_bytes(raw[1:4], "big")), uuid.UUID(bytes=raw[4:]))
        except (binascii.Error, ValueError, OverflowError) as exc:
            raise ValidationError({"cursor": [ValidationError("This page link is not valid: start again from the first page", code="invalid_cursor")]}) from exc


# --- caseload --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseloadFilters:
    officer: int | None = None  # a team view narrowed to one officer
    tier: str = ""
    risk_level: str = ""
    management: str = ""
    overdue_only: bool = False

    def as_dict(self) -> dict[str, str]:
        found = {"officer": str(self.officer or ""), "tier": self.tier, "risk_level": self.risk_level,
                 "management": self.management, "overdue_only": "yes" if self.overdue_only else ""}  # fmt: skip
        return {k: v for k, v in found.items() if v}


@dataclass(frozen=True)
class Attention:
    """One thing needing attention on a case: what, when, and whether it is overdue."""

    kind: str
    label: str
    due_on: date
    overdue: bool


@dataclass
class CaseRow:
    case: SupervisionCase
    attention: list[Attention] = field(default_factory=list)

    @property
    def overdue(self) -> bool:
        return any(a.overdue for a in self.attention)


@dataclass
class CaseloadPage:
    rows: list[CaseRow]
    next_cursor: str | None
    previous_cursor: str | None
    team: bool
    filters: CaseloadFilters
    today: date
    officers: list[User] = field(default_factory=list)


def attention_for(case: SupervisionCase, today: date) -> list[Attention]:
    """What needs attention on a case, earliest first (the same dates the due items come from)."""
    found = [
        ("visit", "Home visit", case.next_visit_due),
        ("notification", "Notification", case.next_notification_due),
        ("plan_review", "Risk management plan review", case.plan_review_due),
        ("order_end", "An order's terms end", case.order_end_due),
        ("review_trigger", "Review of reactive management", case.review_trigger_due),
        ("release", "Release from custody", case.release_date if case.release_date and case.release_date >= today else None),
    ]
    items = [Attention(kind, label, due, due < today) for kind, label, due in found if due is not None]
    return sorted(items, key=lambda a: a.due_on)


def _open_cases(actor: Actor, *, team: bool) -> QuerySet[SupervisionCase]:
    cases = policy.scope(actor, A.VIEW, SupervisionCase.objects.filter(closed_on__isnull=True, agency=actor.agency))
    if not team:
        cases = cases.filter(officer=actor.user)
    return cases


def filtered_cases(actor: Actor, *, team: bool, filters: CaseloadFilters, today: date) -> QuerySet[SupervisionCase]:
    """The caseload's scoped, filtered query in attention order (also what the CSV export streams)."""
    if team and not policy.allows(actor, A.TEAM_VIEW):
        raise PermissionDenied
    cases = _open_cases(actor, team=team)
    if team and filters.officer:
        cases = cases.filter(officer_id=filters.officer)
    if filters.tier:
        cases = cases.filter(tier=filters.tier)
    if filters.risk_level:
        cases = cases.filter(risk_level=filters.risk_level)
    if filters.management:
        cases = cases.filter(management=filters.management)
    if filters.overdue_only:
        cases = cases.filter(attention_on__lt=today)
    return cases.order_by("attention_on", "id")


def _staff_of(agencies: Q) -> list[User]:
    """Active practitioners and supervisors of the agencies: a semi-join driven by the agencies' memberships
    (their index), so it costs the same however many staff other agencies have; no DISTINCT."""
    roles = Membership.objects.filter(agencies, role__in=STAFF, is_active=True).values("user_id")
    return list(
        User.objects.filter(pk__in=roles, is_active=True).order_by("last_name", "first_name", "username", "pk")[:500]
    )


def team_officers(actor: Actor) -> list[User]:
    """The agency's practitioners and supervisors, for the team filter and case transfers (one query)."""
    return _staff_of(Q(agency=actor.agency))


def caseload(
    *, actor: Actor, team: bool = False, filters: CaseloadFilters | None = None, cursor: str = "", today: date
) -> CaseloadPage:
    """One keyset page of the caseload: a fixed number of queries on any page, at any size of the data."""
    filters = filters or CaseloadFilters()
    if not policy.allows(actor, A.VIEW):
        raise PermissionDenied
    cases = filtered_cases(actor, team=team, filters=filters, today=today).select_related("person", "officer")
    size = config.PAGE_SIZE
    position = Cursor.decode(cursor) if cursor else None
    if position is None:
        rows = list(cases[: size + 1])
        has_more, has_before = len(rows) > size, False
        rows = rows[:size]
    elif position.after:
        rows = list(cases.filter(RowAfter(("attention_on", "id"), (position.attention_on, position.pk), after=True))[: size + 1])
        has_more, has_before = len(rows) > size, True
        rows = rows[:size]
    else:
        back = cases.filter(RowAfter(("attention_on", "id"), (position.attention_on, position.pk), after=False))
        rows = list(back.order_by("-attention_on", "-id")[: size + 1])
        has_before, has_more = len(rows) > size, True
        rows = list(reversed(rows[:size]))
    page = CaseloadPage(
        rows=[CaseRow(c, attention_for(c, today)) for c in rows],
        next_cursor=Cursor(True, rows[-1].attention_on, rows[-1].pk).encode() if rows and has_more else None,
        previous_cursor=Cursor(False, rows[0].attention_on, rows[0].pk).encode() if rows and has_before else None,
        team=team,
        filters=filters,
        today=today,
    )
    record_event(
        action="supervision.caseload.team" if team else "supervision.caseload.view", actor=actor,
        object_type="supervision.SupervisionCase",
        details={"filters": filters.as_dict(), "shown": [str(r.case.person_id) for r in page.rows]},
    )  # fmt: skip
    return page


@dataclass(frozen=True)
class OfficerLoad:
    officer_id: int
    name: str
    overdue: int


TEAM_COUNT_LIMIT = 1000


def team_overdue(actor: Actor, today: date) -> tuple[list[OfficerLoad], bool]:
    """Cases with something overdue, per officer of the team: counted over at most 1,000 such cases (an
    index range), so the count costs the same at any size; `capped` says when there are more."""
    if not policy.allows(actor, A.TEAM_VIEW):
        raise PermissionDenied
    ids = list(
        _open_cases(actor, team=True).filter(attention_on__lt=today).order_by("attention_on", "id")
        .values_list("officer_id", flat=True)[: TEAM_COUNT_LIMIT + 1]
    )  # fmt: skip
    capped = len(ids) > TEAM_COUNT_LIMIT
    counts: dict[int, int] = {}
    for officer_id in ids[:TEAM_COUNT_LIMIT]:
        counts[officer_id] = counts.get(officer_id, 0) + 1
    names = {u.pk: u.get_full_name() or u.username for u in User.objects.filter(pk__in=counts)}
    loads = [OfficerLoad(pk, names.get(pk, ""), n) for pk, n in counts.items()]
    return sorted(loads, key=lambda load: (-load.overdue, load.name)), capped


def overdue_case_count(actor: Actor, today: date, *, team: bool) -> tuple[int, bool]:
    """How many open cases have something overdue (the officer's, or the team's): an index range counted
    to at most 1,000, so the dashboard costs the same at any size; `capped` when there are more."""
    team = team and policy.allows(actor, A.TEAM_VIEW)
    count = _open_cases(actor, team=team).filter(attention_on__lt=today)[: TEAM_COUNT_LIMIT + 1].count()
    return min(count, TEAM_COUNT_LIMIT), count > TEAM_COUNT_LIMIT


# --- a person's supervision record ---------------------------------------------------------------------


@dataclass
class RequirementView:
    requirement: NotificationRequirement
    events: list[NotificationEvent]
    open_breaches: list[Breach]
    breaches: list[Breach]
    compliance: str

    @property
    def compliance_label(self) -> str:
        return Compliance(self.compliance).label


@dataclass
class CaseView:
    case: SupervisionCase
    attention: list[Attention]
    plan: RiskManagementPlan | None = None
    items: list[PlanItem] = field(default_factory=list)
    visits: list[Visit] = field(default_factory=list)
    scheduled: list[Visit] = field(default_factory=list)
    overrides: list[RiskLevelOverride] = field(default_factory=list)
    triggers: list[ReviewTrigger] = field(default_factory=list)
    transfers: list[CaseTransfer] = field(default_factory=list)
    reactive_from: date | None = None

    @property
    def pending_override(self) -> RiskLevelOverride | None:
        return next((o for o in self.overrides if o.state == "requested"), None)


@dataclass
class SupervisionRecord:
    person: Person
    justification: str
    cases: list[SupervisionCase]
    own: CaseView | None
    requirements: list[RequirementView]
    mappa: MappaStatus | None
    mappa_history: list[MappaStatus]
    meetings: list[MappaMeeting]
    today: date

    @property
    def other_cases(self) -> list[SupervisionCase]:
        return [c for c in self.cases if self.own is None or c.pk != self.own.case.pk]


def compliance_of(requirement: NotificationRequirement, open_breach: bool, today: date) -> str:
    if requirement.end_date is not None and requirement.end_date < today:
        return Compliance.ENDED
    if open_breach:
        return Compliance.BREACH
    if requirement.next_due is not None and requirement.next_due < today:
        return Compliance.OVERDUE
    if requirement.next_due is not None and requirement.next_due <= today + timedelta(days=config.DUE_LOOKAHEAD_DAYS):
        return Compliance.DUE
    return Compliance.UP_TO_DATE


def person_in_reach(*, actor: Actor, pk: uuid.UUID | str, action: str = A.VIEW) -> Person:
    """A person whose supervision records the actor's agency may read (owner or statutory link); else 404."""
    if not policy.allows(actor, action):
        raise PermissionDenied
    person = persons_visible_to(actor).filter(statutory_link_exists(actor, "pk"), pk=pk).select_related("owner_agency").first()
    if person is None:
        record_event(action=action, actor=actor, object_type="people.Person", object_id=str(pk), outcome=Outcome.DENIED)
        raise Http404
    return person


def _requirements(actor: Actor, person: Person, today: date) -> list[RequirementView]:
    requirements = list(
        policy.scope(actor, A.VIEW, NotificationRequirement.objects.filter(person=person)).select_related("agency")[:10]
    )
    if not requirements:
        return []
    ids = [r.pk for r in requirements]
    events: dict[Any, list[NotificationEvent]] = {}
    for event in NotificationEvent.objects.filter(requirement_id__in=ids).order_by("-counts_from", "-recorded_at")[:200]:
        events.setdefault(event.requirement_id, []).append(event)
    breaches: dict[Any, list[Breach]] = {}
    for breach in Breach.objects.filter(requirement_id__in=ids).order_by("-noticed_on")[:50]:
        breaches.setdefault(breach.requirement_id, []).append(breach)
    views = []
    for r in requirements:
        own_breaches = breaches.get(r.pk, [])
        open_ones = [b for b in own_breaches if b.state in OPEN_BREACH_STATES]
        views.append(RequirementView(r, events.get(r.pk, []), open_ones, own_breaches, compliance_of(r, bool(open_ones), today)))
    return views


def _case_view(case: SupervisionCase, today: date) -> CaseView:
    view = CaseView(case=case, attention=attention_for(case, today), reactive_from=reactive_eligible_from(case.low_risk_since))
    view.plan = RiskManagementPlan.objects.filter(case=case).first()
    if view.plan is not None:
        view.items = list(PlanItem.objects.filter(plan=view.plan, removed_on__isnull=True)[:100])
    view.visits = list(
        Visit.objects.filter(case=case, status=VisitStatus.DONE).prefetch_related("officers").order_by("-visited_on", "-recorded_at")[:HISTORY]
    )
    view.scheduled = list(Visit.objects.filter(case=case, status=VisitStatus.SCHEDULED).order_by("planned_for")[:HISTORY])
    view.overrides = list(RiskLevelOverride.objects.filter(case=case).select_related("requested_by")[:HISTORY])
    view.triggers = list(ReviewTrigger.objects.filter(case=case).order_by("reviewed_on", "-occurred_on")[:HISTORY])
    view.transfers = list(
        CaseTransfer.objects.filter(case=case).select_related("from_agency", "agency", "from_officer", "to_officer", "transferred_by")[:HISTORY]
    )
    return view


def supervision_record(*, actor: Actor, pk: uuid.UUID | str, today: date) -> SupervisionRecord:
    """Everything the person page shows; writes one `supervision.record.view` event (with the reason
    given, for a record a police force owns). A fixed number of queries."""
    person = person_in_reach(actor=actor, pk=pk)
    justification = justification_for(actor, person)
    cases = list(
        policy.scope(actor, A.VIEW, SupervisionCase.objects.filter(person=person))
        .select_related("agency", "officer").order_by("closed_on", "-opened_on")[:HISTORY]
    )  # fmt: skip
    own_case = next((c for c in cases if c.agency_id == actor.agency.pk and c.closed_on is None), None)
    mappa_history = list(policy.scope(actor, A.VIEW, MappaStatus.objects.filter(person=person)).select_related("agency")[:HISTORY])
    meetings = list(
        policy.scope(actor, A.VIEW, MappaMeeting.objects.filter(person=person)).select_related("agency", "recorded_by")
        .prefetch_related("actions__owner")[:10]
    )  # fmt: skip
    record = SupervisionRecord(
        person=person, justification=justification, cases=cases, own=_case_view(own_case, today) if own_case else None,
        requirements=_requirements(actor, person, today),
        mappa=next((m for m in mappa_history if m.ended_on is None), None), mappa_history=mappa_history,
        meetings=meetings, today=today,
    )  # fmt: skip
    record_event(action="supervision.record.view", actor=actor, obj=person, justification=justification,
                 details={"cases": [str(c.pk) for c in cases]})  # fmt: skip
    return record


# --- records looked up for a change (scoped; 404 when out of reach) ---------------------------------------


M = TypeVar("M", bound=Model)


def _one(actor: Actor, model: type[M], pk: object, *, action: str = A.VIEW, related: Sequence[str] = ()) -> M:
    if not policy.allows(actor, A.VIEW):
        raise PermissionDenied
    found = policy.scope(actor, A.VIEW, model._default_manager.filter(pk=pk)).select_related(*related).first()
    if found is None:
        record_event(action=action, actor=actor, object_type=model._meta.label, object_id=str(pk), outcome=Outcome.DENIED)
        raise Http404
    return found


def case_for(*, actor: Actor, pk: object) -> SupervisionCase:
    return _one(actor, SupervisionCase, pk, related=("person", "agency", "officer"))


def requirement_for(*, actor: Actor, pk: object) -> NotificationRequirement:
    return _one(actor, NotificationRequirement, pk, related=("person", "agency"))


def event_for(*, actor: Actor, pk: object) -> NotificationEvent:
    return _one(actor, NotificationEvent, pk, related=("requirement", "requirement__person"))


def breach_for(*, actor: Actor, pk: object) -> Breach:
    return _one(actor, Breach, pk, related=("requirement",))


def override_for(*, actor: Actor, pk: object) -> RiskLevelOverride:
    return _one(actor, RiskLevelOverride, pk, related=("case",))


def visit_for(*, actor: Actor, pk: object) -> Visit:
    return _one(actor, Visit, pk, related=("case",))


def trigger_for(*, actor: Actor, pk: object) -> ReviewTrigger:
    return _one(actor, ReviewTrigger, pk, related=("case",))


def meeting_for(*, actor: Actor, pk: object) -> MappaMeeting:
    return _one(actor, MappaMeeting, pk)


def action_for(*, actor: Actor, pk: object) -> MappaAction:
    return _one(actor, MappaAction, pk, related=("meeting",))


def plan_item_for(*, actor: Actor, pk: int) -> PlanItem:
    if not policy.allows(actor, A.VIEW):
        raise PermissionDenied
    item = PlanItem.objects.filter(pk=pk).select_related("plan__case").first()
    if item is None or not policy.allows(actor, A.VIEW, item.plan.case):
        raise Http404
    return item


def plan_of(case: SupervisionCase) -> RiskManagementPlan | None:
    return RiskManagementPlan.objects.filter(case=case).first()


def frequency_table(actor: Actor) -> dict[Level, int]:
    """The agency's visit table as it applies: its own rows, else the default table's values."""
    own = dict(AgencyVisitFrequency.objects.filter(agency=actor.agency).values_list("risk_level", "months"))
    return {level: own.get(level.value, DEFAULT_VISIT_MONTHS[level]) for level in LEVELS_HIGHEST_FIRST}


def users_by_id(ids: Sequence[int]) -> list[User]:
    """Users named by id in an API call (the service checks where each works)."""
    found = {u.pk: u for u in User.objects.filter(pk__in=list(ids)[:20])}
    missing = [i for i in ids if i not in found]
    if missing:
        raise ValidationError({"officers": [ValidationError(f"No user with id {missing[0]}", code="unknown")]})
    return [found[i] for i in ids]


def receiving_agencies(actor: Actor, case: SupervisionCase) -> list[Agency]:
    """Areas a case may move to: agencies of the same kind (a police force to a police force)."""
    return list(Agency.objects.filter(kind=case.agency.kind).order_by("name")[:200])


def officers_of(agency: Agency) -> list[User]:
    return _staff_of(Q(agency=agency))


def action_owners(person: Person) -> list[User]:
    """Staff of police and probation agencies that hold the person: who may own a MAPPA action."""
    return _staff_of(Q(agency_id__in=linked_agency_ids(person.pk), agency__kind__in=SUPERVISING))


# --- due items (core.due) ---------------------------------------------------------------------------------

_DUE_WORDS = {
    "visit": ("supervision.visit", "Home visit"),
    "notification": ("supervision.notification", "Register notification"),
    "plan_review": ("supervision.plan-review", "Risk management plan review"),
    "order_end": ("supervision.order-end", "An order's terms end"),
    "review_trigger": ("supervision.reactive-review", "Review of reactive management"),
    "release": ("supervision.release", "Release from custody"),
}


def _reason(attention: Attention, case: SupervisionCase, today: date) -> str:
    when = _words(attention.due_on)
    if attention.kind == "visit":
        every = f" (every {case.visit_every_months} months: {case.visit_frequency_source})" if case.visit_every_months else ""
        return (f"Overdue since {when}" if attention.overdue else f"Due by {when}") + every
    if attention.kind == "release":
        return f"Expected on {when}"
    return f"Overdue since {when}" if attention.overdue else f"Due by {when}"


def due_items(query: DueQuery) -> list[DueItem]:
    """The provider: a case's due dates are all on or after its `attention_on`, so the first `limit` cases
    in attention order hold the `limit` most urgent items (one index range), plus MAPPA actions."""
    actor, today = query.actor, query.today
    horizon = today + timedelta(days=config.DUE_LOOKAHEAD_DAYS)
    team = query.team and policy.allows(actor, A.TEAM_VIEW)
    cases = list(
        _open_cases(actor, team=team).filter(attention_on__lte=horizon).select_related("person", "officer")
        .order_by("attention_on", "id")[: query.limit]
    )  # fmt: skip
    items: list[DueItem] = []
    for case in cases:
        url = reverse("supervision:person", args=[case.person_id])
        owner = case.officer.get_full_name() or case.officer.username
        for attention in attention_for(case, today):
            if attention.due_on > horizon:
                continue
            kind, label = _DUE_WORDS[attention.kind]
            items.append(DueItem(
                key=f"{kind}:{case.pk}:{attention.due_on.isoformat()}", kind=kind,
                title=f"{label}: {case.person.full_name}", reason=_reason(attention, case, today),
                due_on=attention.due_on, url=url, reference=case.person.reference,
                owner_id=case.officer_id, owner_name=owner,
            ))  # fmt: skip
    actions = policy.scope(actor, A.VIEW, MappaAction.objects.filter(completed_on__isnull=True, due_on__lte=horizon))
    actions = actions.filter(agency=actor.agency) if team else actions.filter(owner=actor.user)
    listed_actions = list(actions.select_related("person", "owner").order_by("due_on", "id")[: query.limit])
    for action in listed_actions:
        items.append(DueItem(
            key=f"supervision.mappa-action:{action.pk}:{action.due_on.isoformat()}", kind="supervision.mappa-action",
            title=f"MAPPA action: {action.person.full_name}",
            reason=("Overdue since " if action.due_on < today else "Due by ") + _words(action.due_on),
            due_on=action.due_on, url=reverse("supervision:person", args=[action.person_id]) + "#mappa",
            reference=action.person.reference, owner_id=action.owner_id,
            owner_name=action.owner.get_full_name() or action.owner.username,
        ))  # fmt: skip
    items.sort(key=lambda item: (item.due_on, item.kind, item.key))
    items = items[: query.limit]
    if items:
        shown = sorted({str(c.person_id) for c in cases} | {str(a.person_id) for a in listed_actions})
        record_event(action="supervision.due.list", actor=actor, object_type="supervision.SupervisionCase",
                     details={"team": team, "shown": shown})  # fmt: skip
    return items

