"""One synthetic sentencing case for the demo: an unnamed worked example with three scenarios.

Every figure is calculated by the engine when the demo data is loaded; nothing is typed here but
the answers a legal adviser would give.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from safeguard.accounts.models import Agency, User
from safeguard.courts import library, steps
from safeguard.courts.models import CaseScenario, SentencingCase

TITLE = "Worked example: image offence, three disposals compared"

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

SCENARIOS: list[tuple[str, dict[str, Any], list[str]]] = [
    ("Immediate custody", {"sentence_before_plea": {"kind": "custody", "length": "12m"}}, []),
    (
        "Suspended sentence with a programme requirement",
        {
            "sentence_before_plea": {"kind": "custody", "length": "12m"},
            "suspension": {"suspend": True, "operational_period": "2y", "supervision_period": "18m"},
        },
        ["programme", "rehabilitation_activity"],
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
        [],
    ),
]


def ensure_case(agency: Agency, author: User) -> SentencingCase:
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
    for index, (label, answers, sso) in enumerate(SCENARIOS):
        outcome = steps.run({**_BASE, **answers})
        result = outcome.result or {}
        guideline = result.get("guideline") or {}
        CaseScenario.objects.create(
            case=case,
            label=label,
            request=outcome.request,
            sso_requirements=sso,
            result=outcome.result,
            problems=outcome.problems,
            calculated_at=timezone.now(),
            engine_version=library.engine_version(),
            guideline_id=str(guideline.get("id", "")),
            guideline_version=str(guideline.get("version", "")),
            library_signature=outcome.state.signature,
            data_fingerprint=outcome.state.fingerprint,
            proposed=index == 1,
        )
    return case
