"""The programmes API: the "done when" journey through the API alone (a manager sets up a group, the
facilitator runs it to completion, the referrer reads the report, the prison sees who leaves without
treatment), bad input refused naming the field with nothing saved, and every operation documented."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from safeguard.accounts import services as account_services
from safeguard.assessments.ports import record_completed
from safeguard.instruments import registry
from safeguard.programmes.models import Attendance, CustodyPeriod, Group, Referral, Session
from tests import programmes_world as pwm


@pytest.fixture
def pw(world):
    return pwm.build(world)


@pytest.fixture
def as_api(pw):
    clients: dict[str, Client] = {}

    def make(name: str) -> Client:
        if name not in clients:
            token = account_services.api_token_create(membership=pw.world.memberships[name], name="test")
            clients[name] = Client(headers={"Authorization": f"Bearer {token}"})
        return clients[name]

    return make


def send(client: Client, method: str, url: str, body: object | None = None):
    return client.generic(method, f"/api/v1/programmes{url}", json.dumps(body) if body is not None else "",
                          content_type="application/json")


def test_a_group_run_to_completion_through_the_api(pw, as_api):
    prob, team, manager = as_api("prob_prac"), as_api("treat_prac"), as_api("treat_sup")
    person = pwm.person(pw)
    created = send(prob, "POST", "/referrals", {
        "person": str(person.pk), "programme": "community-image-course", "site": pw.site.pk, "setting": "community",
        "source": "probation", "information": "Synthetic referral.", "submit": True,
    })
    assert created.status_code == 201, created.content
    referral = created.json()
    assert (referral["state"], referral["pathway"], referral["suitability"][0]["value"]) == ("submitted", None, "Not assessed")
    for step in ("accept", "start_assessment", "mark_suitable"):
        moved = send(team, "POST", f"/referrals/{referral['id']}/transitions", {"transition": step})
        assert moved.status_code == 200, moved.content
    start = pwm.past_start(3)
    group = send(manager, "POST", "/groups", {
        "programme": "community-image-course", "site": pw.site.pk, "room": pw.room.pk,
        "start_date": (timezone.localdate() + timedelta(days=1)).isoformat(),
        "slots": [{"weekday": 1, "start": "18:00"}], "facilitators": [pw.world.users["treat_prac"].pk],
    })
    assert group.status_code == 201, group.content
    body = group.json()
    assert len(body["sessions"]) == 12 and body["facilitators"] == ["treat_prac"]
    # Run it from three weeks ago, as if set up then.
    Group.objects.filter(pk=body["id"]).update(start_date=start)
    moved = send(manager, "POST", f"/groups/{body['id']}/reschedule", {"from_date": timezone.localdate().isoformat()})
    assert moved.status_code == 200
    Session.objects.filter(group_id=body["id"]).update(day=start, starts_at=timezone.now() - timedelta(days=1),
                                                       ends_at=timezone.now() - timedelta(hours=20))
    member = send(manager, "POST", f"/groups/{body['id']}/members", {"referral": referral["id"], "joined_on": start.isoformat()})
    assert member.status_code == 201, member.content
    member_id = member.json()["id"]
    assert send(team, "POST", f"/referrals/{referral['id']}/transitions", {"transition": "start_programme"}).status_code == 200
    for session in Session.objects.filter(group_id=body["id"]).order_by("number"):
        taken = send(team, "PUT", f"/sessions/{session.pk}/register",
                     {"attendance": [{"member": member_id, "outcome": "attended_complied"}]})
        assert taken.status_code == 200, taken.content
        assert taken.json()["rows"][0]["service_code"] == "ATTC"
    rated = send(team, "PUT", f"/members/{member_id}/modules/1", {"ratings": {
        "engagement": 3, "understanding": 3, "victim_empathy": 2, "regret": 3, "reflective_capacity": 2,
        "self_management": 2}, "notes": "Synthetic."})
    assert rated.status_code == 200 and rated.json()["reviews"][0]["ratings"]["engagement"] == 3
    done = send(team, "POST", f"/referrals/{referral['id']}/transitions",
                {"transition": "complete", "summary": "Synthetic: completed well."})
    assert done.status_code == 200 and done.json()["state"] == "programme_complete"
    report = prob.get(f"/api/v1/programmes/referrals/{referral['id']}/report")
    assert report.status_code == 200
    data = report.json()
    assert (data["marking"], data["outcome"], data["summary"]) == ("OFFICIAL-SENSITIVE", "completed", "Synthetic: completed well.")
    assert data["attendance"]["attended"] == 12 and data["recipients"] == ["prob_prac"]


def test_the_prison_sees_who_leaves_without_treatment_through_the_api(pw, as_api):
    person = pwm.person(pw, owner="prison", linked=("prison",))
    put = send(as_api("prison_prac"), "PUT", f"/persons/{person.pk}/custody",
               {"expected_release_on": (timezone.localdate() + timedelta(days=40)).isoformat()})
    assert put.status_code == 200 and CustodyPeriod.objects.filter(person=person).exists()
    record_completed(actor=pw.actor("prison_prac"), person=person, instrument_id="pni",
                     inputs={**registry.example_input("pni"), "supervision_status": "custody", "sara_risk_to_others": "medium"})
    gap = as_api("prison_prac").get("/api/v1/programmes/release-without-treatment").json()
    assert [(r["person_reference"], r["pathway"], r["referral_state"]) for r in gap["results"]] == [
        (person.reference, "moderate", "Not referred")]


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"programme": "community-image-course"}, "person", "missing"),
        ({"person": "not-a-uuid", "programme": "x", "site": 1, "setting": "community", "source": "probation"}, "person", "uuid_parsing"),
        ({"person": None, "programme": "x", "site": "one", "setting": "community", "source": "probation"}, "site", "int_parsing"),
        ({"nonsense": 1}, "nonsense", "extra_forbidden"),
    ],
)
def test_bad_bodies_are_422_naming_the_field(pw, as_api, body, field, code):
    response = send(as_api("prob_prac"), "POST", "/referrals", body)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert any(e["field"] == field and e["code"] == code and e["message"] for e in errors), errors
    assert not Referral.objects.exists()


def test_refusals_by_the_service_are_422_naming_the_field_and_nothing_is_saved(pw, as_api):
    group = pwm.group(pw, start=pwm.past_start(2))
    members = pwm.members(pw, group, 2)
    session = group.sessions.order_by("day").first()
    elsewhere = pwm.group(pw, start=pwm.past_start(2), room=pw.room2, facilitators=("treat_prac2",))
    [stranger] = pwm.members(pw, elsewhere, 1)
    rows = [{"member": m.pk, "outcome": "attended_complied"} for m in members] + [{"member": stranger.pk, "outcome": "attended_complied"}]
    response = send(as_api("treat_prac"), "PUT", f"/sessions/{session.pk}/register", {"attendance": rows})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "member" and response.json()["errors"][0]["code"] == "not_in_group"
    assert not Attendance.objects.exists()
    twice = send(as_api("treat_prac"), "PUT", f"/sessions/{session.pk}/register",
                 {"attendance": [rows[0], rows[0]]})
    assert twice.status_code == 422 and twice.json()["errors"][0]["field"] == "attendance.1.member"
    double = send(as_api("treat_sup"), "POST", "/groups", {
        "programme": "community-image-course", "site": pw.site.pk, "room": pw.room.pk,
        "start_date": group.sessions.order_by("day").last().day.isoformat(), "slots": [{"weekday": 1, "start": "18:30"}],
        "facilitators": [pw.world.users["treat_prac2"].pk],
    })
    assert double.status_code == 422 and double.json()["errors"][0]["field"] == "room"
    assert Group.objects.count() == 2
    step = send(as_api("treat_prac"), "POST", f"/referrals/{members[0].referral_id}/transitions", {"transition": "accept"})
    assert step.status_code == 422 and step.json()["errors"][0]["code"] == "not_allowed_from_state"
    outside = send(as_api("treat_prac"), "POST", f"/groups/{group.pk}/catch-ups",
                   {"number": 40, "member": members[0].pk, "day": timezone.localdate().isoformat(), "start": "09:00"})
    assert outside.status_code == 422 and outside.json()["errors"][0]["field"] == "number"


def test_a_referral_out_of_reach_is_404_and_a_role_without_the_action_403(pw, as_api):
    referral = pwm.referral(pw, state="submitted")
    assert as_api("police_prac").get(f"/api/v1/programmes/referrals/{referral.pk}").status_code == 404
    assert as_api("court_prac").get(f"/api/v1/programmes/referrals/{referral.pk}").status_code == 403
    assert as_api("treat_prac").get(f"/api/v1/programmes/referrals/{referral.pk + 1000}").status_code == 404


def test_every_programmes_operation_documents_its_responses(client, db):
    doc = client.get("/api/v1/openapi.json").json()
    operations = [(path, method, op) for path, item in doc["paths"].items() if path.startswith("/api/v1/programmes/")
                  for method, op in item.items()]
    assert len(operations) == 25
    for path, method, op in operations:
        codes = set(op["responses"])
        assert {"401", "403", "404"} <= codes, (path, method, codes)
        if method in ("post", "put"):
            assert "422" in codes and op["requestBody"]["content"]["application/json"]["schema"]["properties"], (path, method)
        assert op.get("summary"), (path, method)
        for code in ("401", "403", "404", *(("422",) if method in ("post", "put") else ())):
            answer = op["responses"][code]
            assert answer["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorOut"}
            assert answer["description"] != "Unknown Status Code", (path, method, code)
    assert {"detail", "errors"} <= set(doc["components"]["schemas"]["ErrorOut"]["properties"])
