"""Where a scenario stands: the status of each step (the GOV.UK task list) and what is still to
resolve, each with a link to the step that answers it. Read from the stored scenario; nothing is
calculated here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from safeguard.core.steps import Step
from safeguard.courts import steps, wording
from safeguard.courts.models import CaseScenario
from safeguard.courts.presenters import RELATION_WORDS, capfirst

# The statuses of the GOV.UK task list component, and how each is shown.
COMPLETED = "Completed"
INCOMPLETE = "Incomplete"
NOT_STARTED = "Not yet started"
CANNOT_START = "Cannot start yet"
PROBLEM = "There is a problem"
TAGS = {INCOMPLETE: "govuk-tag--blue", NOT_STARTED: "govuk-tag--blue", PROBLEM: "govuk-tag--red"}

@dataclass(frozen=True)
class Task:
    step: Step
    number: int
    status: str
    url: str
    hint: str = ""

    @property
    def tag(self) -> str:
        """The tag's colour class; empty when the status is plain text (completed, cannot start)."""
        return TAGS.get(self.status, "")

    @property
    def cannot_start(self) -> bool:
        return self.status == CANNOT_START


def step_url(scenario: CaseScenario, number: int, slug: str) -> str:
    """The page of a step of offence `number` (1: the lead offence)."""
    if number == 1:
        return reverse("courts:scenario-step", args=[scenario.case_id, scenario.pk, slug])
    return reverse("courts:offence-step", args=[scenario.case_id, scenario.pk, number, slug])


def case_targets(scenario: CaseScenario) -> list[tuple[steps.Target, dict[str, str]]]:
    request = scenario.request or {}
    return [(steps.case_problem_target(p, request), p) for p in scenario.case_problems or []]


def _status(
    item: Step, *, troubled: bool, pending: bool, started: bool, done: bool, shown: bool
) -> str:
    if troubled:
        return PROBLEM
    if pending:
        return INCOMPLETE
    if item.slug == "category":
        return COMPLETED if shown else CANNOT_START
    if item.slug != "offence" and not started:
        return CANNOT_START
    return COMPLETED if done else NOT_STARTED


def _answered(item: Step, request: dict[str, Any], done: list[str]) -> bool:
    return item.slug in done or any(key in request for key in item.fields)


def lead_tasks(scenario: CaseScenario) -> list[Task]:
    request = scenario.request or {}
    done = list(scenario.steps_done or [])
    troubled = {steps.step_index_for(p, request) for p in scenario.problems or []}
    troubled |= {steps.STEPS.index_of(t.step.slug) for t, _ in case_targets(scenario) if t.offence == 0}
    others = scenario.other_offences or []
    if any(o.get("problems") for o in others) or any(t.offence > 0 for t, _ in case_targets(scenario)):
        troubled.add(steps.STEPS.index_of("offences"))
    pending = {steps.step_index_for(p, request) for p in steps.unresolved(scenario.result_data)}
    tasks = []
    for index, item in enumerate(steps.STEPS):
        status = _status(
            item,
            troubled=index in troubled,
            pending=index in pending,
            started="offence" in request,
            done=_answered(item, request, done),
            shown=scenario.result_data is not None,
        )
        hint = ""
        if item.slug == "offences":
            hint = f"{len(others) + 1} offences" if others else "One offence"
        tasks.append(Task(item, index + 1, status, step_url(scenario, 1, item.slug), hint))
    return tasks


def offence_tasks(scenario: CaseScenario, number: int) -> list[Task]:
    other = (scenario.other_offences or [])[number - 2]
    request = other.get("request") or {}
    done = [str(slug) for slug in other.get("steps_done") or []]
    result = other.get("result") if isinstance(other.get("result"), dict) else None
    troubled = {steps.offence_step_for(p, request).slug for p in other.get("problems") or []}
    troubled |= {t.step.slug for t, _ in case_targets(scenario) if t.offence == number - 1}
    pending = {steps.offence_step_for(p, request).slug for p in steps.unresolved(result)}
    tasks = []
    for index, item in enumerate(steps.OFFENCE_STEPS):
        status = _status(
            item,
            troubled=item.slug in troubled,
            pending=item.slug in pending,
            started="offence" in request,
            done=_answered(item, request, done),
            shown=result is not None,
        )
        hint = RELATION_WORDS.get(str(other.get("relation")), "") if item.slug == "relation" else ""
        tasks.append(Task(item, index + 1, status, step_url(scenario, number, item.slug), hint))
    return tasks


def problem_links(scenario: CaseScenario, words: wording.Words) -> list[dict[str, str]]:
    """Everything still to resolve in the scenario, each linked to the step that answers it."""

    def _link(href: str, step: str, message: str) -> dict[str, str]:
        return {"href": href, "step": step, "message": capfirst(words(message))}

    links = []
    request = scenario.request or {}
    for problem in [*(scenario.problems or []), *steps.unresolved(scenario.result_data)]:
        owner = steps.step_for(problem, request)
        links.append(_link(step_url(scenario, 1, owner.slug), owner.title, problem["message"]))
    for number, other in enumerate(scenario.other_offences or [], start=2):
        other_request = other.get("request") or {}
        label = str(other.get("label") or f"Offence {number}")
        result = other.get("result") if isinstance(other.get("result"), dict) else None
        for problem in [*(other.get("problems") or []), *steps.unresolved(result)]:
            owner = steps.offence_step_for(problem, other_request)
            links.append(
                _link(step_url(scenario, number, owner.slug), f"{label}: {owner.title.lower()}", problem["message"])
            )
    for target, problem in case_targets(scenario):
        number = target.offence + 1
        title = target.step.title if number == 1 else f"Offence {number}: {target.step.title.lower()}"
        links.append(_link(step_url(scenario, number, target.step.slug), title, problem["message"]))
    return links
