"""API: token auth, the same policy as the pages, field-level errors, no half-saved writes."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from safeguard.accounts.models import ApiToken
from safeguard.audit.models import AuditEvent
from safeguard.people.models import Person, PersonNote
from tests.conftest import sign_in


def test_token_is_stored_hashed_and_authenticates(world, token_client):
    client = token_client("prob_prac")
    assert client.get("/api/v1/me").json()["role"] == "practitioner"
    token = ApiToken.objects.get()
    assert token.token_hash and "sgt_" not in token.token_hash


def test_revoked_or_wrong_token_is_refused(world, token_client):
    client = token_client("prob_prac")
    ApiToken.objects.update(revoked_at="2026-01-01T00:00:00Z")
    assert client.get("/api/v1/me").status_code == 401
    assert Client(headers={"Authorization": "Bearer nonsense"}).get("/api/v1/me").status_code == 401


def test_person_list_is_scoped_and_audited(world, token_client):
    data = token_client("treat_prac").get("/api/v1/persons").json()
    assert [p["reference"] for p in data["results"]] == ["PTEST001"]
    assert AuditEvent.objects.filter(action="person.search", username="treat_prac").count() == 1


def test_police_record_needs_a_justification_header(world, token_client):
    client = token_client("prob_prac")
    url = f"/api/v1/persons/{world.persons['police'].pk}"
    refused = client.get(url)
    assert refused.status_code == 403 and refused.json()["code"] == "justification_required"
    ok = client.get(url, headers={"X-Justification": "Preparing the risk management meeting"})
    assert ok.status_code == 200
    event = AuditEvent.objects.filter(action="person.view").latest("id")
    assert event.justification == "Preparing the risk management meeting"


def test_create_person_reports_each_bad_field_and_saves_nothing(world, token_client):
    client = token_client("prob_prac")
    before = Person.objects.count()
    response = client.post(
        "/api/v1/persons",
        {"given_name": "", "family_name": "X", "date_of_birth": "not-a-date", "sex": "other"},
        content_type="application/json",
    )
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"given_name", "date_of_birth", "sex"} <= fields
    assert Person.objects.count() == before


def test_create_person_refuses_a_bad_pnc_with_the_field_named(world, token_client):
    response = token_client("prob_prac").post(
        "/api/v1/persons",
        {"given_name": "Testy", "family_name": "Api", "date_of_birth": "1990-01-01", "pnc_number": "12345"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "pnc_number"
    assert not Person.objects.filter(family_name="Api").exists()


def test_created_person_is_visible_to_its_agency_only(world, token_client):
    response = token_client("prob_prac").post(
        "/api/v1/persons",
        {
            "given_name": "Testy",
            "family_name": "Created",
            "date_of_birth": "1990-01-01",
            "pnc_number": "2020/0000001a",
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    pk = response.json()["id"]
    assert Person.objects.get(pk=pk).pnc_number == "2020/0000001A"
    assert token_client("prob_sup").get(f"/api/v1/persons/{pk}").status_code == 200
    assert token_client("police_prac").get(f"/api/v1/persons/{pk}").status_code == 404


def test_note_via_api_is_encrypted_and_visible_in_the_record(world, token_client):
    client = token_client("prob_prac")
    pk = world.persons["probation"].pk
    assert (
        client.post(
            f"/api/v1/persons/{pk}/notes", {"body": "Synthetic API note"}, content_type="application/json"
        ).status_code
        == 201
    )
    assert PersonNote.objects.get().body == "Synthetic API note"
    notes = client.get(f"/api/v1/persons/{pk}").json()["notes"]
    assert notes[0]["body"] == "Synthetic API note"


def test_session_without_mfa_is_not_enough_for_the_api(client, world):
    client.force_login(world.users["prob_prac"], backend="safeguard.accounts.backends.AccountBackend")
    assert client.get("/api/v1/me").status_code == 401
    sign_in(client, world.users["prob_prac"])
    assert client.get("/api/v1/me").status_code == 200


def test_openapi_document_lists_the_operations(client, db):
    doc = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/persons", "/api/v1/persons/{pk}", "/api/v1/me"} <= set(doc["paths"])
    assert doc["info"]["title"] == "Safeguard API"


def test_openapi_document_has_no_duplicate_keys(client, db):
    """Swagger UI reads the document as YAML, which refuses a key given twice (e.g. 200 and "200")."""
    duplicates: list[str] = []

    def pairs(items: list[tuple[str, object]]) -> dict[str, object]:
        keys = [key for key, _ in items]
        duplicates.extend(key for key in set(keys) if keys.count(key) > 1)
        return dict(items)

    json.loads(client.get("/api/v1/openapi.json").content, object_pairs_hook=pairs)
    assert duplicates == []
    pdf = json.loads(client.get("/api/v1/openapi.json").content)["paths"][
        "/api/v1/sentencing/cases/{case_id}/report.pdf"
    ]
    assert "application/pdf" in pdf["get"]["responses"]["200"]["content"]


@pytest.mark.parametrize("page", ["0", "abc", "-1"])
def test_bad_query_parameters_are_422_not_500(world, token_client, page):
    assert token_client("prob_prac").get("/api/v1/persons", {"page": page}).status_code == 422


def test_malformed_uuid_is_a_field_error(world, token_client):
    response = token_client("prob_prac").get("/api/v1/persons/not-a-uuid")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "pk"
