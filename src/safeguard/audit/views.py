"""The auditor's browse of the audit log, filtered and paginated."""

from __future__ import annotations

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
    # Keyset pagination: "older than event N" costs the same on page 1 and page 10,000,
    # and never counts the whole (very large) table.
    before = request.GET.get("before", "")
    if before.isdigit():
        events = events.filter(pk__lt=int(before))
    rows = list(events[: PAGE_SIZE + 1])
    page, has_older = rows[:PAGE_SIZE], len(rows) > PAGE_SIZE
    record_event(
        action="audit.search",
        actor=request.actor,  # type: ignore[attr-defined]
        object_type="audit.AuditEvent",
        details={k: str(v) for k, v in filters.__dict__.items() if v},
    )
    query = request.GET.copy()
    query.pop("before", None)
    return render(
        request,
        "audit/event_list.html",
        {
            "form": form,
            "events": page,
            "older_than": page[-1].pk if has_older else None,
            "is_first_page": not before.isdigit(),
            "query": query.urlencode(),
        },
    )
