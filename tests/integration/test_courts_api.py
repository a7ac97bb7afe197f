"""The sentencing API: cases and scenarios of the actor's agency, field-level refusals, and the same
figures through the browser, the API, the engine and the command line."""

from __future__ import annotations

import json

from django.urls import reverse

from safeguard import cli
from safeguard.audit.models import AuditEvent
from safeguard.courts.models import CaseScenario, SentencingCase
from safeguard.guidelines import calculate_from_dict
from tests.conftest import sign_in
from tests.integration.test_courts_services import PUBLISHED, STEP_ANSWERS, new_case
from tests.integration.test_courts_views import walk


def _post(client, url: str, body: object):
    return client.post(url, body, content_type="application/json")


def test_api_engine_cli_and_browser_give_the_same_figures(client, world, tmp_path, capsys):
    sign_in(client, world.users["court_prac"])
    created = _post(client, "/api/v1/sentencing/cases", {"title": "Published case"})
    assert created.status_code == 201
    case_id = created.json()["id"]
    response = _post(client, f"/api/v1/sentencing/cases/{case_id}/scenarios", {"label": "As published", "request": PUBLISHED})
    assert response.status_code == 201
    api_result = response.json()["result"]

    engine_result = json.loads(json.dumps(calculate_from_dict(PUBLISHED).to_dict()))

    path = tmp_path / "request.json"
    path.write_text(json.dumps(PUBLISHED))
    capsys.readouterr()
    assert cli.main(["sentence", str(path)]) == 0
    cli_result = json.loads(capsys.readouterr().out)

    browser_case = new_case(world, title="Walked in the browser")
    browser_scenario = browser_case.scenarios.get()
    walk(client, browser_case, browser_scenario, STEP_ANSWERS)
    browser_scenario.refresh_from_db()

    assert api_result == engine_result == cli_result == browser_scenario.result
    assert browser_scenario.request == PUBLISHED
    assert api_result["sentence"]["text"] == "6 months' custody, suspended for 2 years"
    assert api_result["notification"]["period"]["period_months"] == 84
    # The unverified data is flagged in the API response as well.
    body = response.json()
    assert body["warnings"] == api_result["warnings"] and body["warnings"]
    assert body["banner"].startswith("This result uses unverified transcriptions")
    assert body["guideline_id"] == "indecent-photographs-of-children" and body["data_fingerprint"]


def test_a_refused_scenario_lists_every_problem_and_saves_nothing(client, world):
    case = new_case(world)
    sign_in(client, world.users["court_prac"])
    bad = {**PUBLISHED, "victim_age": 19,
           "suspension": {"suspend": True, "operational_period": "5y", "requirements": [{"type": "tea_drinking"}]}}  # fmt: skip
    response = _post(client, f"/api/v1/sentencing/cases/{case.pk}/scenarios", {"label": "Bad", "request": bad})
    assert response.status_code == 422
    errors = {e["field"]: e for e in response.json()["errors"]}
    assert errors["victim_age"]["code"] == "not_a_child_for_this_offence"
    assert errors["suspension.operational_period"]["code"] == "out_of_range"
    requirement = errors["suspension.requirements[0].type"]
    assert requirement["code"] == "unknown_requirement" and "allowed:" in requirement["message"]
    assert case.scenarios.count() == 1  # only the empty first scenario
    assert AuditEvent.objects.filter(action="sentencing.scenario.update", outcome="failure").count() == 1
    missing = _post(client, f"/api/v1/sentencing/cases/{case.pk}/scenarios", {"request": PUBLISHED})
    assert missing.status_code == 422


def test_replace_a_scenario_and_propose_it(client, world):
    case = new_case(world)
    scenario = case.scenarios.get()
    sign_in(client, world.users["court_prac"])
    url = f"/api/v1/sentencing/cases/{case.pk}/scenarios/{scenario.pk}"
    with_sso = {**PUBLISHED, "suspension": {**PUBLISHED["suspension"], "requirements": [{"type": "programme"}]}}
    response = client.put(url, {"label": "Suspended", "request": with_sso, "proposed": True},
                          content_type="application/json")  # fmt: skip
    assert response.status_code == 200
    assert response.json()["sso_requirements"] == ["programme"]
    assert [r["label"] for r in response.json()["result"]["suspension"]["requirements"]] == [
        "Programme requirement (accredited programme)"
    ]
    scenario.refresh_from_db()
    assert scenario.proposed and scenario.label == "Suspended"
    assert scenario.request["suspension"]["requirements"] == [{"type": "programme"}]
    detail = client.get(f"/api/v1/sentencing/cases/{case.pk}").json()
    assert detail["scenarios"][0]["result"]["sentence"]["text"] == "6 months' custody, suspended for 2 years"
    assert detail["person"] is None and detail["agency"] == "Test court agency"


