"""Correctness: the same inputs give the same outputs through the library, the API, the CLI and a
stored assessment (service, API and web form), for every instrument, on the same date."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from django.urls import reverse

from safeguard import cli
from safeguard.assessments import services
from safeguard.assessments.forms import initial_from, questions_for
from safeguard.assessments.models import Assessment
from safeguard.calendar.ages import today_utc
from safeguard.instruments import registry
from safeguard.instruments.batch import run_batch
from tests.conftest import sign_in
from tests.form_data import typed


def plain(value):
    """As JSON gives it back: tuples become lists, nothing else changes."""
    return json.loads(json.dumps(value))


def scoring_date(inputs: dict) -> date:
    """The date every path scores on: the answers' own assessment date, else today (UTC, as the stateless API)."""
    own = inputs.get("assessment_date")
    return date.fromisoformat(own) if isinstance(own, str) else today_utc()


@pytest.mark.parametrize("instrument_id", registry.instrument_ids())
def test_same_inputs_same_outputs_everywhere(client, world, tmp_path, instrument_id):
    inputs = registry.example_input(instrument_id)
    day = scoring_date(inputs)
    library = plain(registry.score(instrument_id, inputs, today=day).to_dict())
    assert library["errors"] == []

    # The CLI: the batch function and the `safeguard score` command.
    out = io.StringIO()
    run_batch(instrument_id, io.StringIO(json.dumps(inputs) + "\n"), out, today=day)
    batch = json.loads(out.getvalue())
    assert batch.pop("line") == 1
    assert batch == library
    source, target = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_text(json.dumps(inputs) + "\n")
    assert cli.main(["score", instrument_id, str(source), "--as-of", day.isoformat(), "--output", str(target)]) == 0
    command = json.loads(target.read_text())
    command.pop("line")
    assert command == library

    # The stateless API (it scores on today, UTC, where the answers give no date).
    sign_in(client, world.users["prob_prac"])
    stateless = client.post(f"/api/v1/scores/{instrument_id}", inputs, content_type="application/json")
    assert stateless.status_code == 200 and stateless.json() == library

    # A stored assessment through the service, read back from the database.
    stored = services.assessment_record(
        actor=world.actor("prob_prac"), person=world.persons["probation"], instrument_id=instrument_id,
        inputs=inputs, assessment_date=None if "assessment_date" in inputs else day,
    )
    stored = Assessment.objects.get(pk=stored.pk)
    assert stored.result == library and stored.inputs == plain(inputs)
    assert stored.inputs_hash == services.inputs_hash(inputs)

    # A stored assessment through the person-bound API.
    body = {"instrument": instrument_id, "inputs": inputs, "complete": True}
    if "assessment_date" not in inputs:
        body["assessment_date"] = day.isoformat()
    created = client.post(
        f"/api/v1/persons/{world.persons['probation'].pk}/assessments", body, content_type="application/json"
    )
    assert created.status_code == 201, created.json()
    assert created.json()["result"] == library and created.json()["inputs_hash"] == stored.inputs_hash

    # A stored assessment through the generated web form.
    draft = services.assessment_start(
        actor=world.actor("prob_prac"), person=world.persons["probation"], instrument_id=instrument_id
    )
    data = typed({**initial_from(questions_for(instrument_id), inputs), "action": "complete"})
    if "assessment_date" not in inputs:
        data["date_of_assessment"] = day.isoformat()
    response = client.post(reverse("assessments:edit", kwargs={"pk": draft.pk}), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    through_form = Assessment.objects.get(pk=draft.pk)
    assert through_form.result == library
    # The form writes a blank box as null ("not known"); every answer given is kept as given.
    assert {k: v for k, v in through_form.inputs.items() if v is not None} == {
        k: v for k, v in plain(inputs).items() if v is not None
    }
