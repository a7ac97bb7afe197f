"""Assessment pages: the generated form, its errors, the live preview, completion, the result page
(warnings for unverified results, never an absolute percentage from them), corrections, history."""

from __future__ import annotations

import re
from datetime import date, timedelta
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from safeguard.assessments import services
from safeguard.assessments.forms import initial_from, questions_for
from safeguard.assessments.models import Assessment
from safeguard.assessments.presentation import result_view
from safeguard.audit.models import AuditEvent
from safeguard.calendar.dates import add_months
from safeguard.instruments import registry
from tests.conftest import sign_in
from tests.form_data import typed

STABLE = "stable-2007"


def form_data(instrument_id: str, inputs: dict, **extra) -> dict:
    """What a browser posts for these answers (the form's own mapping, reversed)."""
    return typed({**initial_from(questions_for(instrument_id), inputs), **extra})


def start(client, world, instrument_id=STABLE, person="probation"):
    response = client.post(
        reverse("assessments:choose", kwargs={"person_pk": world.persons[person].pk}), {"instrument": instrument_id}
    )
    assert response.status_code == 302
    return Assessment.objects.latest("created_at")


@pytest.fixture
def officer(client, world):
    sign_in(client, world.users["prob_prac"])
    return client


def test_choose_lists_every_instrument_and_needs_a_choice(officer, world):
    url = reverse("assessments:choose", kwargs={"person_pk": world.persons["probation"].pk})
    page = officer.get(url).content.decode()
    for meta in registry.list_instruments():
        assert meta.name in page
    refused = officer.post(url, {}).content.decode()
    assert "There is a problem" in refused and "Choose an instrument" in refused
    assert not Assessment.objects.exists()


def test_generated_form_has_each_question_with_its_guidance(officer, world):
    draft = start(officer, world, "osp-dc")
    page = officer.get(reverse("assessments:edit", kwargs={"pk": draft.pk})).content.decode()
    schema = registry.input_schema("osp-dc")
    for name, prop in schema["properties"].items():
        assert f'id="{name}-guidance"' not in page  # ids carry the id_ prefix
        assert f'id="id_{name}-guidance"' in page
        assert prop["title"] in page
    guidance = schema["properties"]["total_sanctions"]["description"]
    assert guidance.replace("'", "&#x27;") in page
    # Booleans are yes/no radios; a nullable boolean also offers "not known"; counts are numeric inputs; dates are dates.
    assert re.search(r'name="has_ever_committed_sexual_offence" type="radio" value="true"', page)
    assert 'name="current_offence_against_stranger" type="radio" value="unknown"' in page
    assert re.search(r'id="id_total_sanctions" name="total_sanctions" type="text" value="" inputmode="numeric"', page)
    # A date is the GOV.UK date input (day, month, year), prefilled from the record.
    for part, value in (("day", "1"), ("month", "1"), ("year", "1980")):
        assert f'id="id_date_of_birth-{part}" name="date_of_birth-{part}" type="text" inputmode="numeric" value="{value}"' in page
    assert 'hx-post="/assessments/preview/osp-dc/"' in page
    assert "style=" not in page


def test_saving_a_draft_keeps_partial_answers(officer, world):
    draft = start(officer, world)
    url = reverse("assessments:edit", kwargs={"pk": draft.pk})
    response = officer.post(url, {"impulsive_acts": "2", "emotional_identification_with_children": "unknown", "action": "save"})
    assert response.status_code == 302 and response.url == url
    draft.refresh_from_db()
    assert draft.inputs == {"emotional_identification_with_children": None, "impulsive_acts": 2, "previous_total": None}
    page = officer.get(url).content.decode()
    assert 'name="impulsive_acts" type="radio" value="2" checked' in page


def test_completing_with_missing_answers_names_each_question(officer, world):
    draft = start(officer, world)
    response = officer.post(reverse("assessments:edit", kwargs={"pk": draft.pk}), {"impulsive_acts": "1", "action": "complete"})
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page
    assert '<a href="#id_sex_as_coping">Sex as coping is required' in page
    assert "govuk-form-group--error" in page
    draft.refresh_from_db()
    assert draft.status == "draft" and draft.inputs == {}  # nothing half-saved
    assert not AuditEvent.objects.filter(action="assessment.complete").exists()


def test_bad_values_are_form_errors_not_500(officer, world):
    draft = start(officer, world, "osp-dc")
    url = reverse("assessments:edit", kwargs={"pk": draft.pk})
    response = officer.post(url, typed({"total_sanctions": "lots", "date_of_birth": "2030-02-31", "sex": "other", "action": "complete"}))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Total sanctions (all offences) must be a whole number from 1 to 999" in page
    assert "Date of birth must be a real date" in page
    assert "Choose one of the answers for sex" in page


