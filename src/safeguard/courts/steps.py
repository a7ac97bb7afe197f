"""The steps of the sentencing guided page, which request fields each step sets, and running the engine.

The step mechanics (order, which step owns a field, progress) are the platform's `core.steps`; this
module holds what is sentencing's own: the steps themselves, problems deferred to a later answer, the
further offences and the case, and the engine runs.

A scenario's request is built one step at a time. After each step the engine is run on the whole
request; problems that belong to this step or an earlier one refuse the step (nothing is saved),
problems that belong to a later step are saved as "still to resolve" and linked to that step.

A scenario has a lead offence (`request`, walked through `STEPS`) and may have further offences
(`other_offences`, each walked through `OFFENCE_STEPS`: the offence's own steps and how its sentence
relates to the lead's). Every run calculates each offence on its own, then the whole case
(`safeguard.guidelines.case`): the total term, the suspension of the total and the notification
period. Problems of the whole case name their offence (`offences[1].relation`) or `totality`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from safeguard.core.steps import Step, Steps
from safeguard.courts import library
from safeguard.guidelines import Problems, calculate_case_from_dict, calculate_from_dict
from safeguard.guidelines.offences import normalise_offence_code

STEPS = Steps(
    Step(
        "offence",
        "Offence and dates",
        (
            "offence",
            "offence_date",
            "conviction_date",
            "sentencing_date",
            "offender_date_of_birth",
            "offender_age_at_offence",
            "offender_age_at_conviction",
            "sentencing_court",
            "victim_age",
        ),
        "The offence, the court, the dates and ages: they choose the guideline version and the maximum.",
    ),
    Step(
        "factors",
        "Harm and culpability",
        ("harm_factors", "culpability_factors", "penetrative"),
        "Step one: the factors that place the offence in a harm and a culpability category.",
    ),
    Step(
        "category",
        "Category, starting point and range",
        (),
        "The category, starting point and range that follow from the factors, with their reasons.",
    ),
    Step(
        "position",
        "Position within the range",
        (
            "sentence_before_plea",
            "departure_reason",
            "aggravating_factors",
            "mitigating_factors",
            "other_factors",
        ),
        "Step two: the position after aggravating and mitigating factors.",
    ),
    Step(
        "plea", "Guilty plea", ("plea",), "The reduction for a guilty plea, chosen by the first hearing date."
    ),
    Step(
        "offences",
        "Other offences and the total",
        ("totality",),
        "Further offences sentenced with this one, whether each runs concurrently or consecutively, "
        "and the total the court settles on.",
    ),
    Step(
        "threshold",
        "Custody threshold",
        ("custody_threshold",),
        "The questions a court asks before imposing custody.",
    ),
    Step(
        "suspension",
        "Suspension",
        ("suspension",),
        "Whether a custodial term is suspended, with the operational and supervision periods.",
    ),
    Step(
        "community",
        "Community requirements",
        ("community_order",),
        "The length and requirements of a community order.",
    ),
    Step(
        "notification",
        "Notification period and ancillary orders",
        ("first_notification_date", "shpo", "notification"),
        "The notification period under the Sexual Offences Act 2003 and orders to consider.",
    ),
)
STEP_SLUGS = STEPS.slugs
# A further offence: its own steps up to the plea, then how its sentence relates to the lead's.
OFFENCE_STEPS = Steps(
    *STEPS[:5],
    Step(
        "relation",
        "Relation to the lead sentence",
        ("relation", "label"),
        "Whether this offence's sentence runs at the same time as the lead sentence, after it, or adds nothing.",
    ),
)
OFFENCE_STEP_SLUGS = OFFENCE_STEPS.slugs
# Fields a new further offence copies from the lead: the same hearing, court and person.
SHARED_FIELDS = (
    "conviction_date", "sentencing_date", "sentencing_court", "offender_date_of_birth",
    "offender_age_at_conviction",
)  # fmt: skip
_CASE_FIELD = re.compile(r"^offences\[(\d+)\](?:\.request)?\.?(.*)$")
_TOTAL = STEPS[STEPS.index_of("offences")]  # other offences and the total


def step(slug: str) -> Step | None:
    return STEPS.get(slug)


def offence_step(slug: str) -> Step | None:
    return OFFENCE_STEPS.get(slug)


def offence_step_for(problem: dict[str, str], request: dict[str, Any]) -> Step:
    """Which step of a further offence a problem of its own calculation belongs to."""
    field = problem.get("field", "")
    if field.startswith(("relation", "label")):
        return OFFENCE_STEPS[-1]
    found = step_for(problem, request)
    return found if found.slug in OFFENCE_STEP_SLUGS else OFFENCE_STEPS[-1]


def scenario_field(field: str) -> str:
    """A case problem's field in the terms of a scenario: lead fields bare, others as other_offences[i]."""
    match = _CASE_FIELD.match(field)
    if match is None:
        return field
    index, rest = int(match.group(1)), match.group(2)
    if index == 0:
        return rest
    inner = "request." + rest if field.startswith(f"offences[{index}].request") else rest
    return f"other_offences[{index - 1}].{inner}".rstrip(".")


