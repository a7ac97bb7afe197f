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
    bad = {**PUBLISHED, "conviction_date": "2023-01-01", "suspension": {"suspend": True, "operational_period": "5y"}}
    response = _post(client, f"/api/v1/sentencing/cases/{case.pk}/scenarios",
                     {"label": "Bad", "request": bad, "sso_requirements": ["tea_drinking"]})  # fmt: skip
    assert response.status_code == 422
    errors = {e["field"]: e for e in response.json()["errors"]}
    assert errors["conviction_date"]["code"] == "before_offence_date"
    assert "sso_requirements" in errors and "allowed:" in errors["sso_requirements"]["message"]
    assert case.scenarios.count() == 1  # only the empty first scenario
    assert AuditEvent.objects.filter(action="sentencing.scenario.update", outcome="failure").count() == 1
    missing = _post(client, f"/api/v1/sentencing/cases/{case.pk}/scenarios", {"request": PUBLISHED})
    assert missing.status_code == 422


def test_replace_a_scenario_and_propose_it(client, world):
    case = new_case(world)
    scenario = case.scenarios.get()
    sign_in(client, world.users["court_prac"])
    url = f"/api/v1/sentencing/cases/{case.pk}/scenarios/{scenario.pk}"
    response = client.put(url, {"label": "Suspended", "request": PUBLISHED, "proposed": True,
                                "sso_requirements": ["programme"]}, content_type="application/json")  # fmt: skip
    assert response.status_code == 200
    scenario.refresh_from_db()
    assert scenario.proposed and scenario.label == "Suspended" and scenario.sso_requirements == ["programme"]
    detail = client.get(f"/api/v1/sentencing/cases/{case.pk}").json()
    assert detail["scenarios"][0]["result"]["sentence"]["text"] == "6 months' custody, suspended for 2 years"
    assert detail["person"] is None and detail["agency"] == "Test court agency"


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