def test_completing_shows_the_result_page_with_warnings_and_no_percentage(officer, world):
    draft = start(officer, world)
    answers = registry.example_input(STABLE)
    response = officer.post(
        reverse("assessments:edit", kwargs={"pk": draft.pk}),
        form_data(STABLE, answers, action="complete", date_of_assessment="2026-05-01"),
    )
    done = Assessment.objects.get(pk=draft.pk)
    assert response.status_code == 302 and response.url == reverse("assessments:detail", kwargs={"pk": done.pk})
    assert done.status == "completed" and done.assessment_date == date(2026, 5, 1)
    assert done.result == registry.score(STABLE, done.inputs, today=date(2026, 5, 1)).to_dict()
    page = officer.get(response.url).content.decode()
    assert 'data-testid="unverified-warning"' in page
    assert done.result["warnings"] and all(escape(w) in page for w in done.result["warnings"])
    assert "%" not in re.sub(r"<[^>]+>", "", page.split('data-testid="result-summary"')[1].split("</dl>")[0])
    assert "How each item scored" in page and "Sex as coping" in page
    assert done.inputs_hash in page
    assert "Public Safety Canada" in page  # the source
    assert "Reassessment due" in page and done.reassessment_due.strftime("%-d %B %Y") in page


def test_verified_result_shows_its_probability_band_and_norms(officer, world):
    done = services.assessment_record(
        actor=world.actor("prob_prac"), person=world.persons["probation"], instrument_id="osp-dc",
        inputs=registry.example_input("osp-dc"),
    )
    page = officer.get(reverse("assessments:detail", kwargs={"pk": done.pk})).content.decode()
    assert 'data-testid="unverified-warning"' not in page
    assert ">1.54%<" in page and "Medium" in page and "28" in page
    static = services.assessment_record(
        actor=world.actor("prob_prac"), person=world.persons["probation"], instrument_id="static-99r",
        inputs={**registry.example_input("static-99r"), "prior_sex_offence_charges": 0, "prior_sex_offence_convictions": 0,
                "unrelated_victims": False},
    )
    page = officer.get(reverse("assessments:detail", kwargs={"pk": static.pk})).content.decode()
    assert "Percentile rank (2016 norms)" in page and static.result["percentile_rank"] is not None


def test_no_absolute_percentage_from_an_unverified_result(officer, world):
    """Whatever the engine returns, an unverified result never shows a percentage on any page."""
    body = registry.score("osp-dc", registry.example_input("osp-dc")).to_dict()
    body["verified"] = False
    body["warnings"] = ["Unverified part of a test table."]
    view = result_view(body)
    assert view.probability == "" and view.probability_withheld
    done = services.assessment_record(
        actor=world.actor("prob_prac"), person=world.persons["probation"], instrument_id="osp-dc",
        inputs=registry.example_input("osp-dc"),
    )
    Assessment.objects.filter(pk=done.pk).update(result=body, verified=False)  # as if the table were unverified
    person_pk = world.persons["probation"].pk
    pages = [
        reverse("assessments:detail", kwargs={"pk": done.pk}),
        reverse("assessments:history", kwargs={"person_pk": person_pk}),
        reverse("assessments:compare", kwargs={"person_pk": person_pk}),
        reverse("people:detail", kwargs={"pk": person_pk}),
    ]
    for url in pages:
        page = officer.get(url).content.decode()
        assert "1.54%" not in page and "1.5388" not in page, url
    detail = officer.get(pages[0]).content.decode()
    assert 'data-testid="result-probability-withheld"' in detail and "Unverified part of a test table." in detail


def test_live_preview_scores_without_storing_or_auditing(officer, world):
    url = reverse("assessments:preview", kwargs={"instrument_id": STABLE})
    before = AuditEvent.objects.count()
    partial = officer.post(url, {"impulsive_acts": "2"}, HTTP_HX_REQUEST="true").content.decode()
    assert "No score yet: 1 of 15 questions answered" in partial
    assert "Sex as coping is required" in partial
    full = officer.post(url, form_data(STABLE, registry.example_input(STABLE)), HTTP_HX_REQUEST="true").content.decode()
    assert "12 points" in full and 'data-testid="unverified-warning"' in full
    assert "<html" not in full
    bad = officer.post(url, {"impulsive_acts": "9"}).content.decode()
    assert "Choose one of the answers for impulsive acts" in bad
    assert AuditEvent.objects.count() == before and not Assessment.objects.exists()
    assert officer.post(reverse("assessments:preview", kwargs={"instrument_id": "nonsense"}), {}).status_code == 404


