"""Conviction records use the one offence catalogue (ADR 0023): their choices are its ids, codes in the
old spelling are accepted and stored as ids, the migration converts stored codes both ways, and the API
answers with ids while pages show each offence in words."""

from __future__ import annotations

import importlib
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from safeguard.courts.models import CaseScenario
from safeguard.guidelines.offences import offence_catalogue, offence_label
from safeguard.people import services
from safeguard.people.choices import OTHER_OFFENCE, offence_choices, offence_id
from safeguard.people.models import Conviction
from tests.conftest import sign_in
from tests.form_data import typed
from tests.integration.test_courts_offences import add_second, scenario_with_lead
from tests.integration.test_courts_services import PUBLISHED, STEP_ANSWERS, new_case
from tests.integration.test_courts_views import step_url, text_of
from tests.unit.guidelines.test_offence_catalogue import OLD_SPELLINGS

migration = importlib.import_module("safeguard.people.migrations.0004_offence_codes_from_the_catalogue")
BEFORE = [("people", "0003_person_name_trigram_postgresql")]
AFTER = [("people", "0004_offence_codes_from_the_catalogue")]

CONVICTION = {"offence_date": date(2019, 5, 1), "conviction_date": date(2020, 1, 1), "court": "Test court",
              "disposal": "fine"}  # fmt: skip


def test_every_conviction_choice_is_a_catalogue_offence_in_words_or_other() -> None:
    choices = offence_choices()
    assert [code for code, _ in choices] == [*offence_catalogue(), OTHER_OFFENCE]
    for code, label in choices[:-1]:
        assert label == offence_label(offence_catalogue()[code]) and code not in label
    assert choices[-1] == ("other", "Other offence")
    field = Conviction._meta.get_field("offence_code")
    assert all(len(code) <= field.max_length for code, _ in choices)  # type: ignore[operator]
    assert field.choices == choices  # read from the catalogue, not a copy


def test_the_migration_knows_every_code_stored_before_and_each_id_is_a_choice() -> None:
    pairs = dict(migration.OLD_TO_CANONICAL)
    assert pairs == {**OLD_SPELLINGS, "OTHER": "other"}
    assert set(pairs.values()) <= {code for code, _ in offence_choices()}
    assert all(offence_id(old) == new for old, new in pairs.items())


def test_a_conviction_in_the_old_spelling_is_stored_by_its_id(world) -> None:
    person = world.persons["probation"]
    for written, stored in (("SOA2003-s9", "soa2003-s9"), ("OTHER", "other"), ("Cja1988-S160", "cja1988-s160")):
        conviction = services.conviction_add(
            actor=world.actor("prob_prac"), person=person, data={"offence_code": written, **CONVICTION}
        )
        conviction.refresh_from_db()
        assert conviction.offence_code == stored


def test_an_unknown_offence_is_refused_naming_the_field_and_the_allowed_ids(world) -> None:
    with pytest.raises(ValidationError) as refused:
        services.conviction_add(
            actor=world.actor("prob_prac"), person=world.persons["probation"],
            data={"offence_code": "SOA2003-s12", **CONVICTION},
        )  # fmt: skip
    (message,) = refused.value.message_dict["offence_code"]
    assert message.startswith("'SOA2003-s12' is not a known offence code; allowed: soa2003-s9, ")
    assert message.endswith(", cja1988-s160, other")
    assert not Conviction.objects.exists()


def test_the_form_takes_either_spelling_and_the_record_shows_the_offence_in_words(client, world) -> None:
    sign_in(client, world.users["prob_prac"])
    person = world.persons["probation"]
    url = reverse("people:conviction-create", kwargs={"pk": person.pk})
    fields = {"offence_date": "2019-05-01", "conviction_date": "2020-01-01", "court": "Test court",
              "disposal": "fine"}  # fmt: skip
    assert client.post(url, typed({**fields, "offence_code": "PCA1978-s1"})).status_code == 302
    assert client.post(url, typed({**fields, "offence_code": "soa2003-s10"})).status_code == 302
    assert sorted(Conviction.objects.values_list("offence_code", flat=True)) == ["pca1978-s1", "soa2003-s10"]

    refused = client.post(url, typed({**fields, "offence_code": "SOA2003-s12"}))
    assert refused.status_code == 200
    assert "Choose one of the offences in the list, or Other offence" in refused.content.decode()
    assert Conviction.objects.count() == 2

    form = client.get(url).content.decode()
    assert '<option value="soa2003-s11">Engaging in sexual activity in the presence of a child (Sexual Offences Act 2003, s.11)</option>' in form
    page = client.get(reverse("people:detail", kwargs={"pk": person.pk})).content.decode()
    assert "Causing or inciting a child to engage in sexual activity (Sexual Offences Act 2003, s.10)" in page
    assert "soa2003" not in page.lower() and "pca1978" not in page.lower()


