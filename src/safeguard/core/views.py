"""Home, the per-role dashboard, the refusal page, and health endpoints."""

from __future__ import annotations

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render

from safeguard.audit.refusals import record_refusal
from safeguard.core.decorators import actor_required
from safeguard.core.selectors import dashboard_for
from safeguard.policy import Action


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("core:dashboard")
    return redirect("accounts:sign-in")


@actor_required(Action.DASHBOARD_VIEW)
def dashboard(request: HttpRequest) -> HttpResponse:
    panels = dashboard_for(request.actor)  # type: ignore[attr-defined]
    return render(request, panels["template"], {"panels": panels})


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Every refused page (403, settings' handler403): recorded in the audit log, then explained."""
    record_refusal(request)
    return render(request, "403.html", status=403)


def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def readyz(request: HttpRequest) -> JsonResponse:
    try:
        connection.ensure_connection()
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as exc:  # the database is unreachable: report, never crash
        return JsonResponse({"status": "unavailable", "database": type(exc).__name__}, status=503)
    if pending:
        return JsonResponse({"status": "unavailable", "migrations_pending": len(pending)}, status=503)
    return JsonResponse({"status": "ready", "database": connection.vendor})
