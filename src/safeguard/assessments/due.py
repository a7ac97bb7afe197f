"""The assessments app's due items: reassessments falling due (registered in `AssessmentsConfig.ready`).

An instrument with a reassessment interval (STABLE-2007: every 6 months) gives each completed
assessment a due date. The obligation is the latest current assessment's, per person and
instrument: a later assessment (by anyone) replaces it, a correction takes its place.
It belongs to the agency that completed that assessment, and within it to the practitioner who did
(Safeguard has no caseload allocation yet, so the assessor is the owner); the supervisor's team view
shows every practitioner's, including those of people who have since left. Items appear from
`DUE_WITHIN_DAYS` before the date; an overdue one stays until a new assessment is completed or the
agency's link to the person ends.

One query per call, whatever the number of assessments: the services keep one `ReassessmentDue`
row per person and instrument (the latest assessment's date) in the assessment's own transaction,
so the query walks the agency's (or the assessor's) due-date index from the oldest date and stops
at the limit; the person's visibility is a correlated EXISTS through `people.ports`.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Exists, OuterRef
from django.urls import reverse

from safeguard import policy
from safeguard.assessments.feeds import instrument_label
from safeguard.assessments.models import ReassessmentDue
from safeguard.assessments.policies import AssessmentAction
from safeguard.core.due import DueItem, DueProvider, DueQuery
from safeguard.core.wording import date_words
from safeguard.instruments import registry
from safeguard.people.ports import persons_visible_to

KIND = "assessments.reassessment"
# How long before its date a reassessment appears (the old dashboard panel's window).
DUE_WITHIN_DAYS = 30


def _interval_words(instrument_id: str) -> str:
    try:
        months = registry.metadata(instrument_id).reassessment_months
    except registry.UnknownInstrumentError:
        months = None
    return f"every {months} months" if months else "at its interval"


def _name(first: str, last: str, username: str) -> str:
    return f"{first} {last}".strip() or username


def reassessments_due(query: DueQuery) -> list[DueItem]:
    """Reassessments due for the actor (assessments they completed), or for their agency's team."""
    actor = query.actor
    if not policy.allows(actor, AssessmentAction.EDIT) or query.limit <= 0:
        return []
    # Whether the agency may see the person, asked per row (a correlated EXISTS through the people
    # port) rather than as a list of every person the agency holds, which would cost as much as
    # the caseload on every call.
    visible = persons_visible_to(actor).filter(pk=OuterRef("person_id"))
    rows = ReassessmentDue.objects.filter(
        Exists(visible), agency=actor.agency, due_on__lte=query.today + timedelta(days=DUE_WITHIN_DAYS)
    )
    if not query.team:
        rows = rows.filter(assessed_by=actor.user)
    elif query.owner_id is not None:
        rows = rows.filter(assessed_by_id=query.owner_id)
    found = rows.order_by("due_on", "person__reference", "instrument_id").values_list(
        "person_id", "person__reference", "person__given_name", "person__family_name", "instrument_id",
        "assessment_date", "due_on", "assessed_by_id", "assessed_by__first_name",
        "assessed_by__last_name", "assessed_by__username",
    )[: query.limit]
    items: list[DueItem] = []
    for person_id, reference, given, family, instrument_id, done_on, due_on, owner_id, first, last, username in found:
        key = f"{KIND}:{person_id}:{instrument_id}:{due_on.isoformat()}"
        label = instrument_label(instrument_id)
        items.append(
            DueItem(
                key=key,
                kind=KIND,
                title=f"{label} reassessment: {given} {family}",
                reason=f"{label} is repeated {_interval_words(instrument_id)}; the last was on {date_words(done_on)}.",
                due_on=due_on,
                url=reverse("assessments:choose", kwargs={"person_pk": person_id}),
                reference=reference,
                owner_id=owner_id,
                owner_name=_name(first, last, username),
            )
        )
    return items


PROVIDER = DueProvider(kind=KIND, label="Reassessment due", action=AssessmentAction.EDIT, provide=reassessments_due)
