"""What the alerts app adds to every role's dashboard and menu (registered in `AlertsConfig.ready`)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from safeguard.alerts import selectors
from safeguard.core.due import providers_for
from safeguard.policy import Actor


def attention(actor: Actor) -> dict[str, Any] | None:
    """The "needs attention" panel's context; None (no panel) when no app asks anything of the role."""
    today = timezone.localdate()
    found = selectors.attention(actor=actor, today=today)
    return None if found is None else {"attention": found, "today": today}


def has_providers(actor: Actor) -> bool:
    """The menu entry: only for roles some app gives due items to (no query)."""
    return bool(providers_for(actor))
