"""The steps of the guided page, which request fields each step sets, and running the engine.

A scenario's request is built one step at a time. After each step the engine is run on the whole
request; problems that belong to this step or an earlier one refuse the step (nothing is saved),
problems that belong to a later step are saved as "still to resolve" and linked to that step.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from safeguard.courts import library
from safeguard.guidelines import Problems, calculate_from_dict


@dataclass(frozen=True)
class Step:
    slug: str
    title: str
    fields: tuple[str, ...]  # top-level request keys this step sets
    summary: str


STEPS: tuple[Step, ...] = (
    Step(
        "offence",
        "Offence and dates",
        (
            "offence", "offence_date", "conviction_date", "sentencing_date", "offender_date_of_birth",
            "offender_age_at_offence", "offender_age_at_conviction", "sentencing_court", "victim_age",
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
        ("sentence_before_plea", "departure_reason", "aggravating_factors", "mitigating_factors", "other_factors"),
        "Step two: the position after aggravating and mitigating factors.",
    ),
    Step("plea", "Guilty plea", ("plea",), "The reduction for a guilty plea, chosen by the first hearing date."),
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
STEP_SLUGS = tuple(s.slug for s in STEPS)
_BY_SLUG = {s.slug: s for s in STEPS}
_FIELD_STEP = {name: index for index, step in enumerate(STEPS) for name in step.fields}
_TOP = re.compile(r"^([a-z_]+)")


def step(slug: str) -> Step | None:
    return _BY_SLUG.get(slug)


def index_of(slug: str) -> int:
    return STEP_SLUGS.index(slug)


def next_step(slug: str) -> Step | None:
    position = index_of(slug) + 1
    return STEPS[position] if position < len(STEPS) else None


def previous_step(slug: str) -> Step | None:
    position = index_of(slug) - 1
    return STEPS[position] if position >= 0 else None


def step_index_for_field(field: str) -> int:
    """Which step a problem's field belongs to (unknown or empty fields: the first step)."""
    match = _TOP.match(field or "")
    return _FIELD_STEP.get(match.group(1), 0) if match else 0


def step_for_field(field: str) -> Step:
    return STEPS[step_index_for_field(field)]


# Problems a later answer can still resolve: (field, code) -> (request key, step). While that key
# is unanswered the problem belongs to that step. A custodial position above the court's maximum
# may come within it after the guilty-plea reduction.
_DEFERRED = {("sentence_before_plea", "above_statutory_maximum"): ("plea", "plea")}


def step_index_for(problem: dict[str, str], request: dict[str, Any]) -> int:
    """Which step a problem belongs to, given what has been answered so far."""
    deferred = _DEFERRED.get((problem.get("field", ""), problem.get("code", "")))
    if deferred is not None and deferred[0] not in request:
        return index_of(deferred[1])
    return step_index_for_field(problem.get("field", ""))


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
        limit = index_of(slug)
        return [p for p in self.problems if step_index_for(p, self.request) <= limit]


def run(request: dict[str, Any]) -> Outcome:
    """Calculate with the library in use (packaged data plus accepted uploads); never raises."""
    state = library.current()
    outcome = calculate_from_dict(request, state.library)
    if isinstance(outcome, Problems):
        return Outcome(request, None, outcome.to_dict()["errors"], state)
    return Outcome(request, outcome.to_dict(), [], state)


def clean_request(data: dict[str, Any]) -> dict[str, Any]:
    """Drop keys whose value is empty, so an unanswered question is simply absent."""
    return {k: v for k, v in data.items() if v not in (None, "", [], {})}


def provisional(request: dict[str, Any], problems: list[dict[str, str]]) -> dict[str, Any] | None:
    """Step-one figures while the whole calculation waits on a later answer, or None.

    In a magistrates' court the engine checks the provisional position (the starting point, before
    any plea) against the summary maximum and refuses the whole calculation until the plea step.
    The categories, starting point and range do not depend on the court, so they are shown from a
    run without the court, and labelled provisional; nothing of that run is stored or shown as a
    sentence.
    """
    if not problems or request.get("sentencing_court") != "magistrates_court":
        return None
    if any((p.get("field"), p.get("code")) not in _DEFERRED for p in problems):
        return None
    outcome = calculate_from_dict(
        {k: v for k, v in request.items() if k != "sentencing_court"}, library.current().library
    )
    return None if isinstance(outcome, Problems) else outcome.to_dict()
