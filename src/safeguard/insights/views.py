"""Insights pages: analyses for analysts (aggregates only), outcome records on a person, imports."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from safeguard import policy
from safeguard.core.decorators import actor_required
from safeguard.core.exports import export_response
from safeguard.core.forms import add_service_errors
from safeguard.insights import imports, presentation, selectors, services, sources
from safeguard.insights.analysis import Filters
from safeguard.insights.forms import FilterForm, FollowUpForm, ImportForm, OutcomeEventForm
from safeguard.insights.models import OutcomeEvent
from safeguard.insights.policies import InsightsAction
from safeguard.people.ports import person_locate

# Cohorts up to this size are analysed while the page waits (about a second); larger ones run as a task.
INLINE_LIMIT = 20_000
IMPORT_KINDS = {"outcomes": "outcome events", "follow-ups": "follow-up periods"}


def _actor(request: HttpRequest) -> Any:
    return request.actor  # type: ignore[attr-defined]


@require_GET
@actor_required(InsightsAction.ANALYSE)
def home(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    return render(request, "insights/home.html", {"summary": selectors.summary(actor=actor)})


def _analysis(request: HttpRequest, kind: str) -> tuple[FilterForm, Filters | None, services.Computed | None, bool]:
    actor = _actor(request)
    form = FilterForm(request.GET or {}, choices=selectors.choices_for_filters(actor=actor))
    if not form.is_valid():
        return form, None, None, False
    filters = form.filters()
    today = timezone.localdate()
    computed = services.cached(actor=actor, kind=kind, filters=filters, today=today)
    too_large = False
    if computed is None:
        size = selectors.analysis_follow_ups(actor=actor, filters=filters)[: INLINE_LIMIT + 1].count()
        if size <= INLINE_LIMIT:
            computed = services.compute(actor=actor, kind=kind, filters=filters, today=today)
        else:
            too_large = True
    return form, filters, computed, too_large


def _analysis_page(request: HttpRequest, kind: str, template: str) -> HttpResponse:
    actor = _actor(request)
    form, filters, computed, too_large = _analysis(request, kind)
    progress = None
    if request.GET.get("progress"):
        from safeguard.jobs import selectors as job_selectors

        try:
            progress = job_selectors.progress_for(actor=actor, pk=uuid.UUID(request.GET["progress"]))
        except (ValueError, Http404):
            progress = None
    if filters is not None:
        services.record_analysis(actor=actor, kind=kind, filters=filters, computed=computed)
    query = request.GET.copy()
    query.pop("progress", None)
    context = {
        "form": form, "filters": filters, "computed": computed, "too_large": too_large, "progress": progress,
        "query": query.urlencode(), "kind": kind,
        "view": presentation.present(kind, computed.result, filters) if computed and filters else None,
    }
    return render(request, template, context)


@require_GET
@actor_required(InsightsAction.ANALYSE)
def survival(request: HttpRequest) -> HttpResponse:
    return _analysis_page(request, "survival", "insights/survival.html")


@require_GET
@actor_required(InsightsAction.ANALYSE)
def validation(request: HttpRequest) -> HttpResponse:
    return _analysis_page(request, "validation", "insights/validation.html")


def _download(request: HttpRequest, kind: str, fmt: str) -> HttpResponseBase:
    actor = _actor(request)
    _form, filters, computed, too_large = _analysis(request, kind)
    page = reverse(f"insights:{kind}") + (f"?{request.GET.urlencode()}" if request.GET else "")
    if filters is None or computed is None:
        messages.error(request, "Run the analysis first: it is too large to download before it has been computed."
                       if too_large else "Correct the filters first.")
        return redirect(page)
    export = presentation.export_for(kind, computed, filters, list_url=page)
    return export_response(request, actor=actor, export=export, fmt=fmt)


@require_GET
@actor_required(InsightsAction.ANALYSE)
def survival_download(request: HttpRequest, fmt: str) -> HttpResponseBase:
    return _download(request, "survival", fmt)


@require_GET
@actor_required(InsightsAction.ANALYSE)
def validation_download(request: HttpRequest, fmt: str) -> HttpResponseBase:
    return _download(request, "validation", fmt)


@require_POST
@actor_required(InsightsAction.ANALYSE)
def run(request: HttpRequest) -> HttpResponse:
    """Start a large analysis as a background task; the page follows its progress."""
    from safeguard.insights.tasks import run_analysis
    from safeguard.jobs.services import progress_start

    actor = _actor(request)
    kind = request.POST.get("kind", "")
    if kind not in services.KINDS:
        raise Http404
    query = request.POST.get("query", "")
    from django.http import QueryDict

    form = FilterForm(QueryDict(query), choices=selectors.choices_for_filters(actor=actor))
    if not form.is_valid():
        return redirect(reverse(f"insights:{kind}") + f"?{query}")
    page = reverse(f"insights:{kind}") + (f"?{query}" if query else "")
    progress = progress_start(
        actor=actor, task=run_analysis, title="Survival analysis" if kind == "survival" else "Instrument validation",
        now=timezone.now(), total=2,
        kwargs={"membership_id": actor.membership.pk, "kind": kind, "filters": form.filters().as_dict(),
                "today": timezone.localdate().isoformat(), "result_url": page},
    )
    separator = "&" if query else ""
    return redirect(reverse(f"insights:{kind}") + f"?{query}{separator}progress={progress.pk}")


@require_GET
@actor_required(InsightsAction.ANALYSE)
def flow(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    today = timezone.localdate()
    start = today.replace(year=today.year - 1)
    tables = {
        **sources.prevention_contacts(actor=actor, start=start, end=today),
        "funnel": sources.referral_funnel(actor=actor, start=start, end=today),
        "caseload": sources.supervision_caseload(actor=actor, start=start, end=today),
    }
    services.record_analysis(actor=actor, kind="flow", filters=Filters(start_from=start, start_to=today), computed=None)
    return render(request, "insights/flow.html", {"tables": presentation.flow_tables(tables), "start": start, "end": today})


# ---------------------------------------------------------------- a person's outcomes


def _person(request: HttpRequest, pk: uuid.UUID) -> Any:
    actor = _actor(request)
    person = person_locate(actor=actor, pk=pk)
    if not policy.allows(actor, InsightsAction.OUTCOME_RECORD):
        raise PermissionDenied
    return person


@require_http_methods(["GET", "POST"])
@actor_required(InsightsAction.OUTCOME_RECORD)
def outcome_add(request: HttpRequest, person_pk: uuid.UUID) -> HttpResponse:
    person = _person(request, person_pk)
    form = OutcomeEventForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.outcome_event_add(actor=_actor(request), person=person, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Outcome recorded.")
            return redirect("people:detail", pk=person.pk)
    return render(request, "insights/record_form.html", {"form": form, "person": person, "title": "Record an outcome"})


@require_POST
@actor_required(InsightsAction.OUTCOME_RECORD)
def outcome_delete(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    actor = _actor(request)
    event = policy.scope(actor, InsightsAction.OUTCOME_RECORD, OutcomeEvent.objects.all()).filter(pk=pk).first()
    if event is None:
        raise Http404
    person_pk = event.person_id
    services.outcome_event_delete(actor=actor, event=event)
    messages.success(request, "Outcome removed.")
    return redirect("people:detail", pk=person_pk)


@require_http_methods(["GET", "POST"])
@actor_required(InsightsAction.OUTCOME_RECORD)
def follow_up(request: HttpRequest, person_pk: uuid.UUID) -> HttpResponse:
    person = _person(request, person_pk)
    current = selectors.follow_up_of(actor=_actor(request), person=person)
    initial = {} if current is None else {
        name: getattr(current, name) for name in ("start_date", "start_reason", "end_date", "end_reason", "programme_status",
                                                  "programme", "site", "ethnic_group")
    }
    form = FollowUpForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.follow_up_set(actor=_actor(request), person=person, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Follow-up saved.")
            return redirect("people:detail", pk=person.pk)
    return render(request, "insights/record_form.html", {"form": form, "person": person, "title": "Follow-up"})


@require_GET
@actor_required(InsightsAction.OUTCOME_IMPORT)
def import_start(request: HttpRequest) -> HttpResponse:
    """The menu's entry: imports start with outcome events (follow-up periods are one link away)."""
    return redirect("insights:import", kind="outcomes")


