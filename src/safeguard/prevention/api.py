"""API of the prevention service, for its own staff only (the handling centre): the inbox, the contact
log, and the centre's statistics. No message, note, reference code or passphrase ever leaves through
it; every call is authorised by the same policy as the pages and audited."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status

from safeguard import policy
from safeguard.core.api_schemas import ErrorOut
from safeguard.core.untrusted_http import json_body
from safeguard.prevention import selectors, services
from safeguard.prevention.choices import CONTACT_LOG_CHANNELS, Concern, ContactBy, Outcome
from safeguard.prevention.policies import PreventionAction
from safeguard.untrusted import InputRefused

router = Router(tags=["prevention"])


class ConversationOut(Schema):
    id: uuid.UUID
    reference: str
    status: str
    language: str
    concern: str
    assigned_to: str
    created_at: datetime
    last_activity_at: datetime
    waiting_since: datetime | None
    first_reply_at: datetime | None


class ConversationPage(Schema):
    results: list[ConversationOut]
    next: str


class ContactOut(Schema):
    id: uuid.UUID
    reference: str
    channel: str
    started_at: datetime
    duration_minutes: int
    contact_by: str
    concern: str
    outcome: str
    interpreter: bool


class ContactPage(Schema):
    results: list[ContactOut]
    next: str


class WeekOut(Schema):
    week: date
    by_channel: dict[str, int]
    by_concern: dict[str, int]
    conversations: int
    answered: int
    unanswered: int
    median_hours_to_first_reply: float | None
    referrals: int
    appointments_offered: int
    appointments_taken_up: int
    appointments_attended: int


class StatisticsOut(Schema):
    first_week: date
    last_week: date
    weeks: list[WeekOut]


def _require(request: HttpRequest, action: str) -> Any:
    actor = request.actor  # type: ignore[attr-defined]
    if not policy.allows(actor, action):
        raise PermissionDenied
    return actor


@router.get("/prevention/conversations", response={200: ConversationPage},
            summary="Your centre's conversations (no messages): waiting, mine, open or closed")
def prevention_conversations(
    request: HttpRequest,
    show: str = Query("waiting", pattern="^(waiting|mine|open|closed)$"),  # type: ignore[type-arg]
    after: str = Query("", max_length=100),  # type: ignore[type-arg]
) -> ConversationPage:
    actor = _require(request, PreventionAction.CONVERSATION_VIEW)
    page = selectors.inbox(actor=actor, show=show, cursor=after)
    return ConversationPage(
        results=[
            ConversationOut(
                id=c.pk, reference=c.reference, status=c.status, language=c.language, concern=c.concern,
                assigned_to=c.assigned_to.username if c.assigned_to else "", created_at=c.created_at,
                last_activity_at=c.last_activity_at, waiting_since=c.waiting_since, first_reply_at=c.first_reply_at,
            )
            for c in page.rows
        ],
        next=page.next_cursor,
    )


def _contact(record: Any) -> ContactOut:
    return ContactOut(
        id=record.pk, reference=record.pk.hex[:8].upper(), channel=record.channel, started_at=record.started_at,
        duration_minutes=record.duration_minutes, contact_by=record.contact_by, concern=record.concern,
        outcome=record.outcome, interpreter=record.interpreter,
    )


@router.get("/prevention/contacts", response={200: ContactPage}, summary="Your centre's contact log")
def prevention_contacts(request: HttpRequest, after: str = Query("", max_length=100)) -> ContactPage:  # type: ignore[type-arg]
    actor = _require(request, PreventionAction.CONTACT_VIEW)
    page = selectors.contacts(actor=actor, cursor=after)
    return ContactPage(results=[_contact(r) for r in page.rows], next=page.next_cursor)


class ContactIn(forms.Form):
    """The API's contact, checked like the page's form (codes instead of labels)."""

    channel = forms.ChoiceField(choices=CONTACT_LOG_CHANNELS)
    started_at = forms.DateTimeField()
    duration_minutes = forms.IntegerField(min_value=1, max_value=600)
    contact_by = forms.ChoiceField(choices=ContactBy.choices)
    concern = forms.ChoiceField(choices=Concern.choices)
    outcome = forms.ChoiceField(choices=Outcome.choices)
    interpreter = forms.BooleanField(required=False)


CONTACT_SCHEMA = {
    "type": "object",
    "required": ["channel", "started_at", "duration_minutes", "contact_by", "concern", "outcome"],
    "additionalProperties": False,
    "properties": {
        "channel": {"enum": [value for value, _label in CONTACT_LOG_CHANNELS]},
        "started_at": {"type": "string", "format": "date-time"},
        "duration_minutes": {"type": "integer", "minimum": 1, "maximum": 600},
        "contact_by": {"enum": ContactBy.values},
        "concern": {"enum": Concern.values},
        "outcome": {"enum": Outcome.values},
        "interpreter": {"type": "boolean"},
    },
}


CONTACT_FIELDS = set(ContactIn.base_fields)


def _has_time_zone(text: str) -> bool:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).tzinfo is not None
    except ValueError:
        return False


def _invalid(field: str, code: str, message: str) -> ValidationError:
    return ValidationError({field: [ValidationError(message, code=code)]})


@router.post("/prevention/contacts", response={201: ContactOut, 422: ErrorOut},
             summary="Record a contact handled outside the platform (no identity fields)",
             openapi_extra={"requestBody": {"content": {"application/json": {"schema": CONTACT_SCHEMA}},
                                            "required": True}})
def prevention_contact_create(request: HttpRequest) -> Status[Any]:
    actor = _require(request, PreventionAction.CONTACT_RECORD)
    data = json_body(request)  # within the API's limits on size and structure (safeguard.untrusted)
    if not isinstance(data, dict):
        raise InputRefused("not_an_object", "body", "the request body must be a JSON object")
    unknown = sorted(set(data) - CONTACT_FIELDS)
    if unknown:
        raise _invalid(unknown[0], "unknown_field", f"{unknown[0]} is not a field of a contact (no identity fields)")
    if "interpreter" in data and not isinstance(data["interpreter"], bool):
        raise _invalid("interpreter", "wrong_type", "interpreter must be true or false")
    if "duration_minutes" in data and (isinstance(data["duration_minutes"], bool)
                                       or not isinstance(data["duration_minutes"], int)):
        raise _invalid("duration_minutes", "wrong_type", "duration_minutes must be a whole number of minutes")
    form = ContactIn({k: v for k, v in data.items() if v is not None and k != "interpreter"})
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    if not _has_time_zone(str(data["started_at"])):
        raise _invalid("started_at", "no_timezone",
                       "started_at must be an ISO 8601 time with a time zone, e.g. 2026-06-01T14:30:00+01:00")
    cleaned = {**form.cleaned_data, "interpreter": bool(data.get("interpreter", False))}
    record = services.contact_record(actor=actor, data=cleaned, now=timezone.now())
    return Status(201, _contact(record))


@router.get("/prevention/statistics", response={200: StatisticsOut},
            summary="Your centre's weekly figures (inside the prevention agency: not suppressed)")
def prevention_statistics(request: HttpRequest, weeks: int = Query(12, ge=1, le=104)) -> StatisticsOut:  # type: ignore[type-arg]
    actor = _require(request, PreventionAction.STATISTICS_VIEW)
    figures = selectors.service_statistics(actor=actor, today=timezone.localdate(), weeks=weeks)
    return StatisticsOut(
        first_week=figures.first_week, last_week=figures.last_week,
        weeks=[
            WeekOut(week=w.week, by_channel=w.by_channel, by_concern=w.by_concern, conversations=w.conversations,
                    answered=w.answered, unanswered=w.unanswered,
                    median_hours_to_first_reply=w.median_hours_to_first_reply, referrals=w.referrals,
                    appointments_offered=w.offered, appointments_taken_up=w.accepted,
                    appointments_attended=w.attended)
            for w in figures.weeks
        ],
    )
