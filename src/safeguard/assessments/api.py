"""API: the instrument catalogue, stateless scoring (nothing stored, no one named), and stored
assessments of persons (scoped, audited, immutable once completed)."""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from safeguard import policy
from safeguard.assessments import selectors, services
from safeguard.assessments.models import Assessment
from safeguard.assessments.services import AnswersInvalid
from safeguard.instruments import registry
from safeguard.policy import Action

router = Router(tags=["instruments"])


def _require(request: HttpRequest) -> None:
    if not policy.allows(request.actor, Action.INSTRUMENTS_SCORE):  # type: ignore[attr-defined]
        raise PermissionDenied


def _json_object(request: HttpRequest) -> Any:
    try:
        return json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        return None


def _unknown(instrument_id: str) -> Status[dict[str, Any]]:
    return Status(
        404,
        {
            "detail": f"No instrument {instrument_id!r}",
            "code": "unknown_instrument",
            "allowed": list(registry.instrument_ids()),
        },
    )


@router.get("/instruments", summary="Every instrument with its version, source and verification status")
def instruments(request: HttpRequest) -> list[dict[str, Any]]:
    _require(request)
    return [m.to_dict() for m in registry.list_instruments()]


@router.get(
    "/instruments/{instrument_id}",
    response={200: dict[str, Any], 404: dict[str, Any]},
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
    response={200: dict[str, Any], 404: dict[str, Any], 422: dict[str, Any]},
    summary="Score one instrument; every item's points and rule are explained",
)
def score(request: HttpRequest, instrument_id: str) -> Status[dict[str, Any]]:
    _require(request)
    if instrument_id not in registry.instrument_ids():
        return _unknown(instrument_id)
    result = registry.score(instrument_id, _json_object(request))
    body = result.to_dict()
    return Status(422 if body.get("errors") else 200, body)


@router.post(
    "/scores",
    response={200: dict[str, Any], 404: dict[str, Any], 422: dict[str, Any]},
    summary="Score several instruments on one input; composites (RSR, PNI) after their components",
)
def score_several(request: HttpRequest) -> Status[dict[str, Any]]:
    _require(request)
    data = _json_object(request)
    if not isinstance(data, dict) or not isinstance(data.get("instruments"), list):
        return Status(422, {"errors": [{"field": "instruments", "code": "required",
                                        "message": "Send {\"instruments\": [ids…], \"input\": {fields…}}"}]})
    unknown = [i for i in data["instruments"] if i not in registry.instrument_ids()]
    if unknown:
        return _unknown(str(unknown[0]))
    results = registry.score_many(data["instruments"], data.get("input"))  # type: ignore[arg-type]
    bodies = {k: v.to_dict() for k, v in results.items()}
    return Status(422 if any(b.get("errors") for b in bodies.values()) else 200, {"results": bodies})


# -- stored assessments of persons ---------------------------------------------------------------

TAGS = ["assessments"]


class AssessmentIn(Schema):
    instrument: str = Field(..., max_length=40, description="Instrument id, as listed by GET /instruments")
    inputs: dict[str, Any] = Field(default_factory=dict, description="Answers, as in the instrument's input schema")
    complete: bool = Field(False, description="Score and complete now; otherwise a draft is kept")
    assessment_date: date | None = Field(
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
    person, justification = selectors.person_for(actor=actor, pk=pk, action=Action.ASSESSMENT_VIEW)
    rows = selectors.assessment_history(actor=actor, person=person, justification=justification)
    return [AssessmentSummary(**_summary_fields(a)) for a in rows]


@router.post(
    "/persons/{pk}/assessments",
    tags=TAGS,
    response={201: AssessmentDetail, 422: dict[str, Any]},
    summary="Start an assessment of a person, or record a completed one with `complete: true`",
    description="Answer errors come back as 422 with one entry per field (`inputs.<field>`); nothing is stored.",
)
def person_assessment_create(request: HttpRequest, pk: uuid.UUID, payload: AssessmentIn) -> Status[Any]:
    actor = request.actor  # type: ignore[attr-defined]
    if reason := _header_reason(request):
        actor.justifications[str(pk)] = reason
    person, justification = selectors.person_for(actor=actor, pk=pk, action=Action.ASSESSMENT_EDIT)
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
    response={201: AssessmentDetail, 422: dict[str, Any]},
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
