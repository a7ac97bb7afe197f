"""Person-bound assessments over the API: scoped, audited, field-level errors, never a 500."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from safeguard.assessments.models import Assessment
from safeguard.audit.models import AuditEvent
from safeguard.instruments import registry

STABLE = "stable-2007"


@pytest.fixture
def api(token_client):
    return token_client


def post(client: Client, url: str, body: object, **headers):
    return client.post(url, json.dumps(body), content_type="application/json", headers=headers)


def test_record_read_list_and_correct(world, api):
    client = api("prob_prac")
    person = world.persons["probation"]
    answers = registry.example_input("osp-dc")
    created = post(client, f"/api/v1/persons/{person.pk}/assessments", {"instrument": "osp-dc", "inputs": answers, "complete": True})
    assert created.status_code == 201
    body = created.json()
    stored = Assessment.objects.get(pk=body["id"])
    assert body["result"] == json.loads(json.dumps(registry.score("osp-dc", answers, today=stored.assessment_date).to_dict()))
    assert body["status"] == "completed" and body["version"] == 1 and body["inputs"] == answers
    assert body["inputs_hash"] == stored.inputs_hash and body["assessed_by"] == "prob_prac"
    assert body["band"] == "medium" and body["probability"] == body["result"]["probability"]
    assert body["instrument_metadata"]["source"] == registry.metadata("osp-dc").source

    assert client.get(f"/api/v1/assessments/{stored.pk}").json()["result"] == body["result"]
    listed = client.get(f"/api/v1/persons/{person.pk}/assessments").json()
    assert [a["id"] for a in listed] == [str(stored.pk)]

    corrected = post(
        client, f"/api/v1/assessments/{stored.pk}/corrections",
        {"inputs": {**answers, "current_offence_against_stranger": True}, "reason": "The victim was a stranger."},
    )
    assert corrected.status_code == 201
    new = corrected.json()
    assert new["supersedes"] == str(stored.pk) and new["version"] == 2 and new["points"] == body["points"] + 4
    assert new["correction_reason"] == "The victim was a stranger."
    old = client.get(f"/api/v1/assessments/{stored.pk}").json()
    assert old["superseded_by"] == new["id"] and old["result"] == body["result"]
    listed = {a["id"]: a for a in client.get(f"/api/v1/persons/{person.pk}/assessments").json()}
    assert listed[str(stored.pk)]["superseded_by"] == new["id"]
    again = post(client, f"/api/v1/assessments/{stored.pk}/corrections", {"inputs": answers, "reason": "Again"})
    assert again.status_code == 422 and "already been corrected" in again.json()["errors"][0]["message"]
    actions = list(AuditEvent.objects.filter(action__startswith="assessment.").order_by("id").values_list("action", flat=True))
    assert actions == ["assessment.complete", "assessment.view", "assessment.history", "assessment.correct",
                       "assessment.view", "assessment.history"]


def test_answer_errors_are_field_level_422_and_nothing_is_stored(world, api):
    client = api("prob_prac")
    url = f"/api/v1/persons/{world.persons['probation'].pk}/assessments"
    response = post(client, url, {"instrument": "osp-dc", "inputs": {"sex": "unknown", "total_sanctions": -1}, "complete": True})
    assert response.status_code == 422
    fields = {e["field"]: e["code"] for e in response.json()["errors"]}
    assert fields["inputs.sex"] == "not_allowed" and fields["inputs.has_ever_committed_sexual_offence"] == "missing"
    unknown = post(client, url, {"instrument": "rm2000-v", "inputs": {}})
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "instrument"
    extra = post(client, url, {"instrument": STABLE, "inputs": {"impulsive_act": 1}})
    assert extra.status_code == 422 and extra.json()["errors"][0] == {
        "field": "inputs.impulsive_act", "code": "unknown_field", "message": "impulsive_act is not an input of stable-2007",
    }
    future = post(client, url, {"instrument": STABLE, "inputs": registry.example_input(STABLE), "complete": True,
                                "assessment_date": "2999-01-01"})
    assert future.status_code == 422 and future.json()["errors"][0]["field"] == "assessment_date"
    infinite = client.post(url, '{"instrument": "rsr", "inputs": {"serious_non_sexual_violence_percent": 1e400}}',
                           content_type="application/json")
    # A number too large to represent is refused as it is read (JSON has no infinity), with its field.
    assert infinite.status_code == 400
    assert infinite.json()["errors"][0]["field"] == "inputs.serious_non_sexual_violence_percent"
    assert infinite.json()["errors"][0]["code"] == "not_finite"
    for bad in ({"instrument": STABLE, "inputs": [1, 2]}, {"inputs": {}}):
        assert post(client, url, bad).status_code == 422
    # A body that is not an object cannot be read as the request at all.
    not_an_object = post(client, url, "not an object")
    assert not_an_object.status_code == 400 and not_an_object.json()["errors"][0]["code"] == "not_an_object"
    assert client.post(url, "{oops", content_type="application/json").status_code in (400, 422)
    correction = post(client, "/api/v1/assessments/not-a-uuid/corrections", {"inputs": {}, "reason": "x"})
    assert correction.status_code == 422
    assert not Assessment.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="assessment.").exists()


def test_draft_then_a_correction_is_refused(world, api):
    client = api("prob_prac")
    draft = post(client, f"/api/v1/persons/{world.persons['probation'].pk}/assessments",
                 {"instrument": STABLE, "inputs": {"impulsive_acts": 1}})
    assert draft.status_code == 201 and draft.json()["status"] == "draft" and draft.json()["result"] is None
    refused = post(client, f"/api/v1/assessments/{draft.json()['id']}/corrections",
                   {"inputs": registry.example_input(STABLE), "reason": "Not yet"})
    assert refused.status_code == 422


def test_scope_404_and_role_403(world, api):
    person = world.persons["probation"]
    created = post(api("prob_prac"), f"/api/v1/persons/{person.pk}/assessments",
                   {"instrument": STABLE, "inputs": registry.example_input(STABLE), "complete": True}).json()
    assert api("police_prac").get(f"/api/v1/assessments/{created['id']}").status_code == 404
    assert api("police_prac").get(f"/api/v1/persons/{person.pk}/assessments").status_code == 404
    assert api("analyst").get(f"/api/v1/assessments/{created['id']}").status_code == 403
    treatment = api("treat_prac")
    assert treatment.get(f"/api/v1/assessments/{created['id']}").status_code == 200
    refused = post(treatment, f"/api/v1/assessments/{created['id']}/corrections",
                   {"inputs": registry.example_input(STABLE), "reason": "Not ours"})
    assert refused.status_code == 403
    assert AuditEvent.objects.filter(outcome="denied", username="police_prac").count() == 2


def test_unverified_summary_gives_no_probability(world, api):
    client = api("prob_prac")
    created = post(client, f"/api/v1/persons/{world.persons['probation'].pk}/assessments",
                   {"instrument": "osp-dc", "inputs": registry.example_input("osp-dc"), "complete": True}).json()
    Assessment.objects.filter(pk=created["id"]).update(verified=False)
    body = client.get(f"/api/v1/assessments/{created['id']}").json()
    assert body["verified"] is False and body["probability"] is None


def test_police_owned_person_needs_the_reason_header(world, api):
    client = api("prob_prac")
    url = f"/api/v1/persons/{world.persons['police'].pk}/assessments"
    body = {"instrument": STABLE, "inputs": registry.example_input(STABLE), "complete": True}
    refused = post(client, url, body)
    assert refused.status_code == 403 and refused.json()["code"] == "justification_required"
    created = post(client, url, body, **{"X-Justification": "Risk management meeting"})
    assert created.status_code == 201
    assessment_url = f"/api/v1/assessments/{created.json()['id']}"
    assert client.get(assessment_url).status_code == 403
    assert client.get(assessment_url, headers={"X-Justification": "Review"}).status_code == 200
    assert AuditEvent.objects.filter(action="assessment.view").get().justification == "Review"


def test_openapi_lists_the_assessment_operations(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/persons/{pk}/assessments", "/api/v1/assessments/{assessment_id}",
            "/api/v1/assessments/{assessment_id}/corrections"} <= set(paths)


def test_future_past_event_dates_are_refused_in_drafts_and_on_completion(world, api):
    client = api("prob_prac")
    url = f"/api/v1/persons/{world.persons['probation'].pk}/assessments"
    draft = post(client, url, {"instrument": "static-99r", "inputs": {"date_of_birth": "2999-01-01"}})
    assert draft.status_code == 422
    assert draft.json()["errors"][0]["field"] == "inputs.date_of_birth"
    osp = {**registry.example_input("osp-dc"), "assessment_date": "2026-05-01",
           "date_of_most_recent_sexual_offence": "2026-06-01"}
    done = post(client, url, {"instrument": "osp-dc", "inputs": osp, "complete": True})
    assert done.status_code == 422
    codes = {(e["field"], e["code"]) for e in done.json()["errors"]}
    assert ("inputs.date_of_most_recent_sexual_offence", "after_assessment_date") in codes
    assert not Assessment.objects.exists()
