"""The prevention API: for the handling centre's staff only, no message or code ever in it, and
bad input answered with the field and what is allowed."""

from __future__ import annotations

from django.test import Client

from safeguard.prevention.models import ContactRecord
from tests import prevention_fixtures as fx
from tests.conftest import sign_in
from tests.security.matrix_prevention import API_BODIES

GOOD = API_BODIES["api-1:prevention_contact_create"]


def as_(world, who: str) -> Client:
    client = Client()
    sign_in(client, world.users[who])
    return client


def test_the_inbox_list_has_no_messages_codes_or_other_centres(world):
    mine = fx.start(world, message="zq-api-words")[0]
    fx.start(world, centre="other_prevention")
    body = as_(world, "prev_prac").get("/api/v1/prevention/conversations?show=open").json()
    assert [row["id"] for row in body["results"]] == [str(mine.pk)]
    text = str(body)
    assert "zq-api-words" not in text and mine.reference_code not in text
    assert as_(world, "police_prac").get("/api/v1/prevention/conversations").status_code == 403
    assert as_(world, "prev_prac").get("/api/v1/prevention/conversations?show=everything").status_code == 422


def test_a_contact_is_recorded_and_bad_input_names_the_field(world):
    client = as_(world, "prev_prac")
    created = client.post("/api/v1/prevention/contacts", GOOD, content_type="application/json")
    assert created.status_code == 201 and created.json()["channel"] == "phone"
    assert ContactRecord.objects.get().centre == world.agencies["prevention"]
    cases = {
        "name": ({**GOOD, "name": "Testy"}, "unknown_field"),
        "channel": ({**GOOD, "channel": "carrier pigeon"}, "invalid_choice"),
        "duration_minutes": ({**GOOD, "duration_minutes": 0}, "min_value"),
        "started_at": ({**GOOD, "started_at": "2026-01-05T10:30:00"}, "no_timezone"),
        "interpreter": ({**GOOD, "interpreter": "yes"}, "wrong_type"),
    }
    for field, (body, code) in cases.items():
        response = client.post("/api/v1/prevention/contacts", body, content_type="application/json")
        assert response.status_code == 422, field
        errors = response.json()["errors"]
        assert errors[0]["field"] == field and errors[0]["code"] == code, errors
    broken = client.post("/api/v1/prevention/contacts", "{not json", content_type="application/json")
    assert broken.status_code == 400 and broken.json()["errors"][0]["code"] == "invalid_json"
    future = client.post("/api/v1/prevention/contacts", {**GOOD, "started_at": "2999-01-01T10:00:00+00:00"},
                         content_type="application/json")
    assert future.status_code == 422 and future.json()["errors"][0]["field"] == "started_at"
    assert ContactRecord.objects.count() == 1


def test_statistics_are_the_centres_own(world):
    fx.start(world)
    body = as_(world, "prev_prac").get("/api/v1/prevention/statistics?weeks=4").json()
    assert len(body["weeks"]) == 4 and body["weeks"][-1]["by_channel"]["secure_messaging"] == 1
    other = as_(world, "prev_other").get("/api/v1/prevention/statistics?weeks=4").json()
    assert other["weeks"][-1]["by_channel"]["secure_messaging"] == 0
    assert as_(world, "analyst").get("/api/v1/prevention/statistics").status_code == 403
