"""Reads of stored assessments: scoped by the policy, audited against the person's record.

Completed assessments are visible to every agency the person is shared with (the policy's
person-child scope). A draft is one agency's work in progress: only that agency sees it.
Events name the person (as the people app's writes do), so the person's access log lists them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from safeguard import policy
from safeguard.assessments.choices import AssessmentStatus
from safeguard.assessments.models import Assessment, AssessmentQuerySet
from safeguard.assessments.policies import AssessmentAction
from safeguard.audit.models import Outcome
from safeguard.audit.services import record_event
from safeguard.people import selectors as people_selectors
from safeguard.people.models import Person
from safeguard.policy import Actor

HISTORY_LIMIT = 200


def visible_assessments(*, actor: Actor, action: str = AssessmentAction.VIEW) -> AssessmentQuerySet:
    """What the actor may see: completed assessments of persons shared with them, and their agency's drafts."""
    scoped = policy.scope(actor, action, Assessment.objects.all())
    return scoped.filter(Q(status=AssessmentStatus.COMPLETED) | Q(agency=actor.agency))  # type: ignore[return-value]


def person_for(*, actor: Actor, pk: object, action: str) -> tuple[Person, str]:
    """A person the actor may do this assessment action for: 403 for the role, 404 if unseen.

    Raises `JustificationRequired` for a record whose owner needs a reason first.
    """
    if not policy.allows(actor, action):
        raise PermissionDenied
    return people_selectors.person_for_change(actor=actor, pk=pk, action=action)


def _locate(*, actor: Actor, pk: Any, action: str) -> Assessment:
    if not policy.allows(actor, action):
        raise PermissionDenied
    assessment = (
        visible_assessments(actor=actor, action=action)
        .select_related("person", "person__owner_agency", "assessed_by", "started_by", "agency", "supersedes")
        .with_supersession()
        .filter(pk=pk)
        .first()
    )
    if assessment is None:
        record_event(
            action=action, actor=actor, object_type="assessments.Assessment", object_id=str(pk),
            outcome=Outcome.DENIED,
        )
        raise Http404
    return assessment


@dataclass(frozen=True)
class AssessmentRecord:
    assessment: Assessment
    justification: str
    superseded_by: Assessment | None


def _given_reason(actor: Actor, assessment: Assessment, reason: str) -> None:
    """A reason sent with the request (the API's X-Justification) counts for this person."""
    if reason:
        actor.justifications[str(assessment.person_id)] = reason[:500]


def assessment_view(*, actor: Actor, pk: object, reason: str = "") -> AssessmentRecord:
    """One assessment for its page or the API; writes one `assessment.view` event.

    The lookup runs outside a transaction so that a denied attempt's event is kept.
    """
    assessment = _locate(actor=actor, pk=pk, action=AssessmentAction.VIEW)
    _given_reason(actor, assessment, reason)
    justification = people_selectors.justification_for(actor, assessment.person)
    record_event(
        action="assessment.view", actor=actor, obj=assessment.person, justification=justification,
        details={"assessment": str(assessment.pk), "instrument": assessment.instrument_id},
    )
    later = Assessment.objects.filter(supersedes=assessment).select_related("assessed_by").first()
    return AssessmentRecord(assessment=assessment, justification=justification, superseded_by=later)


def assessment_for_change(*, actor: Actor, pk: object, reason: str = "") -> tuple[Assessment, str]:
    """An assessment the actor may change (edit a draft, correct a completed one); not audited.

    The service writing the change records the event. A visible assessment of another agency is 403.
    """
    assessment = _locate(actor=actor, pk=pk, action=AssessmentAction.EDIT)
    _given_reason(actor, assessment, reason)
    if assessment.agency_id != actor.agency.pk:
        raise PermissionDenied
    return assessment, people_selectors.justification_for(actor, assessment.person)


def assessment_opened(*, actor: Actor, assessment: Assessment, justification: str) -> None:
    """Record that a page showed this assessment's answers for changing (one `assessment.view`)."""
    record_event(
        action="assessment.view", actor=actor, obj=assessment.person, justification=justification,
        details={"assessment": str(assessment.pk), "instrument": assessment.instrument_id},
    )


def _for_person(actor: Actor, person: Person) -> AssessmentQuerySet:
    return (
        visible_assessments(actor=actor)
        .filter(person=person)
        .select_related("assessed_by", "started_by", "agency", "supersedes")
        .with_supersession()
    )


def assessment_history(*, actor: Actor, person: Person, justification: str = "") -> list[Assessment]:
    """Every assessment of this person the actor may see, newest first; one `assessment.history` event."""
    rows = list(_for_person(actor, person).order_by("-assessment_date", "-completed_at", "-created_at")[:HISTORY_LIMIT])
    record_event(
        action="assessment.history", actor=actor, obj=person, justification=justification,
        details={"shown": [str(a.pk) for a in rows]},
    )
    return rows


def _latest_per_instrument(rows: list[Assessment]) -> list[Assessment]:
    latest: dict[str, Assessment] = {}
    for row in rows:  # newest first: the first row of each instrument wins
        latest.setdefault(row.instrument_id, row)
    return list(latest.values())


def latest_completed(*, actor: Actor, person: Person, justification: str = "") -> list[Assessment]:
    """The current (latest, uncorrected) completed result of each instrument; one `assessment.compare` event."""
    rows = list(
        _for_person(actor, person).current().order_by("-assessment_date", "-completed_at")[:HISTORY_LIMIT]
    )
    latest = _latest_per_instrument(rows)
    record_event(
        action="assessment.compare", actor=actor, obj=person, justification=justification,
        details={"shown": [str(a.pk) for a in latest]},
    )
    return latest


@dataclass(frozen=True)
class PersonAssessments:
    latest: list[Assessment]
    drafts: list[Assessment]
    count: int


def person_summary(*, actor: Actor | None, person: Person) -> PersonAssessments:
    """For the person's own page, whose `person.view` event covers this read: not audited again."""
    if actor is None or not policy.allows(actor, AssessmentAction.VIEW):
        return PersonAssessments(latest=[], drafts=[], count=0)
    rows = list(_for_person(actor, person).order_by("-assessment_date", "-completed_at", "-created_at")[:HISTORY_LIMIT])
    current = [r for r in rows if r.is_completed and not getattr(r, "is_superseded", False)]
    return PersonAssessments(
        latest=_latest_per_instrument(current),
        drafts=[r for r in rows if r.is_draft],
        count=sum(1 for r in rows if r.is_completed),
    )