def scenario_problems(
    lead: list[dict[str, str]], others: list[dict[str, Any]], case: list[dict[str, str]]
) -> list[dict[str, str]]:
    """Every problem of a scenario with fields named as the scenario API names them."""
    found = list(lead)
    for index, other in enumerate(others):
        found += [
            {**p, "field": f"other_offences[{index}].request.{p['field']}".rstrip(".")}
            for p in other.get("problems") or []
        ]
    return found + [{**p, "field": scenario_field(p["field"])} for p in case]


@dataclass(frozen=True)
class Target:
    """Where a problem of the whole case is answered: the lead's step, or a further offence's step."""

    offence: int  # 0: the lead offence
    step: Step
    field: str  # the field within that offence's request ("" for relation and totality)


def case_problem_target(problem: dict[str, str], lead_request: dict[str, Any]) -> Target:
    """Route a case-level problem (offences[i]..., totality...) to the page that can resolve it."""
    field = problem.get("field", "")
    if field.startswith("totality"):
        return Target(0, _TOTAL, field)
    match = _CASE_FIELD.match(field)
    if match is None:
        return Target(0, _TOTAL, field)
    index, rest = int(match.group(1)), match.group(2)
    if index == 0:
        inner = {**problem, "field": rest}
        return Target(0, step_for(inner, lead_request), rest)
    if not field.startswith(f"offences[{index}].request"):
        return Target(index, OFFENCE_STEPS[-1], "relation")
    return Target(index, offence_step_for({**problem, "field": rest}, {}), rest)


# Problems a later answer can still resolve: (field, code) -> (request key, step). While that key
# is unanswered the problem belongs to that step. A custodial position above the court's maximum
# may come within it after the guilty-plea reduction.
_DEFERRED = {("sentence_before_plea", "above_statutory_maximum"): ("plea", "plea")}


def step_index_for(problem: dict[str, str], request: dict[str, Any]) -> int:
    """Which step a problem belongs to, given what has been answered so far."""
    deferred = _DEFERRED.get((problem.get("field", ""), problem.get("code", "")))
    if deferred is not None and deferred[0] not in request:
        return STEPS.index_of(deferred[1])
    return STEPS.index_for_field(problem.get("field", ""))


def step_for(problem: dict[str, str], request: dict[str, Any]) -> Step:
    return STEPS[step_index_for(problem, request)]


@dataclass(frozen=True)
class Outcome:
    """One engine run on a scenario's request, with the library it used."""

    request: dict[str, Any]
    result: dict[str, Any] | None
    problems: list[dict[str, str]]
    state: library.LibraryState

    def blocking(self, slug: str | None) -> list[dict[str, str]]:
        """Problems belonging to this step or an earlier one (all problems when slug is None)."""
        if slug is None:
            return list(self.problems)
        limit = STEPS.index_of(slug)
        return [p for p in self.problems if step_index_for(p, self.request) <= limit]


def run(request: dict[str, Any], state: library.LibraryState | None = None) -> Outcome:
    """Calculate with the library in use (packaged data plus accepted uploads); never raises. The
    outcome's request names the offence by its catalogue id, whichever spelling was given."""
    state = state or library.current()
    request = with_offence_id(request)
    outcome = calculate_from_dict(request, state.library)
    if isinstance(outcome, Problems):
        return Outcome(request, None, outcome.to_dict()["errors"], state)
    return Outcome(request, outcome.to_dict(), [], state)


