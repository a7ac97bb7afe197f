"""Sentencing cases: scoped to the agency, audited on every read and write, refused whole when wrong.

The helpers at the top are shared by the other `test_courts_*` modules.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from safeguard.audit.models import AuditEvent
from safeguard.courts import selectors, services
from safeguard.courts.models import CaseScenario, SentencingCase
from tests.unit.guidelines.helpers import custody, images_request

# The published case "Category A possession, 2024, magistrates' court" (tests/unit/guidelines/
# test_published_cases.py): starting point 1 year; 9 months after mitigation; one-third off for a
# first-stage plea = 6 months, suspended for 2 years.
PUBLISHED: dict[str, Any] = images_request(
    offence="cja1988-s160",
    offence_date="2023-06-01",
    conviction_date="2024-01-10",
    sentencing_date="2024-02-01",
    sentencing_court="magistrates_court",
    harm_factors=["penetrative_sexual_activity"],
    culpability_factors=["possession"],
    sentence_before_plea=custody("9m"),
    plea={"stage": "first_stage", "first_hearing_date": "2024-01-10"},
    suspension={"suspend": True, "operational_period": "2y"},
)

# The same case as the answers a legal adviser gives on each step page.
STEP_ANSWERS: list[tuple[str, dict[str, Any]]] = [
    (
        "offence",
        {
            "offence": "cja1988-s160", "sentencing_court": "magistrates_court", "offence_date": "2023-06-01",
            "conviction_date": "2024-01-10", "sentencing_date": "2024-02-01", "offender_age_at_offence": "40",
            "offender_age_at_conviction": "40",
        },
    ),
    ("factors", {"harm_factors": ["penetrative_sexual_activity"], "culpability_factors": ["possession"]}),
    ("category", {}),
    ("position", {"position_kind": "custody", "length": "9m"}),
    ("plea", {"stage": "first_stage", "first_hearing_date": "2024-01-10"}),
    ("offences", {}),
    ("threshold", {}),
    ("suspension", {"suspend": "yes", "operational_period": "2y"}),
    ("community", {}),
    ("notification", {}),
]


STEP_ANSWERS_OFFENCE_KEYS = ("offence", "offence_date", "conviction_date", "sentencing_date",
                             "offender_age_at_offence", "offender_age_at_conviction")  # fmt: skip


def new_case(world, who: str = "court_prac", **kwargs: Any) -> SentencingCase:
    kwargs.setdefault("title", "Worked example")
    return services.case_create(actor=world.actor(who), **kwargs)


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def save(world, case: SentencingCase, scenario: CaseScenario, step: str, request: dict[str, Any], who: str = "court_prac"):
    return services.scenario_save_step(actor=world.actor(who), case=case, scenario=scenario, step=step, request=request)


def test_an_unnamed_scenario_needs_a_title_and_gets_a_first_scenario(world):
    with pytest.raises(ValidationError) as refused:
        services.case_create(actor=world.actor("court_prac"), title="  ")
    assert "Enter a title for the unnamed scenario" in str(refused.value)
    assert not SentencingCase.objects.exists()
    case = new_case(world)
    assert case.agency == world.agencies["court"] and case.person is None
    assert [s.label for s in case.scenarios.all()] == ["Scenario 1"]
    [event] = events("sentencing.case.create")
    assert event.object_type == "courts.SentencingCase" and event.object_id == str(case.pk)
    assert event.details["unnamed"] is True


def test_only_a_person_the_actor_can_see_may_be_attached(world):
    person = world.persons["probation"]
    case = new_case(world, "prob_prac", person_id=person.pk, title="")
    assert case.person == person and case.display_title.endswith(f"({person.reference})")
    assert events("sentencing.case.create")[0].details["person"] == str(person.pk)
    for who, pk in (("prob_prac", world.persons["other"].pk), ("court_prac", person.pk), ("prob_prac", "not-a-uuid")):
        with pytest.raises(ValidationError) as refused:
            services.case_create(actor=world.actor(who), person_id=pk)
        assert "Choose a person your agency can see" in str(refused.value)
    assert SentencingCase.objects.count() == 1
    # The attempt on a person the agency cannot see is on the audit log as denied.
    assert AuditEvent.objects.filter(outcome="denied", object_id=str(world.persons["other"].pk)).exists()


def test_roles_without_the_action_are_refused(world):
    for who in ("treat_prac", "guide_editor", "analyst", "police_prac"):
        with pytest.raises(PermissionDenied):
            new_case(world, who)


def test_cases_are_scoped_to_the_agency_and_every_read_is_audited(world):
    case = new_case(world)
    before = AuditEvent.objects.count()
    opened = selectors.case_open(actor=world.actor("court_prac"), pk=case.pk)
    assert opened == case and AuditEvent.objects.count() == before + 1
    assert events("sentencing.case.view")[-1].username == "court_prac"
    with pytest.raises(Http404):
        selectors.case_open(actor=world.actor("prob_prac"), pk=case.pk)
    denied = AuditEvent.objects.filter(outcome="denied", object_id=str(case.pk)).get()
    assert denied.username == "prob_prac"
    with pytest.raises(PermissionDenied):
        selectors.case_open(actor=world.actor("treat_prac"), pk=case.pk)
    page = selectors.case_list(actor=world.actor("prob_prac"))
    assert list(page.object_list) == []
    assert [c.pk for c in selectors.case_list(actor=world.actor("court_prac")).object_list] == [case.pk]


def test_a_step_saves_with_later_steps_still_to_resolve(world):
    case = new_case(world)
    scenario = case.scenarios.get()
    first = {k: v for k, v in PUBLISHED.items() if k in {
        "offence", "offence_date", "conviction_date", "sentencing_date", "sentencing_court",
        "offender_age_at_offence", "offender_age_at_conviction"}}  # fmt: skip
    outcome = save(world, case, scenario, "offence", first)
    scenario.refresh_from_db()
    assert scenario.request == first
    assert scenario.result is None
    assert [p["field"] for p in scenario.problems] == ["harm_factors", "culpability_factors"]  # step two
    assert outcome.lead.problems == scenario.problems
    [event] = events("sentencing.scenario.update")
    assert event.details["step"] == "offence" and event.details["outstanding"] == ["required", "required"]


def test_a_step_with_its_own_problem_is_refused_and_nothing_is_saved(world):
    case = new_case(world)
    scenario = case.scenarios.get()
    bad = {**PUBLISHED, "conviction_date": "2023-01-01"}  # before the offence
    with pytest.raises(services.Refused) as refused:
        save(world, case, scenario, "offence", bad)
    messages = " ".join(p["message"] for p in refused.value.problems)
    assert "is before the offence date 2023-06-01; it must be on or after it" in messages
    scenario.refresh_from_db()
    assert scenario.request == {} and scenario.result is None
    [event] = events("sentencing.scenario.update")
    assert event.outcome == "failure" and "before_offence_date" in event.details["refused"]


def test_impossible_combinations_are_refused_with_what_is_allowed(world):
    case = new_case(world)
    scenario = case.scenarios.get()
    save(world, case, scenario, "suspension", PUBLISHED)
    too_long = {**PUBLISHED, "sentence_before_plea": custody("3y"), "plea": None}
    with pytest.raises(services.Refused) as refused:
        save(world, case, scenario, "suspension", {k: v for k, v in too_long.items() if v is not None})
    [problem] = [p for p in refused.value.problems if p["field"] == "suspension.suspend"]
    assert problem["code"] == "term_too_long_to_suspend"
    assert "allowed: terms of 14 days to 2 years" in problem["message"]
    scenario.refresh_from_db()
    assert scenario.request == PUBLISHED  # the earlier, valid answers are kept


def test_a_problem_a_later_answer_can_resolve_waits_for_that_step(world):
    case = new_case(world)
    scenario = case.scenarios.get()
    # 9 months' custody is above the magistrates' 6-month maximum until the plea reduction.
    request = {k: v for k, v in PUBLISHED.items() if k not in ("plea", "suspension")}
    save(world, case, scenario, "position", request)
    scenario.refresh_from_db()
    assert [p["code"] for p in scenario.problems] == ["above_statutory_maximum"]
    with pytest.raises(services.Refused) as refused:
        save(world, case, scenario, "plea", request)  # no plea: now it is this step's problem
    assert "allowed: up to 6 months" in refused.value.problems[0]["message"]
    save(world, case, scenario, "plea", {**request, "plea": PUBLISHED["plea"]})
    scenario.refresh_from_db()
    assert scenario.problems == [] and scenario.result["sentence"]["text"] == "6 months' custody"


def test_report_details_and_one_proposed_scenario(world):
    case = new_case(world, "prob_prac")
    first = case.scenarios.get()
    actor = world.actor("prob_prac")
    second = services.scenario_create(actor=actor, case=case, label="Community order")
    services.case_update_report(actor=actor, case=case, suitability="Ready for a group programme.", proposal="P", proposed_scenario=first.pk)
    services.case_update_report(actor=actor, case=case, suitability="Ready for a group programme.", proposal="P", proposed_scenario=second.pk)
    assert list(case.scenarios.filter(proposed=True)) == [second]
    with pytest.raises(ValidationError):
        services.case_update_report(actor=actor, case=case, suitability="", proposal="", proposed_scenario=999999)
    case.refresh_from_db()
    assert case.suitability == "Ready for a group programme."
    assert events("sentencing.case.update")[-1].details["changed"] == ["proposed_scenario"]


def test_a_court_legal_adviser_does_not_write_or_sign_the_report(world):
    case = new_case(world)
    for write in (
        lambda: services.case_update_report(actor=world.actor("court_prac"), case=case, suitability="S",
                                            proposal="P", proposed_scenario=None),
        lambda: services.case_sign_report(actor=world.actor("court_prac"), case=case),
    ):  # fmt: skip
        with pytest.raises(PermissionDenied):
            write()
    case.refresh_from_db()
    assert case.suitability == "" and case.report_signed_at is None


def test_the_probation_officer_signs_the_report_and_a_later_change_unsigns_it(world):
    case = new_case(world, "prob_prac")
    actor = world.actor("prob_prac")
    with pytest.raises(ValidationError) as refused:
        services.case_sign_report(actor=actor, case=case)
    assert set(refused.value.message_dict) == {"proposed_scenario", "proposal"}
    assert events("sentencing.report.sign")[-1].outcome == "failure"
    services.case_update_report(actor=actor, case=case, suitability="S", proposal="A programme.",
                                proposed_scenario=case.scenarios.get().pk)  # fmt: skip
    signed = services.case_sign_report(actor=actor, case=case)
    assert signed.report_signed and signed.report_signed_by == world.users["prob_prac"]
    assert signed.report_signed_as == "Practitioner, Test probation agency"
    assert events("sentencing.report.sign")[-1].outcome == "success"
    save(world, signed, signed.scenarios.get(), "offence", {k: PUBLISHED[k] for k in STEP_ANSWERS_OFFENCE_KEYS}, "prob_prac")
    signed.refresh_from_db()
    assert signed.report_signed_at is not None and not signed.report_signed


def test_the_practitioner_text_is_encrypted_at_rest(world):
    from django.db import connection

    case = new_case(world, "prob_prac")
    services.case_update_report(
        actor=world.actor("prob_prac"), case=case, suitability="SENTINEL-suitability", proposal="", proposed_scenario=None
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT suitability FROM courts_sentencingcase WHERE id = %s", [case.pk])
        stored = cursor.fetchone()[0]
    assert "SENTINEL" not in stored and stored.startswith("sg1:")


def test_a_scenario_can_start_from_another_and_is_recalculated(world):
    case = new_case(world)
    first = case.scenarios.get()
    save(world, case, first, "notification", PUBLISHED)
    copy = services.scenario_create(actor=world.actor("court_prac"), case=case, label="Copy", copy_from=first)
    assert copy.request == PUBLISHED and copy.result == CaseScenario.objects.get(pk=first.pk).result
    assert copy.guideline_id == "indecent-photographs-of-children" and copy.guideline_version == "2014"
    assert copy.data_fingerprint and copy.engine_version
    other = new_case(world, title="Another")
    with pytest.raises(ValidationError):
        services.scenario_create(actor=world.actor("court_prac"), case=other, label="X", copy_from=first)
