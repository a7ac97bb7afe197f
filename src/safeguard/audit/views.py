"""The auditor's browse of the audit log, filtered and paginated."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from safeguard.audit import selectors
from safeguard.audit.forms import AuditFilterForm
from safeguard.audit.services import record_event
from safeguard.core.decorators import actor_required
from safeguard.policy import Action

PAGE_SIZE = 50


@actor_required(Action.AUDIT_VIEW)
def event_list(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    filters = selectors.AuditFilter()
    if form.is_bound and form.is_valid():
        filters = selectors.AuditFilter(**form.cleaned_data)
    events = selectors.event_list(actor=request.actor, filters=filters)  # type: ignore[attr-defined]
    try:
        page_number = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page_number = 1
    page = Paginator(events, PAGE_SIZE).get_page(page_number)
    record_event(
        action="audit.search",
        actor=request.actor,  # type: ignore[attr-defined]
        object_type="audit.AuditEvent",
        details={k: str(v) for k, v in filters.__dict__.items() if v},
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/event_list.html", {"form": form, "page": page, "query": query.urlencode()})
