"""The sentencing API gives the same figures as the pure engine, and field-level errors for bad input."""

from __future__ import annotations

import json

from safeguard.guidelines import notification_from_dict
from tests.conftest import sign_in


def test_notification_matches_the_engine(client, world):
    sign_in(client, world.users["court_prac"])
    body = {"disposal": "caution", "relevant_date": "2025-01-01", "age_at_relevant_date": 16}
    response = client.post("/api/v1/sentencing/notification", body, content_type="application/json")
    assert response.status_code == 200
    assert response.json() == json.loads(json.dumps(notification_from_dict(body)))
    assert response.json()["period_months"] == 12  # halved for a person under 18


def test_calculation_reports_every_missing_field(client, world):
    sign_in(client, world.users["court_prac"])
    response = client.post("/api/v1/sentencing/calculate", {}, content_type="application/json")
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"offence", "offence_date", "sentencing_date"} <= fields


def test_malformed_json_is_400(client, world):
    sign_in(client, world.users["court_prac"])
    response = client.post("/api/v1/sentencing/calculate", "{not json", content_type="application/json")
    assert response.status_code == 400 and response.json()["errors"][0]["code"] == "invalid_json"


def test_guideline_list_shows_verification_status(client, world):
    sign_in(client, world.users["prob_prac"])
    versions = client.get("/api/v1/sentencing/guidelines").json()
    assert versions and all("status" in v and "effective_from" in v for v in versions)
