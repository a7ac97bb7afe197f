"""RSR through the generated form: the OSP/DC and OSP/IIC percentages typed in, the OSP answers
(which the form also shows) prefilled or left blank. Blank answers are stored as "not known",
like any other blank box, and the percentages given are the ones used."""

from __future__ import annotations

import pytest
from django.urls import reverse

from safeguard.assessments.forms import initial_from, questions_for
from safeguard.assessments.models import Assessment
from safeguard.instruments import registry
from tests.conftest import sign_in
from tests.form_data import typed

GIVEN = {
    "serious_non_sexual_violence_percent": 1.08,
    "osp_dc_percent": 5.31,
    "osp_iic_percent": 10.31,
    "sex": "male",
    "has_ever_committed_sexual_offence": True,
}


@pytest.fixture
def officer(client, world):
    sign_in(client, world.users["prob_prac"])
    return client


def test_rsr_completes_with_the_percentages_and_the_osp_answers_blank(officer, world):
    response = officer.post(
        reverse("assessments:choose", kwargs={"person_pk": world.persons["probation"].pk}), {"instrument": "rsr"}
    )
    assert response.status_code == 302
    draft = Assessment.objects.latest("created_at")
    assert "date_of_birth" in draft.inputs  # prefilled from the record: an OSP input RSR now accepts
    answers = {**GIVEN, "date_of_birth": draft.inputs["date_of_birth"]}
    response = officer.post(
        reverse("assessments:edit", kwargs={"pk": draft.pk}),
        typed({**initial_from(questions_for("rsr"), answers), "action": "complete", "date_of_assessment": "2026-05-01"}),
    )
    done = Assessment.objects.get(pk=draft.pk)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert done.status == "completed"
    assert done.result["errors"] == []
    assert done.result["percent"] == 16.70 and done.result["band"] == "high"
    osp_inputs = {q.name for q in questions_for("rsr") if q.component}
    # A blank OSP count or date is "not known" (null), as any blank box; radios left unticked stay out.
    assert done.inputs["total_sanctions"] is None and done.inputs["date_at_start_of_followup"] is None
    assert "supervision_status" not in done.inputs
    assert {k for k, v in done.inputs.items() if v is not None} & osp_inputs == {"date_of_birth"}


def test_rsr_preview_with_the_percentages_and_every_osp_answer_uses_the_percentages(officer, world):
    osp = registry.example_input("osp-dc")  # on their own these answers give OSP/DC 28 points
    data = typed(initial_from(questions_for("rsr"), {**osp, **GIVEN}))
    page = officer.post(reverse("assessments:preview", kwargs={"instrument_id": "rsr"}), data).content.decode()
    assert "No score yet" not in page, page
    assert "16.70%" in page or "16.7%" in page, page
