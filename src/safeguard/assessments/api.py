"""API: the instrument catalogue, stateless scoring (nothing stored, no one named), and stored
assessments of persons (scoped, audited, immutable once completed)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from safeguard import policy
from safeguard.assessments import selectors, services
from safeguard.assessments.models import Assessment
from safeguard.assessments.policies import AssessmentAction
from safeguard.assessments.services import AnswersInvalid
from safeguard.core.api_schemas import ErrorOut, FieldProblem, JsonBool, JsonDate, Open
from safeguard.core.untrusted_http import json_body
from safeguard.instruments import registry
from safeguard.policy import Action

router = Router(tags=["instruments"])


def _require(request: HttpRequest) -> None:
    if not policy.allows(request.actor, Action.INSTRUMENTS_SCORE):  # type: ignore[attr-defined]
        raise PermissionDenied


class InstrumentOut(Open):
    id: str
    name: str
    model_version: str
    thresholds_version: str
    source: str
    verified: bool = Field(..., description="False while any of its tables is not verified against its source")


class InstrumentDetailOut(InstrumentOut):
    input_schema: dict[str, Any] = Field(..., description="JSON Schema of the inputs")


class UnknownInstrument(ErrorOut):
    allowed: list[str] = Field(..., description="The instrument ids there are")


class ScoreOut(Open):
    """An instrument's result; instruments add their own keys (listed as `extra_keys` in /instruments)."""

    instrument: str
    model_version: str
    thresholds_version: str
    verified: bool
    band: str | None
    points: int | None
    probability: float | None
    not_applicable_reason: str | None
    warnings: list[str]
    errors: list[FieldProblem]
    items: list[dict[str, Any]] = Field(..., description="Each item's answer, points and the rule that gave them")


class ScoreRefused(ScoreOut):
    detail: str


class ScoresOut(Schema):
    results: dict[str, ScoreOut] = Field(..., description="Each instrument's result, by id")


class ScoresRefused(ErrorOut):
    results: dict[str, ScoreOut] | None = Field(None, description="Each instrument's result, by id")


class ScoresIn(Schema):
    instruments: list[str] = Field(..., description="Instrument ids, as listed by GET /instruments")
    input: dict[str, Any] = Field(default_factory=dict, description="The answers, shared by every instrument")


_ANY_INPUT = {
    "requestBody": {
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "description": "The answers, as in the instrument's input schema (GET /instruments/{id})",
                }
            }
        },
        "required": True,
    }
}


def _unknown(instrument_id: str) -> Status[dict[str, Any]]:
    return Status(
        404,
        {
            "detail": f"No instrument {instrument_id!r}",
            "code": "unknown_instrument",
            "allowed": list(registry.instrument_ids()),
            "errors": [
                {
                    "field": "instrument_id",
                    "code": "unknown_instrument",
                    "message": f"no instrument {instrument_id!r}; allowed: {', '.join(registry.instrument_ids())}",
                }
            ],
        },
    )


@router.get(
    "/instruments",
    response=list[InstrumentOut],
    summary="Every instrument with its version, source and verification status",
)
def instruments(request: HttpRequest) -> list[dict[str, Any]]:
    _require(request)
    return [m.to_dict() for m in registry.list_instruments()]


@router.get(
    "/instruments/{instrument_id}",
    response={200: InstrumentDetailOut, 404: UnknownInstrument},
    summary="One instrument and the JSON Schema of its inputs",
)
def instrument(request: HttpRequest, instrument_id: str) -> Status[dict[str, Any]]:
    _require(request)
    if instrument_id not in registry.instrument_ids():
        return _unknown(instrument_id)
    return Status(
        200,
        {**registry.metadata(instrument_id).to_dict(), "input_schema": registry.input_schema(instrument_id)},
    )


@router.post(
    "/scores/{instrument_id}",
    response={200: ScoreOut, 404: UnknownInstrument, 422: ScoreRefused},
    summary="Score one instrument; every item's points and rule are explained",
    description="Nothing is stored and no one is named. A refused input gives the whole result with "
    "one entry in `errors` per field.",
    openapi_extra=_ANY_INPUT,
)
def score(request: HttpRequest, instrument_id: str) -> Status[dict[str, Any]]:
    _require(request)
    data = json_body(request)
    if instrument_id not in registry.instrument_ids():
        return _unknown(instrument_id)
    body = registry.score(instrument_id, data).to_dict()  # type: ignore[arg-type]  # refuses a non-object
    if body.get("errors"):
        return Status(422, {**body, "detail": "The input is not valid for this instrument"})
    return Status(200, body)


