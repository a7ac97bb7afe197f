"""The only door out of the prevention service: aggregate, disclosure-controlled figures.

`safeguard.insights` may import this module (and nothing else of `safeguard.prevention`;
import-linter enforces it). What comes out is counts per week for the whole network: contacts and
conversations by channel and by concern, time to first reply, referrals and appointment take-up.
No record, no id, no reference, no free text, no centre. Every count under 10 is suppressed (shown
as None), and so is a median built from fewer than 10 conversations; no totals are given, so no
suppressed cell can be worked back from one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied

from safeguard import policy
from safeguard.policy import Action, Actor
from safeguard.prevention import statistics
from safeguard.prevention.auditing import audit
from safeguard.prevention.policies import PreventionAction

THRESHOLD = 10


def suppress(count: int) -> int | None:
    """A count as it may be shown outside the prevention agency (None: fewer than 10, or zero is
    shown as zero). DISCLOSURE: replace with safeguard.stats.disclosure when it is on main."""
    return None if 0 < count < THRESHOLD else count


@dataclass(frozen=True)
class WeeklyAggregate:
    week: date
    by_channel: dict[str, int | None]
    by_concern: dict[str, int | None]
    median_hours_to_first_reply: float | None
    referrals: int | None
    appointments_offered: int | None
    appointments_taken_up: int | None


def weekly_aggregates(*, actor: Actor, first_week: date, last_week: date) -> list[WeeklyAggregate]:
    """Network-wide weekly figures, suppressed, for another app (insights): for an actor who may view
    insights (or the service's own statistics). At most 104 weeks."""
    if not (policy.allows(actor, Action.INSIGHTS_VIEW) or policy.allows(actor, PreventionAction.STATISTICS_VIEW)):
        raise PermissionDenied
    if last_week - first_week > timedelta(weeks=104):
        raise ValueError("ask for at most 104 weeks")
    figures = statistics.service_statistics(centres=None, first_week=first_week, last_week=last_week)
    result = [
        WeeklyAggregate(
            week=w.week,
            by_channel={k: suppress(v) for k, v in w.by_channel.items()},
            by_concern={k: suppress(v) for k, v in w.by_concern.items()},
            median_hours_to_first_reply=w.median_hours_to_first_reply if w.answered >= THRESHOLD else None,
            referrals=suppress(w.referrals),
            appointments_offered=suppress(w.offered),
            appointments_taken_up=suppress(w.accepted),
        )
        for w in figures.weeks
    ]
    audit(action="prevention.statistics.aggregate", actor=actor, object_type="prevention.Conversation",
          details={"first_week": first_week.isoformat(), "last_week": last_week.isoformat(), "suppressed_under": THRESHOLD})
    return result
