"""API: stateless sentencing-guideline calculations, and the sentencing cases of the actor's agency.

The stateless endpoints read and store no personal data. Cases and scenarios go through the same
selectors, services and policy as the pages (own agency only; every read and write audited).
Calculations use the guideline data in use: the packaged files plus accepted uploads.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status

from safeguard import policy
from safeguard.core.api_schemas import ErrorOut, JsonBool, Open
from safeguard.core.untrusted_http import json_body
from safeguard.courts import library, presenters, report, selectors, services, steps
from safeguard.courts.models import CaseScenario, SentencingCase
from safeguard.courts.policies import CourtsAction
from safeguard.guidelines import (
    Problems,
    calculate_any_from_dict,
    calculation_json_schema,
    list_guidelines,
    notification_from_dict,
    notification_request_json_schema,
)

router = Router(tags=["sentencing"])


def _body(request: HttpRequest) -> Any:
    if not policy.allows(request.actor, CourtsAction.SENTENCING_CALCULATE):  # type: ignore[attr-defined]
        raise PermissionDenied
    return json_body(request)


def _not_an_object() -> Status[dict[str, Any]]:
    return Status(
        400,
        {
            "detail": "The request body must be a JSON object",
            "errors": [
                {"field": "body", "code": "invalid_json", "message": "The request body must be a JSON object"}
            ],
        },
    )


def _refused(body: dict[str, Any]) -> Status[dict[str, Any]]:
    return Status(422, {"detail": "The request is not valid", **body})


class GuidelineOut(Open):
    id: str
    version: str
    title: str
    effective_from: str = Field(..., description="The date this version applies from, YYYY-MM-DD")
    offences: list[str]
    status: str = Field(..., description="verified, or what is still to be checked")


@router.get(
    "/sentencing/guidelines",
    response=list[GuidelineOut],
    summary="Guideline versions, their dates and verification status",
)
def guidelines(request: HttpRequest) -> list[dict[str, Any]]:
    if not policy.allows(request.actor, CourtsAction.SENTENCING_CALCULATE):  # type: ignore[attr-defined]
        raise PermissionDenied
    return list(list_guidelines(library.current().library))


@router.post(
    "/sentencing/calculate",
    response={200: dict[str, Any], 422: ErrorOut},
    summary="Walk the guideline steps from offence to notification period (one offence, or a case of several)",
    openapi_extra={
        "requestBody": {
            "content": {"application/json": {"schema": calculation_json_schema()}},
            "required": True,
        }
    },
)
def calculate(request: HttpRequest) -> Status[dict[str, Any]]:
    data = _body(request)
    if not isinstance(data, dict):
        return _not_an_object()
    outcome = calculate_any_from_dict(data, library.current().library)
    if isinstance(outcome, Problems):
        return _refused(outcome.to_dict())
    return Status(200, outcome.to_dict())


@router.post(
    "/sentencing/notification",
    response={200: dict[str, Any], 422: ErrorOut},
    summary="Notification period under the Sexual Offences Act 2003 s.82",
    openapi_extra={
        "requestBody": {
            "content": {"application/json": {"schema": notification_request_json_schema()}},
            "required": True,
        }
    },
)
def notification(request: HttpRequest) -> Status[dict[str, Any]]:
    data = _body(request)
    if not isinstance(data, dict):
        return _not_an_object()
    payload = dict(notification_from_dict(data))
    return _refused(payload) if payload.get("errors") else Status(200, payload)


# --- cases and scenarios --------------------------------------------------------------------------


class PersonRef(Schema):
    id: uuid.UUID
    reference: str
    given_name: str
    family_name: str


class ScenarioOut(Schema):
    id: int
    label: str
    proposed: bool
    request: dict[str, Any]
    sso_requirements: list[str] = Field(
        ..., description="the types of request.suspension.requirements (kept for older clients)"
    )
    other_offences: list[dict[str, Any]]
    totality: dict[str, Any] | None
    result: dict[str, Any] | None
    case_result: dict[str, Any] | None
    problems: list[dict[str, str]]
    warnings: list[str]
    banner: str | None
    calculated_at: datetime | None
    engine_version: str
    guideline_id: str
    guideline_version: str
    library_signature: str
    data_fingerprint: str


class CaseSummary(Schema):
    id: int
    title: str
    person: PersonRef | None
    agency: str
    created_by: str
    created_at: datetime
    updated_at: datetime


class CaseOut(CaseSummary):
    suitability: str
    proposal: str
    scenarios: list[ScenarioOut]


class CasePage(Schema):
    count: int
    page: int
    pages: int
    results: list[CaseSummary]


class CaseIn(Schema):
    title: str = Field("", max_length=200)
    person_id: uuid.UUID | None = None


class OtherOffenceIn(Schema):
    label: str = Field("", max_length=60)
    relation: str = Field("concurrent", description="concurrent, consecutive or no_separate_penalty")
    request: dict[str, Any]


class TotalityIn(Schema):
    total: str = Field(
        ..., max_length=20, description="the total custodial term the court settles on, like 3y"
    )
    reason: str = Field(..., min_length=1, max_length=2000)


class ScenarioIn(Schema):
    label: str = Field(..., min_length=1, max_length=120)
    request: dict[str, Any] = Field(..., description="the lead offence's request")
    other_offences: list[OtherOffenceIn] = Field(default_factory=list, max_length=19)
    totality: TotalityIn | None = None
    sso_requirements: list[str] = Field(
        default_factory=list,
        max_length=20,
        description="older form of request.suspension.requirements: each type is added there as "
        "{type} (types already there are not repeated) and checked by the engine",
    )
    proposed: JsonBool = False


def merge_sso_requirements(request: dict[str, Any], types: list[str]) -> dict[str, Any]:
    """The lead request with `sso_requirements` added to `suspension.requirements` as {type} entries.

    Without a suspension the entries go into a new one, which the engine refuses until `suspend` is
    given; a suspension or requirements list of the wrong shape is left for the engine to refuse."""
    if not types:
        return request
    suspension = request.get("suspension")
    suspension = {} if suspension is None else suspension
    existing = suspension.get("requirements") if isinstance(suspension, dict) else None
    if not isinstance(suspension, dict) or not isinstance(existing, list | None):
        return request
    items = list(existing or [])
    present = {item.get("type") for item in items if isinstance(item, dict)}
    for kind in types:
        if kind not in present:
            items.append({"type": kind})
            present.add(kind)
    return {**request, "suspension": {**suspension, "requirements": items}}


def _person(case: SentencingCase) -> PersonRef | None:
    person = case.person
    if person is None:
        return None
    return PersonRef(
        id=person.pk, reference=person.reference, given_name=person.given_name, family_name=person.family_name
    )


def _summary_fields(case: SentencingCase) -> dict[str, Any]:
    return {
        "id": case.pk,
        "title": case.title,
        "person": _person(case),
        "agency": case.agency.name,
        "created_by": case.created_by.username,
        "created_at": case.created_at,
        "updated_at": case.updated_at,
    }


def _scenario(scenario: CaseScenario) -> ScenarioOut:
    result = scenario.result_data
    whole = scenario.case_data or result or {}
    problems = steps.scenario_problems(
        list(scenario.problems or []), list(scenario.other_offences or []), list(scenario.case_problems or [])
    )
    return ScenarioOut(
        id=scenario.pk,
        label=scenario.label,
        proposed=scenario.proposed,
        request=scenario.request or {},
        sso_requirements=presenters.sso_requirements(scenario.request),
        other_offences=[
            {
                "label": o.get("label", ""),
                "relation": o.get("relation", ""),
                "request": o.get("request") or {},
            }
            for o in scenario.other_offences or []
        ],
        totality=scenario.totality if isinstance(scenario.totality, dict) else None,
        result=result,
        case_result=scenario.case_data,
        problems=problems,
        warnings=[str(w) for w in whole.get("warnings") or []],
        banner=whole.get("banner"),
        calculated_at=scenario.calculated_at,
        engine_version=scenario.engine_version,
        guideline_id=scenario.guideline_id,
        guideline_version=scenario.guideline_version,
        library_signature=scenario.library_signature,
        data_fingerprint=scenario.data_fingerprint,
    )


def _case(case: SentencingCase) -> CaseOut:
    return CaseOut(
        **_summary_fields(case),
        suitability=str(case.suitability or ""),
        proposal=str(case.proposal or ""),
        scenarios=[_scenario(s) for s in case.scenarios.all()],
    )


@router.get("/sentencing/cases", response=CasePage, summary="Your agency's sentencing cases, newest first")
def case_list(
    request: HttpRequest,
    page: int = Query(1, ge=1, le=100000),  # type: ignore[type-arg]
) -> CasePage:
    result = selectors.case_list(actor=request.actor, page=page)  # type: ignore[attr-defined]
    return CasePage(
        count=result.paginator.count,
        page=result.number,
        pages=result.paginator.num_pages,
        results=[CaseSummary(**_summary_fields(c)) for c in result.object_list],
    )


@router.post(
    "/sentencing/cases",
    response={201: CaseOut},
    summary="Start a case for a person your agency can see, or an unnamed scenario (give a title)",
)
def case_create(request: HttpRequest, payload: CaseIn) -> Status[CaseOut]:
    case = services.case_create(actor=request.actor, person_id=payload.person_id, title=payload.title)  # type: ignore[attr-defined]
    return Status(201, _case(case))


@router.get(
    "/sentencing/cases/{case_id}", response=CaseOut, summary="One case with its scenarios and results"
)
def case_detail(request: HttpRequest, case_id: int) -> CaseOut:
    case = selectors.case_open(actor=request.actor, pk=case_id)  # type: ignore[attr-defined]
    return _case(case)


def _scenario_refused(problems: list[dict[str, str]]) -> Status[dict[str, Any]]:
    return _refused({"errors": problems})


@router.post(
    "/sentencing/cases/{case_id}/scenarios",
    response={201: ScenarioOut, 422: ErrorOut},
    summary="Add a scenario: the lead offence's request and any further offences, calculated now "
    "(refused with every problem)",
)
def scenario_create(request: HttpRequest, case_id: int, payload: ScenarioIn) -> Status[Any]:
    actor = request.actor  # type: ignore[attr-defined]
    case = selectors.case_for_change(actor=actor, pk=case_id)
    try:
        scenario = services.scenario_put(
            actor=actor, case=case, scenario=None, label=payload.label,
            request=merge_sso_requirements(payload.request, payload.sso_requirements), proposed=payload.proposed,
            other_offences=[o.model_dump() for o in payload.other_offences],
            totality=payload.totality.model_dump() if payload.totality else None,
        )  # fmt: skip
    except services.Refused as refused:
        return _scenario_refused(refused.problems)
    return Status(201, _scenario(scenario))


@router.put(
    "/sentencing/cases/{case_id}/scenarios/{scenario_id}",
    response={200: ScenarioOut, 422: ErrorOut},
    summary="Replace a scenario's request and recalculate it",
)
def scenario_update(request: HttpRequest, case_id: int, scenario_id: int, payload: ScenarioIn) -> Status[Any]:
    actor = request.actor  # type: ignore[attr-defined]
    case, scenario = selectors.scenario_for_change(actor=actor, case_pk=case_id, scenario_pk=scenario_id)
    try:
        saved = services.scenario_put(
            actor=actor, case=case, scenario=scenario, label=payload.label,
            request=merge_sso_requirements(payload.request, payload.sso_requirements), proposed=payload.proposed,
            other_offences=[o.model_dump() for o in payload.other_offences],
            totality=payload.totality.model_dump() if payload.totality else None,
        )  # fmt: skip
    except services.Refused as refused:
        return _scenario_refused(refused.problems)
    return Status(200, _scenario(saved))


@router.get(
    "/sentencing/cases/{case_id}/report.pdf",
    summary="The pre-sentence report as a PDF",
    response={200: None},
    openapi_extra={"responses": {200: {"description": "PDF", "content": {"application/pdf": {}}}}},
)
def case_report_pdf(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    case, risk = selectors.case_report(actor=actor, pk=case_id, purpose="sentencing.report.pdf")
    return report.pdf_response(actor=actor, case=case, risk=risk)
