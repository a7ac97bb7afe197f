"""The feed itself (no sign-in: the unguessable address is the credential) and its link management."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from safeguard.core.decorators import actor_required
from safeguard.feeds import selectors, services
from safeguard.policy import Action


@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    document = selectors.feed_read(token=token[:100])
    if document is None:
        raise Http404
    response = HttpResponse(document.body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="safeguard.ics"'
    return response


@require_POST
@actor_required(Action.DASHBOARD_VIEW)
def create(request: HttpRequest) -> HttpResponse:
    token = services.feed_create(actor=request.actor)  # type: ignore[attr-defined]
    url = request.build_absolute_uri(reverse("feeds:feed", kwargs={"token": token}))
    # Shown in this response only: the link is not stored, so a reload cannot show it again.
    return render(request, "feeds/created.html", {"feed_url": url})


@require_POST
@actor_required(Action.DASHBOARD_VIEW)
def revoke(request: HttpRequest) -> HttpResponse:
    if services.feed_revoke(actor=request.actor):  # type: ignore[attr-defined]
        messages.success(request, "Your calendar feed link no longer works. Calendars subscribed to it stop updating.")
    return redirect("accounts:account")
