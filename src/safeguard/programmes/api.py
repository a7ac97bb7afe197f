"""The programmes API under /api/v1/programmes/: the pages' operations, through the same selectors,
services and policy. Every response and error is declared: 401 (not signed in), 403 (the role may
not, or a police-owned record needs an `X-Justification` header), 404 (out of reach or unknown),
422 `{"detail", "errors": [{"field", "code", "message"}]}` (bad input: nothing was saved).

Request bodies are read here rather than by the framework, so that a wrong type is reported in the
same shape as every other refusal (the body schemas are still in the OpenAPI document).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from typing import Any, TypeVar

import pydantic
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from safeguard import policy
from safeguard.accounts.models import Agency, User
from safeguard.core.api_schemas import ErrorOut, RecordNumber
from safeguard.core.untrusted_http import json_body
from safeguard.people.ports import justification_for, person_locate
from safeguard.programmes import selectors, services
from safeguard.programmes.catalogue import ProgrammeTemplate
from safeguard.programmes.choices import SERVICE_CODES
from safeguard.programmes.models import GroupMember, Homework, Invitation, Referral, Room, Session, Site
from safeguard.programmes.policies import ProgrammeAction as A
from safeguard.programmes.scheduling import Slot
from safeguard.programmes.workflow import REFERRAL
from safeguard.untrusted import InputRefused
from safeguard.workflows import selectors as workflow_selectors

router = Router(tags=["programmes"])
PREFIX = "/programmes"
T = TypeVar("T", bound=pydantic.BaseModel)


# The API's one error shape; the site API gives each its description (safeguard.site.api).
READ_ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
WRITE_ERRORS: dict[int, Any] = {**READ_ERRORS, 422: ErrorOut}


def _inline(schema: dict[str, Any]) -> dict[str, Any]:
    """A pydantic JSON schema with its `$defs` written in place (the OpenAPI body has no `$defs`)."""
    defs = schema.pop("$defs", {})

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/$defs/"):
                return walk(defs[ref.removeprefix("#/$defs/")])
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    return walk(schema)  # type: ignore[no-any-return]


def body_doc(model: type[pydantic.BaseModel]) -> dict[str, Any]:
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": _inline(model.model_json_schema())}}}}


_BODY = "_programmes_body"


def read_body(request: HttpRequest) -> Any:
    """Read the JSON body within the API's limits on structure (an InputRefused is a 400), before any
    record is looked up or access is decided, and keep it for `parse`: a hostile body is refused the
    same way for everyone, while a well-formed one meets the access check (403/404) before its fields
    are checked (422), so a refusal never depends on guessing a valid body."""
    if not hasattr(request, _BODY):
        setattr(request, _BODY, json_body(request))
    return getattr(request, _BODY)


def parse(request: HttpRequest, model: type[T]) -> T:
    """The JSON body as `model`: a 400 naming the limit when its structure goes beyond the API's
    limits, or a ValidationError naming each field at fault (422)."""
    data = read_body(request)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InputRefused("not_an_object", "body", "the request body must be a JSON object")
    try:
        return model.model_validate(data)
    except pydantic.ValidationError as exc:
        errors: dict[str, list[ValidationError]] = {}
        for error in exc.errors():
            field = ".".join(str(part) for part in error["loc"]) or "$"
            errors.setdefault(field, []).append(ValidationError(error["msg"], code=error["type"]))
        raise ValidationError(errors) from None


def _actor(request: HttpRequest) -> Any:
    return request.actor  # type: ignore[attr-defined]


def _justify(request: HttpRequest, person_id: object) -> None:
    if reason := request.headers.get("X-Justification", "").strip()[:500]:
        _actor(request).justifications[str(person_id)] = reason


class In(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")


# --- Catalogue ------------------------------------------------------------------------------------


class SessionTemplateOut(Schema):
    number: int
    module: int
    name: str
    kind: str = Field(..., description="group | one_to_one")
    minutes: int
    stage: str = Field(..., description="pre_group | review | empty")
    homework: list[str]


class ModuleOut(Schema):
    number: int
    name: str


class TemplateOut(Schema):
    id: str
    version: str
    name: str
    summary: str
    setting: str = Field(..., description="custody | community | both")
    audience: str = Field(..., description="sexual_offending | internet_offending | general | prevention")
    intensity: str = Field(..., description="high | moderate | none")
    delivery: str = Field(..., description="group | individual")
    eligibility: str
    duration: str
    source: str
    status: str = Field(..., description="verified | secondary | illustrative")
    valid_from: date
    valid_until: date | None
    min_size: int
    max_size: int
    group_sessions: int
    one_to_one_sessions: int


class TemplateDetailOut(TemplateOut):
    modules: list[ModuleOut]
    sessions: list[SessionTemplateOut]
    notes: list[str]


def _template(t: ProgrammeTemplate, detail: bool = False) -> dict[str, Any]:
    out = {
        "id": t.id, "version": t.version, "name": t.name, "summary": t.summary, "setting": t.setting,
        "audience": t.audience, "intensity": t.intensity, "delivery": t.delivery, "eligibility": t.eligibility,
        "duration": t.duration, "source": t.source, "status": t.status, "valid_from": t.valid_from,
        "valid_until": t.valid_until, "min_size": t.min_size, "max_size": t.max_size,
        "group_sessions": t.group_sessions, "one_to_one_sessions": t.one_to_one_sessions,
    }
    if detail:
        out["modules"] = [{"number": m.number, "name": m.name} for m in t.modules]
        out["sessions"] = [
            {"number": s.number, "module": s.module, "name": s.name, "kind": s.kind, "minutes": s.minutes,
             "stage": s.stage, "homework": [h.title for h in s.homework]}
            for s in t.sessions
        ]
        out["notes"] = list(t.notes)
    return out


@router.get(f"{PREFIX}/catalogue", response={200: list[TemplateOut], **READ_ERRORS},
            summary="Every programme template with its version, source and status")
def programme_catalogue(request: HttpRequest) -> Any:
    return [_template(t) for t in selectors.templates(actor=_actor(request))]


@router.get(f"{PREFIX}/catalogue/{{template_id}}", response={200: TemplateDetailOut, **READ_ERRORS},
            summary="One template (the newest version, or `?version=`): modules and session templates")
def programme_template(request: HttpRequest, template_id: str, version: str | None = None) -> Any:
    return _template(selectors.template(actor=_actor(request), template_id=template_id, version=version), detail=True)


# --- Referrals ------------------------------------------------------------------------------------


class ReferralOut(Schema):
    id: int
    reference: str
    person: uuid.UUID
    person_reference: str
    programme: str
    source: str
    setting: str
    state: str
    state_label: str
    referrer_agency: str
    provider_agency: str
    site: int
    court_case: int | None
    court_order: str | None
    responsible_officer: str | None
    submitted_on: date | None
    assessed_on: date | None
    started_on: date | None
    ended_on: date | None
    waiting_days: int | None = Field(None, description="From submission to start (or to today while waiting)")


class ResultLineOut(Schema):
    instrument: str
    value: str = Field(..., description="The band, the points, or 'Not assessed'")
    assessed_on: date | None
    verified: bool | None


class TransitionOut(Schema):
    name: str
    label: str
    target: str
    reasons: list[str] = Field(..., description="Reason codes; one is required when the list is not empty")
    requires_text: bool


class HistoryOut(Schema):
    when: datetime
    transition: str
    from_state: str
    to_state: str
    by: str
    agency: str
    reason_code: str


class ReferralDetailOut(ReferralOut):
    information: str | None
    pathway: str | None = Field(None, description="The PNI pathway: high | moderate | alternative | omission; null when not assessed")
    suitability: list[ResultLineOut]
    advice: str
    group: str | None
    member: int | None
    transitions: list[TransitionOut]
    history: list[HistoryOut]
    report: bool


class ReferralPageOut(Schema):
    results: list[ReferralOut]
    next_before: int | None = Field(None, description="Pass as `before` for the next page; null on the last page")


def _referral(r: Referral, today: date) -> dict[str, Any]:
    return {
        "id": r.pk, "reference": r.reference, "person": r.person_id, "person_reference": r.person.reference,
        "programme": r.programme_id, "source": r.source, "setting": r.setting, "state": r.state,
        "state_label": r.state_label, "referrer_agency": r.referrer_agency.name,
        "provider_agency": r.provider_agency.name, "site": r.site_id, "court_case": r.court_case_id,
        "court_order": r.court_order or None,
        "responsible_officer": r.responsible_officer.get_username() if r.responsible_officer else None,
        "submitted_on": r.submitted_on, "assessed_on": r.assessed_on, "started_on": r.started_on,
        "ended_on": r.ended_on, "waiting_days": r.waiting_days(today),
    }


@router.get(f"{PREFIX}/referrals", response={200: ReferralPageOut, **READ_ERRORS},
            summary="Referrals in reach, newest first, 25 at a time (keyset: `before`)")
def referral_list(request: HttpRequest, state: str = "", programme: str = "", mine: bool = False,
                  before: RecordNumber | None = None) -> Any:
    page = selectors.referral_list(actor=_actor(request), state_group=state, programme_id=programme, mine=mine,
                                   before=before)
    today = timezone.localdate()
    return {"results": [_referral(r, today) for r in page.rows], "next_before": page.next_before}


class ReferralIn(In):
    person: uuid.UUID
    programme: str = pydantic.Field(..., max_length=60)
    site: RecordNumber = pydantic.Field(..., description="A site of the provider that runs the programme")
    setting: str = pydantic.Field(..., description="custody | community")
    source: str = pydantic.Field(..., description="probation | court_order | prison | police | self (by agency kind)")
    information: str = pydantic.Field("", max_length=4000)
    court_case: RecordNumber | None = pydantic.Field(None, description="For court_order: the sentencing case with the requirement")
    responsible_officer: RecordNumber | None = pydantic.Field(None, description="For court_order: a user id of your agency")
    consent_given_on: date | None = pydantic.Field(None, description="For self: the date of consent")
    submit: bool = pydantic.Field(False, description="Submit at once instead of keeping a draft")


def _detail(request: HttpRequest, referral: Referral, record: selectors.ReferralRecord | None = None) -> dict[str, Any]:
    actor = _actor(request)
    suitability = selectors.suitability(actor=actor, referral=referral)
    information = referral.information
    return {
        **_referral(referral, timezone.localdate()),
        "information": None if getattr(information, "unreadable", False) else str(information),
        "pathway": suitability.pathway, "advice": suitability.advice,
        "suitability": [{"instrument": line.instrument, "value": line.value, "assessed_on": line.assessed_on,
                         "verified": line.verified} for line in suitability.lines],
        "group": record.membership.group.code if record and record.membership else None,
        "member": record.membership.pk if record and record.membership else None,
        "report": bool(record and record.report),
        "transitions": [
            {"name": t.name, "label": t.label, "target": t.target, "reasons": [r.code for r in t.reasons],
             "requires_text": t.requires_text or any(r.needs_text for r in t.reasons)}
            for t in workflow_selectors.available_transitions(actor=actor, workflow=REFERRAL, obj=referral)
        ],
        "history": [
            {"when": h.occurred_at, "transition": h.transition, "from_state": h.from_state, "to_state": h.to_state,
             "by": h.user.get_username(), "agency": h.agency.name, "reason_code": h.reason_code}
            for h in workflow_selectors.history(workflow=REFERRAL, obj=referral)
        ],
    }


@router.post(f"{PREFIX}/referrals", response={201: ReferralDetailOut, **WRITE_ERRORS}, openapi_extra=body_doc(ReferralIn),
             summary="Refer a person to a programme (a draft, or submitted with `submit: true`)")
def referral_create(request: HttpRequest) -> Any:
    actor = _actor(request)
    read_body(request)  # limits on structure first (400); fields are checked after access (422)
    if not policy.allows(actor, A.REFERRAL_CREATE):
        raise PermissionDenied
    body = parse(request, ReferralIn)
    _justify(request, body.person)
    person = person_locate(actor=actor, pk=body.person)
    justification = justification_for(actor, person)
    site = Site.objects.select_related("agency").filter(pk=body.site).first()
    officer = User.objects.filter(pk=body.responsible_officer).first() if body.responsible_officer else None
    if body.responsible_officer and officer is None:
        raise services.refuse("responsible_officer", "invalid", "No such user")
    referral = services.referral_create(
        actor=actor, person=person, today=timezone.localdate(), justification=justification,
        data=services.ReferralInput(
            programme_id=body.programme, provider=site.agency if site else None, site=site, setting=body.setting,
            source=body.source, information=body.information, court_case_id=body.court_case,
            responsible_officer=officer, consent_given_on=body.consent_given_on,
        ),
    )
    if body.submit:
        referral = services.referral_transition(actor=actor, referral=referral, transition="submit", now=timezone.now())
    return Status(201, _detail(request, selectors.referral_locate(actor=actor, pk=referral.pk)))


@router.get(f"{PREFIX}/referrals/{{referral_id}}", response={200: ReferralDetailOut, **READ_ERRORS},
            summary="One referral: suitability (PNI pathway, risk bands), the steps open to you, history")
def referral_detail(request: HttpRequest, referral_id: RecordNumber) -> Any:
    actor = _actor(request)
    located = selectors.referral_locate(actor=actor, pk=referral_id)
    _justify(request, located.person_id)
    record = selectors.referral_open(actor=actor, pk=referral_id)
    return _detail(request, record.referral, record)


class TransitionIn(In):
    transition: str = pydantic.Field(..., max_length=40, description="A step name offered in `transitions`")
    reason_code: str = pydantic.Field("", max_length=40)
    reason_text: str = pydantic.Field("", max_length=2000)
    expected_state: str | None = pydantic.Field(None, description="The state you saw: refused (stale) if it has changed")
    summary: str = pydantic.Field("", max_length=4000, description="Complete or deselect: the report's summary")


@router.post(f"{PREFIX}/referrals/{{referral_id}}/transitions", response={200: ReferralDetailOut, **WRITE_ERRORS},
             openapi_extra=body_doc(TransitionIn),
             summary="Move a referral on: a step of the workflow the spec declares (who may take each is in the diagram)")
def referral_transition(request: HttpRequest, referral_id: RecordNumber) -> Any:
    actor = _actor(request)
    read_body(request)  # limits on structure first (400); fields are checked after access (422)
    referral = selectors.referral_locate(actor=actor, pk=referral_id)
    body = parse(request, TransitionIn)
    _justify(request, referral.person_id)
    justification_for(actor, referral.person)
    services.referral_transition(actor=actor, referral=referral, transition=body.transition, now=timezone.now(),
                                 reason_code=body.reason_code, reason_text=body.reason_text,
                                 expected_state=body.expected_state, summary=body.summary)
    record = selectors.referral_open(actor=actor, pk=referral_id)
    return _detail(request, record.referral, record)


class AttendanceOut(Schema):
    sessions_recorded: int
    attended: int
    rate: float | None
    outcomes: dict[str, int] = Field(..., description="Outcome code → count")


class RatingChangeOut(Schema):
    domain: str
    first: int
    last: int | None


class ReportOut(Schema):
    referral: int
    marking: str
    outcome: str
    issued_at: datetime
    issued_by: str
    summary: str | None
    programme: str
    group: str | None
    attendance: AttendanceOut | None
    homework: dict[str, int]
    ratings: list[RatingChangeOut]
    recipients: list[str]
    service_codes: dict[str, str] = Field(..., description="Outcome → the delivery service's code (ATTC, AFTC, UAAB)")


@router.get(f"{PREFIX}/referrals/{{referral_id}}/report", response={200: ReportOut, **READ_ERRORS},
            summary="The end-of-programme report (OFFICIAL-SENSITIVE); reading it marks it received")
def referral_report(request: HttpRequest, referral_id: RecordNumber) -> Any:
    actor = _actor(request)
    referral = selectors.referral_locate(actor=actor, pk=referral_id)
    _justify(request, referral.person_id)
    data = selectors.report_data(actor=actor, referral_pk=referral_id)
    services.report_opened(actor=actor, report=data.report, now=timezone.now(), purpose="programmes.report.view")
    summary = data.report.summary
    first, last = data.first_review, data.last_review
    return {
        "referral": referral.pk, "marking": "OFFICIAL-SENSITIVE", "outcome": data.report.outcome,
        "issued_at": data.report.issued_at, "issued_by": data.report.issued_by.get_username(),
        "summary": None if getattr(summary, "unreadable", False) else str(summary),
        "programme": referral.programme_id, "group": data.member.group.code if data.member else None,
        "attendance": {"sessions_recorded": data.attendance.sessions_held, "attended": data.attendance.attended,
                       "rate": data.attendance.rate, "outcomes": data.attendance.counts} if data.attendance else None,
        "homework": data.homework,
        "ratings": [{"domain": d.code, "first": getattr(first, d.code), "last": getattr(last, d.code) if last else None}
                    for d in data.domains] if first else [],
        "recipients": [r.user.get_username() for r in data.recipients],
        "service_codes": {k: v[0] for k, v in SERVICE_CODES.items()},
    }


# --- Police invitations ---------------------------------------------------------------------------


class InvitationIn(In):
    person: uuid.UUID
    programme: str = pydantic.Field(..., max_length=60)
    provider: RecordNumber = pydantic.Field(..., description="The treatment provider (agency id)")
    invited_on: date


class InvitationOut(Schema):
    id: int
    person: uuid.UUID
    programme: str
    provider: str
    invited_on: date
    taken_up_on: date | None
    consent_given_on: date | None
    referral: int | None


def _invitation(i: Invitation) -> dict[str, Any]:
    return {"id": i.pk, "person": i.person_id, "programme": i.programme_id, "provider": i.provider_agency.name,
            "invited_on": i.invited_on, "taken_up_on": i.taken_up_on, "consent_given_on": i.consent_given_on,
            "referral": i.referral_id}


@router.post(f"{PREFIX}/invitations", response={201: InvitationOut, **WRITE_ERRORS}, openapi_extra=body_doc(InvitationIn),
             summary="Police: record an invitation to self-refer (a person at the lower end of offending)")
def invitation_create(request: HttpRequest) -> Any:
    actor = _actor(request)
    read_body(request)  # limits on structure first (400); fields are checked after access (422)
    if not policy.allows(actor, A.INVITATION_RECORD):
        raise PermissionDenied
    body = parse(request, InvitationIn)
    _justify(request, body.person)
    person = person_locate(actor=actor, pk=body.person)
    invitation = services.invitation_record(
        actor=actor, person=person, programme_id=body.programme, invited_on=body.invited_on,
        provider=Agency.objects.filter(pk=body.provider).first(), today=timezone.localdate(),
        justification=justification_for(actor, person),
    )
    return Status(201, _invitation(invitation))


class TakeUpIn(In):
    taken_up_on: date
    consent_given_on: date
    site: RecordNumber = pydantic.Field(..., description="A site of the invitation's provider")


@router.post(f"{PREFIX}/invitations/{{invitation_id}}/take-up", response={201: ReferralDetailOut, **WRITE_ERRORS},
             openapi_extra=body_doc(TakeUpIn),
             summary="Police: the person took the invitation up — record their consent and make the self-referral")
def invitation_take_up(request: HttpRequest, invitation_id: RecordNumber) -> Any:
    actor = _actor(request)
    read_body(request)  # limits on structure first (400); fields are checked after access (422)
    invitation = selectors.locate(actor, A.INVITATION_RECORD, Invitation.objects.select_related("person"), invitation_id)
    body = parse(request, TakeUpIn)
    _justify(request, invitation.person_id)
    referral = services.invitation_take_up(
        actor=actor, invitation=invitation, taken_up_on=body.taken_up_on, consent_given_on=body.consent_given_on,
        site=Site.objects.filter(pk=body.site).first(), now=timezone.now(),
        justification=justification_for(actor, invitation.person),
    )
    return Status(201, _detail(request, selectors.referral_locate(actor=actor, pk=referral.pk)))


# --- Waiting list and groups ----------------------------------------------------------------------


class WaitingGroupOut(Schema):
    programme: str
    site: str
    count: int
    oldest_submitted_on: date | None


class WaitingOut(Schema):
    groups: list[WaitingGroupOut]
    results: list[ReferralOut]
    due_after_weeks: int
    next_before: int | None


@router.get(f"{PREFIX}/waiting-list", response={200: WaitingOut, **READ_ERRORS},
            summary="Programme team: people waiting per programme and site, longest first, with waiting times")
def waiting_list(request: HttpRequest, programme: str = "", site: RecordNumber | None = None, before: RecordNumber | None = None) -> Any:
    found = selectors.waiting_list(actor=_actor(request), today=timezone.localdate(), programme_id=programme,
                                   site_id=site, before=before)
    return {
        "groups": [{"programme": g.programme_id, "site": g.site, "count": g.count, "oldest_submitted_on": g.oldest}
                   for g in found.groups],
        "results": [_referral(r, found.today) for r in found.rows], "due_after_weeks": found.due_weeks,
        "next_before": found.next_before,
    }


class SlotIn(In):
    weekday: int = pydantic.Field(..., ge=0, le=6, description="0 = Monday … 6 = Sunday")
    start: time


class GroupIn(In):
    programme: str = pydantic.Field(..., max_length=60)
    site: RecordNumber
    room: RecordNumber
    start_date: date
    slots: list[SlotIn] = pydantic.Field(..., min_length=1, max_length=7)
    facilitators: list[RecordNumber] = pydantic.Field(..., min_length=1, max_length=10, description="User ids of your agency")
    cover: list[RecordNumber] = pydantic.Field(default_factory=list, max_length=10)
    cohort: str = pydantic.Field("sexual_offence", description="sexual_offence | sexual_offence_ldc | general | general_ldc")
    sex: str = pydantic.Field("male", description="male | female | any")
    learning_needs_adapted: bool = False
    max_size: int | None = pydantic.Field(None, ge=1, le=30)
    partner_agency: RecordNumber | None = pydantic.Field(None, description="Prevention course only: the centre (agency id)")
    code: str = pydantic.Field("", max_length=30)


class SlotOut(Schema):
    weekday: int
    start: time


class SessionOut(Schema):
    id: int
    number: int
    module: int
    name: str
    kind: str
    day: date
    starts_at: datetime | None
    ends_at: datetime | None
    room: str | None
    placeholder: bool = Field(..., description="A one-to-one still to be booked; `day` is the first day it may be")
    catch_up: bool
    member: int | None
    register_taken: bool


class MemberOut(Schema):
    id: int
    person: uuid.UUID | None
    reference: str = Field(..., description="The person's reference, or the prevention participant's pseudonym")
    referral: int | None
    status: str
    joined_on: date
    left_on: date | None


class GroupOut(Schema):
    id: int
    code: str
    programme: str
    programme_version: str
    site: str
    room: str
    region: str
    cohort: str
    learning_needs_adapted: bool
    start_date: date
    max_size: int
    places_taken: int
    status: str


class GroupDetailOut(GroupOut):
    slots: list[SlotOut]
    facilitators: list[str]
    skipped: list[dict[str, str]] = Field(..., description="Slots stepped over: {date, reason} (a holiday's name or 'closure')")
    sessions: list[SessionOut]
    members: list[MemberOut]


def _group(g: Any, taken: int) -> dict[str, Any]:
    return {"id": g.pk, "code": g.code, "programme": g.programme_id, "programme_version": g.programme_version,
            "site": g.site.name, "room": g.room.name, "region": g.site.region, "cohort": g.cohort,
            "learning_needs_adapted": g.learning_needs_adapted, "start_date": g.start_date, "max_size": g.max_size,
            "places_taken": taken, "status": g.status}


def _session(s: Session) -> dict[str, Any]:
    return {"id": s.pk, "number": s.number, "module": s.module, "name": s.name, "kind": s.kind, "day": s.day,
            "starts_at": s.starts_at, "ends_at": s.ends_at, "room": s.room.name if s.room else None,
            "placeholder": s.placeholder, "catch_up": s.catch_up, "member": s.member_id,
            "register_taken": s.register_taken_at is not None}


def _member(m: GroupMember) -> dict[str, Any]:
    return {"id": m.pk, "person": m.person_id, "reference": m.reference, "referral": m.referral_id,
            "status": m.status, "joined_on": m.joined_on, "left_on": m.left_on}


def _group_detail(request: HttpRequest, pk: int) -> dict[str, Any]:
    record = selectors.group_open(actor=_actor(request), pk=pk)
    return {
        **_group(record.group, record.places_taken),
        "slots": [{"weekday": s.weekday, "start": s.start_time} for s in record.slots],
        "facilitators": [f.user.get_username() for f in record.facilitators], "skipped": record.group.skipped,
        "sessions": [_session(r.session) for r in record.schedule] + [_session(s) for s in record.extra_sessions],
        "members": [_member(m) for m in record.members],
    }


@router.get(f"{PREFIX}/groups", response={200: list[GroupOut], **READ_ERRORS},
            summary="Your agency's groups, newest first (25 at a time: `before`)")
def group_list(request: HttpRequest, status: str = "", before: RecordNumber | None = None) -> Any:
    rows, _ = selectors.group_list(actor=_actor(request), status=status, before=before)
    return [_group(r.group, r.places_taken) for r in rows]


def _users(ids: list[int]) -> tuple[User, ...]:
    found = {u.pk: u for u in User.objects.filter(pk__in=ids)}
    missing = [i for i in ids if i not in found]
    if missing:
        raise services.refuse("facilitators", "unknown", f"No user with id {missing[0]}")
    return tuple(found[i] for i in ids)


@router.post(f"{PREFIX}/groups", response={201: GroupDetailOut, **WRITE_ERRORS}, openapi_extra=body_doc(GroupIn),
             summary="Programme manager: set up a group and plan its sessions (bank holidays, closures and the spec's gaps)")
def group_create(request: HttpRequest) -> Any:
    actor = _actor(request)
    read_body(request)  # limits on structure first (400); fields are checked after access (422)
    if not policy.allows(actor, A.GROUP_MANAGE):
        raise PermissionDenied
    body = parse(request, GroupIn)
    site = Site.objects.filter(pk=body.site).first()
    group = services.group_create(actor=actor, today=timezone.localdate(), data=services.GroupInput(
        programme_id=body.programme, site=site, room=Room.objects.filter(pk=body.room).first(),
        start_date=body.start_date, slots=tuple(Slot(s.weekday, s.start) for s in body.slots),
        facilitators=_users(body.facilitators), cover=_users(body.cover), cohort=body.cohort, sex=body.sex,
        learning_needs_adapted=body.learning_needs_adapted, max_size=body.max_size, treatment_manager=actor.user,
        partner_agency=Agency.objects.filter(pk=body.partner_agency).first() if body.partner_agency else None,
        code=body.code,
    ))
    return Status(201, _group_detail(request, group.pk))


@router.get(f"{PREFIX}/groups/{{group_id}}", response={200: GroupDetailOut, **READ_ERRORS},
            summary="One group: slots, facilitators, the schedule with skipped days, and members")
def group_detail(request: HttpRequest, group_id: RecordNumber) -> Any:
    return _group_detail(request, group_id)


class RescheduleIn(In):
    from_date: date
    slots: list[SlotIn] | None = pydantic.Field(None, max_length=7, description="New weekly slots, or null to keep them")


@router.post(f"{PREFIX}/groups/{{group_id}}/reschedule", response={200: GroupDetailOut, **WRITE_ERRORS},
             openapi_extra=body_doc(RescheduleIn),
             summary="Plan the rest of a group again: past and registered sessions, catch-ups and bookings stay")
def group_reschedule(request: HttpRequest, group_id: RecordNumber) -> Any:
    actor = _actor(request)
    read_body(request)  # limits on structure first (400); fields are checked after access (422)
    group = selectors.group_locate(actor=actor, pk=group_id, action=A.GROUP_MANAGE)
    body = parse(request, RescheduleIn)
    services.group_reschedule(actor=actor, group=group, from_date=body.from_date, today=timezone.localdate(),
                              slots=tuple(Slot(s.weekday, s.start) for s in body.slots) if body.slots else None)
    return _group_detail(request, group_id)


class AllocateIn(In):
    referral: RecordNumber
    joined_on: date


@router.post(f"{PREFIX}/groups/{{group_id}}/members", response={201: MemberOut, **WRITE_ERRORS},
             openapi_extra=body_doc(AllocateIn),
             summary="Programme manager: give a person assessed as suitable a place (refused when the group is full)")
def group_allocate(request: HttpRequest, group_id: RecordNumber) -> Any:
    actor = _actor(request)
    read_body(request)  # limits on structure first (400); fields are checked after access (422)
    group = selectors.group_locate(actor=actor, pk=group_id, action=A.GROUP_MANAGE)
    body = parse(request, AllocateIn)
    referral = selectors.scoped(actor, A.REFERRAL_PROGRESS, Referral.objects.all()).filter(pk=body.referral).first()
    if referral is None:
        raise services.refuse("referral", "unknown", "No referral to your agency with this number")
    member = services.member_allocate(actor=actor, group=group, referral=referral, joined_on=body.joined_on)
    return Status(201, _member(GroupMember.objects.select_related("person").get(pk=member.pk)))


class CatchUpIn(In):
    number: RecordNumber = pydantic.Field(..., description="The template session to catch up")
    member: RecordNumber
    day: date
    start: time
    facilitator: RecordNumber | None = None


class BookingIn(In):
    member: RecordNumber
    day: date
    start: time
    facilitator: RecordNumber | None = None


def _runner(pk: int | None) -> User | None:
    if pk is None:
        return None
    found = User.objects.filter(pk=pk).first()
    if found is None:
        raise services.refuse("facilitator", "unknown", f"No user with id {pk}")
    return found


@router.post(f"{PREFIX}/groups/{{group_id}}/catch-ups", response={201: SessionOut, **WRITE_ERRORS},
             openapi_extra=body_doc(CatchUpIn),
             summary="Facilitator: a catch-up of one session for one member (the plan does not move)")
def catch_up(request: HttpRequest, group_id: RecordNumber) -> Any:
    actor = _actor(request)
    read_body(request)  # limits on structure first (400); fields are checked after access (422)
    group = selectors.group_locate(actor=actor, pk=group_id, action=A.SESSION_RUN)
    body = parse(request, CatchUpIn)
    session = services.catch_up_add(
        actor=actor, group=group, number=body.number, member=GroupMember.objects.filter(pk=body.member).first(),
        day=body.day, start=body.start, facilitator=_runner(body.facilitator),
    )
    return Status(201, _session(session))


@router.post(f"{PREFIX}/sessions/{{session_id}}/bookings", response={201: SessionOut, **WRITE_ERRORS},
             openapi_extra=body_doc(BookingIn), summary="Facilitator: book a planned one-to-one for one member")
def book(request: HttpRequest, session_id: RecordNumber) -> Any:
    actor = _actor(request)
    read_body(request)  # limits on structure first (400); fields are checked after access (422)
    placeholder = selectors.session_locate(actor=actor, pk=session_id)
    body = parse(request, BookingIn)
    session = services.one_to_one_book(
        actor=actor, placeholder=placeholder, member=GroupMember.objects.filter(pk=body.member).first(),
        day=body.day, start=body.start, facilitator=_runner(body.facilitator),
    )
    return Status(201, _session(session))


class RegisterRowOut(Schema):
    member: int
    reference: str
    outcome: str | None = Field(None, description="attended_complied | attended_failed_to_comply | acceptable_absence | unacceptable_absence")
    service_code: str | None = Field(None, description="ATTC | AFTC | UAAB (the delivery service's codes)")
    legitimate_absence: bool | None
    unacceptable_absences: int


class RegisterOut(Schema):
    session: SessionOut
    group: str
    breach_threshold: int
    rows: list[RegisterRowOut]


class RegisterRowIn(In):
    member: RecordNumber
    outcome: str


class RegisterIn(In):
    attendance: list[RegisterRowIn] = pydantic.Field(..., max_length=60)


def _register(request: HttpRequest, session_id: RecordNumber) -> dict[str, Any]:
    view = selectors.register_view(actor=_actor(request), pk=session_id)
    rows = []
    for row in view.rows:
        code = SERVICE_CODES.get(row.outcome) if row.outcome else None
        rows.append({"member": row.member.pk, "reference": row.member.reference, "outcome": row.outcome or None,
                     "service_code": code[0] if code else None, "legitimate_absence": code[1] if code else None,
                     "unacceptable_absences": row.unacceptable})
    return {"session": _session(view.session), "group": view.session.group.code, "breach_threshold": view.threshold,
            "rows": rows}


@router.get(f"{PREFIX}/sessions/{{session_id}}/register", response={200: RegisterOut, **READ_ERRORS},
            summary="Facilitator: a session's register, one row per member")
def register_view(request: HttpRequest, session_id: RecordNumber) -> Any:
    return _register(request, session_id)


@router.put(f"{PREFIX}/sessions/{{session_id}}/register", response={200: RegisterOut, **WRITE_ERRORS},
            openapi_extra=body_doc(RegisterIn),
            summary="Facilitator: take (or correct) the register — every member once, nobody else")
def register_take(request: HttpRequest, session_id: RecordNumber) -> Any:
    actor = _actor(request)
    read_body(request)  # limits on structure first (400); fields are checked after access (422)
    session = selectors.session_locate(actor=actor, pk=session_id)
    body = parse(request, RegisterIn)
    outcomes: dict[int, str] = {}
    for index, row in enumerate(body.attendance):
        if row.member in outcomes:
            raise services.refuse(f"attendance.{index}.member", "duplicate", f"Member {row.member} is given twice")
        outcomes[row.member] = row.outcome
    services.register_take(actor=actor, session=session, outcomes=outcomes, now=timezone.now())
    return _register(request, session_id)


# --- Members: progress and homework ---------------------------------------------------------------


class HomeworkOut(Schema):
    id: int
    title: str
    set_on: date
    due_on: date
    status: str
    submitted_on: date | None
    reviewed_on: date | None
    feedback: str | None


class ReviewOut(Schema):
    module: int
    ratings: dict[str, int]
    notes: str | None
    rated_on: date
    rated_by: str


class MemberDetailOut(MemberOut):
    group: str
    attendance: AttendanceOut
    homework: list[HomeworkOut]
    reviews: list[ReviewOut]


def _text_or_none(value: Any) -> str | None:
    return None if getattr(value, "unreadable", False) else str(value)


def _homework(h: Homework) -> dict[str, Any]:
    return {"id": h.pk, "title": h.title, "set_on": h.set_on, "due_on": h.due_on, "status": h.status,
            "submitted_on": h.submitted_on, "reviewed_on": h.reviewed_on, "feedback": _text_or_none(h.feedback)}


def _member_detail(request: HttpRequest, member_id: RecordNumber) -> dict[str, Any]:
    record = selectors.member_open(actor=_actor(request), pk=member_id)
    a = record.attendance
    return {
        **_member(record.member), "group": record.member.group.code,
        "attendance": {"sessions_recorded": a.sessions_held, "attended": a.attended, "rate": a.rate, "outcomes": a.counts},
        "homework": [_homework(h) for h in record.homework],
        "reviews": [{"module": r.module, "ratings": {d.code: getattr(r, d.code) for d in record.domains},
                     "notes": _text_or_none(r.notes), "rated_on": r.rated_on, "rated_by": r.rated_by.get_username()}
                    for r in record.reviews],
    }


@router.get(f"{PREFIX}/members/{{member_id}}", response={200: MemberDetailOut, **READ_ERRORS},
            summary="Facilitator: one member's attendance, homework and progress ratings")
def member_detail(request: HttpRequest, member_id: RecordNumber) -> Any:
    actor = _actor(request)
    member = selectors.member_locate(actor=actor, pk=member_id)
    if member.person_id is not None:
        _justify(request, member.person_id)
    return _member_detail(request, member_id)


class ReviewIn(In):
    ratings: dict[str, int] = pydantic.Field(..., description="Each domain (engagement, understanding, victim_empathy, regret, reflective_capacity, self_management) rated 1–4")
    notes: str = pydantic.Field("", max_length=4000)


@router.put(f"{PREFIX}/members/{{member_id}}/modules/{{module}}", response={200: MemberDetailOut, **WRITE_ERRORS},
            openapi_extra=body_doc(ReviewIn), summary="Facilitator: rate a member at the end of a module")
def module_review(request: HttpRequest, member_id: RecordNumber, module: RecordNumber) -> Any:
    actor = _actor(request)
    read_body(request)  # limits on structure first (400); fields are checked after access (422)
    member = selectors.member_locate(actor=actor, pk=member_id)
    if member.person is not None:
        _justify(request, member.person_id)
        justification_for(actor, member.person)
    body = parse(request, ReviewIn)
    services.module_review_save(actor=actor, member=member, module=module, ratings=body.ratings, notes=body.notes,
                                today=timezone.localdate())
    return _member_detail(request, member_id)


class HomeworkIn(In):
    status: str = pydantic.Field(..., description="submitted | reviewed")
    feedback: str = pydantic.Field("", max_length=4000, description="Required for reviewed")


@router.post(f"{PREFIX}/homework/{{homework_id}}", response={200: HomeworkOut, **WRITE_ERRORS},
             openapi_extra=body_doc(HomeworkIn), summary="Facilitator: homework handed in, or reviewed with feedback")
def homework_update(request: HttpRequest, homework_id: RecordNumber) -> Any:
    actor = _actor(request)
    read_body(request)  # limits on structure first (400); fields are checked after access (422)
    item = selectors.homework_locate(actor=actor, pk=homework_id)
    body = parse(request, HomeworkIn)
    return _homework(services.homework_update(actor=actor, homework=item, status=body.status, feedback=body.feedback,
                                              today=timezone.localdate()))


# --- Custody, release and sites -------------------------------------------------------------------


class ReleaseRowOut(Schema):
    person: uuid.UUID
    person_reference: str
    prison: str
    expected_release_on: date
    pathway: str
    referral_state: str


class ReleaseOut(Schema):
    within_months: int
    until: date
    results: list[ReleaseRowOut]
    not_assessed: int = Field(..., description="People due for release with no PNI pathway to judge by")
    checked: int
    capped: bool = Field(..., description="More releases are due than one answer checks (the soonest are checked)")


@router.get(f"{PREFIX}/release-without-treatment", response={200: ReleaseOut, **READ_ERRORS},
            summary="Prison and probation: people due for release whose PNI pathway calls for a programme not completed")
def release_gap(request: HttpRequest) -> Any:
    gap = selectors.release_gap(actor=_actor(request), today=timezone.localdate(), limit=200)
    return {
        "within_months": gap.within_months, "until": gap.until, "not_assessed": gap.not_assessed,
        "checked": gap.checked, "capped": gap.capped,
        "results": [{"person": r.person.pk, "person_reference": r.person.reference, "prison": r.period.prison.name,
                     "expected_release_on": r.period.expected_release_on, "pathway": r.pathway or "",
                     "referral_state": r.referral_state} for r in gap.rows],
    }


class CustodyIn(In):
    expected_release_on: date
    received_on: date | None = None


class CustodyOut(Schema):
    person: uuid.UUID
    prison: str
    received_on: date | None
    expected_release_on: date


@router.put(f"{PREFIX}/persons/{{person_id}}/custody", response={200: CustodyOut, **WRITE_ERRORS},
            openapi_extra=body_doc(CustodyIn), summary="Prison: record a person's custody and expected release date")
def custody(request: HttpRequest, person_id: uuid.UUID) -> Any:
    actor = _actor(request)
    read_body(request)  # limits on structure first (400); fields are checked after access (422)
    if not policy.allows(actor, A.CUSTODY_RECORD):
        raise PermissionDenied
    _justify(request, person_id)
    person = person_locate(actor=actor, pk=person_id)
    body = parse(request, CustodyIn)
    period = services.custody_record(actor=actor, person=person, expected_release_on=body.expected_release_on,
                                     received_on=body.received_on, today=timezone.localdate(),
                                     justification=justification_for(actor, person))
    return {"person": person.pk, "prison": actor.agency.name, "received_on": period.received_on,
            "expected_release_on": period.expected_release_on}


class ClosureIn(In):
    day: date
    reason: str = pydantic.Field(..., max_length=200)


class ClosureOut(Schema):
    site: int
    day: date
    reason: str


@router.post(f"{PREFIX}/sites/{{site_id}}/closures", response={201: ClosureOut, **WRITE_ERRORS},
             openapi_extra=body_doc(ClosureIn),
             summary="Programme manager: a day the site is shut; sessions planned on it move on")
def closure_create(request: HttpRequest, site_id: RecordNumber) -> Any:
    actor = _actor(request)
    read_body(request)  # limits on structure first (400); fields are checked after access (422)
    site = selectors.locate(actor, A.GROUP_MANAGE, Site.objects.all(), site_id)
    body = parse(request, ClosureIn)
    closure = services.closure_add(actor=actor, site=site, day=body.day, reason=body.reason, today=timezone.localdate())
    return Status(201, {"site": site.pk, "day": closure.day, "reason": closure.reason})

