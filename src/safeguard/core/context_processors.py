"""Values every page of the shell needs: service name, demo banner, the actor and navigation."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from safeguard import policy
from safeguard.core import plugins
from safeguard.policy import Action


def navigation(actor: policy.Actor | None, path: str = "") -> list[dict[str, Any]]:
    """Menu items the role may use; the one whose address is the longest prefix of the page is active."""
    if actor is None:
        return []
    items = [("Dashboard", "core:dashboard", Action.DASHBOARD_VIEW)]
    items += [
        ("People", "people:list", Action.PERSON_VIEW),
        ("Audit log", "audit:list", Action.AUDIT_VIEW),
        ("Users", "accounts:user-list", Action.USERS_VIEW),
    ]
    entries: list[dict[str, Any]] = [
        {"label": label, "url": reverse(name), "active": False}
        for label, name, action in items
        if policy.allows(actor, action)
    ]
    # Entries the feature apps registered (safeguard.core.plugins), after the core's.
    entries += [{"label": e.label, "url": reverse(e.url_name), "active": False} for e in plugins.nav_entries(actor)]
    matches = [e for e in entries if path.startswith(e["url"])]
    if matches:
        max(matches, key=lambda e: len(e["url"]))["active"] = True
    return entries


def shell(request: HttpRequest) -> dict[str, Any]:
    actor = getattr(request, "actor", None)
    return {
        "service_name": "Safeguard",
        "demo_mode": settings.DEMO_MODE,
        "actor": actor,
        "nav_items": navigation(actor, request.path),
    }
