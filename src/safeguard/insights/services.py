"""Writes: outcome events and follow-up of a person, CSV imports (all or nothing), cached analysis
results, published statistics. Each write is one transaction with its audit event inside."""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from safeguard import policy
from safeguard.accounts.choices import AgencyKind
from safeguard.audit.services import record_event
from safeguard.insights import analysis, selectors
from safeguard.insights.models import (
    AnalysisResult,
    DataVersion,
    FollowUp,
    ImportBatch,
    OutcomeEvent,
    PublishedStatistics,
)
from safeguard.insights.policies import InsightsAction
from safeguard.people.ports import Person, justification_for
from safeguard.policy import Actor
from safeguard.stats import METHODS_VERSION

KINDS = ("survival", "validation")


def _bump_version() -> None:
    updated = DataVersion.objects.filter(pk=1).update(version=F("version") + 1)
    if not updated:
        DataVersion.objects.create(pk=1, version=1)


def data_version() -> int:
    row = DataVersion.objects.filter(pk=1).values_list("version", flat=True).first()
    return int(row or 0)


def _check(actor: Actor, action: str, person: Person) -> str:
    if not policy.allows(actor, action, None) or not policy.allows(actor, "person.view", person):
        raise PermissionDenied
    return justification_for(actor, person)


@transaction.atomic
def outcome_event_add(*, actor: Actor, person: Person, kind: str, offence_type: str, event_date: date) -> OutcomeEvent:
    justification = _check(actor, InsightsAction.OUTCOME_RECORD, person)
    if event_date > timezone.localdate():
        raise ValidationError({"event_date": "The date must be today or in the past"})
    if OutcomeEvent.objects.filter(person=person, kind=kind, offence_type=offence_type, event_date=event_date).exists():
        raise ValidationError({"event_date": "This outcome is already recorded for this person on this date"})
    event = OutcomeEvent(
        person=person, kind=kind, offence_type=offence_type, event_date=event_date, agency=actor.agency,
        recorded_by=actor.user, recorded_at=timezone.now(),
    )
    event.full_clean()
    event.save()
    _bump_version()
    record_event(action="insights.outcome.record", actor=actor, obj=person, justification=justification,
                 details={"kind": kind, "offence_type": offence_type})
    return event


@transaction.atomic
def outcome_event_delete(*, actor: Actor, event: OutcomeEvent) -> None:
    person = event.person
    justification = _check(actor, InsightsAction.OUTCOME_RECORD, person)
    details = {"kind": event.kind, "offence_type": event.offence_type}
    event.delete()
    _bump_version()
    record_event(action="insights.outcome.delete", actor=actor, obj=person, justification=justification, details=details)


@transaction.atomic
def follow_up_set(*, actor: Actor, person: Person, data: dict[str, Any]) -> FollowUp:
    """Record or change the person's follow-up (start, end and what an evaluation needs)."""
    justification = _check(actor, InsightsAction.OUTCOME_RECORD, person)
    start, end = data["start_date"], data.get("end_date")
    errors: dict[str, str] = {}
    if start > timezone.localdate():
        errors["start_date"] = "The start of follow-up must be today or in the past"
    if end is not None and end < start:
        errors["end_date"] = "The end of follow-up must be the same as or after its start"
    if end is not None and not data.get("end_reason"):
        errors["end_reason"] = "Select why follow-up ended"
    if end is None and data.get("end_reason"):
        errors["end_date"] = "Enter the date follow-up ended"
    if errors:
        raise ValidationError(errors)
    follow_up = FollowUp.objects.select_for_update().filter(person=person).first()
    created = follow_up is None
    if follow_up is None:
        follow_up = FollowUp(person=person, agency=actor.agency)
    for name in ("start_date", "start_reason", "end_date", "end_reason", "programme_status", "programme", "site", "ethnic_group"):
        if name in data:
            setattr(follow_up, name, data[name] if data[name] is not None else ("" if name == "end_reason" else None))
    follow_up.recorded_by, follow_up.recorded_at = actor.user, timezone.now()
    follow_up.full_clean()
    follow_up.save()
    _bump_version()
    record_event(action="insights.follow_up.record", actor=actor, obj=person, justification=justification,
                 details={"created": created})
    return follow_up


