"""API: the same supervision records as the pages, to the agencies entitled to them (police hold the
register; probation reads it under the statutory sharing basis), through the same selectors, services
and policy. A record a police force owns needs the reason for the access in `X-Justification`. The error
answers (400, 401, 403, 404, 422) are the API's one shape, documented on every operation by `site.api`."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from safeguard import policy
from safeguard.core.api_schemas import JsonDate
from safeguard.core.due import DueQuery
from safeguard.people.ports import justification_for
from safeguard.supervision import selectors, services
from safeguard.supervision.actions import SupervisionAction
from safeguard.supervision.choices import NotificationKind, VisitKind, VisitOutcome
from safeguard.supervision.models import (
    MappaMeeting,
    NotificationEvent,
    NotificationRequirement,
    SupervisionCase,
    Visit,
)

router = Router(tags=["supervision"])


class CaseOut(Schema):
    id: uuid.UUID
    person: uuid.UUID
    reference: str
    name: str
    agency: str
    officer: str
    opened_on: date
    closed_on: date | None
    management: str = Field(description="active or reactive")
    risk_level: str = Field(description="very_high, high, medium, low, or empty when not known")
    risk_source: str = Field(description="assessment, override, or empty")
    rosh_level: str
    tier: str = Field(description="A (highest) to G")
    tier_provisional: bool
    tier_reason: str
    tier_rule_status: str = Field(description="How sure the tiering rule is: secondary, unverified")
    visit_every_months: int | None
    last_visit_on: date | None
    next_visit_due: date | None
    next_notification_due: date | None
    plan_review_due: date | None
    order_end_due: date | None
    release_date: date | None
    attention_on: date | None = Field(description="The earliest of the dates due (null when nothing is)")


class CaseloadOut(Schema):
    results: list[CaseOut]
    next: str | None = Field(description="Cursor of the next page (pass it as `cursor`), null on the last page")
    previous: str | None = Field(description="Cursor of the previous page, null on the first page")


class EventOut(Schema):
    id: uuid.UUID
    kind: str
    counts_from: date
    due_date: date
    due_basis: str = Field(description="The rule that gives the due date, in words, with its section and status")
    notified_on: date | None
    late: bool
    departure_date: date | None = None
    return_date: date | None = None
    destination: str | None = None
    carrier: str | None = None
    accommodation: str | None = None


class RequirementOut(Schema):
    id: uuid.UUID
    agency: str
    source: str = Field(description="computed (by the sentencing engine) or entered (with its legal basis)")
    relevant_date: date
    indefinite: bool
    end_date: date | None
    basis: str
    legal_basis: str
    status: str = Field(description="The engine's verification status of the period (computed requirements)")
    warnings: list[str]
    review_qualifying_date: date | None
    next_due: date | None
    compliance: str = Field(description="up_to_date, due, overdue, breach or ended")
    events: list[EventOut]


class VisitOut(Schema):
    id: uuid.UUID
    case: uuid.UUID
    kind: str
    status: str
    planned_for: date | None
    visited_on: date | None
    outcome: str
    officers: list[str]
    present: str | None
    observations: str | None
    concerns: str | None
    next_steps: str | None


class MeetingOut(Schema):
    id: uuid.UUID
    held_on: date
    level: int
    agencies_present: list[str]
    attendees: str | None
    minutes: str | None
    next_meeting_on: date | None


class RecordOut(Schema):
    person: uuid.UUID
    reference: str
    cases: list[CaseOut]
    requirements: list[RequirementOut]
    visits: list[VisitOut] = Field(description="The latest 20 visits of your agency's open case")
    mappa_category: int | None
    mappa_level: int | None
    meetings: list[MeetingOut]


class VisitIn(Schema):
    visited_on: JsonDate
    kind: VisitKind
    outcome: VisitOutcome
    officers: list[int] = Field(default_factory=list, max_length=20, description="User ids; default: you")
    present: str = Field("", max_length=5000)
    observations: str = Field("", max_length=5000)
    concerns: str = Field("", max_length=5000)
    next_steps: str = Field("", max_length=5000)


class NotificationIn(Schema):
    kind: NotificationKind = Field(description="A change (name, home_address, staying_elsewhere, release_from_custody), travel or annual")
    notified_on: JsonDate | None = None
    change_date: JsonDate | None = None
    departure_date: JsonDate | None = None
    return_date: JsonDate | None = None
    destination: str = Field("", max_length=500)
    carrier: str = Field("", max_length=500)
    accommodation: str = Field("", max_length=500)
    details: str = Field("", max_length=5000)


class DueItemOut(Schema):
    key: str
    kind: str
    title: str
    reason: str
    due_on: date
    url: str
    reference: str
    owner_id: int | None
    owner_name: str


def _text(value: Any) -> str | None:
    return None if getattr(value, "unreadable", False) else str(value)


def _case(case: SupervisionCase) -> CaseOut:
    return CaseOut(
        id=case.pk, person=case.person_id, reference=case.person.reference, name=case.person.full_name,
        agency=case.agency.name, officer=case.officer.get_full_name() or case.officer.username, opened_on=case.opened_on,
        closed_on=case.closed_on, management=case.management, risk_level=case.risk_level, risk_source=case.risk_source,
        rosh_level=case.rosh_level, tier=case.tier, tier_provisional=case.tier_provisional, tier_reason=case.tier_reason,
        tier_rule_status=str(case.tier_detail.get("rule_status", "")), visit_every_months=case.visit_every_months,
        last_visit_on=case.last_visit_on, next_visit_due=case.next_visit_due,
        next_notification_due=case.next_notification_due, plan_review_due=case.plan_review_due,
        order_end_due=case.order_end_due, release_date=case.release_date,
        attention_on=None if case.attention_on.year == 9999 else case.attention_on,
    )  # fmt: skip


def _event(event: NotificationEvent) -> EventOut:
    travel = event.kind == NotificationKind.TRAVEL
    return EventOut(
        id=event.pk, kind=event.kind, counts_from=event.counts_from, due_date=event.due_date, due_basis=event.due_basis,
        notified_on=event.notified_on, late=event.is_late, departure_date=event.counts_from if travel else None,
        return_date=event.return_date, destination=_text(event.destination) if travel else None,
        carrier=_text(event.carrier) if travel else None, accommodation=_text(event.accommodation) if travel else None,
    )  # fmt: skip


def _requirement(view: selectors.RequirementView) -> RequirementOut:
    r: NotificationRequirement = view.requirement
    return RequirementOut(
        id=r.pk, agency=r.agency.name, source=r.source, relevant_date=r.relevant_date, indefinite=r.indefinite,
        end_date=r.end_date, basis=r.basis, legal_basis=r.legal_basis, status=r.status, warnings=list(r.warnings),
        review_qualifying_date=r.review_qualifying_date, next_due=r.next_due, compliance=view.compliance,
        events=[_event(e) for e in view.events],
    )  # fmt: skip


def _visit(visit: Visit) -> VisitOut:
    return VisitOut(
        id=visit.pk, case=visit.case_id, kind=visit.kind, status=visit.status, planned_for=visit.planned_for,
        visited_on=visit.visited_on, outcome=visit.outcome,
        officers=[o.get_full_name() or o.username for o in visit.officers.all()], present=_text(visit.present),
        observations=_text(visit.observations), concerns=_text(visit.concerns), next_steps=_text(visit.next_steps),
    )  # fmt: skip


def _meeting(meeting: MappaMeeting) -> MeetingOut:
    return MeetingOut(
        id=meeting.pk, held_on=meeting.held_on, level=meeting.level,
        agencies_present=[line.strip() for line in meeting.agencies_present.splitlines() if line.strip()],
        attendees=_text(meeting.attendees), minutes=_text(meeting.minutes), next_meeting_on=meeting.next_meeting_on,
    )  # fmt: skip


def _justify(request: HttpRequest, person_id: object) -> None:
    reason = request.headers.get("X-Justification", "").strip()
    if reason:
        request.actor.justifications[str(person_id)] = reason[:500]  # type: ignore[attr-defined]


@router.get(
    "/supervision/caseload", response=CaseloadOut,
    summary="Your caseload (or, with team=true, your team's), in order of what needs attention first",
    description="Pages of 25 by keyset: follow `next` (pass it as `cursor`). Police and probation practitioners "
                "and supervisors; `team` needs the supervisor role. A cursor that is not valid is a 422 naming `cursor`.",
)  # fmt: skip
def supervision_caseload(
    request: HttpRequest,
    team: bool = False,
    cursor: str = Query("", max_length=64),  # type: ignore[type-arg]
    tier: str = Query("", pattern="^[A-G]?$"),  # type: ignore[type-arg]
    risk_level: str = Query("", pattern="^(|very_high|high|medium|low)$"),  # type: ignore[type-arg]
    management: str = Query("", pattern="^(|active|reactive)$"),  # type: ignore[type-arg]
    overdue_only: bool = False,
    officer: int | None = None,
) -> Any:
    filters = selectors.CaseloadFilters(officer=officer, tier=tier, risk_level=risk_level, management=management,
                                        overdue_only=overdue_only)  # fmt: skip
    page = selectors.caseload(actor=request.actor, team=team, filters=filters, cursor=cursor, today=timezone.localdate())  # type: ignore[attr-defined]
    return CaseloadOut(results=[_case(r.case) for r in page.rows], next=page.next_cursor, previous=page.previous_cursor)


@router.get(
    "/supervision/persons/{person_id}", response=RecordOut,
    summary="A person's supervision record: cases, notification requirements with their deadlines, visits, MAPPA",
    description="For a person your agency holds as owner or under statutory sharing (else 404). A record a police "
                "force owns needs `X-Justification` (else 403 with code justification_required).",
)  # fmt: skip
def supervision_person(request: HttpRequest, person_id: uuid.UUID) -> Any:
    _justify(request, person_id)
    record = selectors.supervision_record(actor=request.actor, pk=person_id, today=timezone.localdate())  # type: ignore[attr-defined]
    mappa = record.mappa
    return RecordOut(
        person=record.person.pk, reference=record.person.reference, cases=[_case(c) for c in record.cases],
        requirements=[_requirement(v) for v in record.requirements],
        visits=[_visit(v) for v in (record.own.visits if record.own else [])],
        mappa_category=mappa.category if mappa else None, mappa_level=mappa.level if mappa else None,
        meetings=[_meeting(m) for m in record.meetings],
    )  # fmt: skip


@router.post(
    "/supervision/cases/{case_id}/visits", response={201: VisitOut},
    summary="Record a home visit of your agency's case",
    description="A visit cannot be recorded as done on a future date (422 naming visited_on). A completed visit "
                "moves the next visit's due date. Officers must work in the case's agency.",
)  # fmt: skip
def supervision_visit_create(request: HttpRequest, case_id: uuid.UUID, payload: VisitIn) -> Any:
    actor = request.actor  # type: ignore[attr-defined]
    case = selectors.case_for(actor=actor, pk=case_id)
    _justify(request, case.person_id)
    reason = justification_for(actor, case.person)
    officers = selectors.users_by_id(payload.officers) if payload.officers else [actor.user]
    visit = services.visit_record(
        actor=actor, case=case, visited_on=payload.visited_on, kind=payload.kind, outcome=payload.outcome,
        officers=officers, present=payload.present, observations=payload.observations, concerns=payload.concerns,
        next_steps=payload.next_steps, justification=reason,
    )  # fmt: skip
    return Status(201, _visit(visit))


@router.post(
    "/supervision/requirements/{requirement_id}/notifications", response={201: EventOut},
    summary="Record a notification: a change, foreign travel or the annual one (police forces holding the register)",
    description="The due date is computed (3 days beginning with the change, s.84(1); 7 days before departure; a year "
                "after the last notification), never sent. A date before the requirements started is a 422 naming it.",
)  # fmt: skip
def supervision_notification_create(request: HttpRequest, requirement_id: uuid.UUID, payload: NotificationIn) -> Any:
    actor = request.actor  # type: ignore[attr-defined]
    requirement = selectors.requirement_for(actor=actor, pk=requirement_id)
    _justify(request, requirement.person_id)
    reason = justification_for(actor, requirement.person)
    event = services.notification_record(actor=actor, requirement=requirement, justification=reason, **payload.dict())
    return Status(201, _event(event))


@router.get(
    "/supervision/due", response=list[DueItemOut],
    summary="Your supervision work due (with team=true, a supervisor's team's): overdue first, at most 50",
)  # fmt: skip
def supervision_due(request: HttpRequest, team: bool = False) -> Any:
    actor = request.actor  # type: ignore[attr-defined]
    if not policy.allows(actor, SupervisionAction.VIEW):
        raise PermissionDenied
    items = selectors.due_items(DueQuery(actor=actor, today=timezone.localdate(), limit=50, team=team))
    return [DueItemOut(**vars(item)) for item in items]
