"""Assessment pages: choose an instrument, answer its generated form with a live preview, complete,
read the result, correct it, and see a person's history and latest results side by side."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from safeguard import policy
from safeguard.assessments import selectors, services
from safeguard.assessments.charts import LineChart, line_chart
from safeguard.assessments.forms import (
    DATE_OF_ASSESSMENT,
    REASON,
    AnswersForm,
    ChooseInstrumentForm,
    add_answer_errors,
    humanise,
    problem_messages,
    questions_for,
)
from safeguard.assessments.models import Assessment
from safeguard.assessments.policies import AssessmentAction
from safeguard.assessments.presentation import ResultView, result_view
from safeguard.assessments.services import AnswersInvalid
from safeguard.core.decorators import actor_required
from safeguard.core.forms import add_service_errors
from safeguard.instruments import registry
from safeguard.policy import Action


def _service_errors(form: AnswersForm, exc: ValidationError) -> None:
    """A service's errors on the form's questions (engine field names are the form's names)."""
    if isinstance(exc, AnswersInvalid):
        add_answer_errors(form, exc.errors)
        return
    add_service_errors(form, exc)


def _preview(instrument_id: str, inputs: dict[str, Any], when: date | None = None) -> dict[str, Any]:
    """Score answers as they stand; nothing is stored and no one is named."""
    body = registry.score(instrument_id, inputs, today=when or timezone.localdate()).to_dict()
    if body["errors"]:
        questions = questions_for(instrument_id)
        # A ticked "Not known" is an answer; a blank box (null) is not counted as one.
        answered = sum(1 for q in questions if q.name in inputs and (inputs[q.name] is not None or q.choices))
        return {
            "view": None,
            "problems": problem_messages(instrument_id, body["errors"]),
            "answered": answered,
            "questions": len(questions),
        }
    return {"view": result_view(body), "problems": []}


def _preview_for(form: AnswersForm) -> dict[str, Any]:
    if not form.is_valid():
        return {"view": None, "problems": [str(m) for errors in form.errors.values() for m in errors]}
    return _preview(form.instrument_id, form.inputs(), form.cleaned_data.get(DATE_OF_ASSESSMENT))


@require_http_methods(["GET", "POST"])
@actor_required(AssessmentAction.EDIT)
def choose(request: HttpRequest, person_pk: uuid.UUID) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    person, justification = selectors.person_for(actor=actor, pk=person_pk, action=AssessmentAction.EDIT)
    form = ChooseInstrumentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        assessment = services.assessment_start(
            actor=actor, person=person, instrument_id=form.cleaned_data["instrument"], justification=justification
        )
        return redirect("assessments:edit", pk=assessment.pk)
    return render(
        request,
        "assessments/choose.html",
        {"form": form, "person": person, "instruments": registry.list_instruments()},
    )


@require_http_methods(["GET", "POST"])
@actor_required(AssessmentAction.EDIT)
def edit(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    assessment, justification = selectors.assessment_for_change(actor=actor, pk=pk)
    if assessment.is_completed:
        return redirect("assessments:detail", pk=assessment.pk)
    if request.method == "GET":
        selectors.assessment_opened(actor=actor, assessment=assessment, justification=justification)
    form = AnswersForm(assessment.instrument_id, request.POST if request.method == "POST" else None, inputs=assessment.inputs, with_date=True)
    if request.method == "POST" and form.is_valid():
        inputs = form.inputs()
        try:
            if request.POST.get("action") == "complete":
                done = services.assessment_complete(
                    actor=actor, assessment=assessment, inputs=inputs,
                    assessment_date=form.cleaned_data.get(DATE_OF_ASSESSMENT), justification=justification,
                )
                messages.success(request, f"{registry.metadata(done.instrument_id).name} assessment completed.")
                return redirect("assessments:detail", pk=done.pk)
            services.assessment_save_answers(actor=actor, assessment=assessment, inputs=inputs, justification=justification)
        except ValidationError as exc:
            _service_errors(form, exc)
        else:
            messages.success(request, "Draft saved. You can come back to it at any time.")
            return redirect("assessments:edit", pk=assessment.pk)
    return render(
        request,
        "assessments/form.html",
        {
            "form": form,
            "assessment": assessment,
            "person": assessment.person,
            "meta": registry.metadata(assessment.instrument_id),
            "preview": _preview_for(form) if form.is_bound else _preview(assessment.instrument_id, assessment.inputs),
            "mode": "edit",
        },
    )


@require_http_methods(["GET", "POST"])
@actor_required(AssessmentAction.EDIT)
def correct(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    assessment, justification = selectors.assessment_for_change(actor=actor, pk=pk)
    if assessment.is_draft:
        return redirect("assessments:edit", pk=assessment.pk)
    if request.method == "GET":
        selectors.assessment_opened(actor=actor, assessment=assessment, justification=justification)
    form = AnswersForm(assessment.instrument_id, request.POST if request.method == "POST" else None, inputs=assessment.inputs, with_reason=True)
    if request.method == "POST" and form.is_valid():
        try:
            correction = services.assessment_correct(
                actor=actor, assessment=assessment, inputs=form.inputs(), reason=form.cleaned_data[REASON],
                justification=justification,
            )
        except ValidationError as exc:
            _service_errors(form, exc)
        else:
            messages.success(request, f"Correction recorded as version {correction.version}.")
            return redirect("assessments:detail", pk=correction.pk)
    return render(
        request,
        "assessments/form.html",
        {
            "form": form,
            "assessment": assessment,
            "person": assessment.person,
            "meta": registry.metadata(assessment.instrument_id),
            "preview": _preview_for(form) if form.is_bound else {"view": result_view(assessment.result or {}, assessment.instrument_snapshot), "problems": []},
            "mode": "correct",
            "superseded": getattr(assessment, "is_superseded", False),
        },
    )


@require_POST
@actor_required(Action.INSTRUMENTS_SCORE)
def preview(request: HttpRequest, instrument_id: str) -> HttpResponse:
    """The live score as answers are given (htmx). Takes only answers: reads and stores nothing."""
    if instrument_id not in registry.instrument_ids():
        raise Http404
    form = AnswersForm(instrument_id, request.POST, with_date=f"{DATE_OF_ASSESSMENT}-day" in request.POST)
    return render(request, "assessments/_preview.html", {"preview": _preview_for(form)})


@actor_required(AssessmentAction.VIEW)
def detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    record = selectors.assessment_view(actor=actor, pk=pk)
    assessment = record.assessment
    current = registry.metadata(assessment.instrument_id) if assessment.instrument_id in registry.instrument_ids() else None
    snapshot = assessment.instrument_snapshot or (current.to_dict() if current else {})
    return render(
        request,
        "assessments/detail.html",
        {
            "assessment": assessment,
            "person": assessment.person,
            "record": record,
            "view": result_view(assessment.result, snapshot) if assessment.result else None,
            "snapshot": snapshot,
            "current_meta": current,
            "newer_version": current is not None and assessment.is_completed
            and (current.model_version, current.thresholds_version) != (assessment.model_version, assessment.thresholds_version),
            "answers": _answer_rows(assessment),
            "may_change": policy.allows(actor, AssessmentAction.EDIT)
            and assessment.agency_id == actor.agency.pk
            and record.superseded_by is None,
        },
    )


def _answer_rows(assessment: Assessment) -> list[tuple[str, str]]:
    from safeguard.assessments.presentation import answer_text

    if assessment.instrument_id not in registry.instrument_ids():
        return [(humanise(k).capitalize(), answer_text(v)) for k, v in assessment.inputs.items()]
    titles = {q.name: q.title for q in questions_for(assessment.instrument_id)}
    return [(titles.get(k, k), answer_text(v)) for k, v in assessment.inputs.items()]


def _charts(rows: list[Assessment]) -> list[tuple[LineChart, list[Assessment]]]:
    by_instrument: dict[str, list[Assessment]] = {}
    for row in rows:
        if row.is_completed and not getattr(row, "is_superseded", False) and row.result and row.result.get("points") is not None:
            by_instrument.setdefault(row.instrument_id, []).append(row)
    charts = []
    order = {i: n for n, i in enumerate(registry.instrument_ids())}
    for instrument_id, items in sorted(by_instrument.items(), key=lambda kv: order.get(kv[0], 99)):
        items.sort(key=lambda a: (a.assessment_date or date.min, a.completed_at or timezone.now()))
        snapshot = items[-1].instrument_snapshot or {}
        points_range = snapshot.get("points_range")
        name = str(snapshot.get("name") or instrument_id)
        chart = line_chart(
            key=instrument_id,
            title=f"{name}: total points at each assessment",
            series=[(a.assessment_date or date.min, int(a.result["points"])) for a in items if a.result],
            y_range=(int(points_range[0]), int(points_range[1])) if points_range else None,
        )
        charts.append((chart, items))
    return charts


@actor_required(AssessmentAction.VIEW)
def history(request: HttpRequest, person_pk: uuid.UUID) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    person, justification = selectors.person_for(actor=actor, pk=person_pk, action=AssessmentAction.VIEW)
    rows = selectors.assessment_history(actor=actor, person=person, justification=justification)
    entries: list[tuple[Assessment, ResultView | None]] = [
        (a, result_view(a.result, a.instrument_snapshot) if a.result else None) for a in rows
    ]
    return render(
        request,
        "assessments/history.html",
        {"person": person, "entries": entries, "charts": _charts(rows), "limit": selectors.HISTORY_LIMIT},
    )


@actor_required(AssessmentAction.VIEW)
def compare(request: HttpRequest, person_pk: uuid.UUID) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    person, justification = selectors.person_for(actor=actor, pk=person_pk, action=AssessmentAction.VIEW)
    latest = selectors.latest_completed(actor=actor, person=person, justification=justification)
    order = {i: n for n, i in enumerate(registry.instrument_ids())}
    latest.sort(key=lambda a: order.get(a.instrument_id, 99))
    columns = [(a, result_view(a.result or {}, a.instrument_snapshot)) for a in latest]
    return render(request, "assessments/compare.html", {"person": person, "columns": columns})
