"""What the courts app shows from other apps: the person's risk assessments and where to find them.

The assessments app is optional here and reached through its port: if it is not there, the report
says plainly that no risk assessments are recorded. Assessments of a person whose record needs a reason to consult
(police-owned) are shown only once the user has given that reason on the person's page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.urls import NoReverseMatch, reverse

from safeguard import policy
from safeguard.assessments.ports import AssessmentAction
from safeguard.people import selectors as people_selectors
from safeguard.people.models import Person
from safeguard.policy import Actor


def assessments_url(person: Person) -> str:
    """The person's risk assessments and treatment readiness, or their record if there is no such page."""
    try:
        return reverse("assessments:history", kwargs={"person_pk": person.pk})
    except NoReverseMatch:
        return reverse("people:detail", kwargs={"pk": person.pk})


@dataclass(frozen=True)
class AssessmentRow:
    id: str
    name: str
    date: Any
    band: str
    points: int | None
    points_range: tuple[int, int] | None
    probability: str
    verified: bool
    source: str
    model_version: str
    warnings: list[str]
    url: str


@dataclass(frozen=True)
class RiskSection:
    rows: list[AssessmentRow] = field(default_factory=list)
    available: bool = False  # the assessments app can be asked
    allowed: bool = False  # the actor's role may see assessments
    needs_reason: bool = False  # a police-owned record: a reason is needed first
    reason_url: str = ""
    history_url: str = ""

    @property
    def ids(self) -> list[str]:
        return [row.id for row in self.rows]


def risk_assessments(*, actor: Actor, person: Person | None) -> RiskSection:
    """The latest completed result of each instrument for the person, with band and source.

    Not audited here: the report's own event names the assessments shown.
    """
    if person is None:
        return RiskSection()
    try:
        from safeguard.assessments.ports import reported_results
    except ImportError:  # pragma: no cover - the assessments app is not installed
        return RiskSection()
    history = assessments_url(person)
    if not policy.allows(actor, AssessmentAction.VIEW):
        return RiskSection(available=True, history_url=history)
    if policy.requires_justification(person.owner_agency):
        try:
            people_selectors.justification_for(actor, person)
        except people_selectors.JustificationRequired:
            return RiskSection(
                available=True,
                allowed=True,
                needs_reason=True,
                reason_url=reverse("people:justify", kwargs={"pk": person.pk}),
                history_url=history,
            )
    rows = []
    for result in reported_results(actor=actor, person=person):
        try:
            url = reverse("assessments:detail", kwargs={"pk": result.assessment_id})
        except NoReverseMatch:
            url = history
        rows.append(
            AssessmentRow(
                id=result.assessment_id,
                name=result.name,
                date=result.assessment_date,
                band=result.band,
                points=result.points,
                points_range=result.points_range,
                probability=result.probability,
                verified=result.verified,
                source=result.source,
                model_version=result.model_version,
                warnings=result.warnings,
                url=url,
            )
        )
    return RiskSection(rows=rows, available=True, allowed=True, history_url=history)