def test_correction_through_the_form(officer, world):
    done = services.assessment_record(
        actor=world.actor("prob_prac"), person=world.persons["probation"], instrument_id=STABLE,
        inputs=registry.example_input(STABLE), assessment_date=date(2026, 4, 1),
    )
    url = reverse("assessments:correct", kwargs={"pk": done.pk})
    page = officer.get(url).content.decode()
    assert 'name="sex_as_coping" type="radio" value="2" checked' in page  # prefilled with the stored answers
    corrected = {**registry.example_input(STABLE), "sex_as_coping": 0}
    missing_reason = officer.post(url, form_data(STABLE, corrected)).content.decode()
    assert "Enter the reason for the correction" in missing_reason
    assert Assessment.objects.count() == 1
    response = officer.post(url, form_data(STABLE, corrected, reason="Sex as coping was rated on the wrong period."))
    new = Assessment.objects.get(supersedes=done)
    assert response.status_code == 302 and response.url == reverse("assessments:detail", kwargs={"pk": new.pk})
    assert new.result["points"] == done.result["points"] - 2
    old_page = officer.get(reverse("assessments:detail", kwargs={"pk": done.pk})).content.decode()
    assert 'data-testid="superseded"' in old_page and "Correct this assessment" not in old_page
    new_page = officer.get(response.url).content.decode()
    assert "Sex as coping was rated on the wrong period." in new_page
    again = officer.post(url, form_data(STABLE, corrected, reason="Twice")).content.decode()
    assert "already been corrected" in again


def test_history_has_a_timeline_a_chart_and_its_data_table(officer, world):
    actor, person = world.actor("prob_prac"), world.persons["probation"]
    for day, coping in ((date(2025, 11, 1), 2), (date(2026, 5, 1), 1)):
        services.assessment_record(
            actor=actor, person=person, instrument_id=STABLE, assessment_date=day,
            inputs={**registry.example_input(STABLE), "sex_as_coping": coping},
        )
    services.assessment_start(actor=actor, person=person, instrument_id="osp-dc")
    before = AuditEvent.objects.count()
    page = officer.get(reverse("assessments:history", kwargs={"person_pk": person.pk})).content.decode()
    assert AuditEvent.objects.count() == before + 1
    assert AuditEvent.objects.latest("id").action == "assessment.history"
    assert page.count('class="moj-timeline__item"') == 3 and "Draft" in page
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page and 'role="img"' in page and "<polyline" in page
    assert "STABLE-2007: total points at each assessment (data)" in page
    assert "first 12 points, latest 11 points" in page
    assert "style=" not in page and "<script>" not in page


def test_compare_shows_the_current_result_of_each_instrument(officer, world):
    actor, person = world.actor("prob_prac"), world.persons["probation"]
    old = services.assessment_record(actor=actor, person=person, instrument_id=STABLE, inputs=registry.example_input(STABLE),
                                     assessment_date=date(2026, 1, 1))
    services.assessment_correct(actor=actor, assessment=old, inputs={**registry.example_input(STABLE), "impulsive_acts": 0},
                                reason="Recoded")
    services.assessment_record(actor=actor, person=person, instrument_id="osp-dc", inputs=registry.example_input("osp-dc"))
    page = officer.get(reverse("assessments:compare", kwargs={"person_pk": person.pk})).content.decode()
    assert page.count('<th scope="col" class="govuk-table__header"><a class="govuk-link"') == 2
    assert "11 of 26" in page and "28 of 64" in page and "1.54%" in page


def test_person_page_lists_assessments_without_another_audit_event(client, world):
    actor, person = world.actor("prob_prac"), world.persons["probation"]
    services.assessment_record(actor=actor, person=person, instrument_id=STABLE, inputs=registry.example_input(STABLE))
    services.assessment_start(actor=actor, person=person, instrument_id="osp-dc")
    before = AuditEvent.objects.count()
    sign_in(client, world.users["treat_prac"])
    page = client.get(reverse("people:detail", kwargs={"pk": person.pk})).content.decode()
    assert AuditEvent.objects.count() == before + 1  # person.view only
    assert 'data-testid="person-assessments"' in page and "STABLE-2007" in page and "Unverified" in page
    assert "osp-dc draft" not in page  # probation's draft is not treatment's to see
    sign_in(client, world.users["prob_prac"])
    assert "osp-dc draft" in client.get(reverse("people:detail", kwargs={"pk": person.pk})).content.decode()


