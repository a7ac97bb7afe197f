"""The supervision API: the same records, rules and refusals as the pages, every response documented."""

from __future__ import annotations

import json
from datetime import date, timedelta

from django.utils import timezone

from safeguard.supervision.models import SupervisionCase
from tests.conftest import sign_in
from tests.integration.supervision_helpers import police_case, probation_case, requirement

TODAY = timezone.localdate()


def post(client, url: str, body: dict, **headers):
    return client.post(url, json.dumps(body), content_type="application/json", headers=headers)


def test_the_caseload_in_attention_order_and_a_bad_cursor_names_the_field(client, world):
    case = probation_case(world, today=TODAY)
    sign_in(client, world.users["prob_prac"])
    body = client.get("/api/v1/supervision/caseload").json()
    assert [c["id"] for c in body["results"]] == [str(case.pk)]
    first = body["results"][0]
    assert first["tier"] == "G" and first["tier_provisional"] is True and first["tier_rule_status"] == "secondary, unverified"
    assert first["next_visit_due"] == case.next_visit_due.isoformat() and body["next"] is None
    refused = client.get("/api/v1/supervision/caseload", {"cursor": "nonsense"})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "cursor"
    assert client.get("/api/v1/supervision/caseload", {"team": "true"}).status_code == 403


def test_a_police_record_needs_the_reason_in_a_header(client, world):
    police_case(world, today=TODAY)
    requirement(world, relevant_date=date(2025, 3, 1), months=8, today=TODAY)
    sign_in(client, world.users["prob_prac"])
    url = f"/api/v1/supervision/persons/{world.persons['police'].pk}"
    denied = client.get(url)
    assert denied.status_code == 403 and denied.json()["code"] == "justification_required"
    body = client.get(url, headers={"X-Justification": "MAPPA review (synthetic)"}).json()
    (req,) = body["requirements"]
    assert (req["indefinite"], req["end_date"], req["agency"]) == (False, "2035-02-28", "Test police agency")
    (initial,) = req["events"]
    assert (initial["kind"], initial["due_date"]) == ("initial", "2025-03-03") and "s.83(1)" in initial["due_basis"]
    assert client.get(f"/api/v1/supervision/persons/{world.persons['other'].pk}").status_code == 404


def test_recording_a_visit_refuses_the_future_and_moves_the_due_date(client, world):
    case = probation_case(world, opened_on=date(2025, 1, 1), today=TODAY)
    sign_in(client, world.users["prob_prac"])
    url = f"/api/v1/supervision/cases/{case.pk}/visits"
    visit = {"kind": "planned", "outcome": "completed", "observations": "Synthetic."}
    future = post(client, url, {**visit, "visited_on": (TODAY + timedelta(days=1)).isoformat()})
    assert future.status_code == 422
    assert future.json()["errors"][0]["field"] == "visited_on" and future.json()["errors"][0]["code"] == "future"
    done = post(client, url, {**visit, "visited_on": TODAY.isoformat()})
    assert done.status_code == 201 and done.json()["officers"] == [world.users["prob_prac"].get_full_name()]
    assert SupervisionCase.objects.get(pk=case.pk).last_visit_on == TODAY
    assert post(client, url, {**visit, "visited_on": "2026-02-30"}).status_code == 422
    assert post(client, url, {**visit, "visited_on": TODAY.isoformat(), "officers": [999999]}).status_code == 422


def test_notifications_get_computed_due_dates_and_probation_may_not_add_them(client, world):
    police_case(world, today=TODAY)
    req = requirement(world, relevant_date=date(2025, 3, 1), first=date(2025, 3, 2), today=TODAY)
    url = f"/api/v1/supervision/requirements/{req.pk}/notifications"
    reason = {"X-Justification": "Register update (synthetic)"}
    sign_in(client, world.users["prob_prac"])
    assert post(client, url, {"kind": "name", "change_date": "2025-06-01"}, **reason).status_code == 403
    sign_in(client, world.users["police_prac"])
    early = post(client, url, {"kind": "name", "change_date": "2025-02-01"}, **reason)
    assert early.status_code == 422 and early.json()["errors"][0]["field"] == "change_date"
    made = post(client, url, {"kind": "name", "change_date": "2025-12-30", "due_date": "2030-01-01"}, **reason)
    assert made.status_code == 201 and made.json()["due_date"] == "2026-01-01"  # computed, never taken from the caller
    assert post(client, url, {"kind": "initial"}, **reason).status_code == 422


def test_due_items_in_the_api(client, world):
    probation_case(world, opened_on=TODAY - timedelta(days=60), today=TODAY)
    sign_in(client, world.users["prob_prac"])
    items = client.get("/api/v1/supervision/due").json()
    assert {i["kind"] for i in items} == {"supervision.visit", "supervision.plan-review"}
    sign_in(client, world.users["treat_prac"])
    assert client.get("/api/v1/supervision/due").status_code == 403


def test_every_supervision_operation_documents_its_responses(client, world):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    operations = [op for path, methods in paths.items() if path.startswith("/api/v1/supervision") for op in methods.values()]
    assert len(operations) == 5
    for operation in operations:
        codes = set(operation["responses"])
        assert {"401", "403", "404", "422"} <= codes, operation["operationId"]
        assert codes & {"200", "201"}
        for response in operation["responses"].values():
            assert "content" in response and response["content"]["application/json"]["schema"], operation["operationId"]
