"""API for person records: the same selectors, services and policy as the pages."""

from __future__ import annotations

import uuid
from datetime import date

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from safeguard import policy
from safeguard.core.api_schemas import JsonDate
from safeguard.people import selectors, services
from safeguard.people.choices import Sex
from safeguard.people.models import Person
from safeguard.people.validators import normalise_pnc
from safeguard.policy import Action

router = Router(tags=["people"])


class PersonSummary(Schema):
    id: uuid.UUID
    reference: str
    given_name: str
    family_name: str
    date_of_birth: date
    pnc_number: str
    owner_agency: str


class PersonPage(Schema):
    count: int = Field(description="Persons found, counted up to 10,000 (see `count_exact`)")
    page: int = Field(description="The page number (1 for a page reached by cursor: follow `next`/`previous` there)")
    pages: int = Field(description="Pages of 25 in `count`")
    results: list[PersonSummary]
    count_exact: bool = Field(True, description="False when there are more than `count` persons")
    next: str | None = Field(None, description="Cursor of the next page (pass it as `cursor`), null on the last page")
    previous: str | None = Field(None, description="Cursor of the previous page, null on the first")


class ConvictionOut(Schema):
    offence_code: str = Field(
        description="The offence catalogue's id, as the sentencing API takes it (`soa2003-s9`), or `other`. "
        "Before December 2026 this was written `SOA2003-s9`; a code in that spelling is still accepted wherever "
        "one is sent."
    )
    offence_date: date
    conviction_date: date
    court: str
    disposal: str


class AddressOut(Schema):
    line1: str
    town: str
    postcode: str
    from_date: date
    to_date: date | None


class NoteOut(Schema):
    created_at: str
    author: str
    agency: str
    body: str | None
    unreadable: bool


class PersonDetail(PersonSummary):
    sex: str
    aliases: list[str]
    convictions: list[ConvictionOut]
    addresses: list[AddressOut]
    notes: list[NoteOut]


class PersonIn(Schema):
    given_name: str = Field(..., min_length=1, max_length=100)
    family_name: str = Field(..., min_length=1, max_length=100)
    date_of_birth: JsonDate
    sex: Sex = Sex.NOT_RECORDED
    pnc_number: str = Field("", max_length=13)


class NoteIn(Schema):
    body: str = Field(..., min_length=1, max_length=10000)


class Created(Schema):
    id: uuid.UUID
    reference: str


def _summary_fields(person: Person) -> dict[str, object]:
    return {
        "id": person.pk,
        "reference": person.reference,
        "given_name": person.given_name,
        "family_name": person.family_name,
        "date_of_birth": person.date_of_birth,
        "pnc_number": person.pnc_number,
        "owner_agency": person.owner_agency.name,
    }


def _summary(person: Person) -> PersonSummary:
    return PersonSummary(**_summary_fields(person))  # type: ignore[arg-type]


def _detail(person: Person) -> PersonDetail:
    notes = [
        NoteOut(
            created_at=n.created_at.isoformat(),
            author=n.author.username,
            agency=n.agency.name,
            body=None if getattr(n.body, "unreadable", False) else n.body,
            unreadable=bool(getattr(n.body, "unreadable", False)),
        )
        for n in person.notes.select_related("author", "agency")[:50]
    ]
    return PersonDetail(
        **_summary_fields(person),  # type: ignore[arg-type]
        sex=person.sex,
        aliases=[str(a) for a in person.aliases.all()],
        convictions=[ConvictionOut.model_validate(c, from_attributes=True) for c in person.convictions.all()],
        addresses=[AddressOut.model_validate(a, from_attributes=True) for a in person.addresses.all()],
        notes=notes,
    )


def _with_header_justification(request: HttpRequest, pk: uuid.UUID) -> None:
    reason = request.headers.get("X-Justification", "").strip()
    if reason:
        request.actor.justifications[str(pk)] = reason[:500]  # type: ignore[attr-defined]


@router.get(
    "/persons",
    response=PersonPage,
    summary="Search the persons your agency manages",
    description="Pages of 25 in name order. Follow `next` (pass it as `cursor`): every page costs the same. "
    "`page` still works up to page 400 (the first 10,000 people); beyond it, a 422 naming `page`. A reference "
    "or PNC number in `q` is looked up exactly; other words match the start of a family or given name. A cursor "
    "that is not valid is a 422 naming `cursor`.",
)
def person_list(
    request: HttpRequest,
    q: str = Query("", max_length=100),  # type: ignore[type-arg]
    page: int = Query(1, ge=1, le=selectors.MAX_PAGE_NUMBER),  # type: ignore[type-arg]
    cursor: str = Query("", max_length=600),  # type: ignore[type-arg]
) -> PersonPage:
    result = selectors.person_search(actor=request.actor, query=q, page=page, cursor=cursor)  # type: ignore[attr-defined]
    return PersonPage(
        count=result.count,
        page=result.number or 1,
        pages=result.num_pages,
        results=[_summary(p) for p in result.object_list],
        count_exact=result.count_exact,
        next=result.next_cursor,
        previous=result.previous_cursor,
    )


@router.get(
    "/persons/{pk}",
    response=PersonDetail,
    summary="One person's record",
    description="Records owned by a police force need an `X-Justification` header (DPA 2018 s.62).",
)
def person_detail(request: HttpRequest, pk: uuid.UUID) -> PersonDetail:
    _with_header_justification(request, pk)
    record = selectors.person_record(actor=request.actor, pk=pk, include_history=False)  # type: ignore[attr-defined]
    return _detail(record.person)


@router.post("/persons", response={201: Created}, summary="Create a person owned by your agency")
def person_create(request: HttpRequest, payload: PersonIn) -> Status[Created]:
    if not policy.allows(request.actor, Action.PERSON_CREATE):  # type: ignore[attr-defined]
        raise PermissionDenied
    data = payload.model_dump()
    data["pnc_number"] = normalise_pnc(data["pnc_number"])
    person = services.person_create(actor=request.actor, data=data)  # type: ignore[attr-defined]
    return Status(201, Created(id=person.pk, reference=person.reference))


@router.post("/persons/{pk}/notes", response={201: Created}, summary="Add an encrypted case note")
def note_create(request: HttpRequest, pk: uuid.UUID, payload: NoteIn) -> Status[Created]:
    _with_header_justification(request, pk)
    person, justification = selectors.person_for_change(actor=request.actor, pk=pk, action=Action.PERSON_NOTE_ADD)  # type: ignore[attr-defined]
    services.note_add(actor=request.actor, person=person, body=payload.body, justification=justification)  # type: ignore[attr-defined]
    return Status(201, Created(id=person.pk, reference=person.reference))
