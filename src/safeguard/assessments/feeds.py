"""The assessments app's calendar feed provider: reassessments falling due, by person reference.

Registered in `AssessmentsConfig.ready`. Only the latest current assessment of each instrument for
each person counts (a newer one replaces the due date), as on the dashboard's due list; persons
come from the actor's caseload through the policy's scope. The summary names the person by their
reference number and the instrument by its name, never the person's name.
"""

from __future__ import annotations

from django.db.models import Max

from safeguard import policy
from safeguard.assessments.policies import AssessmentAction
from safeguard.assessments.selectors import visible_assessments
from safeguard.feeds.registry import FeedEvent, Window
from safeguard.instruments import registry
from safeguard.policy import Actor

PROVIDER = "assessments.reassessments"


def instrument_label(instrument_id: str) -> str:
    """The instrument's short name ("Static-99R", "STABLE-2007"): its name up to any explanation in
    brackets, which for some instruments spells out the kind of offence they are for."""
    try:
        return registry.metadata(instrument_id).name.split(" (")[0]
    except registry.UnknownInstrumentError:  # an instrument no longer offered keeps its id
        return instrument_id


def reassessments_due(actor: Actor, window: Window) -> list[FeedEvent]:
    if not policy.allows(actor, AssessmentAction.VIEW):
        return []
    groups = (
        visible_assessments(actor=actor)
        .current()
        .filter(reassessment_due__isnull=False)
        .values("person__reference", "instrument_id")
        .annotate(due=Max("reassessment_due"))
        .filter(due__gte=window.start, due__lte=window.end)
        .order_by("due", "person__reference", "instrument_id")
    )
    return [
        FeedEvent(
            uid=f"reassessment-{group['person__reference']}-{group['instrument_id']}@safeguard",
            start=group["due"],
            summary=f"Reassessment due: {group['person__reference']} ({instrument_label(group['instrument_id'])})",
        )
        for group in groups
    ]