@router.post(
    "/scores",
    response={200: ScoresOut, 404: UnknownInstrument, 422: ScoresRefused},
    summary="Score several instruments on one input; composites (RSR, PNI) after their components",
    description="A refused input gives every instrument's result, and in `errors` each problem once, "
    "its field as `input.<field>`.",
    openapi_extra={
        "requestBody": {
            "content": {"application/json": {"schema": ScoresIn.model_json_schema()}},
            "required": True,
        }
    },
)
def score_several(request: HttpRequest) -> Status[dict[str, Any]]:
    _require(request)
    data = json_body(request)
    if isinstance(data, dict) and not isinstance(data.get("input", {}), dict):
        return Status(
            422,
            {
                "detail": "Send the answers as an object",
                "errors": [{"field": "input", "code": "invalid", "message": "input must be an object of answers"}],
            },
        )
    if not isinstance(data, dict) or not isinstance(data.get("instruments"), list):
        return Status(
            422,
            {
                "detail": "Send the instrument ids and the answers",
                "errors": [
                    {
                        "field": "instruments",
                        "code": "required",
                        "message": 'Send {"instruments": [ids…], "input": {fields…}}',
                    }
                ],
            },
        )
    unknown = [i for i in data["instruments"] if i not in registry.instrument_ids()]
    if unknown:
        return _unknown(str(unknown[0]))
    results = registry.score_many(data["instruments"], data.get("input"))  # type: ignore[arg-type]
    bodies = {k: v.to_dict() for k, v in results.items()}
    problems = {
        (f"input.{e['field']}", e["code"]): {**e, "field": f"input.{e['field']}"}
        for b in bodies.values()
        for e in b.get("errors") or []
    }
    if problems:
        return Status(
            422,
            {"detail": "The input is not valid for every instrument", "errors": list(problems.values()), "results": bodies},
        )
    return Status(200, {"results": bodies})


# -- stored assessments of persons ---------------------------------------------------------------

TAGS = ["assessments"]


class AssessmentIn(Schema):
    instrument: str = Field(..., max_length=40, description="Instrument id, as listed by GET /instruments")
    inputs: dict[str, Any] = Field(default_factory=dict, description="Answers, as in the instrument's input schema")
    complete: JsonBool = Field(False, description="Score and complete now; otherwise a draft is kept")
    assessment_date: JsonDate | None = Field(
        None, description="The date the assessment speaks for (default: the answers' assessment_date, else today); used when completing"
    )


class CorrectionIn(Schema):
    inputs: dict[str, Any] = Field(..., description="The corrected answers, complete")
    reason: str = Field(..., min_length=1, max_length=2000, description="Why the earlier version was wrong")


class AssessmentSummary(Schema):
    id: uuid.UUID
    person: uuid.UUID
    instrument: str
    status: str
    version: int
    assessment_date: date | None
    completed_at: datetime | None
    assessed_by: str | None
    agency: str
    model_version: str
    thresholds_version: str
    verified: bool | None
    band: str | None
    points: int | None
    probability: float | None = Field(
        None, description="Only for a verified result: an absolute figure from an unverified table is never given here"
    )
    warnings: list[str]
    reassessment_due: date | None
    supersedes: uuid.UUID | None
    superseded_by: uuid.UUID | None


class AssessmentDetail(AssessmentSummary):
    inputs: dict[str, Any]
    inputs_hash: str
    result: dict[str, Any] | None = Field(None, description="The instrument's whole result, exactly as the library gives it")
    instrument_metadata: dict[str, Any] | None = Field(None, description="The instrument's metadata when it was scored")
    correction_reason: str | None


def _summary_fields(a: Assessment) -> dict[str, Any]:
    result = a.result or {}
    superseded_by = getattr(a, "superseded_by_pk", None)
    return {
        "id": a.pk,
        "person": a.person_id,
        "instrument": a.instrument_id,
        "status": a.status,
        "version": a.version,
        "assessment_date": a.assessment_date,
        "completed_at": a.completed_at,
        "assessed_by": a.assessed_by.username if a.assessed_by else None,
        "agency": a.agency.name,
        "model_version": a.model_version,
        "thresholds_version": a.thresholds_version,
        "verified": a.verified,
        "band": result.get("band"),
        "points": result.get("points"),
        "probability": result.get("probability") if a.verified else None,
        "warnings": list(result.get("warnings") or []),
        "reassessment_due": a.reassessment_due,
        "supersedes": a.supersedes_id,
        "superseded_by": superseded_by,
    }


