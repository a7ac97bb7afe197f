"""The supervision app's door for other feature apps (insights, programmes): the only module of
`safeguard.supervision` they import. Read-only, scoped, and not audited here: callers audit what they show."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from safeguard import policy
from safeguard.policy import Actor
from safeguard.supervision.actions import SupervisionAction
from safeguard.supervision.models import SupervisionCase

__all__ = ["CaseSummary", "open_cases_of"]


@dataclass(frozen=True)
class CaseSummary:
    person_id: str
    agency: str
    officer: str
    tier: str
    tier_provisional: bool
    risk_level: str
    next_visit_due: date | None


def open_cases_of(*, actor: Actor, person_ids: Iterable[object]) -> list[CaseSummary]:
    """The open supervision cases of these persons that the actor's agency may read (one query)."""
    ids = [str(pk) for pk in person_ids]
    if not ids or not policy.allows(actor, SupervisionAction.VIEW):
        return []
    cases = policy.scope(actor, SupervisionAction.VIEW, SupervisionCase.objects.filter(person_id__in=ids, closed_on__isnull=True))
    return [
        CaseSummary(str(c.person_id), c.agency.name, c.officer.get_full_name() or c.officer.username, c.tier,
                    c.tier_provisional, c.risk_level, c.next_visit_due)
        for c in cases.select_related("agency", "officer").order_by("person_id", "agency_id")[:500]
    ]  # fmt: skip