@dataclass(frozen=True)
class ScenarioOutcome:
    """A run of every offence of a scenario on its own, then of the whole case."""

    lead: Outcome
    others: list[dict[str, Any]]  # each {label, relation, request, result, problems}
    totality: dict[str, Any] | None
    case_result: dict[str, Any] | None
    case_problems: list[dict[str, str]]

    @property
    def state(self) -> library.LibraryState:
        return self.lead.state

    def lead_blocking(self, slug: str | None) -> list[dict[str, str]]:
        """The lead's problems of this step or earlier, and case problems answered on those steps."""
        found = self.lead.blocking(slug)
        limit = len(STEPS) if slug is None else STEPS.index_of(slug)
        for problem in self.case_problems:
            target = case_problem_target(problem, self.lead.request)
            if target.offence == 0 and STEPS.index_of(target.step.slug) <= limit:
                found.append(problem)
        return found

    def offence_blocking(self, index: int, slug: str) -> list[dict[str, str]]:
        """A further offence's own problems of this step or earlier, and the case problems about it."""
        other = self.others[index - 1]
        limit = OFFENCE_STEPS.index_of(slug)
        request = other["request"]
        found = [
            p for p in other["problems"]
            if OFFENCE_STEPS.index_of(offence_step_for(p, request).slug) <= limit
        ]  # fmt: skip
        for problem in self.case_problems:
            target = case_problem_target(problem, self.lead.request)
            if target.offence == index and OFFENCE_STEPS.index_of(target.step.slug) <= limit:
                found.append(problem)
        return found


def run_scenario(
    lead_request: dict[str, Any], others: list[dict[str, Any]], totality: dict[str, Any] | None
) -> ScenarioOutcome:
    """Each offence on its own (so one unfinished offence never hides another's figures), then the case.

    The case is calculated once the lead and every further offence calculate on their own; its
    problems are those only the whole case shows (relations, the total, suspending the total).
    """
    state = library.current()
    lead = run(lead_request, state)
    ran: list[dict[str, Any]] = []
    for other in others:
        request = with_offence_id(clean_request(dict(other.get("request") or {})))
        outcome = run(request, state) if request else None
        ran.append(
            {
                "label": str(other.get("label") or ""),
                "relation": str(other.get("relation") or "concurrent"),
                "request": request,
                "result": outcome.result if outcome else None,
                "problems": outcome.problems
                if outcome
                else [{"field": "offence", "code": "required", "message": "offence is required"}],
                "steps_done": [str(slug) for slug in other.get("steps_done") or []],
            }
        )
    case_result: dict[str, Any] | None = None
    case_problems: list[dict[str, str]] = []
    # The whole case only once every offence has a sentence (not merely step one's figures).
    if determined(lead.result) and all(determined(item["result"]) for item in ran):
        data: dict[str, Any] = {
            "offences": [{"relation": "lead", "request": lead.request}]
            + [
                {
                    "relation": item["relation"],
                    "request": item["request"],
                    **({"label": item["label"]} if item["label"] else {}),
                }
                for item in ran
            ]
        }
        if totality:
            data["totality"] = totality
        calculated = calculate_case_from_dict(data, state.library)
        if isinstance(calculated, Problems):
            case_problems = calculated.to_dict()["errors"]
        else:
            case_result = calculated.to_dict()
    return ScenarioOutcome(lead, ran, totality or None, case_result, case_problems)


def determined(result: dict[str, Any] | None) -> bool:
    """A result with a sentence (False for none, and for step one's figures with the sentence to come)."""
    return result is not None and result.get("determined", True) is not False


def unresolved(result: dict[str, Any] | None) -> list[dict[str, str]]:
    """What a result says must still be answered before its sentence is determined (not errors)."""
    items = (result or {}).get("unresolved") or []
    return [item for item in items if isinstance(item, dict)]


def with_offence_id(request: dict[str, Any]) -> dict[str, Any]:
    """The request with its offence in the catalogue's spelling (`SOA2003-s9` becomes `soa2003-s9`), so
    what is stored and shown names the offence as the guideline data does."""
    offence = request.get("offence")
    if isinstance(offence, str) and normalise_offence_code(offence) != offence:
        return {**request, "offence": normalise_offence_code(offence)}
    return request


def clean_request(data: dict[str, Any]) -> dict[str, Any]:
    """Drop keys whose value is empty, so an unanswered question is simply absent."""
    return {k: v for k, v in data.items() if v not in (None, "", [], {})}