def _detail(a: Assessment, superseded_by: Assessment | None = None) -> AssessmentDetail:
    fields = _summary_fields(a)
    if superseded_by is not None:
        fields["superseded_by"] = superseded_by.pk
    reason = a.correction_reason or None
    return AssessmentDetail(
        **fields,
        inputs=a.inputs,
        inputs_hash=a.inputs_hash,
        result=a.result,
        instrument_metadata=a.instrument_snapshot,
        correction_reason=None if getattr(reason, "unreadable", False) else reason,
    )


def _answers_invalid(exc: AnswersInvalid) -> Status[dict[str, Any]]:
    return Status(
        422,
        {
            "detail": "The answers are not valid for this instrument",
            "errors": [{**e, "field": f"inputs.{e['field']}"} for e in exc.errors],
        },
    )


def _header_reason(request: HttpRequest) -> str:
    return request.headers.get("X-Justification", "").strip()[:500]


@router.get(
    "/persons/{pk}/assessments",
    tags=TAGS,
    response=list[AssessmentSummary],
    summary="A person's assessments, newest first (drafts only from your own agency)",
    description="Records owned by a police force need an `X-Justification` header.",
)
def person_assessments(request: HttpRequest, pk: uuid.UUID) -> list[AssessmentSummary]:
    actor = request.actor  # type: ignore[attr-defined]
    if reason := _header_reason(request):
        actor.justifications[str(pk)] = reason
    person, justification = selectors.person_for(actor=actor, pk=pk, action=AssessmentAction.VIEW)
    rows = selectors.assessment_history(actor=actor, person=person, justification=justification)
    return [AssessmentSummary(**_summary_fields(a)) for a in rows]


@router.post(
    "/persons/{pk}/assessments",
    tags=TAGS,
    response={201: AssessmentDetail, 422: ErrorOut},
    summary="Start an assessment of a person, or record a completed one with `complete: true`",
    description="Answer errors come back as 422 with one entry per field (`inputs.<field>`); nothing is stored.",
)
def person_assessment_create(request: HttpRequest, pk: uuid.UUID, payload: AssessmentIn) -> Status[Any]:
    actor = request.actor  # type: ignore[attr-defined]
    if reason := _header_reason(request):
        actor.justifications[str(pk)] = reason
    person, justification = selectors.person_for(actor=actor, pk=pk, action=AssessmentAction.EDIT)
    try:
        if payload.complete:
            assessment = services.assessment_record(
                actor=actor, person=person, instrument_id=payload.instrument, inputs=payload.inputs,
                assessment_date=payload.assessment_date, justification=justification,
            )
        else:
            assessment = services.assessment_start(
                actor=actor, person=person, instrument_id=payload.instrument, inputs=payload.inputs,
                justification=justification,
            )
    except AnswersInvalid as exc:
        return _answers_invalid(exc)
    return Status(201, _detail(Assessment.objects.select_related("assessed_by", "agency").get(pk=assessment.pk)))


@router.get(
    "/assessments/{assessment_id}",
    tags=TAGS,
    response=AssessmentDetail,
    summary="One stored assessment: answers, the whole result, versions and the inputs hash",
)
def assessment_detail(request: HttpRequest, assessment_id: uuid.UUID) -> AssessmentDetail:
    record = selectors.assessment_view(actor=request.actor, pk=assessment_id, reason=_header_reason(request))  # type: ignore[attr-defined]
    return _detail(record.assessment, record.superseded_by)


@router.post(
    "/assessments/{assessment_id}/corrections",
    tags=TAGS,
    response={201: AssessmentDetail, 422: ErrorOut},
    summary="Correct a completed assessment: a new version pointing to this one, with the reason",
    description="Only the latest version can be corrected, by the agency that holds it. Nothing is overwritten.",
)
def assessment_correct(request: HttpRequest, assessment_id: uuid.UUID, payload: CorrectionIn) -> Status[Any]:
    actor = request.actor  # type: ignore[attr-defined]
    assessment, justification = selectors.assessment_for_change(
        actor=actor, pk=assessment_id, reason=_header_reason(request)
    )
    try:
        correction = services.assessment_correct(
            actor=actor, assessment=assessment, inputs=payload.inputs, reason=payload.reason,
            justification=justification,
        )
    except AnswersInvalid as exc:
        return _answers_invalid(exc)
    return Status(201, _detail(Assessment.objects.select_related("assessed_by", "agency").get(pk=correction.pk)))
