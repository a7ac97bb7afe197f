"""Stateless scoring over the API gives exactly what the library gives, errors field by field."""

from __future__ import annotations

import json

import pytest

from safeguard.instruments import registry
from tests.conftest import sign_in


@pytest.mark.parametrize("instrument_id", registry.instrument_ids())
def test_api_matches_the_library(client, world, instrument_id):
    sign_in(client, world.users["prob_prac"])
    data = registry.example_input(instrument_id)
    response = client.post(f"/api/v1/scores/{instrument_id}", data, content_type="application/json")
    expected = json.loads(json.dumps(registry.score(instrument_id, data).to_dict()))
    assert response.json() == expected
    assert response.status_code == (422 if expected["errors"] else 200)


def test_bad_input_is_422_with_fields_named(client, world):
    sign_in(client, world.users["prob_prac"])
    response = client.post("/api/v1/scores/osp-dc", {"sex": "unknown", "total_sanctions": -1}, content_type="application/json")
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"sex", "total_sanctions"} <= fields


def test_unknown_instrument_lists_the_allowed_ids(client, world):
    sign_in(client, world.users["prob_prac"])
    response = client.post("/api/v1/scores/nonsense", {}, content_type="application/json")
    assert response.status_code == 404 and "static-99r" in response.json()["allowed"]


def test_not_json_is_a_clear_error_not_500(client, world):
    sign_in(client, world.users["prob_prac"])
    response = client.post("/api/v1/scores/cport", "{oops", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"][0] == {
        "field": "body",
        "code": "invalid_json",
        "message": "the request body is not valid JSON: Expecting property name enclosed in double quotes "
        "at line 1, column 2",
    }


def test_catalogue_carries_verification_status(client, world):
    sign_in(client, world.users["analyst"])
    catalogue = client.get("/api/v1/instruments").json()
    assert {c["id"] for c in catalogue} == set(registry.instrument_ids())
    assert all("verified" in c or "tables" in c for c in catalogue)