def test_the_api_gives_the_id_of_a_conviction(client, world) -> None:
    person = world.persons["probation"]
    Conviction.objects.create(person=person, offence_code="soa2003-s15", **CONVICTION)
    sign_in(client, world.users["prob_prac"])
    (conviction,) = client.get(f"/api/v1/persons/{person.pk}").json()["convictions"]
    assert conviction["offence_code"] == "soa2003-s15"


def test_the_sentencing_api_takes_the_old_spelling_and_answers_with_the_id(client, world) -> None:
    sign_in(client, world.users["court_prac"])
    old = {**PUBLISHED, "offence": "CJA1988-s160"}
    calculated = client.post("/api/v1/sentencing/calculate", old, content_type="application/json")
    assert calculated.status_code == 200 and calculated.json()["offence"]["id"] == "cja1988-s160"

    case, scenario = scenario_with_lead(world)
    add_second(world, case, scenario, relation="consecutive")
    lead, (second,) = scenario.request, scenario.other_offences
    body = {"label": "Old spelling", "request": {**lead, "offence": lead["offence"].upper()},
            "other_offences": [{"relation": "consecutive",
                                "request": {**second["request"], "offence": second["request"]["offence"].upper()}}]}  # fmt: skip
    created = client.post(f"/api/v1/sentencing/cases/{case.pk}/scenarios", body, content_type="application/json")
    assert created.status_code == 201, created.json()
    assert created.json()["request"]["offence"] == lead["offence"] == lead["offence"].lower()
    assert created.json()["other_offences"][0]["request"]["offence"] == second["request"]["offence"]
    stored = CaseScenario.objects.get(pk=created.json()["id"])
    assert stored.request == lead and stored.other_offences[0]["request"] == second["request"]
    assert [o["result"]["offence"]["id"] for o in stored.case_result["offences"]] == [
        lead["offence"], second["request"]["offence"]
    ]
    assert stored.case_result["total"]["text"] == scenario.case_result["total"]["text"]

    refused = client.post("/api/v1/sentencing/calculate", {**PUBLISHED, "offence": "CJA1988-s161"},
                          content_type="application/json")  # fmt: skip
    assert refused.status_code == 422
    (error,) = refused.json()["errors"]
    assert (error["field"], error["code"]) == ("offence", "unknown_offence")
    assert "allowed: " in error["message"] and "cja1988-s160" in error["message"]


def test_the_sentencing_offence_step_takes_the_old_spelling(client, world) -> None:
    sign_in(client, world.users["court_prac"])
    case = new_case(world)
    scenario = case.scenarios.get()
    answers = {**dict(STEP_ANSWERS)["offence"], "offence": "CJA1988-s160"}
    response = client.post(step_url(case, scenario, "offence"), typed(answers))
    assert response.status_code == 302, text_of(response)[:2000]
    scenario.refresh_from_db()
    assert scenario.request["offence"] == "cja1988-s160"


def test_the_migration_converts_stored_codes_both_ways(committed_world) -> None:
    world = committed_world
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        old = executor.loader.project_state(BEFORE).apps.get_model("people", "Conviction")
        person_id = world.persons["probation"].pk
        written = ["SOA2003-s9", "soa2003-S10", "PCA1978-s1", "CJA1988-s160", "OTHER", "soa2003-s13"]
        ids = {code: old.objects.create(person_id=person_id, offence_code=code, **CONVICTION).pk for code in written}

        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        new = executor.loader.project_state(AFTER).apps.get_model("people", "Conviction")
        assert {code: new.objects.get(pk=pk).offence_code for code, pk in ids.items()} == {
            "SOA2003-s9": "soa2003-s9", "soa2003-S10": "soa2003-s10", "PCA1978-s1": "pca1978-s1",
            "CJA1988-s160": "cja1988-s160", "OTHER": "other", "soa2003-s13": "soa2003-s13",
        }  # fmt: skip

        # Back again: each id becomes the code it was; one the old choices never had stays as it is.
        executor = MigrationExecutor(connection)
        executor.migrate(BEFORE)
        back = executor.loader.project_state(BEFORE).apps.get_model("people", "Conviction")
        assert {code: back.objects.get(pk=pk).offence_code for code, pk in ids.items()} == {
            "SOA2003-s9": "SOA2003-s9", "soa2003-S10": "SOA2003-s10", "PCA1978-s1": "PCA1978-s1",
            "CJA1988-s160": "CJA1988-s160", "OTHER": "OTHER", "soa2003-s13": "soa2003-s13",
        }  # fmt: skip
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
