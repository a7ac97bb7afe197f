"""Writes to stored assessments: start a draft, save answers, complete, correct. Each audited.

Scoring always goes through `safeguard.instruments.registry` with the assessment's date fixed,
so a stored result is exactly what the library, the API and the CLI give for the same inputs on
that date. A completed assessment is never changed; a correction is a new completed version that
points to the one it corrects.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from safeguard.assessments.choices import AssessmentStatus
from safeguard.assessments.models import Assessment, ReassessmentDue
from safeguard.audit.services import record_event
from safeguard.calendar.dates import add_months
from safeguard.instruments import registry
from safeguard.people.models import Person
from safeguard.policy import Actor

# The record's own date: the instrument's `assessment_date` answer when it has one.
ASSESSMENT_DATE_INPUT = "assessment_date"
MAX_REASON_LENGTH = 2000


class AnswersInvalid(ValidationError):
    """The instrument refused the answers: one error per field, in the engine's words."""

    def __init__(self, errors: list[dict[str, str]]) -> None:
        self.errors = errors
        by_field: dict[str, list[ValidationError]] = {}
        for error in errors:
            by_field.setdefault(error["field"], []).append(ValidationError(error["message"], code=error["code"]))
        super().__init__(by_field)


def canonical_json(inputs: dict[str, Any]) -> str:
    """The one written form of a set of answers: sorted keys, no spaces, UTF-8, no NaN."""
    return json.dumps(inputs, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def inputs_hash(inputs: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON of the answers, in hex."""
    return hashlib.sha256(canonical_json(inputs).encode("utf-8")).hexdigest()


def _check_instrument(instrument_id: str) -> None:
    if instrument_id not in registry.instrument_ids():
        raise ValidationError(
            {
                "instrument": ValidationError(
                    f"Choose one of: {', '.join(registry.instrument_ids())}", code="not_allowed"
                )
            }
        )


def _check_inputs(instrument_id: str, inputs: object) -> dict[str, Any]:
    """A JSON object whose keys are all inputs of the instrument (values are checked on completion)."""
    if not isinstance(inputs, dict):
        raise ValidationError({"inputs": ValidationError("Send the answers as an object of field names and values", code="not_an_object")})
    known = registry.input_schema(instrument_id)["properties"]
    unknown = sorted(str(key) for key in inputs if key not in known)
    if unknown:
        raise AnswersInvalid(
            [
                {"field": key, "code": "unknown_field", "message": f"{key} is not an input of {instrument_id}"}
                for key in unknown
            ]
        )
    not_json = []
    for key, value in inputs.items():
        try:
            canonical_json({key: value})
        except (TypeError, ValueError):
            not_json.append(
                {"field": key, "code": "wrong_type", "message": f"{key} must be a plain value (a finite number, text, true, false or null)"}
            )
    if not_json:
        raise AnswersInvalid(not_json)
    future = _future_past_events(known, inputs)
    if future:
        raise AnswersInvalid(future)
    return dict(inputs)


def _future_past_events(properties: dict[str, Any], inputs: dict[str, Any]) -> list[dict[str, str]]:
    """Dates of things that have happened (a birth, an offence) that are after today: refused even
    in a draft. The engine checks them against the assessment date itself on completion."""
    today = timezone.localdate()
    errors = []
    for key, value in inputs.items():
        prop = properties.get(key) or {}
        if not prop.get("x-past-event") or not isinstance(value, str) or len(value) != 10:
            continue
        try:
            when = date.fromisoformat(value)
        except ValueError:
            continue
        if when > today:
            errors.append(
                {"field": key, "code": "in_the_future", "message": f"{prop.get('title', key)} must be today or in the past"}
            )
    return errors


def _record_date(instrument_id: str, inputs: dict[str, Any], given: date | None, fallback: date) -> date:
    """The date the assessment speaks for: the instrument's own assessment date answer, else the one given."""
    own: date | None = None
    if ASSESSMENT_DATE_INPUT in registry.input_schema(instrument_id)["properties"]:
        raw = inputs.get(ASSESSMENT_DATE_INPUT)
        if isinstance(raw, str):
            try:
                own = date.fromisoformat(raw) if len(raw) == 10 else None
            except ValueError:
                own = None
    if own is not None and given is not None and own != given:
        raise ValidationError(
            {"assessment_date": ValidationError("The assessment date differs from the date in the answers", code="inconsistent")}
        )
    chosen = own or given or fallback
    if chosen > timezone.localdate():
        raise ValidationError(
            {"assessment_date": ValidationError("The assessment date must be today or in the past", code="out_of_range")}
        )
    return chosen


def _prefill(instrument_id: str, person: Person) -> dict[str, Any]:
    """Answers the person's record already gives: date of birth, sex, and STABLE's previous total."""
    properties = registry.input_schema(instrument_id)["properties"]
    answers: dict[str, Any] = {}
    if "date_of_birth" in properties:
        answers["date_of_birth"] = person.date_of_birth.isoformat()
    if "sex" in properties and person.sex in properties["sex"].get("enum", ()):
        answers["sex"] = person.sex
    if "previous_total" in properties:
        previous = (
            Assessment.objects.current()
            .filter(person=person, instrument_id=instrument_id)
            .order_by("-assessment_date", "-completed_at")
            .values_list("result", flat=True)
            .first()
        )
        if isinstance(previous, dict) and isinstance(previous.get("points"), int):
            answers["previous_total"] = previous["points"]
    return answers


def result_columns(body: dict[str, Any]) -> tuple[int | None, str, float | None]:
    """The points, band and probability of a stored result, as the columns analysts query."""
    points, band, probability = body.get("points"), body.get("band"), body.get("probability")
    return (
        points if isinstance(points, int) and not isinstance(points, bool) else None,
        str(band) if band else "",
        float(probability) if isinstance(probability, int | float) and not isinstance(probability, bool) else None,
    )


def _snapshot(assessment: Assessment, *, actor: Actor, inputs: dict[str, Any], assessment_date: date) -> None:
    """Score the answers and fill the completed snapshot (not saved); refuses answers with errors."""
    result = registry.score(assessment.instrument_id, inputs, today=assessment_date)
    body = result.to_dict()
    if body["errors"]:
        raise AnswersInvalid(body["errors"])
    meta = registry.metadata(assessment.instrument_id)
    assessment.inputs = inputs
    assessment.result = body
    assessment.instrument_snapshot = meta.to_dict()
    assessment.model_version = result.model_version
    assessment.thresholds_version = result.thresholds_version
    assessment.verified = result.verified
    assessment.points, assessment.band, assessment.probability = result_columns(body)
    assessment.inputs_hash = inputs_hash(inputs)
    assessment.assessed_by = actor.user
    assessment.agency = actor.agency
    assessment.completed_at = timezone.now()
    assessment.assessment_date = assessment_date
    assessment.reassessment_due = (
        add_months(assessment_date, meta.reassessment_months) if meta.reassessment_months else None
    )
    assessment.status = AssessmentStatus.COMPLETED


def _details(assessment: Assessment, **more: Any) -> dict[str, Any]:
    details = {"assessment": str(assessment.pk), "instrument": assessment.instrument_id, "version": assessment.version}
    details.update(more)
    return details


def _refuse_unless_draft(assessment: Assessment) -> None:
    if assessment.status != AssessmentStatus.DRAFT:
        raise ValidationError(
            "This assessment is completed and cannot be changed: record a correction instead", code="completed"
        )


def _track_due(assessment: Assessment) -> None:
    """Keep `ReassessmentDue` for this person and instrument in step with a newly completed
    assessment or correction (in its transaction): the latest current one's date, or no row. The
    person's row is locked first, so two assessments completed at once cannot both win."""
    list(Person.objects.select_for_update().filter(pk=assessment.person_id).values_list("pk", flat=True))
    latest = (
        Assessment.objects.current()
        .filter(person_id=assessment.person_id, instrument_id=assessment.instrument_id)
        .order_by("-assessment_date", "-completed_at")
        .first()
    )
    due_on = latest.reassessment_due if latest else None
    done_on = latest.assessment_date if latest else None
    assessor = latest.assessed_by_id if latest else None
    if latest is None or due_on is None or done_on is None or assessor is None:
        ReassessmentDue.objects.filter(person_id=assessment.person_id, instrument_id=assessment.instrument_id).delete()
        return
    ReassessmentDue.objects.update_or_create(
        person_id=assessment.person_id,
        instrument_id=assessment.instrument_id,
        defaults={
            "assessment": latest, "agency_id": latest.agency_id, "assessed_by_id": assessor,
            "assessment_date": done_on, "due_on": due_on,
        },
    )


def _locked(assessment: Assessment) -> Assessment:
    return Assessment.objects.select_for_update().get(pk=assessment.pk)


@transaction.atomic
def assessment_start(
    *, actor: Actor, person: Person, instrument_id: str, inputs: dict[str, Any] | None = None, justification: str = ""
) -> Assessment:
    """A draft for this person and instrument, prefilled from the person's record where it can be."""
    _check_instrument(instrument_id)
    answers = _prefill(instrument_id, person)
    if inputs is not None:
        answers = _check_inputs(instrument_id, inputs)
    assessment = Assessment.objects.create(
        person=person, instrument_id=instrument_id, inputs=answers, started_by=actor.user, agency=actor.agency
    )
    record_event(
        action="assessment.start", actor=actor, obj=person, justification=justification,
        details=_details(assessment),
    )
    return assessment


@transaction.atomic
def assessment_save_answers(
    *, actor: Actor, assessment: Assessment, inputs: dict[str, Any], justification: str = ""
) -> Assessment:
    """Replace a draft's answers (nothing is scored or checked beyond the field names)."""
    assessment = _locked(assessment)
    _refuse_unless_draft(assessment)
    answers = _check_inputs(assessment.instrument_id, inputs)
    changed = sorted(k for k in answers.keys() | assessment.inputs.keys() if answers.get(k) != assessment.inputs.get(k))
    assessment.inputs = answers
    assessment.save(update_fields=["inputs", "updated_at"])
    record_event(
        action="assessment.save", actor=actor, obj=assessment.person, justification=justification,
        details=_details(assessment, changed=changed),
    )
    return assessment


@transaction.atomic
def assessment_complete(
    *,
    actor: Actor,
    assessment: Assessment,
    inputs: dict[str, Any] | None = None,
    assessment_date: date | None = None,
    justification: str = "",
) -> Assessment:
    """Score the draft (with these answers, if given) and keep the snapshot. Refuses answers with errors."""
    assessment = _locked(assessment)
    _refuse_unless_draft(assessment)
    answers = _check_inputs(assessment.instrument_id, assessment.inputs if inputs is None else inputs)
    when = _record_date(assessment.instrument_id, answers, assessment_date, timezone.localdate())
    _snapshot(assessment, actor=actor, inputs=answers, assessment_date=when)
    assessment.full_clean()
    assessment.save()
    _track_due(assessment)
    record_event(
        action="assessment.complete", actor=actor, obj=assessment.person, justification=justification,
        details=_details(assessment, inputs_hash=assessment.inputs_hash, model_version=assessment.model_version),
    )
    return assessment


@transaction.atomic
def assessment_record(
    *,
    actor: Actor,
    person: Person,
    instrument_id: str,
    inputs: dict[str, Any],
    assessment_date: date | None = None,
    justification: str = "",
) -> Assessment:
    """Start and complete in one step (the API's `complete: true`, imports): one `assessment.complete` event."""
    _check_instrument(instrument_id)
    answers = _check_inputs(instrument_id, inputs)
    when = _record_date(instrument_id, answers, assessment_date, timezone.localdate())
    assessment = Assessment(person=person, instrument_id=instrument_id, started_by=actor.user, agency=actor.agency)
    _snapshot(assessment, actor=actor, inputs=answers, assessment_date=when)
    assessment.full_clean()
    assessment.save()
    _track_due(assessment)
    record_event(
        action="assessment.complete", actor=actor, obj=person, justification=justification,
        details=_details(assessment, inputs_hash=assessment.inputs_hash, model_version=assessment.model_version),
    )
    return assessment


@transaction.atomic
def assessment_correct(
    *,
    actor: Actor,
    assessment: Assessment,
    inputs: dict[str, Any],
    reason: str,
    justification: str = "",
) -> Assessment:
    """A new completed version with corrected answers; the corrected one stays as it was, superseded.

    Only the latest version of a completed assessment can be corrected. The correction keeps the
    original assessment date unless the answers carry their own.
    """
    original = _locked(assessment)
    errors: dict[str, list[ValidationError]] = {}
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [ValidationError("Enter the reason for the correction", code="required")]
    elif len(reason) > MAX_REASON_LENGTH:
        errors["reason"] = [ValidationError(f"The reason must be {MAX_REASON_LENGTH:,} characters or fewer", code="max_length")]
    if original.status != AssessmentStatus.COMPLETED:
        raise ValidationError("Only a completed assessment can be corrected: edit the draft instead", code="draft")
    if Assessment.objects.filter(supersedes=original).exists():
        raise ValidationError(
            "This version has already been corrected: correct the latest version", code="superseded"
        )
    if errors:
        raise ValidationError(errors)
    answers = _check_inputs(original.instrument_id, inputs)
    # A completed row always has a date (a database constraint); the fallback only satisfies typing.
    when = _record_date(original.instrument_id, answers, None, original.assessment_date or timezone.localdate())
    correction = Assessment(
        person=original.person,
        instrument_id=original.instrument_id,
        version=original.version + 1,
        started_by=actor.user,
        agency=actor.agency,
        supersedes=original,
        correction_reason=reason,
    )
    _snapshot(correction, actor=actor, inputs=answers, assessment_date=when)
    correction.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            correction.save()
    except IntegrityError:
        raise ValidationError(
            "This version has already been corrected: correct the latest version", code="superseded"
        ) from None
    _track_due(correction)
    record_event(
        action="assessment.correct", actor=actor, obj=original.person, justification=justification,
        details=_details(
            correction, supersedes=str(original.pk), inputs_hash=correction.inputs_hash,
            model_version=correction.model_version,
        ),
    )
    return correction
