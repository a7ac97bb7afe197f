"""Synthetic sentencing cases for the demo: unnamed worked examples (three disposals compared, and
two offences sentenced together).

Every figure is calculated by the engine when the demo data is loaded; nothing is typed here but
the answers a legal adviser would give.
"""

from __future__ import annotations

from typing import Any

from safeguard.accounts.models import Agency, User
from safeguard.courts import steps
from safeguard.courts.models import CaseScenario, SentencingCase
from safeguard.courts.services import mark_answered, store_outcome

TITLE = "Worked example: image offence, three disposals compared"
TWO_OFFENCES_TITLE = "Worked example: two image offences, concurrent or consecutive"

_BASE: dict[str, Any] = {
    "offence": "pca1978-s1",
    "sentencing_court": "crown_court",
    "offence_date": "2024-03-01",
    "conviction_date": "2024-11-04",
    "sentencing_date": "2024-12-02",
    "offender_age_at_offence": 34,
    "offender_age_at_conviction": 34,
    "victim_age": 12,
    "harm_factors": ["non_penetrative_sexual_activity"],
    "culpability_factors": ["possession"],
    "plea": {"stage": "first_stage", "first_hearing_date": "2024-06-03"},
}

SCENARIOS: list[tuple[str, dict[str, Any]]] = [
    ("Immediate custody", {"sentence_before_plea": {"kind": "custody", "length": "12m"}}),
    (
        "Suspended sentence with a programme requirement",
        {
            "sentence_before_plea": {"kind": "custody", "length": "12m"},
            "suspension": {
                "suspend": True,
                "operational_period": "2y",
                "supervision_period": "18m",
                "requirements": [{"type": "programme"}, {"type": "rehabilitation_activity"}],
            },
        },
    ),
    (
        "Community order with treatment",
        {
            "sentence_before_plea": {"kind": "community_order", "level": "high"},
            "community_order": {
                "length": "3y",
                "requirements": [{"type": "programme"}, {"type": "rehabilitation_activity"}],
            },
        },
    ),
]


# Count 2 of the two-offence example: a category A possession offence at the same hearing.
_COUNT_2: dict[str, Any] = {
    **{key: _BASE[key] for key in steps.SHARED_FIELDS if key in _BASE},
    "offence": "pca1978-s1",
    "offence_date": "2024-01-15",
    "offender_age_at_offence": 34,
    "victim_age": 12,
    "harm_factors": ["penetrative_sexual_activity"],
    "culpability_factors": ["possession"],
    "sentence_before_plea": {"kind": "custody", "length": "9m"},
    "plea": {"stage": "first_stage", "first_hearing_date": "2024-06-03"},
}
TWO_OFFENCE_SCENARIOS: list[tuple[str, str, dict[str, Any]]] = [
    ("Concurrent terms, suspended", "concurrent",
     {"suspension": {"suspend": True, "operational_period": "2y", "supervision_period": "18m"}}),
    ("Consecutive terms, immediate custody", "consecutive", {}),
]  # fmt: skip


def _scenario(case: SentencingCase, label: str, outcome: steps.ScenarioOutcome, **fields: Any) -> None:
    scenario = CaseScenario(case=case, label=label, **fields)
    store_outcome(scenario, outcome)
    mark_answered(scenario)
    scenario.save()


def ensure_two_offence_case(agency: Agency, author: User) -> SentencingCase:
    existing = SentencingCase.objects.filter(agency=agency, title=TWO_OFFENCES_TITLE).first()
    if existing is not None:
        return existing
    case = SentencingCase.objects.create(agency=agency, title=TWO_OFFENCES_TITLE, created_by=author)
    lead = {**_BASE, "sentence_before_plea": {"kind": "custody", "length": "12m"}}
    for label, relation, answers in TWO_OFFENCE_SCENARIOS:
        other = {"label": "Count 2", "relation": relation, "request": _COUNT_2}
        _scenario(case, label, steps.run_scenario({**lead, **answers}, [other], None))
    return case


def ensure_case(agency: Agency, author: User) -> SentencingCase:
    ensure_two_offence_case(agency, author)
    existing = SentencingCase.objects.filter(agency=agency, title=TITLE).first()
    if existing is not None:
        return existing
    case = SentencingCase.objects.create(
        agency=agency,
        title=TITLE,
        created_by=author,
        suitability="Synthetic example: motivated to take part in a group programme; stable address.",
        proposal="Synthetic example: a suspended sentence order with an accredited programme requirement.",
    )
    for index, (label, answers) in enumerate(SCENARIOS):
        outcome = steps.run_scenario({**_BASE, **answers}, [], None)
        _scenario(case, label, outcome, proposed=index == 1)
    return case