def test_sso_requirements_are_checked_alike_by_the_calculation_api_the_cli_and_the_scenario_api(
    client, world, tmp_path, capsys
):
    sign_in(client, world.users["court_prac"])
    case = new_case(world)
    suspension = {**PUBLISHED["suspension"], "supervision_period": "1y"}

    def every_front_end(requirements: list[dict[str, object]]) -> list[tuple[int, dict]]:
        request = {**PUBLISHED, "suspension": {**suspension, "requirements": requirements}}
        api = _post(client, "/api/v1/sentencing/calculate", request)
        path = tmp_path / "request.json"
        path.write_text(json.dumps(request))
        capsys.readouterr()
        code = cli.main(["sentence", str(path)])
        cli_body = json.loads(capsys.readouterr().out)
        scenario = _post(client, f"/api/v1/sentencing/cases/{case.pk}/scenarios", {"label": "S", "request": request})
        scenario_body = scenario.json()
        if scenario.status_code == 201:
            scenario_body = scenario_body["result"]
        # The API's refusals add a sentence (`detail`) to the same errors.
        api_body, scenario_body = (
            {k: v for k, v in body.items() if k != "detail"} for body in (api.json(), scenario_body)
        )
        return [(api.status_code, api_body), (code, cli_body), (scenario.status_code, scenario_body)]

    (api_status, api_body), (cli_code, cli_body), (scenario_status, scenario_body) = every_front_end(
        [{"type": "unpaid_work", "hours": 10}, {"type": "polygraph"}]
    )
    assert (api_status, cli_code, scenario_status) == (422, 2, 422)
    assert api_body == cli_body == scenario_body
    assert [(e["field"], e["code"]) for e in api_body["errors"]] == [
        ("suspension.requirements[0].hours", "out_of_range"),
        ("suspension.requirements[1].type", "unknown_requirement"),
    ]

    (api_status, api_body), (cli_code, cli_body), (scenario_status, scenario_body) = every_front_end(
        [{"type": "unpaid_work", "hours": 100}]
    )
    assert (api_status, cli_code, scenario_status) == (200, 0, 201)
    assert api_body == cli_body == scenario_body
    assert api_body["suspension"]["requirements"] == [
        {"type": "unpaid_work", "label": "Unpaid work requirement", "hours": 100, "details": ""}
    ]
    assert any(w.startswith("Requirements of the suspended sentence order: unverified") for w in api_body["warnings"])
    assert api_body["verified"] is False


def test_the_older_sso_requirements_field_is_merged_into_the_request(client, world):
    case = new_case(world)
    sign_in(client, world.users["court_prac"])
    url = f"/api/v1/sentencing/cases/{case.pk}/scenarios"
    # Merged as {type} entries after those already in the request, without repeating a type.
    request = {**PUBLISHED, "suspension": {**PUBLISHED["suspension"], "requirements": [{"type": "curfew"}]}}
    response = _post(client, url, {"label": "Older client", "request": request,
                                   "sso_requirements": ["programme", "curfew", "programme"]})  # fmt: skip
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["sso_requirements"] == ["curfew", "programme"]
    assert body["request"]["suspension"]["requirements"] == [{"type": "curfew"}, {"type": "programme"}]
    assert [r["type"] for r in body["result"]["suspension"]["requirements"]] == ["curfew", "programme"]
    assert any(w.startswith("Requirements of the suspended sentence order: unverified") for w in body["warnings"])
    # Checked by the engine like the request's own requirements: the merged field is named.
    refused = _post(client, url, {"label": "Bad", "request": PUBLISHED, "sso_requirements": ["tea_drinking"]})
    assert refused.status_code == 422
    (error,) = refused.json()["errors"]
    assert error["field"] == "suspension.requirements[0].type" and error["code"] == "unknown_requirement"
    # Requirements without a suspended sentence order are refused, not dropped.
    unsuspended = {**PUBLISHED, "suspension": {"suspend": False}}
    refused = _post(client, url, {"label": "Bad", "request": unsuspended, "sso_requirements": ["programme"]})
    assert [(e["field"], e["code"]) for e in refused.json()["errors"]] == [("suspension.requirements", "not_applicable")]
    no_suspension = {k: v for k, v in PUBLISHED.items() if k != "suspension"}
    refused = _post(client, url, {"label": "Bad", "request": no_suspension, "sso_requirements": ["programme"]})
    assert [(e["field"], e["code"]) for e in refused.json()["errors"]] == [("suspension.suspend", "required")]
    assert case.scenarios.count() == 2


def test_cases_belong_to_the_agency(client, world):
    case = new_case(world)
    sign_in(client, world.users["prob_prac"])
    assert client.get(f"/api/v1/sentencing/cases/{case.pk}").status_code == 404
    assert client.get("/api/v1/sentencing/cases").json()["count"] == 0
    assert _post(client, f"/api/v1/sentencing/cases/{case.pk}/scenarios", {"label": "X", "request": PUBLISHED}).status_code == 404
    sign_in(client, world.users["treat_prac"])
    assert client.get("/api/v1/sentencing/cases").status_code == 403
    sign_in(client, world.users["court_prac"])
    listing = client.get("/api/v1/sentencing/cases").json()
    assert [c["id"] for c in listing["results"]] == [case.pk]


def test_creating_a_case_names_bad_fields(client, world):
    sign_in(client, world.users["prob_prac"])
    response = _post(client, "/api/v1/sentencing/cases", {"title": ""})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "title"
    response = _post(client, "/api/v1/sentencing/cases", {"person_id": str(world.persons["other"].pk)})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "person"
    response = _post(client, "/api/v1/sentencing/cases", {"person_id": str(world.persons["probation"].pk)})
    assert response.status_code == 201 and response.json()["person"]["reference"] == "PTEST001"
    assert SentencingCase.objects.count() == 1 and CaseScenario.objects.count() == 1


def test_report_pdf_through_the_api(client, world):
    case = new_case(world)
    sign_in(client, world.users["court_prac"])
    response = client.get(reverse("api-1:case_report_pdf", kwargs={"case_id": case.pk}))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
