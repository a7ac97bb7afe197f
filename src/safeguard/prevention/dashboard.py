"""The prevention staff's dashboard panel: what waits for a reply, and the first replies due."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from safeguard.core.due import DueQuery
from safeguard.core.plugins import DashboardPanel
from safeguard.policy import Actor
from safeguard.prevention import selectors
from safeguard.prevention.due import first_replies
from safeguard.prevention.policies import PreventionAction


def panel_context(actor: Actor) -> dict[str, Any] | None:
    today = timezone.localdate()
    return {
        "waiting": selectors.waiting_count(actor),
        "due": first_replies(DueQuery(actor=actor, today=today, limit=5)),
        "today": today,
    }


PANEL = DashboardPanel(
    name="prevention.inbox", template="prevention/_dashboard_panel.html",
    action=PreventionAction.CONVERSATION_VIEW, context=panel_context, order=10, width="full",
)
