"""The alerts page (acknowledge many at once) and the supervisor's team view. Thin: parse, check, call."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from safeguard import policy
from safeguard.alerts import selectors, services
from safeguard.alerts.forms import AcknowledgeForm, TeamFilterForm
from safeguard.alerts.policies import AlertsAction
from safeguard.core.decorators import actor_required
from safeguard.core.due import providers_for
from safeguard.policy import Actor


def _with_providers(actor: Actor) -> None:
    """A role no app asks anything of has no alerts: refused under the page's own action."""
    if not providers_for(actor):
        policy.forget_refusal()
        raise PermissionDenied


@require_http_methods(["GET", "POST"])
@actor_required(AlertsAction.VIEW)
def alert_list(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    _with_providers(actor)
    today = timezone.localdate()
    report = selectors.current(actor=actor, today=today)
    form = AcknowledgeForm(request.POST if request.method == "POST" else None, items=report.items)
    if request.method == "POST" and form.is_valid():
        count = services.acknowledge(actor=actor, items=form.chosen(), now=timezone.now())
        messages.success(request, f"{count} item{'' if count == 1 else 's'} acknowledged.")
        return redirect("alerts:list")
    page = selectors.alerts_page(actor=actor, today=today, report=report)
    return render(request, "alerts/alerts.html", {"page": page, "form": form, "today": today})


@actor_required(AlertsAction.TEAM_VIEW)
def team(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    _with_providers(actor)
    form = TeamFilterForm(request.GET or None, members=selectors.team_members(actor=actor))
    owner = form.member() if form.is_valid() else None
    view = selectors.team_view(actor=actor, today=timezone.localdate(), owner=owner)
    return render(request, "alerts/team.html", {"view": view, "form": form})
