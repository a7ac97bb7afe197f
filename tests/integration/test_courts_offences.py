"""Scenarios of more than one offence: further offences, their relation to the lead sentence, the
total, the court's totality review, and the same figures through the pages, the API, the engine and
the command line."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.http import Http404
from django.urls import reverse

from safeguard import cli
from safeguard.audit.models import AuditEvent
from safeguard.courts import services
from safeguard.courts.models import CaseScenario, SentencingCase
from safeguard.guidelines import calculate_case_from_dict
from tests.conftest import sign_in
from tests.form_data import typed
from tests.integration.test_courts_services import PUBLISHED, new_case
from tests.integration.test_courts_views import text_of
from tests.unit.guidelines.helpers import custody

# A second image offence at the same hearing: category B possession, 6 months before the plea,
# 4 months after a first-stage plea. (Synthetic; the lead is the published case, 6 months suspended.)
SECOND: dict[str, Any] = {
    "offence": "cja1988-s160", "offence_date": "2023-05-01", "victim_age": 12, "offender_age_at_offence": 40,
    "harm_factors": ["non_penetrative_sexual_activity"], "culpability_factors": ["possession"],
    "sentence_before_plea": custody("6m"), "plea": {"stage": "first_stage", "first_hearing_date": "2024-01-10"},
}  # fmt: skip
CROWN_LEAD = {**PUBLISHED, "sentencing_court": "crown_court"}


def scenario_with_lead(world, lead: dict[str, Any] = CROWN_LEAD) -> tuple[SentencingCase, CaseScenario]:
    case = new_case(world)
    scenario = case.scenarios.get()
    services.scenario_save_step(
        actor=world.actor("court_prac"), case=case, scenario=scenario, step="notification", request=lead
    )
    scenario.refresh_from_db()
    return case, scenario


def add_second(world, case: SentencingCase, scenario: CaseScenario, relation: str = "concurrent") -> None:
    actor = world.actor("court_prac")
    number = services.offence_add(actor=actor, case=case, scenario=scenario)
    assert number == 2
    scenario.refresh_from_db()
    request = {**scenario.other_offences[0]["request"], **SECOND}
    services.offence_save_step(
        actor=actor, case=case, scenario=scenario, number=2, step="plea", request=request
    )
    scenario.refresh_from_db()
    services.offence_save_step(
        actor=actor,
        case=case,
        scenario=scenario,
        number=2,
        step="relation",
        relation=relation,
        label="Count 2",
    )
    scenario.refresh_from_db()


def test_a_further_offence_takes_the_lead_hearing_details_and_is_audited(world):
    case, scenario = scenario_with_lead(world)
    services.offence_add(actor=world.actor("court_prac"), case=case, scenario=scenario)
    scenario.refresh_from_db()
    [other] = scenario.other_offences
    assert other["label"] == "Offence 2" and other["relation"] == "concurrent"
    assert other["request"] == {
        key: CROWN_LEAD[key]
        for key in ("conviction_date", "sentencing_date", "sentencing_court", "offender_age_at_conviction")
    }
    # Unfinished: its own problems are kept against it, the lead's figures stand, no total yet.
    assert {p["field"] for p in other["problems"]} >= {"offence", "offence_date"}
    assert scenario.result is not None and scenario.case_result is None
    event = AuditEvent.objects.filter(action="sentencing.scenario.update").latest("id")
    assert event.details["step"] == "offence.add" and event.details["offence"] == 2


def test_concurrent_then_consecutive_totals(world):
    case, scenario = scenario_with_lead(world)
    add_second(world, case, scenario)
    total = scenario.case_result["total"]
    assert scenario.other_offences[0]["result"]["sentence"]["text"] == "4 months' custody"
    assert total["text"] == "6 months' custody, suspended for 2 years"
    services.offence_save_step(
        actor=world.actor("court_prac"), case=case, scenario=scenario, number=2, step="relation",
        relation="consecutive", label="Count 2",
    )  # fmt: skip
    scenario.refresh_from_db()
    assert scenario.case_result["total"]["text"] == "10 months' custody, suspended for 2 years"
    # Every custodial term is suspended with the lead; the open notification question is flagged.
    assert scenario.case_result["offences"][1]["result"]["sentence"]["suspended"] is True
    assert any(w.startswith("Consecutive terms") for w in scenario.case_result["warnings"])


def test_a_consecutive_term_that_takes_a_suspended_total_over_two_years_is_kept_to_resolve(world):
    lead = {**CROWN_LEAD, "sentence_before_plea": custody("2y")}
    lead.pop("plea")
    case, scenario = scenario_with_lead(world, lead)
    add_second(world, case, scenario, relation="consecutive")
    assert scenario.case_result is None
    [problem] = scenario.case_problems
    assert problem["code"] == "total_not_suspendable"
    assert "2 years 4 months" in problem["message"] or "28 months" in problem["message"]
    # The offences' own figures stand; the lead's suspension step is where it is resolved (see
    # test_a_case_problem_links_to_the_step_that_resolves_it).
    assert scenario.result is not None and scenario.other_offences[0]["result"] is not None


def test_a_consecutive_community_order_is_refused_on_the_relation_step(world):
    case, scenario = scenario_with_lead(world)
    actor = world.actor("court_prac")
    services.offence_add(actor=actor, case=case, scenario=scenario)
    scenario.refresh_from_db()
    community = {
        **scenario.other_offences[0]["request"],
        **SECOND,
        "sentence_before_plea": {"kind": "community_order", "level": "high"},
    }
    services.offence_save_step(
        actor=actor, case=case, scenario=scenario, number=2, step="plea", request=community
    )
    scenario.refresh_from_db()
    before = list(scenario.other_offences)
    with pytest.raises(services.Refused) as refused:
        services.offence_save_step(
            actor=actor,
            case=case,
            scenario=scenario,
            number=2,
            step="relation",
            relation="consecutive",
            label="Count 2",
        )
    assert [(p["field"], p["code"]) for p in refused.value.problems] == [
        ("offences[1].relation", "consecutive_needs_custody")
    ]
    scenario.refresh_from_db()
    assert scenario.other_offences == before  # nothing saved
    assert AuditEvent.objects.filter(outcome="failure", details__step="offence2.relation").exists()


def test_the_courts_total_after_review_and_its_limits(world):
    case, scenario = scenario_with_lead(world)
    add_second(world, case, scenario, relation="consecutive")
    actor = world.actor("court_prac")
    with pytest.raises(services.Refused) as refused:
        services.scenario_save_step(
            actor=actor, case=case, scenario=scenario, step="offences", request=scenario.request,
            totality={"total": "1y", "reason": "synthetic"},
        )  # fmt: skip
    assert [(p["field"], p["code"]) for p in refused.value.problems] == [
        ("totality.total", "more_than_total")
    ]
    services.scenario_save_step(
        actor=actor, case=case, scenario=scenario, step="offences", request=scenario.request,
        totality={"total": "8m", "reason": "Synthetic review of the total"},
    )  # fmt: skip
    scenario.refresh_from_db()
    assert scenario.totality == {"total": "8m", "reason": "Synthetic review of the total"}
    assert scenario.case_result["total"]["text"] == "8 months' custody, suspended for 2 years"
    assert "Synthetic review of the total" in scenario.case_result["total"]["reason"]


def test_removing_an_offence_recalculates_and_unknown_numbers_are_404(world):
    case, scenario = scenario_with_lead(world)
    add_second(world, case, scenario, relation="consecutive")
    actor = world.actor("court_prac")
    for number in (1, 3, 99):
        with pytest.raises(Http404):
            services.offence_remove(actor=actor, case=case, scenario=scenario, number=number)
    services.offence_remove(actor=actor, case=case, scenario=scenario, number=2)
    scenario.refresh_from_db()
    assert scenario.other_offences == []
    assert scenario.case_result["total"]["text"] == "6 months' custody, suspended for 2 years"


def test_a_copied_scenario_keeps_every_offence(world):
    case, scenario = scenario_with_lead(world)
    add_second(world, case, scenario, relation="consecutive")
    copy = services.scenario_create(
        actor=world.actor("court_prac"), case=case, label="Copy", copy_from=scenario
    )
    assert [o["label"] for o in copy.other_offences] == ["Count 2"]
    assert copy.case_result["total"]["text"] == scenario.case_result["total"]["text"]


def test_pages_of_a_two_offence_scenario(client, world):
    case, scenario = scenario_with_lead(world)
    sign_in(client, world.users["court_prac"])
    response = client.post(reverse("courts:offence-add", args=[case.pk, scenario.pk]))
    assert response.status_code == 302
    assert response.url == reverse("courts:offence-step", args=[case.pk, scenario.pk, 2, "offence"])
    page = text_of(client.get(response.url))
    assert "Offence 2 (offence 2 of 2)" in page and "Step 1 of 6" in page
    url = lambda step: reverse("courts:offence-step", args=[case.pk, scenario.pk, 2, step])  # noqa: E731
    answers = [
        ("offence", {"offence": "cja1988-s160", "sentencing_court": "crown_court", "offence_date": "2023-05-01",
                     "conviction_date": "2024-01-10", "sentencing_date": "2024-02-01",
                     "offender_age_at_offence": "40", "offender_age_at_conviction": "40", "victim_age": "12"}),
        ("factors", {"harm_factors": ["non_penetrative_sexual_activity"], "culpability_factors": ["possession"]}),
        ("category", {}),
        ("position", {"position_kind": "custody", "length": "6m"}),
        ("plea", {"stage": "first_stage", "first_hearing_date": "2024-01-10"}),
    ]  # fmt: skip
    for step, data in answers:
        response = client.post(url(step), typed(data))
        assert response.status_code == 302, (step, text_of(response)[:2000])
    # The relation step: a missing choice names the field; then consecutive.
    body = text_of(client.post(url("relation"), {"label": ""}))
    assert (
        "Enter a name for this offence" in body
        and "Choose concurrent, consecutive or no separate penalty" in body
    )
    response = client.post(url("relation"), {"label": "Count 2", "relation": "consecutive"})
    assert response.url == reverse("courts:scenario-step", args=[case.pk, scenario.pk, "offences"])
    offences = text_of(client.get(response.url))
    assert "Count 2" in offences and "10 months' custody, suspended for 2 years" in offences
    assert "Safeguard holds no totality guideline" in offences
    detail = text_of(client.get(reverse("courts:scenario-detail", args=[case.pk, scenario.pk])))
    assert "Sentence for the whole case" in detail and "10 months' custody, suspended for 2 years" in detail
    assert "The longest period worked out for any single offence" in detail
    case_page = text_of(client.get(reverse("courts:case-detail", args=[case.pk])))
    assert "2 offences: 10 months' custody, suspended for 2 years" in case_page
    compare = text_of(client.get(reverse("courts:case-compare", args=[case.pk])))
    assert "10 months' custody, suspended for 2 years" in compare
    report = text_of(client.get(reverse("courts:case-report", args=[case.pk])))
    assert "Offences and the sentence for the whole case" in report and "Count 2" in report
    assert "Count 2 (consecutive)" in report and "1 May 2023" in report
    assert "Consecutive terms: whether the total of consecutive terms" in report
    # A bad total on the lead's "offences" step is shown on its field.
    bad = text_of(
        client.post(
            reverse("courts:scenario-step", args=[case.pk, scenario.pk, "offences"]),
            {"total": "5y", "reason": "x"},
        )
    )
    assert "is longer than the arithmetic total of 10 months" in bad
    # Another agency's sentencer cannot reach the offence pages.
    sign_in(client, world.users["prob_prac"])
    assert client.get(url("offence")).status_code == 404


def test_a_case_problem_links_to_the_step_that_resolves_it(client, world):
    lead = {**CROWN_LEAD, "sentence_before_plea": custody("2y")}
    lead.pop("plea")
    case, scenario = scenario_with_lead(world, lead)
    add_second(world, case, scenario, relation="consecutive")
    sign_in(client, world.users["court_prac"])
    detail = text_of(client.get(reverse("courts:scenario-detail", args=[case.pk, scenario.pk])))
    suspension = reverse("courts:scenario-step", args=[case.pk, scenario.pk, "suspension"])
    assert f'href="{suspension}">Suspension</a>: The total custodial term is' in detail


def test_api_engine_cli_and_pages_agree_on_a_two_offence_case(client, world, tmp_path, capsys):
    case, scenario = scenario_with_lead(world)
    add_second(world, case, scenario, relation="consecutive")
    sign_in(client, world.users["court_prac"])
    body = {
        "label": "Through the API",
        "request": scenario.request,
        "other_offences": [
            {"label": "Count 2", "relation": "consecutive", "request": scenario.other_offences[0]["request"]}
        ],
    }
    response = client.post(
        f"/api/v1/sentencing/cases/{case.pk}/scenarios", body, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    api_case = response.json()["case_result"]
    engine_input = {
        "offences": [
            {"relation": "lead", "request": scenario.request},
            {"relation": "consecutive", "label": "Count 2", "request": scenario.other_offences[0]["request"]},
        ]
    }
    engine = json.loads(json.dumps(calculate_case_from_dict(engine_input).to_dict()))
    calculated = client.post(
        "/api/v1/sentencing/calculate", engine_input, content_type="application/json"
    ).json()
    path = tmp_path / "case.json"
    path.write_text(json.dumps(engine_input))
    capsys.readouterr()
    assert cli.main(["sentence", str(path)]) == 0
    from_cli = json.loads(capsys.readouterr().out)
    assert api_case == engine == calculated == from_cli == scenario.case_result
    assert api_case["total"]["text"] == "10 months' custody, suspended for 2 years"
    # A bad relation is refused with the scenario's own field names, and nothing is saved.
    bad = {**body, "other_offences": [{**body["other_offences"][0], "relation": "sideways"}]}
    refused = client.post(
        f"/api/v1/sentencing/cases/{case.pk}/scenarios", bad, content_type="application/json"
    )
    assert refused.status_code == 422
    assert ("other_offences[0].relation", "not_allowed") in [
        (e["field"], e["code"]) for e in refused.json()["errors"]
    ]
    assert case.scenarios.count() == 2
