"""Values every page of the shell needs: service name, demo banner, the actor and navigation."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from safeguard import policy
from safeguard.policy import Action


def navigation(actor: policy.Actor | None) -> list[dict[str, str]]:
    if actor is None:
        return []
    items = [("Dashboard", "core:dashboard", Action.DASHBOARD_VIEW)]
    items += [
        ("People", "people:list", Action.PERSON_VIEW),
        ("Audit log", "audit:list", Action.AUDIT_VIEW),
        ("Users", "accounts:user-list", Action.USERS_VIEW),
    ]
    return [
        {"label": label, "url": reverse(name)}
        for label, name, action in items
        if policy.allows(actor, action)
    ]


def shell(request: HttpRequest) -> dict[str, Any]:
    actor = getattr(request, "actor", None)
    return {
        "service_name": "Safeguard",
        "demo_mode": settings.DEMO_MODE,
        "actor": actor,
        "nav_items": navigation(actor),
    }