@require_http_methods(["GET", "POST"])
@actor_required(InsightsAction.OUTCOME_IMPORT)
def import_file(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in IMPORT_KINDS:
        raise Http404
    target = "outcomes" if kind == "outcomes" else "follow_ups"
    form = ImportForm(request.POST if request.method == "POST" else None, request.FILES or None, kind=target)
    problems: list[imports.Problem] = []
    total = 0
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        run_import = imports.import_outcomes if target == "outcomes" else imports.import_follow_ups
        try:
            done = run_import(actor=_actor(request), content=upload.read(imports.MAX_BYTES + 1), filename=upload.name,
                              mapping=form.mapping(), today=timezone.localdate())
        except imports.ImportRefused as refused:
            problems, total = refused.problems, refused.total or len(refused.problems)
        else:
            messages.success(request, f"Imported {done.rows:,} {IMPORT_KINDS[kind]} for {done.persons:,} people.")
            return redirect("insights:import", kind=kind)
    return render(request, "insights/import.html", {
        "form": form, "kind": kind, "what": IMPORT_KINDS[kind], "problems": problems, "total": total,
        "shown": len(problems),
    })


@require_http_methods(["GET", "POST"])
@actor_required(InsightsAction.PUBLISH)
def publish(request: HttpRequest) -> HttpResponse:
    """Preview the figures as the public will see them (after disclosure control), then publish."""
    from safeguard.insights import publication
    from safeguard.insights.forms import PublishForm

    actor = _actor(request)
    form = PublishForm(request.POST if request.method == "POST" else request.GET or None)
    preview = None
    if form.is_bound and form.is_valid():
        today = timezone.localdate()
        start, end = form.cleaned_data.get("start_from"), form.cleaned_data.get("start_to") or today
        raw = publication.raw_counts(actor=actor, start_from=start, start_to=end, today=today)
        table = publication.protect(raw, start_from=start, start_to=end)
        if request.method == "POST" and request.POST.get("confirm") == "yes":
            services.publish(actor=actor, title="New sexual offences within two years, by programme status",
                             period_label=(f"{start:%-d %B %Y} to " if start else "to ") + f"{end:%-d %B %Y}", table=table)
            messages.success(request, "Figures published on the public page.")
            return redirect("public-statistics:page", language="en")
        preview = publication.worded(table)
        services.record_analysis(actor=actor, kind="publication", filters=Filters(start_from=start, start_to=end), computed=None)
    return render(request, "insights/publish.html", {"form": form, "preview": preview})
