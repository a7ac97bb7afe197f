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


def test_notification_refuses_a_caution_for_a_child_under_10(client, world):
    sign_in(client, world.users["court_prac"])
    body = {"disposal": "caution", "relevant_date": "2025-01-01", "age_at_relevant_date": 9}
    response = client.post("/api/v1/sentencing/notification", body, content_type="application/json")
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert (error["field"], error["code"]) == ("age_at_relevant_date", "below_age_of_criminal_responsibility")
    assert "was 9" in error["message"]


def test_notification_checks_the_image_threshold_with_the_age_shown(client, world):
    sign_in(client, world.users["court_prac"])
    body = {"disposal": "imprisonment", "custody_months": 12, "relevant_date": "2025-01-01",
            "age_at_relevant_date": 30, "age_at_offence": 30, "offence": "cja1988-s160"}
    asked = client.post("/api/v1/sentencing/notification", body, content_type="application/json").json()
    assert asked["schedule_3"]["needs"] == ["youngest_age_shown"]
    not_met = client.post(
        "/api/v1/sentencing/notification", {**body, "youngest_age_shown": 16}, content_type="application/json"
    ).json()
    assert (not_met["schedule_3"]["applies"], not_met["period_months"]) == ("no", None)


def test_calculation_asks_for_the_age_shown(client, world):
    sign_in(client, world.users["court_prac"])
    body = {"offence": "pca1978-s1", "offence_date": "2023-01-10", "conviction_date": "2023-09-01",
            "sentencing_date": "2023-10-02", "offender_age_at_offence": 40, "offender_age_at_conviction": 40,
            "harm_factors": ["non_penetrative_sexual_activity"], "culpability_factors": ["possession"],
            "sentence_before_plea": {"kind": "custody", "length": "12m"}}
    result = client.post("/api/v1/sentencing/calculate", body, content_type="application/json").json()
    assert (result["notification"]["applies"], result["notification"]["needs"]) == ("unknown", ["youngest_age_shown"])
    shown = client.post(
        "/api/v1/sentencing/calculate", {**body, "youngest_age_shown": 16}, content_type="application/json"
    ).json()
    assert shown["notification"]["applies"] == "no"
