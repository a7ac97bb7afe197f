"""Reads of sentencing cases: scoped by the policy (own agency) and audited, one event per read.

Cases are case records whether or not a person is attached, so every read is recorded. The event's
object is the case; its details name the scenario and, where there is one, the person.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet
from django.http import Http404

from safeguard import policy
from safeguard.audit.models import Outcome
from safeguard.audit.services import record_event
from safeguard.courts import integrations
from safeguard.courts.models import CaseScenario, GuidelineUpload, GuidelineVerification, SentencingCase
from safeguard.courts.policies import CourtsAction
from safeguard.people import selectors as people_selectors
from safeguard.people.models import Person
from safeguard.policy import Action, Actor

PAGE_SIZE = 25
OBJECT_TYPE = "courts.SentencingCase"


def case_details(case: SentencingCase, **extra: Any) -> dict[str, Any]:
    details: dict[str, Any] = {"person": str(case.person_id)} if case.person_id else {"unnamed": True}
    details.update(extra)
    return details


def visible_cases(*, actor: Actor, action: str = CourtsAction.SENTENCING_CASE_VIEW) -> QuerySet[SentencingCase]:
    return policy.scope(actor, action, SentencingCase.objects.all())


def listed_cases(*, actor: Actor) -> QuerySet[SentencingCase]:
    """The case list's rows, newest change first: for its pages and its downloads (core.exports)."""
    if not policy.allows(actor, CourtsAction.SENTENCING_CASE_VIEW):
        raise PermissionDenied
    return (
        visible_cases(actor=actor)
        .select_related("person", "created_by")
        .annotate(scenario_count=Count("scenarios"))
        .order_by("-updated_at", "-id")
    )


def case_list(*, actor: Actor, page: int = 1) -> Page[SentencingCase]:
    cases = listed_cases(actor=actor)
    result: Page[SentencingCase] = Paginator(cases, PAGE_SIZE).get_page(page)
    record_event(
        action="sentencing.case.list",
        actor=actor,
        object_type=OBJECT_TYPE,
        details={
            "page": result.number,
            "shown": [c.pk for c in result.object_list],
            "persons": sorted({str(c.person_id) for c in result.object_list if c.person_id}),
        },
    )
    return result


def _get_case(*, actor: Actor, pk: Any, action: str) -> SentencingCase:
    if not policy.allows(actor, action):
        raise PermissionDenied
    case = (
        visible_cases(actor=actor, action=action)
        .select_related("person", "person__owner_agency", "agency", "created_by")
        .filter(pk=pk)
        .first()
    )
    if case is None:
        # Recorded, then answered exactly like a case that does not exist.
        record_event(
            action=action, actor=actor, object_type=OBJECT_TYPE, object_id=str(pk), outcome=Outcome.DENIED
        )
        raise Http404
    return case


def _scenario(*, actor: Actor, case: SentencingCase, pk: Any, action: str) -> CaseScenario:
    scenario = case.scenarios.filter(pk=pk).first()
    if scenario is None:
        record_event(
            action=action,
            actor=actor,
            obj=case,
            outcome=Outcome.DENIED,
            details=case_details(case, scenario=str(pk)),
        )
        raise Http404
    return scenario


def case_open(*, actor: Actor, pk: object, purpose: str = "sentencing.case.view") -> SentencingCase:
    """A case for a page that shows it; writes one event named `purpose`.

    The lookup runs outside a transaction so that a denied attempt's event is kept.
    """
    case = _get_case(actor=actor, pk=pk, action=CourtsAction.SENTENCING_CASE_VIEW)
    record_event(action=purpose, actor=actor, obj=case, details=case_details(case))
    return case


def scenario_open(
    *, actor: Actor, case_pk: object, scenario_pk: object, purpose: str = "sentencing.scenario.view"
) -> tuple[SentencingCase, CaseScenario]:
    case = _get_case(actor=actor, pk=case_pk, action=CourtsAction.SENTENCING_CASE_VIEW)
    scenario = _scenario(actor=actor, case=case, pk=scenario_pk, action=CourtsAction.SENTENCING_CASE_VIEW)
    record_event(action=purpose, actor=actor, obj=case, details=case_details(case, scenario=scenario.pk))
    return case, scenario


