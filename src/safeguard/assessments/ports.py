"""The assessments app's door for other feature apps: latest completed results for routing and
risk levels (programme suitability, supervision plans, tiering, insights), never the answers; the
results as a report shows them (courts); and recording a completed assessment through the app's own
service (demo data, imports)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import QuerySet

from safeguard import policy
from safeguard.assessments.models import Assessment
from safeguard.assessments.policies import AssessmentAction as AssessmentAction  # re-exported for other apps
from safeguard.assessments.presentation import result_view
from safeguard.assessments.selectors import person_summary
from safeguard.policy import Actor


@dataclass(frozen=True)
class LatestResult:
    """The current (latest, uncorrected) completed result of one instrument for one person."""

    assessment_id: str
    person_id: str
    instrument_id: str
    band: str | None
    points: int | None
    probability: float | None
    assessment_date: date | None
    verified: bool | None
    extra: dict[str, Any]


def latest_results(
    *, actor: Actor, person_ids: Iterable[object], instruments: Iterable[str] | None = None
) -> dict[str, dict[str, LatestResult]]:
    """{person id: {instrument id: LatestResult}} for persons the actor may see; one query.

    Not audited here: the caller shows them within a page whose own event covers the person.
    """
    ids = [str(pk) for pk in person_ids]
    if not ids or not policy.allows(actor, AssessmentAction.VIEW):
        return {}
    rows = (
        policy.scope(actor, AssessmentAction.VIEW, Assessment.objects.current())
        .filter(person_id__in=ids)
        .order_by("person_id", "instrument_id", "-assessment_date", "-completed_at")
        .values("id", "person_id", "instrument_id", "result", "assessment_date", "verified")
    )
    if instruments is not None:
        rows = rows.filter(instrument_id__in=list(instruments))
    return _latest(rows)


def _latest(rows: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, LatestResult]]:
    found: dict[str, dict[str, LatestResult]] = {}
    for row in rows:
        per_person = found.setdefault(str(row["person_id"]), {})
        if row["instrument_id"] in per_person:
            continue  # newest first: the first row of each instrument wins
        result = row["result"] or {}
        per_person[row["instrument_id"]] = LatestResult(
            assessment_id=str(row["id"]),
            person_id=str(row["person_id"]),
            instrument_id=row["instrument_id"],
            band=result.get("band"),
            points=result.get("points"),
            probability=result.get("probability"),
            assessment_date=row["assessment_date"],
            verified=row["verified"],
            extra={k: v for k, v in result.items() if k in _EXTRA_KEYS},
        )
    return found


@dataclass(frozen=True)
class ScorePoint:
    """One completed (current) result of an instrument, for aggregate analyses."""

    assessment_date: date
    points: int | None
    band: str | None
    probability: float | None


def scores_for_aggregates(*, person_ids: Any, instrument: str) -> dict[str, list[ScorePoint]]:
    """{person id: [ScorePoint, oldest first]} of one instrument's current results, in one query.

    For aggregate analyses only (insights: local validation, risk adjustment): the caller scopes
    `person_ids` (a queryset of ids or a list) by its own rule, shows no person's result, and
    records one aggregate audit event. Not scoped by `assessment.view` and not audited here, for
    that reason; a caller that shows any row must use `latest_results` instead.
    """
    rows = (
        Assessment.objects.current()
        .filter(person_id__in=person_ids, instrument_id=instrument, assessment_date__isnull=False)
        .order_by("person_id", "assessment_date", "completed_at")
        .values_list("person_id", "assessment_date", "points", "band", "probability")
    )
    found: dict[str, list[ScorePoint]] = {}
    for person_id, day, points, band, probability in rows.iterator(chunk_size=5000):
        if day is None:
            continue
        found.setdefault(str(person_id), []).append(
            ScorePoint(assessment_date=day, points=points, band=band or None, probability=probability)
        )
    return found


def known_limits_in_words(instrument_id: str) -> tuple[str, ...]:
    """An instrument's known limits as the assessment pages word them (no codes or literals)."""
    from safeguard.assessments.wording import plain
    from safeguard.instruments import registry

    return tuple(plain(limit) for limit in registry.metadata(instrument_id).known_limits)


def record_completed(
    *,
    actor: Actor,
    person: Any,
    instrument_id: str,
    inputs: dict[str, Any],
    assessment_date: date | None = None,
) -> str:
    """Score and store a completed assessment of a person the actor may assess, exactly as the
    assessments pages do (validated, versioned, audited); returns its id. Raises the service's
    ValidationError (AnswersInvalid) for answers the instrument refuses."""
    from safeguard.assessments.services import assessment_record

    done = assessment_record(
        actor=actor,
        person=person,
        instrument_id=instrument_id,
        inputs=inputs,
        assessment_date=assessment_date,
    )
    return str(done.pk)
_EXTRA_KEYS = ("pathway", "need_level", "risk_level", "not_applicable_reason", "risk_reduction_applied")


def latest_results_for_upkeep(
    *, person_ids: Iterable[object], instruments: Iterable[str]
) -> dict[str, dict[str, LatestResult]]:
    """The same as `latest_results`, without an actor, for work that keeps another app's derived fields
    current (a supervision case's risk level and tier, in a service or the daily job). The caller must
    already hold the persons in reach; nothing read here is shown or audited by this function."""
    ids = [str(pk) for pk in person_ids]
    if not ids:
        return {}
    rows = (
        Assessment.objects.current()
        .filter(person_id__in=ids, instrument_id__in=list(instruments))
        .order_by("person_id", "instrument_id", "-assessment_date", "-completed_at")
        .values("id", "person_id", "instrument_id", "result", "assessment_date", "verified")
    )
    return _latest(rows)


def persons_assessed_since(since: datetime) -> QuerySet[Assessment, Any]:
    """The ids of persons with an assessment completed (or corrected) since `since`, as a subquery for another
    app's upkeep (a supervision case's tier and risk level); not audited: nothing is shown."""
    return Assessment.objects.filter(completed_at__gte=since).values("person_id")


@dataclass(frozen=True)
class ReportedResult:
    """One instrument's latest completed result, in the words a report prints (courts' pre-sentence
    report): band, points or their range, probability, whether the norms are verified, and warnings."""

    assessment_id: str
    name: str
    assessment_date: date | None
    band: str
    points: int | None
    points_range: tuple[int, int] | None
    probability: str
    verified: bool
    source: str
    model_version: str
    warnings: list[str]


def reported_results(*, actor: Actor, person: Any) -> list[ReportedResult]:
    """The latest completed result of each instrument for a person the caller has already shown.

    Not audited here: the caller's own event (the report's) names the assessments shown."""
    found = []
    for assessment in person_summary(actor=actor, person=person).latest:
        snapshot = assessment.instrument_snapshot or {}
        view = result_view(assessment.result or {}, snapshot or None)
        found.append(ReportedResult(
            assessment_id=str(assessment.pk), name=view.name, assessment_date=assessment.assessment_date,
            band=view.band, points=view.points, points_range=view.points_range, probability=view.probability,
            verified=view.verified, source=str(snapshot.get("source", "")), model_version=view.model_version,
            warnings=view.warnings,
        ))
    return found
