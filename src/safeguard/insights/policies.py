"""Who may do what with outcome data, registered into the one policy (safeguard.policy).

- Staff who see a person (practitioners and supervisors of person agencies) see that person's
  outcome events and follow-up; those of agencies that write person records may record them;
  their supervisors may import them from a file.
- Analysts (`insights.view`, a core action) see aggregates only: an analysis agency's analysts
  over every follow-up on the platform, another agency's analysts over the follow-ups their
  agency records. No analysis page shows a row about a person.
- Publishing figures on the public page is for the analysis agency's analysts and supervisors.
"""

from __future__ import annotations

from django.db.models import Q

from safeguard import policy
from safeguard.accounts.choices import AgencyKind, Role
from safeguard.people.ports import visible_person_filter
from safeguard.policy import PERSON_AGENCIES, PERSON_WRITERS, Action, Actor


class InsightsAction:
    OUTCOME_VIEW = "insights.outcome.view"
    OUTCOME_RECORD = "insights.outcome.record"
    OUTCOME_IMPORT = "insights.outcome.import"
    PUBLISH = "insights.publish"
    ANALYSE = Action.INSIGHTS_VIEW  # the core's action: aggregate analyses


STAFF = (Role.PRACTITIONER, Role.SUPERVISOR)


def _person_records(actor: Actor) -> Q:
    return visible_person_filter(actor, "person")


def _aggregates(actor: Actor) -> Q:
    if actor.agency.kind == AgencyKind.ANALYSIS:
        return Q()
    return Q(agency=actor.agency)


def _event_aggregates(actor: Actor) -> Q:
    if actor.agency.kind == AgencyKind.ANALYSIS:
        return Q()
    from safeguard.insights.models import FollowUp

    return Q(person__in=FollowUp.objects.filter(agency=actor.agency).values("person"))


policy.register(
    actions=[InsightsAction.OUTCOME_VIEW, InsightsAction.OUTCOME_RECORD, InsightsAction.OUTCOME_IMPORT,
             InsightsAction.PUBLISH],
    grants={
        InsightsAction.OUTCOME_VIEW: lambda kind, role: kind in PERSON_AGENCIES and role in STAFF,
        InsightsAction.OUTCOME_RECORD: lambda kind, role: kind in PERSON_WRITERS and role in STAFF,
        InsightsAction.OUTCOME_IMPORT: lambda kind, role: kind in PERSON_WRITERS and role == Role.SUPERVISOR,
        InsightsAction.PUBLISH: lambda kind, role: kind == AgencyKind.ANALYSIS and role in (Role.ANALYST, Role.SUPERVISOR),
    },
    scopes={"insights.OutcomeEvent": _person_records, "insights.FollowUp": _person_records},
    action_scopes={
        ("insights.FollowUp", InsightsAction.ANALYSE): _aggregates,
        ("insights.OutcomeEvent", InsightsAction.ANALYSE): _event_aggregates,
    },
)
