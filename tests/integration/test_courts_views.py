"""Sentencing pages: the guided steps from offence to notification period, bad input with messages
that say what is wrong and what is allowed, the running result, comparison, and scoping."""

from __future__ import annotations

import html
import re
from typing import Any

from django.urls import reverse

from safeguard.audit.models import AuditEvent
from safeguard.courts.models import CaseScenario, SentencingCase
from tests.conftest import sign_in
from tests.form_data import typed
from tests.integration.test_courts_services import PUBLISHED, STEP_ANSWERS, new_case


def step_url(case: SentencingCase, scenario: CaseScenario, step: str) -> str:
    return reverse("courts:scenario-step", args=[case.pk, scenario.pk, step])


def text_of(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", response.content.decode()))


def walk(client, case: SentencingCase, scenario: CaseScenario, answers: list[tuple[str, dict[str, Any]]]) -> None:
    for step, data in answers:
        response = client.post(step_url(case, scenario, step), typed(data))
        assert response.status_code == 302, (step, text_of(response)[:3000])


def test_a_legal_adviser_walks_a_case_from_offence_to_notification_period(client, world):
    sign_in(client, world.users["court_prac"])
    response = client.post(reverse("courts:case-create"), {"person": "", "title": "Image offence, worked example"})
    case = SentencingCase.objects.get()
    scenario = case.scenarios.get()
    assert response.url == step_url(case, scenario, "offence")
    for index, (step, data) in enumerate(STEP_ANSWERS):
        page = client.get(step_url(case, scenario, step))
        assert page.status_code == 200 and f"Step {index + 1} of 10" in text_of(page)
        response = client.post(step_url(case, scenario, step), typed(data))
        assert response.status_code == 302, text_of(response)[:3000]
    # The last step leads to check your answers.
    assert response.url == reverse("courts:scenario-check", args=[case.pk, scenario.pk])
    scenario.refresh_from_db()
    assert scenario.request == PUBLISHED
    assert scenario.problems == []
    result = scenario.result
    assert result["table"]["starting_point"]["text"] == "1 year's custody"
    assert result["plea"]["sentence_after"]["text"] == "6 months' custody"
    assert result["sentence"]["text"] == "6 months' custody, suspended for 2 years"
    page = text_of(client.get(reverse("courts:scenario-detail", args=[case.pk, scenario.pk])))
    assert "6 months' custody, suspended for 2 years" in page
    assert "If Schedule 3 applies: 7 years (to 9 January 2031)" in page
    # Every figure has its rule: the plea arithmetic is shown with its source.
    assert "9 months' custody reduced by one-third = 6 months' custody" in page
    assert "Reduction in Sentence for a Guilty Plea definitive guideline" in page


def test_the_running_result_shows_figures_reasons_and_the_unverified_warning(client, world):
    case = new_case(world)
    scenario = case.scenarios.get()
    sign_in(client, world.users["court_prac"])
    answers = dict(STEP_ANSWERS)
    walk(client, case, scenario, [("offence", {**answers["offence"], "sentencing_court": "crown_court"}),
                                 ("factors", answers["factors"])])  # fmt: skip
    page = client.get(step_url(case, scenario, "category"))
    body = text_of(page)
    assert 'data-testid="running-result"' in page.content.decode()
    assert "Category A: the most serious category among the selected factors" in body
    assert "starting point 1 year's custody, category range 26 weeks' custody to 3 years' custody" in body
    assert "Statutory maximum for Criminal Justice Act 1988, s.160: 5 years on indictment" in body
    assert 'class="govuk-warning-text sg-unverified"' in page.content.decode()
    assert "This result uses unverified transcriptions of guideline data" in body
    assert "Unverified transcription" in body  # the status tag beside an unverified figure


def test_magistrates_court_shows_category_and_range_with_the_sentence_not_determined(client, world):
    """Item 14: the engine gives step one's figures and says the sentence waits for a position; the
    page shows them as a result (no separate provisional run) and lists what is still to resolve."""
    case = new_case(world)
    scenario = case.scenarios.get()
    sign_in(client, world.users["court_prac"])
    walk(client, case, scenario, STEP_ANSWERS[:2])
    scenario.refresh_from_db()
    assert scenario.problems == [] and scenario.result["determined"] is False
    body = text_of(client.get(step_url(case, scenario, "category")))
    assert "starting point 1 year's custody, category range 26 weeks' custody to 3 years' custody" in body
    assert "Statutory maximum for Criminal Justice Act 1988, s.160: 6 months on summary conviction" in body
    assert "No sentence is given yet" in body and "Provisional" not in body
    position = step_url(case, scenario, "position")
    assert f'href="{position}">Position within the range</a>: The starting point, 1 year\'s custody, is above the maximum of 6 months' in body
    assert "sentence_before_plea" not in body  # the field is named as the form names it
    assert "choose a position in “Sentence before any guilty-plea reduction” that is up to 6 months" in body


def test_using_the_starting_point_marks_the_position_step_completed(client, world):
    """Item 18: "Use the starting point" leaves nothing in the request, but the step is answered."""
    case = new_case(world)
    scenario = case.scenarios.get()
    sign_in(client, world.users["court_prac"])
    answers = dict(STEP_ANSWERS)
    walk(client, case, scenario, [("offence", {**answers["offence"], "sentencing_court": "crown_court"}),
                                 ("factors", answers["factors"]), ("position", {"position_kind": ""})])  # fmt: skip
    scenario.refresh_from_db()
    assert "sentence_before_plea" not in scenario.request and "position" in scenario.steps_done
    page = client.get(reverse("courts:scenario-detail", args=[case.pk, scenario.pk])).content.decode()
    status = re.search(r'id="task-lead-position-status">\s*(.*?)\s*</div>', page, re.S)
    assert status is not None and status.group(1) == "Completed"
    plea = re.search(r'id="task-lead-plea-status">\s*(.*?)\s*</div>', page, re.S)
    assert plea is not None and "Not yet started" in plea.group(1)
    answers_page = text_of(client.get(reverse("courts:scenario-check", args=[case.pk, scenario.pk])))
    assert re.search(r"Sentence before any guilty-plea reduction</dt>\s*<dd[^>]*>Use the starting point</dd>", answers_page)


def test_empty_offence_step_names_every_missing_answer_and_saves_nothing(client, world):
    case = new_case(world)
    scenario = case.scenarios.get()
    sign_in(client, world.users["court_prac"])
    response = client.post(step_url(case, scenario, "offence"), {})
    body = text_of(response)
    assert response.status_code == 200 and "There is a problem" in body
    for message in ("Choose the offence", "Enter the offence date", "Enter the sentencing date"):
        assert message in body
    assert 'href="#id_offence_0"' in response.content.decode()
    scenario.refresh_from_db()
    assert scenario.request == {}
    assert AuditEvent.objects.filter(action="sentencing.scenario.update", outcome="failure").count() == 1


def test_engine_refusals_are_shown_on_the_field_with_what_is_allowed(client, world):
    case = new_case(world)
    scenario = case.scenarios.get()
    sign_in(client, world.users["court_prac"])
    walk(client, case, scenario, STEP_ANSWERS[:2])
    # 4 years is outside the category range (26 weeks to 3 years) and no reason is given.
    response = client.post(step_url(case, scenario, "position"), {"position_kind": "custody", "length": "4y"})
    body = text_of(response)
    assert response.status_code == 200
    assert "4 years' custody is outside the category range 26 weeks' custody to 3 years' custody" in body
    assert "or give “Reason for going outside the range” saying why" in body
    assert 'href="#id_position_kind_0"' in response.content.decode()
    # A bad length is refused with the accepted forms.
    response = client.post(step_url(case, scenario, "position"), {"position_kind": "custody", "length": "nine"})
    assert 'href="#id_length"' in response.content.decode()
    scenario.refresh_from_db()
    assert "sentence_before_plea" not in scenario.request


def test_suspending_a_term_that_cannot_be_suspended_is_refused(client, world):
    case = new_case(world)
    scenario = case.scenarios.get()
    sign_in(client, world.users["court_prac"])
    answers = dict(STEP_ANSWERS)
    walk(client, case, scenario, [("offence", {**answers["offence"], "sentencing_court": "crown_court"}),
                                 ("factors", answers["factors"]),
                                 ("position", {"position_kind": "custody", "length": "3y"})])  # fmt: skip
    response = client.post(step_url(case, scenario, "suspension"), {"suspend": "yes", "operational_period": "2y"})
    body = text_of(response)
    assert "A custodial term of 3 years (after any plea reduction) cannot be suspended; allowed: terms of 14 days to 2 years" in body
    response = client.post(step_url(case, scenario, "suspension"), {"suspend": "yes", "operational_period": "3y"})
    assert "allowed: 6 months to 2 years" in text_of(response)
    scenario.refresh_from_db()
    assert "suspension" not in scenario.request


def test_suspended_sentence_order_requirements_are_checked_by_the_engine_on_the_page(client, world):
    case = new_case(world)
    scenario = case.scenarios.get()
    sign_in(client, world.users["court_prac"])
    walk(client, case, scenario, STEP_ANSWERS[:7])
    url = step_url(case, scenario, "suspension")
    assert "Requirements of the suspended sentence order" in text_of(client.get(url))
    # Unpaid work needs 40 to 300 hours: the engine's message is shown on the hours field.
    response = client.post(url, {"suspend": "yes", "operational_period": "2y", "requirements": ["unpaid_work"],
                                 "unpaid_work_hours": "20"})  # fmt: skip
    assert response.status_code == 200
    assert "Unpaid work must be 40 to 300 hours; given: 20" in text_of(response)
    assert 'href="#id_unpaid_work_hours"' in response.content.decode()
    # Requirements belong to a suspended sentence order only.
    response = client.post(url, {"suspend": "no", "requirements": ["programme"]})
    assert "Requirements apply only to a suspended sentence order" in text_of(response)
    assert 'href="#id_requirements_0"' in response.content.decode()
    # Hours without unpaid work are refused by the form itself.
    response = client.post(url, {"suspend": "yes", "operational_period": "2y", "requirements": ["curfew"],
                                 "unpaid_work_hours": "100"})  # fmt: skip
    assert "Hours apply only to an unpaid work requirement" in text_of(response)
    scenario.refresh_from_db()
    assert "suspension" not in scenario.request
    assert AuditEvent.objects.filter(action="sentencing.scenario.update", outcome="failure").count() == 3
    # Accepted: saved in the request, shown with the candidate warning, and read back into the form.
    walk(client, case, scenario, [("suspension", {"suspend": "yes", "operational_period": "2y",
                                                  "requirements": ["unpaid_work", "programme"],
                                                  "unpaid_work_hours": "120"})])  # fmt: skip
    scenario.refresh_from_db()
    assert scenario.request["suspension"]["requirements"] == [{"type": "unpaid_work", "hours": 120}, {"type": "programme"}]
    assert any(w.startswith("Requirements of the suspended sentence order: unverified") for w in scenario.result["warnings"])
    page = client.get(url)
    body = text_of(page)
    assert "Requirements: Unpaid work requirement, Programme requirement (accredited programme)" in body
    assert 'value="120"' in page.content.decode()
    assert re.search(r'value="programme"[^>]*checked', page.content.decode())
    detail = text_of(client.get(reverse("courts:scenario-detail", args=[case.pk, scenario.pk])))
    assert "Requirement: Unpaid work requirement, 120 hours" in detail


def test_a_problem_of_an_earlier_step_links_to_that_step(client, world):
    case = new_case(world)
    scenario = case.scenarios.get()
    sign_in(client, world.users["court_prac"])
    answers = dict(STEP_ANSWERS)
    walk(client, case, scenario, [("offence", answers["offence"]), ("factors", answers["factors"]),
                                 ("position", {"position_kind": "custody", "length": "9m"})])  # fmt: skip
    # 9 months with no guilty plea stays above the 6-month maximum in a magistrates' court.
    response = client.post(step_url(case, scenario, "plea"), {"stage": ""})
    body = text_of(response)
    assert response.status_code == 200
    assert "is above the maximum of 6 months for Criminal Justice Act 1988, s.160 in a magistrates' court; allowed: up to 6 months" in body
    assert f'href="{step_url(case, scenario, "position")}">Position within the range: The sentence after any plea reduction' in text_of(response)
    scenario.refresh_from_db()
    assert "plea" not in scenario.request


def test_outstanding_problems_link_to_their_step(client, world):
    case = new_case(world)
    scenario = case.scenarios.get()
    sign_in(client, world.users["court_prac"])
    walk(client, case, scenario, STEP_ANSWERS[:1])
    page = client.get(step_url(case, scenario, "offence"))
    assert f'href="{step_url(case, scenario, "factors")}">Harm and culpability</a>' in page.content.decode()
    assert "Select at least one image category factor" in text_of(page)


def test_the_factor_choices_come_from_the_guideline_data(client, world):
    case = new_case(world)
    scenario = case.scenarios.get()
    sign_in(client, world.users["court_prac"])
    walk(client, case, scenario, STEP_ANSWERS[:1])
    body = text_of(client.get(step_url(case, scenario, "factors")))
    assert "Image category factors" in body and "Images involving penetrative sexual activity" in body
    assert "Category A" in body and "Making an image by simple downloading (sentenced as possession)" in body
    assert "Indecent photographs of children" in body


def test_new_case_form_finds_the_person_by_a_search_and_names_what_is_missing(client, world):
    sign_in(client, world.users["prob_prac"])
    body = text_of(client.get(reverse("courts:case-create")))
    assert "PTEST001" not in body  # nobody is listed before a search
    body = text_of(client.get(reverse("courts:case-create"), {"q": "Testy"}))
    assert "PersonPTEST001, Testy (PTEST001), born 1 January 1980" in body and "PTEST003" not in body
    assert "2 people match “Testy”" in body  # PTEST002 is police-owned and shared with probation
    [search] = AuditEvent.objects.filter(action="person.search", username="prob_prac")
    assert search.details["query"] == "Testy" and str(world.persons["probation"].pk) in search.details["shown"]
    response = client.post(reverse("courts:case-create"), {"person": "", "title": ""})
    assert "Enter a title for the unnamed scenario, or choose a person" in text_of(response)
    response = client.post(reverse("courts:case-create"), {"person": str(world.persons["other"].pk), "title": ""})
    assert "Search for the person and choose them from the results" in text_of(response)
    assert not SentencingCase.objects.exists()
    response = client.post(
        reverse("courts:case-create"), {"q": "Testy", "person": str(world.persons["probation"].pk), "title": ""}
    )
    case = SentencingCase.objects.get()
    assert case.person == world.persons["probation"] and response.status_code == 302


def test_new_case_from_a_person_shows_them_chosen(client, world):
    person = world.persons["probation"]
    sign_in(client, world.users["prob_prac"])
    page = client.get(reverse("courts:case-create"), {"person": str(person.pk)}).content.decode()
    assert f'value="{person.pk}" checked' in page
    assert AuditEvent.objects.get(action="sentencing.case.person_choices").details["shown"] == [str(person.pk)]
    # A person the agency cannot see is never shown.
    page = client.get(reverse("courts:case-create"), {"person": str(world.persons["other"].pk)}).content.decode()
    assert "PTEST003" not in page


def test_the_person_case_prefills_the_date_of_birth_and_links_to_assessments(client, world):
    person = world.persons["probation"]
    case = new_case(world, "prob_prac", person_id=person.pk, title="")
    sign_in(client, world.users["prob_prac"])
    page = client.get(step_url(case, case.scenarios.get(), "offence")).content.decode()
    for part, value in (("day", "1"), ("month", "1"), ("year", "1980")):
        assert f'name="offender_date_of_birth-{part}" type="text" inputmode="numeric" value="{value}"' in page
    detail = client.get(reverse("courts:case-detail", args=[case.pk])).content.decode()
    assert f"/assessments/person/{person.pk}/" in detail or f"/people/{person.pk}/" in detail


def test_comparison_shows_sentence_notification_treatment_and_waiting_time(client, world):
    case = new_case(world)
    sign_in(client, world.users["court_prac"])
    answers = dict(STEP_ANSWERS)
    base = [("offence", {**answers["offence"], "sentencing_court": "crown_court", "victim_age": "12"}),
            ("factors", answers["factors"])]  # fmt: skip
    custody_scenario = case.scenarios.get()
    walk(client, case, custody_scenario, [*base, ("position", {"position_kind": "custody", "length": "18m"})])
    client.post(reverse("courts:scenario-create", args=[case.pk]), {"label": "Suspended with a programme", "copy_from": custody_scenario.pk})
    suspended = case.scenarios.get(label="Suspended with a programme")
    walk(client, case, suspended, [("suspension", {"suspend": "yes", "operational_period": "2y", "requirements": ["programme"]})])
    suspended.refresh_from_db()
    assert suspended.request["suspension"]["requirements"] == [{"type": "programme"}]
    assert [r["type"] for r in suspended.result["suspension"]["requirements"]] == ["programme"]
    client.post(reverse("courts:scenario-create", args=[case.pk]), {"label": "Community order with treatment", "copy_from": custody_scenario.pk})
    community = case.scenarios.get(label="Community order with treatment")
    walk(client, case, community, [
        ("position", {"position_kind": "community_order", "level": "high", "departure_reason": "Treatment available"}),
        ("community", {"length": "3y", "requirements": ["programme", "rehabilitation_activity"]}),
    ])  # fmt: skip
    page = client.get(reverse("courts:case-compare", args=[case.pk]))
    body = text_of(page)
    assert "18 months' custody" in body and "10 years (to" in body
    assert "18 months' custody, suspended for 2 years" in body
    assert "Programme requirement (accredited programme) (suspended sentence order)" in body
    assert "High-level community order" in body and "5 years (to 9 January 2029)" in body  # a term that starts the cell
    assert body.count("Not known: Safeguard holds no programme waiting times yet") == 2
    assert "No programme in this scenario" in body


def test_other_agencies_get_404_and_other_roles_403(client, world):
    case = new_case(world)
    scenario = case.scenarios.get()
    sign_in(client, world.users["prob_prac"])
    assert client.get(reverse("courts:case-detail", args=[case.pk])).status_code == 404
    assert client.post(step_url(case, scenario, "offence"), {}).status_code == 404
    sign_in(client, world.users["treat_prac"])
    assert client.get(reverse("courts:case-list")).status_code == 403
    sign_in(client, world.users["court_prac"])
    assert client.get(step_url(case, scenario, "no-such-step")).status_code == 404
    other = new_case(world, title="Second")
    assert client.get(reverse("courts:scenario-detail", args=[other.pk, scenario.pk])).status_code == 404


def test_case_list_shows_the_agency_cases_only(client, world):
    mine = new_case(world, title="Ours")
    new_case(world, "prob_prac", title="Theirs")
    sign_in(client, world.users["court_prac"])
    body = text_of(client.get(reverse("courts:case-list")))
    assert "Ours" in body and "Theirs" not in body and mine.display_title in body
    assert AuditEvent.objects.filter(action="sentencing.case.list", username="court_prac").count() == 1


def test_report_details_are_written_by_probation_not_the_court(client, world):
    court_case = new_case(world)
    sign_in(client, world.users["court_prac"])
    assert client.get(reverse("courts:case-edit", args=[court_case.pk])).status_code == 403
    assert "Edit the report details" not in text_of(client.get(reverse("courts:case-detail", args=[court_case.pk])))
    case = new_case(world, "prob_prac")
    sign_in(client, world.users["prob_prac"])
    url = reverse("courts:case-edit", args=[case.pk])
    response = client.post(url, {"suitability": "x" * 10001, "proposal": "", "proposed_scenario": ""})
    assert "Ensure this value has at most 10000 characters" in text_of(response)
    scenario = case.scenarios.get()
    response = client.post(url, {"suitability": "Motivated to engage.", "proposal": "A community order.", "proposed_scenario": scenario.pk})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.suitability == "Motivated to engage." and case.scenarios.get().proposed


def test_pages_have_no_inline_styles_or_scripts(client, world):
    case = new_case(world)
    scenario = case.scenarios.get()
    sign_in(client, world.users["court_prac"])
    walk(client, case, scenario, STEP_ANSWERS)
    urls = [reverse("courts:case-list"), reverse("courts:case-create"), reverse("courts:case-detail", args=[case.pk]),
            reverse("courts:case-compare", args=[case.pk]), reverse("courts:case-report", args=[case.pk]),
            reverse("courts:scenario-detail", args=[case.pk, scenario.pk])]  # fmt: skip
    urls += [step_url(case, scenario, step) for step, _ in STEP_ANSWERS]
    for url in urls:
        page = client.get(url).content.decode()
        assert " style=" not in page, url
        for tag in re.findall(r"<script[^>]*>", page):
            assert "src=" in tag or "nonce=" in tag, (url, tag)


def test_the_offence_step_asks_for_the_youngest_age_shown_and_notification_uses_it(client, world):
    """Schedule 3 paras 13/15: notification for an image offence needs a child under 16 in the images."""
    case = new_case(world)
    scenario = case.scenarios.get()
    sign_in(client, world.users["court_prac"])
    answers = dict(STEP_ANSWERS)
    page = text_of(client.get(step_url(case, scenario, "offence")))
    assert "Age of the youngest child shown in the images" in page
    too_old = client.post(step_url(case, scenario, "offence"), {**answers["offence"], "youngest_age_shown": "18"})
    assert "Age of the youngest child shown in the images must be 17 or less" in text_of(too_old)
    walk(client, case, scenario, [("offence", {**answers["offence"], "victim_age": "", "youngest_age_shown": "16"}),
                                 *[(step, data) for step, data in STEP_ANSWERS if step != "offence"]])  # fmt: skip
    scenario.refresh_from_db()
    assert scenario.request["youngest_age_shown"] == 16
    assert scenario.result["notification"]["applies"] == "no"
    page = text_of(client.get(reverse("courts:scenario-detail", args=[case.pk, scenario.pk])))
    assert "No notification requirements (Schedule 3 threshold not met)" in page


def test_an_offence_before_the_age_of_criminal_responsibility_is_refused_on_the_page(client, world):
    case = new_case(world)
    scenario = case.scenarios.get()
    sign_in(client, world.users["court_prac"])
    answers = dict(STEP_ANSWERS)
    response = client.post(
        step_url(case, scenario, "offence"),
        typed({**answers["offence"], "offender_age_at_offence": "9", "offender_age_at_conviction": "10",
               "offence_date": "2023-12-01"}),
    )
    assert response.status_code == 200
    assert "The person was 9 at the offence: no child under 10 can be guilty of an offence" in text_of(response)
