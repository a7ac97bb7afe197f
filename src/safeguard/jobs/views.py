"""The administrators' "Background jobs" page, and the progress of a task started from a page."""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from safeguard.core.decorators import actor_required
from safeguard.jobs import selectors
from safeguard.policy import Action


@actor_required(Action.JOBS_VIEW)
def overview(request: HttpRequest) -> HttpResponse:
    return render(request, "jobs/overview.html", selectors.overview(now=timezone.now()))


@actor_required(Action.DASHBOARD_VIEW)
def progress(request: HttpRequest, pk: UUID) -> HttpResponse:
    """Polled by htmx every second while the task runs (the partial), or opened as a page."""
    item = selectors.progress_for(actor=request.actor, pk=pk)  # type: ignore[attr-defined]
    view = selectors.progress_view(item)
    context = {"view": view, "said": request.GET.get("said", "")}
    if getattr(request, "htmx", False):
        return render(request, "jobs/includes/progress_poll.html", context)
    return render(request, "jobs/progress.html", context)