def case_for_change(*, actor: Actor, pk: object) -> SentencingCase:
    """A visible case the actor may change (404 if unseen, 403 if the role may not). The write
    that follows records the event."""
    case = _get_case(actor=actor, pk=pk, action=CourtsAction.SENTENCING_CASE_VIEW)
    if not policy.allows(actor, CourtsAction.SENTENCING_CASE_EDIT, case):
        raise PermissionDenied
    return case


def case_for_report(*, actor: Actor, pk: object) -> SentencingCase:
    """A visible case whose pre-sentence report the actor may write and sign (probation)."""
    case = _get_case(actor=actor, pk=pk, action=CourtsAction.SENTENCING_CASE_VIEW)
    if not policy.allows(actor, CourtsAction.SENTENCING_REPORT_PREPARE, case):
        raise PermissionDenied
    return case


def scenario_for_change(
    *, actor: Actor, case_pk: object, scenario_pk: object
) -> tuple[SentencingCase, CaseScenario]:
    case = case_for_change(actor=actor, pk=case_pk)
    return case, _scenario(actor=actor, case=case, pk=scenario_pk, action=CourtsAction.SENTENCING_CASE_EDIT)


def person_choices(*, actor: Actor, query: str = "", chosen: object = None) -> list[Person]:
    """People to attach to a new case: those a search finds, and the one already chosen.

    The search is the people app's own (scoped to the persons the agency can see, recorded as a
    `person.search` event); the person already chosen is looked up in the same scope, and showing
    them is recorded too. Nothing is listed without a search.
    """
    if not policy.allows(actor, Action.PERSON_VIEW):
        return []
    query = query.strip()[:100]
    found = list(people_selectors.person_search(actor=actor, query=query).object_list) if query else []
    if chosen and not any(str(p.pk) == str(chosen) for p in found):
        try:
            uuid.UUID(str(chosen))
        except ValueError:
            return found
        person = people_selectors.visible_persons(actor=actor).filter(pk=str(chosen)).first()
        if person is not None:
            record_event(
                action="sentencing.case.person_choices",
                actor=actor,
                object_type="people.Person",
                details={"shown": [str(person.pk)]},
            )
            found.insert(0, person)
    return found


# --- guideline administration (no personal data) -------------------------------------------------


def _require_manage(actor: Actor) -> None:
    if not policy.allows(actor, CourtsAction.GUIDELINES_MANAGE):
        raise PermissionDenied


def uploads(*, actor: Actor) -> QuerySet[GuidelineUpload]:
    _require_manage(actor)
    return GuidelineUpload.objects.select_related("uploaded_by").defer("text")


def upload_detail(*, actor: Actor, pk: Any) -> GuidelineUpload:
    _require_manage(actor)
    upload = GuidelineUpload.objects.select_related("uploaded_by").filter(pk=pk).first()
    if upload is None:
        raise Http404
    return upload


def verifications(
    *, guideline_id: str | None = None, version: str | None = None
) -> QuerySet[GuidelineVerification]:
    """Verification records (who checked what, when, against which source). Not personal data:
    shown with every result that uses the version."""
    found = GuidelineVerification.objects.select_related("verified_by")
    if guideline_id is not None:
        found = found.filter(guideline_id=guideline_id)
    if version is not None:
        found = found.filter(version=version)
    return found


def case_report(*, actor: Actor, pk: object, purpose: str) -> tuple[SentencingCase, integrations.RiskSection]:
    """A case and the person's risk assessments for the report; one event names both."""
    case = _get_case(actor=actor, pk=pk, action=CourtsAction.SENTENCING_CASE_VIEW)
    risk = integrations.risk_assessments(actor=actor, person=case.person)
    record_event(action=purpose, actor=actor, obj=case, details=case_details(case, assessments=risk.ids))
    return case, risk
