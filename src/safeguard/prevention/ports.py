"""The only door out of the prevention service: aggregate, disclosure-controlled figures.

`safeguard.insights` may import this module (and nothing else of `safeguard.prevention`;
import-linter enforces it). What comes out is counts per week for the whole network: contacts and
conversations by channel and by concern, time to first reply, referrals and appointment take-up.
No record, no id, no reference, no free text, no centre.

Disclosure control is `safeguard.stats.disclosure` (the one used for the public statistics), with
`RULES`: counts from 1 to 9 hidden, no rounding. Primary suppression alone is NOT enough here: a
week's contacts by channel and by concern are two breakdowns of the same contacts, so each adds up
to the week's total, and one hidden channel beside a fully shown concern breakdown could be worked
out by subtraction. So each breakdown is protected as a series WITH its total
(`protect_counts`: secondary suppression and the linear-programming audit, assuming the total is
known exactly), and the total is published (`contacts`) only when both protections show it. Figures
are not rounded, so the total either breakdown shows is the exact total the other's protection already
assumed known: putting the two side by side tells an outsider nothing the audit of each did not
allow for. A median of fewer than 10 replies is hidden too. Referrals, offers and take-up are counts
per week that nest (taken up ≤ offered ≤ referrals, all by the week of the referral), so the difference
of two shown ones is a count as well ("referred but not offered"): `protect_nested` hides 1 to 9 and
then, while two shown ones differ by 1 to 9, the inner one.
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
from safeguard.stats.disclosure import Rules, protect_counts, protect_nested

RULES = Rules(threshold=10, round_to=0)
THRESHOLD = RULES.threshold


def suppress(count: int) -> int | None:
    """One count on its own, as it may be shown outside the prevention agency (None: hidden)."""
    return protect_counts({"count": count}, RULES).figures[0].value


@dataclass(frozen=True)
class WeeklyAggregate:
    week: date
    contacts: int | None  # the week's contacts and conversations (both breakdowns add up to it)
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
    result = []
    for w in figures.weeks:
        channels, concerns = protect_counts(w.by_channel, RULES), protect_counts(w.by_concern, RULES)
        total_shown = not (channels.total.hidden or concerns.total.hidden)
        referrals, offered, taken_up = protect_nested([w.referrals, w.offered, w.accepted], RULES)
        result.append(WeeklyAggregate(
            week=w.week,
            contacts=channels.total.value if total_shown else None,
            by_channel=channels.as_dict(),
            by_concern=concerns.as_dict(),
            median_hours_to_first_reply=w.median_hours_to_first_reply if w.answered >= THRESHOLD else None,
            referrals=referrals,
            appointments_offered=offered,
            appointments_taken_up=taken_up,
        ))
    audit(action="prevention.statistics.aggregate", actor=actor, object_type="prevention.Conversation",
          details={"first_week": first_week.isoformat(), "last_week": last_week.isoformat(), "suppressed_under": THRESHOLD})
    return result
