"""What insights reads from other feature apps, each through that app's port, in one place.

Programme status, referral funnels, prevention contacts and supervision caseloads belong to apps
that are being built beside this one. Each reader here asks the app's `ports` module for the
function named below; until it exists, the analysis falls back to what is recorded on the
follow-up (programme status, programme, site) or the page says the figures are not available yet.
The functions insights expects (docs/insights.md, "What insights needs from other apps"):

- `safeguard.programmes.ports.programme_status_for_aggregates(*, person_ids, as_of)` →
  `{person id: (status, programme, site)}`, status one of `completed`, `started_not_completed`,
  `referred_not_started`, `not_referred` (the latest referral that began before `as_of`).
- `safeguard.programmes.ports.referral_funnel(*, actor, start, end, programme=None, site=None)` →
  rows `{"programme", "site", "referred", "assessed", "started", "completed", "median_days_to_start"}`.
- `safeguard.prevention.ports.contact_aggregates(*, start, end)` → rows `{"month", "channel",
  "concern", "contacts"}` (counts only; prevention is sealed and holds no persons).
- `safeguard.supervision.ports.caseload_aggregates(*, actor, start, end)` → rows `{"month",
  "caseload", "visits_due", "visits_done"}`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from datetime import date
from typing import Any

from safeguard.policy import Actor


def _port(app: str, name: str) -> Callable[..., Any] | None:
    try:
        module = importlib.import_module(f"safeguard.{app}.ports")
    except ImportError:
        return None
    found = getattr(module, name, None)
    return found if callable(found) else None


def programme_status(*, person_ids: Any, as_of: date) -> dict[str, tuple[str, str, str]] | None:
    """From the programmes app, or None while it does not answer (then the follow-up's record counts)."""
    reader = _port("programmes", "programme_status_for_aggregates")
    if reader is None:
        return None
    return dict(reader(person_ids=person_ids, as_of=as_of))


def referral_funnel(*, actor: Actor, start: date, end: date, programme: str = "", site: str = "") -> list[dict[str, Any]] | None:
    reader = _port("programmes", "referral_funnel")
    if reader is None:
        return None
    return list(reader(actor=actor, start=start, end=end, programme=programme or None, site=site or None))


def prevention_contacts(*, start: date, end: date) -> list[dict[str, Any]] | None:
    reader = _port("prevention", "contact_aggregates")
    if reader is None:
        return None
    return list(reader(start=start, end=end))


def supervision_caseload(*, actor: Actor, start: date, end: date) -> list[dict[str, Any]] | None:
    reader = _port("supervision", "caseload_aggregates")
    if reader is None:
        return None
    return list(reader(actor=actor, start=start, end=end))
