"""The courts app's door for other feature apps: the only module of `safeguard.courts` they import.

The programmes app records a referral made because of a court order's programme requirement. It asks
here which of a person's sentencing cases propose an order with such a requirement; it never reads
the courts tables itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from safeguard import policy
from safeguard.courts import presenters
from safeguard.courts.models import SentencingCase
from safeguard.courts.policies import CourtsAction
from safeguard.policy import Actor


@dataclass(frozen=True)
class ProgrammeRequirement:
    """A sentencing case whose proposed (or first calculated) scenario has a programme requirement."""

    case_id: int
    order: str  # "suspended_sentence" or "community_order"
    title: str  # the case's title, or the scenario's label


def programme_requirements(*, actor: Actor, person_id: Any) -> list[ProgrammeRequirement]:
    """The actor's agency's sentencing cases of this person whose proposal includes a programme
    requirement of a suspended sentence or community order, newest first (at most 20; two queries).

    Not audited here: the caller records the access as part of its own page or change.
    """
    if not policy.allows(actor, CourtsAction.SENTENCING_CASE_VIEW):
        return []
    cases = (
        policy.scope(actor, CourtsAction.SENTENCING_CASE_VIEW, SentencingCase.objects.all())
        .filter(person_id=person_id)
        .prefetch_related("scenarios")
        .order_by("-updated_at", "-id")[:20]
    )
    found = []
    for case in cases:
        scenario = presenters.primary_scenario(case, list(case.scenarios.all()))
        if scenario is None or not presenters.includes_programme(scenario):
            continue
        suspended = bool(((scenario.result_data or {}).get("suspension") or {}).get("suspended"))
        found.append(
            ProgrammeRequirement(
                case_id=case.pk,
                order="suspended_sentence" if suspended else "community_order",
                title=case.title or scenario.label,
            )
        )
    return found