def test_dashboard_lists_reassessments_due(officer, world):
    services.assessment_record(
        actor=world.actor("prob_prac"), person=world.persons["probation"], instrument_id=STABLE,
        inputs=registry.example_input(STABLE), assessment_date=timezone.localdate() - timedelta(days=200),
    )
    page = officer.get(reverse("core:dashboard")).content.decode()
    panel = page.split('data-testid="needs-attention"')[1]
    assert "1 item waiting" in panel and "1 overdue" in panel and "STABLE-2007 reassessment: Testy PersonPTEST001" in panel
    late = (timezone.localdate() - add_months(timezone.localdate() - timedelta(days=200), 6)).days
    assert f"Overdue by {late} days" in panel


def test_police_owned_person_asks_for_a_reason_first(officer, world):
    person = world.persons["police"]
    for name in ("assessments:history", "assessments:compare", "assessments:choose"):
        page = reverse(name, kwargs={"person_pk": person.pk})
        response = officer.get(page)
        assert response.status_code == 302
        assert response.url == reverse("people:justify", kwargs={"pk": person.pk}) + "?" + urlencode({"next": page})


def test_court_may_read_but_not_record(client, world):
    from safeguard.people.models import PersonAgencyLink

    person = world.persons["probation"]
    PersonAgencyLink.objects.create(person=person, agency=world.agencies["court"], basis="statutory", started_on="2026-01-01")
    done = services.assessment_record(actor=world.actor("prob_prac"), person=person, instrument_id=STABLE,
                                      inputs=registry.example_input(STABLE))
    sign_in(client, world.users["court_prac"])
    assert client.get(reverse("assessments:detail", kwargs={"pk": done.pk})).status_code == 200
    assert client.get(reverse("assessments:choose", kwargs={"person_pk": person.pk})).status_code == 403
    page = client.get(reverse("people:detail", kwargs={"pk": person.pk})).content.decode()
    assert "STABLE-2007" in page and "Start an assessment" not in page


def test_opening_the_form_is_one_read_event(officer, world):
    draft = start(officer, world)
    before = AuditEvent.objects.count()
    officer.get(reverse("assessments:edit", kwargs={"pk": draft.pk}))
    assert AuditEvent.objects.latest("id").action == "assessment.view"
    assert AuditEvent.objects.count() == before + 1
    done = services.assessment_record(actor=world.actor("prob_prac"), person=world.persons["probation"],
                                      instrument_id=STABLE, inputs=registry.example_input(STABLE))
    before = AuditEvent.objects.count()
    response = officer.get(reverse("assessments:edit", kwargs={"pk": done.pk}))
    assert response.status_code == 302 and response.url == reverse("assessments:detail", kwargs={"pk": done.pk})
    assert AuditEvent.objects.count() == before  # the result page it leads to records the read


def test_a_draft_refuses_a_date_of_birth_in_the_future(officer, world):
    """A draft used to keep a date of birth in 2031 (issue 8, item 15)."""
    draft = start(officer, world, "osp-dc")
    url = reverse("assessments:edit", kwargs={"pk": draft.pk})
    future = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = officer.post(url, typed({"date_of_birth": future, "total_sanctions": "3", "action": "save"}))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Date of birth must be today or in the past" in page
    draft.refresh_from_db()
    assert draft.inputs.get("date_of_birth") != future
    with pytest.raises(services.AnswersInvalid) as refused:
        services.assessment_save_answers(actor=world.actor("prob_prac"), assessment=draft, inputs={"date_of_birth": future})
    assert refused.value.errors[0]["field"] == "date_of_birth" and refused.value.errors[0]["code"] == "in_the_future"


def test_completing_with_an_offence_after_the_assessment_date_names_the_question(officer, world):
    draft = start(officer, world, "osp-dc")
    url = reverse("assessments:edit", kwargs={"pk": draft.pk})
    answers = {**registry.example_input("osp-dc"), "assessment_date": "2026-05-01",
               "date_of_most_recent_sexual_offence": "2026-06-01", "date_at_start_of_followup": "2026-07-01"}
    response = officer.post(url, form_data("osp-dc", answers, action="complete"))
    page = response.content.decode()
    assert response.status_code == 200, page[:500]
    assert "Date of most recent sexual offence (1 June 2026) is after the assessment date (1 May 2026)" in page
    draft.refresh_from_db()
    assert draft.status == "draft"
