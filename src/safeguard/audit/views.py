"""The auditor's browse of the audit log, filtered and paginated, and its CSV export."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from safeguard.audit import selectors
from safeguard.audit.actions import AuditAction, RecordType, action_label, record_label
from safeguard.audit.chain import canonical_details, time_text
from safeguard.audit.forms import AuditFilterForm
from safeguard.audit.models import AuditEvent
from safeguard.audit.partitions import SEALED
from safeguard.audit.services import record_aggregate, record_event
from safeguard.core.decorators import actor_required
from safeguard.policy import Action, Actor, audit_partitions

PAGE_SIZE = 50
EXPORT_COLUMNS = (
    "Event", "Time (UTC)", "Username", "User id", "Agency", "Role", "Action", "Action name",
    "Record type", "Record id", "Outcome", "Reason", "Endpoint", "Details", "Key id", "Hash", "Kind",
)
# A spreadsheet reads a cell that starts with one of these as a formula (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _own_partition(actor: Actor) -> str | None:
    """Where an auditor's own searches and exports are recorded: the sealed partition they read,
    if they read one (their filters can name its records), else the general one."""
    sealed = sorted(audit_partitions(actor) & SEALED)
    return sealed[0] if sealed else None


def _filters(request: HttpRequest, actor: Actor) -> tuple[AuditFilterForm, selectors.AuditFilter | None]:
    """The form, and the filters when they are valid (None when they are not)."""
    form = AuditFilterForm(request.GET or None, readable=audit_partitions(actor))
    if not form.is_bound:
        return form, selectors.AuditFilter()
    if not form.is_valid():
        return form, None
    return form, selectors.AuditFilter(**form.cleaned_data)


@actor_required(Action.AUDIT_VIEW)
def event_list(request: HttpRequest) -> HttpResponse:
    actor: Actor = request.actor  # type: ignore[attr-defined]
    form, filters = _filters(request, actor)
    page: list[AuditEvent] = []
    has_older = False
    before = request.GET.get("before", "")
    if filters is not None:
        events = selectors.event_list(actor=actor, filters=filters)
        # Keyset pagination: "older than event N" costs the same on page 1 and page 10,000,
        # and never counts the whole (very large) table.
        if before.isdigit():
            events = events.filter(pk__lt=int(before))
        rows = list(events[: PAGE_SIZE + 1])
        page, has_older = rows[:PAGE_SIZE], len(rows) > PAGE_SIZE
        record_event(
            action=AuditAction.AUDIT_SEARCH, actor=actor, object_type=RecordType.AUDIT_LOG,
            details=filters.given(), partition=_own_partition(actor),
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
            "can_export": filters is not None,
            "sealed": _own_partition(actor) is not None,
        },
    )


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def _export_row(event: AuditEvent) -> list[str]:
    values = (
        event.pk, time_text(event.occurred_at), event.username, event.user_id, event.agency_name,
        event.role, action_label(event.action), event.action, record_label(event.object_type),
        event.object_id, event.get_outcome_display(), event.justification, event.endpoint,
        canonical_details(event.details) if event.details else "", event.key_id, event.hash,
        event.get_kind_display(),
    )
    return [_cell(v) for v in values]


class _Line:
    """A file-like target for csv.writer that hands each written line back."""

    def write(self, text: str) -> str:
        return text


@actor_required(Action.AUDIT_VIEW)
def export(request: HttpRequest) -> HttpResponseBase:
    """The filtered events as CSV, streamed newest first; one `audit.export` aggregate event records
    the filters and how many rows were sent (and whether the download completed)."""
    actor: Actor = request.actor  # type: ignore[attr-defined]
    _, filters = _filters(request, actor)
    if filters is None:
        return redirect(f"{reverse('audit:list')}?{request.GET.urlencode()}")
    events = selectors.event_list(actor=actor, filters=filters)

    def rows() -> Iterator[str]:
        writer = csv.writer(_Line())
        sent, complete = 0, False
        try:
            yield writer.writerow(EXPORT_COLUMNS)
            for batch in selectors.event_batches(events):
                yield "".join(writer.writerow(_export_row(event)) for event in batch)
                sent += len(batch)
            complete = True
        finally:
            record_aggregate(
                action=AuditAction.AUDIT_EXPORT, actor=actor, object_type=RecordType.AUDIT_LOG,
                description={"filters": filters.given(), "rows": sent, "complete": complete},
                partition=_own_partition(actor),
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
    return response