# ---------------------------------------------------------------- cached analyses


def scope_key(actor: Actor) -> str:
    return "all" if actor.agency.kind == AgencyKind.ANALYSIS else f"agency:{actor.agency.pk}"


def analysis_key(*, kind: str, filters: analysis.Filters, scope: str, version: int, today: date) -> str:
    text = json.dumps(
        {"kind": kind, "filters": filters.as_dict(), "scope": scope, "version": version, "today": today.isoformat(),
         "methods": METHODS_VERSION},
        sort_keys=True,
    )
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class Computed:
    result: dict[str, Any]
    key: str
    cached: bool
    computed_at: datetime
    seconds: float


def cached(*, actor: Actor, kind: str, filters: analysis.Filters, today: date) -> Computed | None:
    key = analysis_key(kind=kind, filters=filters, scope=scope_key(actor), version=data_version(), today=today)
    row = AnalysisResult.objects.filter(key=key).first()
    if row is None:
        return None
    return Computed(row.result, key, True, row.computed_at, row.seconds)


def compute(*, actor: Actor, kind: str, filters: analysis.Filters, today: date) -> Computed:
    """Run the analysis on the current data and keep the result under its key."""
    if kind not in KINDS:
        raise ValueError(kind)
    version = data_version()
    started = time.perf_counter()
    data = selectors.cohort_dataset(actor=actor, filters=filters, today=today)
    if kind == "survival":
        from safeguard.instruments import registry

        bands = [b for b in registry.metadata(filters.instrument).bands if b != "not_applicable"]
        result = analysis.survival_analysis(data, split=filters.split, band_order=bands)
    else:
        from safeguard.instruments import registry

        bands = [b for b in registry.metadata(filters.instrument).bands if b != "not_applicable"]
        result = analysis.validation_analysis(
            data, horizon=filters.horizon, band_order=bands, predicted=analysis.PREDICTED.get(filters.instrument),
            filters=filters,
        )
    result["notes"] = data.notes
    seconds = time.perf_counter() - started
    key = analysis_key(kind=kind, filters=filters, scope=scope_key(actor), version=version, today=today)
    now = timezone.now()
    AnalysisResult.objects.update_or_create(
        key=key, defaults={"kind": kind, "parameters": filters.as_dict(), "result": result, "data_version": version,
                           "computed_at": now, "seconds": seconds},
    )
    return Computed(result, key, False, now, seconds)


def record_analysis(*, actor: Actor, kind: str, filters: analysis.Filters, computed: Computed | None, action: str = "insights.analysis.view") -> None:
    """One aggregate audit event per analysis shown or downloaded: parameters and counts, no person."""
    details: dict[str, Any] = {"analysis": kind, "filters": filters.as_dict()}
    if computed is not None:
        details.update(n=computed.result.get("n"), events=computed.result.get("events"), cached=computed.cached)
    record_event(action=action, actor=actor, object_type="insights.AnalysisResult",
                 object_id=computed.key if computed else "", details=details)


def forget_old_results(*, now: datetime, days: int = 30) -> int:
    deleted, _ = AnalysisResult.objects.filter(computed_at__lt=now - timedelta(days=days)).delete()
    return deleted


# ---------------------------------------------------------------- published statistics


@transaction.atomic
def publish(*, actor: Actor, title: str, period_label: str, table: dict[str, Any]) -> PublishedStatistics:
    """Keep a disclosure-controlled table for the public page (the caller applied the control)."""
    if not policy.allows(actor, InsightsAction.PUBLISH):
        raise PermissionDenied
    published = PublishedStatistics.objects.create(
        title=title[:200], period_label=period_label[:100], table=table, published_by=actor.user, agency=actor.agency,
        published_at=timezone.now(),
    )
    record_event(action="insights.publish", actor=actor, obj=published, details={"title": published.title, "period": period_label})
    return published


def batch_create(*, actor: Actor, kind: str, filename: str, rows: int) -> ImportBatch:
    return ImportBatch.objects.create(
        kind=kind, filename=filename[:200], rows=rows, agency=actor.agency, imported_by=actor.user,
        imported_at=timezone.now(),
    )
