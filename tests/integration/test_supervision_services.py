"""Supervision services: every deadline computed (never typed), bad input refused naming the field with
nothing saved, the two-person rule on overrides, breaches on the workflow, transfers with their history,
reactive management, MAPPA meetings, tiers recomputed when an input changes."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from safeguard.audit.models import AuditEvent
from safeguard.guidelines.register import (
    annual_notification_due,
    change_notification_due,
    initial_notification_due,
    review_qualifying_date,
    travel_notification_due,
)
from safeguard.people.models import PersonAgencyLink
from safeguard.supervision import services, tasks
from safeguard.supervision.models import (
    Breach,
    CaseTransfer,
    MappaMeeting,
    NotificationEvent,
    ReviewTrigger,
    SupervisionCase,
    Visit,
)
from safeguard.supervision.rules.visits import NOTHING_DUE
from safeguard.workflows.services import TransitionRefused
from tests.integration.supervision_helpers import (
    TODAY,
    colleague,
    police_case,
    probation_case,
    record_assessment,
    requirement,
)


def refused(exc: pytest.ExceptionInfo[ValidationError]) -> set[tuple[str, str]]:
    return {(field, e.code or "") for field, errors in exc.value.error_dict.items() for e in errors}


def fresh(case: SupervisionCase) -> SupervisionCase:
    return SupervisionCase.objects.get(pk=case.pk)


# --- opening a case: derived dates from the first moment ------------------------------------------------


def test_a_new_case_is_due_a_plan_at_once_and_visits_monthly_until_a_risk_level_is_known(world):
    case = probation_case(world, opened_on=date(2026, 1, 31))
    assert case.plan_review_due == date(2026, 1, 31)  # no plan yet: due from the start
    assert case.visit_every_months == 1 and "no risk level yet" in case.visit_frequency_source
    assert case.next_visit_due == date(2026, 2, 28)  # a month after 31 January: February's last day
    assert case.attention_on == date(2026, 1, 31)
    assert (case.tier, case.tier_provisional) == ("G", True)
    assert AuditEvent.objects.filter(action="supervision.case.open", object_id=str(case.pk)).count() == 1


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"opened_on": date(2026, 6, 2)}, ("opened_on", "future")),
        ({"officer": "police_prac"}, ("officer", "not_in_agency")),
    ],
)
def test_opening_a_case_refuses_bad_input(world, kwargs, expected):
    officer = world.users[kwargs.get("officer", "prob_prac")]
    with pytest.raises(ValidationError) as exc:
        services.case_open(actor=world.actor("prob_prac"), person=world.persons["probation"], officer=officer,
                           opened_on=kwargs.get("opened_on", date(2026, 1, 1)), today=TODAY)  # fmt: skip
    assert refused(exc) == {expected}
    assert not SupervisionCase.objects.exists()


def test_one_open_case_per_person_and_agency(world):
    probation_case(world)
    with pytest.raises(ValidationError) as exc:
        probation_case(world)
    assert refused(exc) == {("person", "already_open")}


def test_a_role_without_supervision_cannot_open_a_case(world):
    with pytest.raises(PermissionDenied):
        services.case_open(actor=world.actor("treat_prac"), person=world.persons["probation"],
                           officer=world.users["treat_prac"], opened_on=date(2026, 1, 1), today=TODAY)  # fmt: skip


def test_closing_before_the_start_names_the_field(world):
    case = probation_case(world)
    with pytest.raises(ValidationError) as exc:
        services.case_close(actor=world.actor("prob_prac"), case=case, closed_on=date(2025, 12, 31), today=TODAY)
    assert refused(exc) == {("closed_on", "before_start")}
    assert fresh(case).closed_on is None


# --- visits --------------------------------------------------------------------------------------------------


def _visit(world, case, day, **extra):
    fields = {"kind": "planned", "outcome": "completed", "officers": [world.users["prob_prac"]],
              "observations": "Synthetic: at home, cooperative.", **extra}  # fmt: skip
    return services.visit_record(actor=world.actor("prob_prac"), case=case, visited_on=day, today=TODAY, **fields)


def test_a_completed_visit_moves_the_next_one_and_no_access_does_not(world):
    case = probation_case(world)
    _visit(world, case, date(2026, 5, 31))
    case = fresh(case)
    assert (case.last_visit_on, case.next_visit_due) == (date(2026, 5, 31), date(2026, 6, 30))
    _visit(world, case, date(2026, 6, 1), outcome="no_access", observations="")
    assert fresh(case).next_visit_due == date(2026, 6, 30)
    visit = Visit.objects.get(visited_on=date(2026, 5, 31))
    assert visit.observations == "Synthetic: at home, cooperative."  # read back through the encrypted field
    assert list(visit.officers.all()) == [world.users["prob_prac"]]


@pytest.mark.parametrize(
    ("day", "extra", "expected"),
    [
        (date(2026, 6, 2), {}, ("visited_on", "future")),  # a visit in the future recorded as done
        (date(2026, 1, 4), {}, ("visited_on", "before_start")),
        (date(2026, 5, 1), {"officers": []}, ("officers", "required")),
        (date(2026, 5, 1), {"observations": ""}, ("observations", "required")),
        (date(2026, 5, 1), {"outcome": "maybe"}, ("outcome", "invalid")),
    ],
)
def test_bad_visits_are_refused_naming_the_field(world, day, extra, expected):
    case = probation_case(world)
    with pytest.raises(ValidationError) as exc:
        _visit(world, case, day, **extra)
    assert refused(exc) == {expected}
    assert not Visit.objects.exists()


def test_officers_from_another_agency_cannot_be_named_on_a_visit(world):
    case = probation_case(world)
    with pytest.raises(ValidationError) as exc:
        _visit(world, case, date(2026, 5, 1), officers=[world.users["prob_prac"], world.users["police_prac"]])
    assert refused(exc) == {("officers", "not_in_agency")}


def test_scheduling_needs_a_date_from_today_and_a_scheduled_visit_can_be_recorded(world):
    case = probation_case(world)
    with pytest.raises(ValidationError) as exc:
        services.visit_schedule(actor=world.actor("prob_prac"), case=case, kind="unannounced",
                                planned_for=date(2026, 5, 31), today=TODAY)  # fmt: skip
    assert refused(exc) == {("planned_for", "past")}
    planned = services.visit_schedule(actor=world.actor("prob_prac"), case=case, kind="unannounced",
                                      planned_for=TODAY, today=TODAY)  # fmt: skip
    _visit(world, case, TODAY, scheduled=planned, kind="unannounced")
    assert Visit.objects.get(pk=planned.pk).status == "done"
    assert Visit.objects.count() == 1


# --- frequency: assessment, agency table, plan override -------------------------------------------------------


def test_the_risk_level_comes_from_the_latest_assessment_and_sets_the_frequency(world):
    record_assessment(world, "police_prac", "police", "rm2000-s")  # the example scores high
    case = police_case(world)
    assert (case.risk_level, case.risk_source, case.risk_instrument) == ("high", "assessment", "RM2000/S")
    assert case.visit_every_months == 3 and "default table for high risk" in case.visit_frequency_source
    assert case.next_visit_due == date(2025, 9, 1)


def test_the_agencys_table_changes_the_frequency_of_its_open_cases(world):
    record_assessment(world, "prob_prac", "probation", "osp-dc")  # medium
    case = probation_case(world)
    assert case.visit_every_months == 6
    with pytest.raises(ValidationError) as exc:
        services.frequency_set(actor=world.actor("prob_sup"), months={"very_high": 1, "high": 2, "medium": 0, "low": 12})
    assert refused(exc) == {("months_medium", "out_of_range")}
    services.frequency_set(actor=world.actor("prob_sup"), months={"very_high": 1, "high": 2, "medium": 4, "low": 12})
    tasks.refresh_open_cases(today=TODAY, agency_id=case.agency_id)
    case = fresh(case)
    assert case.visit_every_months == 4 and "agency's table" in case.visit_frequency_source
    assert case.next_visit_due == date(2026, 5, 5)
    with pytest.raises(PermissionDenied):
        services.frequency_set(actor=world.actor("prob_prac"), months={"very_high": 1, "high": 2, "medium": 4, "low": 12})


def test_a_plan_may_set_its_own_frequency_only_with_a_reason(world):
    case = probation_case(world)
    save = {"actor": world.actor("prob_prac"), "case": case, "reviewed_on": date(2026, 2, 1), "review_every_months": 6,
            "visit_override_months": 2, "today": TODAY}  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        services.plan_save(**save, visit_override_reason="  ")
    assert refused(exc) == {("visit_override_reason", "required")}
    services.plan_save(**save, visit_override_reason="Closer contact after a change of address (synthetic).")
    case = fresh(case)
    assert case.visit_every_months == 2 and case.visit_frequency_source == "set in the risk management plan"
    assert case.plan_review_due == date(2026, 8, 1)


def test_plan_entries_with_end_dates_become_orders_ending(world):
    case = probation_case(world)
    add = {"actor": world.actor("prob_prac"), "case": case, "kind": "prohibition", "order": "Sexual Harm Prevention Order",
           "text": "No unsupervised contact with children under 16 (synthetic).", "today": TODAY}  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        services.plan_item_add(**add, starts_on=date(2026, 3, 1), ends_on=date(2026, 2, 28))
    assert refused(exc) == {("ends_on", "before_start")}
    item = services.plan_item_add(**add, starts_on=date(2026, 3, 1), ends_on=date(2031, 3, 1))
    assert fresh(case).order_end_due == date(2031, 3, 1)
    services.plan_item_remove(actor=world.actor("prob_prac"), item=item, today=TODAY)
    assert fresh(case).order_end_due is None


# --- overrides: a reason and another person, a supervisor -------------------------------------------------------


def test_an_override_needs_a_reason_and_a_supervisors_approval_by_someone_else(world):
    case = probation_case(world)
    with pytest.raises(ValidationError) as exc:
        services.override_request(actor=world.actor("prob_prac"), case=case, level="high", reason="")
    assert refused(exc) == {("reason", "required")}
    override = services.override_request(actor=world.actor("prob_prac"), case=case, level="high",
                                         reason="Synthetic: new intelligence.")  # fmt: skip
    assert fresh(case).risk_level == ""  # not in force until approved
    with pytest.raises(PermissionDenied):  # a practitioner may not approve
        services.override_move(actor=world.actor("prob_prac"), override=override, transition="approve",
                               expected_state="requested", today=TODAY)  # fmt: skip
    services.override_move(actor=world.actor("prob_sup"), override=override, transition="approve",
                           expected_state="requested", today=TODAY)  # fmt: skip
    case = fresh(case)
    assert (case.risk_level, case.risk_source, case.visit_every_months) == ("high", "override", 3)


def test_a_supervisor_cannot_approve_their_own_request(world):
    case = probation_case(world, officer="prob_sup")
    override = services.override_request(actor=world.actor("prob_sup"), case=case, level="low", reason="Synthetic.")
    with pytest.raises(TransitionRefused) as exc:
        services.override_move(actor=world.actor("prob_sup"), override=override, transition="approve",
                               expected_state="requested", today=TODAY)  # fmt: skip
    assert exc.value.code == "same_person"
    assert fresh(case).risk_level == ""


def test_a_newer_approved_override_ends_the_earlier_one(world):
    case = probation_case(world)
    for level in ("high", "medium"):
        override = services.override_request(actor=world.actor("prob_prac"), case=case, level=level, reason="Synthetic.")
        services.override_move(actor=world.actor("prob_sup"), override=override, transition="approve",
                               expected_state="requested", today=TODAY)  # fmt: skip
    assert sorted(case.overrides.values_list("level", "state")) == [("high", "ended"), ("medium", "approved")]
    assert fresh(case).risk_level == "medium"


# --- reactive management -------------------------------------------------------------------------------------


def test_reactive_management_needs_three_years_of_low_risk_and_triggers_bring_a_review(world):
    case = probation_case(world, opened_on=date(2020, 1, 1))
    services.plan_save(actor=world.actor("prob_prac"), case=case, reviewed_on=date(2026, 5, 1), review_every_months=12,
                       visit_override_months=None, visit_override_reason="", today=TODAY)  # fmt: skip
    override = services.override_request(actor=world.actor("prob_prac"), case=case, level="low", reason="Synthetic.")
    services.override_move(actor=world.actor("prob_sup"), override=override, transition="approve",
                           expected_state="requested", today=TODAY)  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        services.management_set(actor=world.actor("prob_prac"), case=fresh(case), management="reactive", today=TODAY)
    assert refused(exc) == {("management", "not_yet")}
    SupervisionCase.objects.filter(pk=case.pk).update(low_risk_since=date(2023, 6, 1))  # low for exactly 3 years
    case = services.management_set(actor=world.actor("prob_prac"), case=fresh(case), management="reactive", today=TODAY)
    assert case.next_visit_due is None and case.visit_every_months is None
    trigger = services.trigger_record(actor=world.actor("prob_prac"), case=case, kind="intelligence",
                                      occurred_on=date(2026, 5, 30), today=TODAY)  # fmt: skip
    assert fresh(case).review_trigger_due == date(2026, 5, 30) == fresh(case).attention_on
    services.trigger_review(actor=world.actor("prob_prac"), trigger=trigger, reviewed_on=TODAY,
                            outcome="return_to_active", today=TODAY)  # fmt: skip
    case = fresh(case)
    assert case.management == "active" and case.review_trigger_due is None and case.next_visit_due is not None


def test_a_reactive_case_whose_risk_rises_is_due_for_review(world):
    case = probation_case(world, opened_on=date(2020, 1, 1))
    SupervisionCase.objects.filter(pk=case.pk).update(management="reactive", risk_level="low")
    override = services.override_request(actor=world.actor("prob_prac"), case=fresh(case), level="high", reason="Synthetic.")
    services.override_move(actor=world.actor("prob_sup"), override=override, transition="approve",
                           expected_state="requested", today=TODAY)  # fmt: skip
    assert list(ReviewTrigger.objects.values_list("kind", flat=True)) == ["risk_level_rose"]
    tasks.refresh_open_cases(today=TODAY)  # run again: still one trigger
    assert ReviewTrigger.objects.count() == 1


# --- the register ------------------------------------------------------------------------------------------------


def test_a_computed_requirement_takes_the_engines_period_and_the_register_deadlines(world):
    police_case(world)
    req = requirement(world, relevant_date=date(2025, 3, 1), months=8)
    assert (req.indefinite, req.end_date, req.period_text) == (False, date(2035, 2, 28), "10 years")
    initial = NotificationEvent.objects.get(requirement=req)
    assert initial.due_date == initial_notification_due(date(2025, 3, 1)).due_date == date(2025, 3, 3)
    assert "s.83(1)" in initial.due_basis
    assert req.next_due == date(2025, 3, 3)
    services.notification_made(actor=world.actor("police_prac"), event=initial, notified_on=date(2025, 3, 5), today=TODAY)
    req.refresh_from_db()
    assert NotificationEvent.objects.get(pk=initial.pk).is_late
    assert req.next_annual_due == annual_notification_due(date(2025, 3, 5)).due_date == date(2026, 3, 5)
    case = SupervisionCase.objects.get(person=world.persons["police"])
    assert case.next_notification_due == date(2026, 3, 5)


def test_an_indefinite_requirement_counts_its_review_from_the_first_notification(world):
    req = requirement(world, relevant_date=date(2024, 2, 27), months=36)
    assert req.indefinite and req.end_date is None
    assert req.review_qualifying_date == date(2039, 2, 27)  # from the relevant date until notified
    event = NotificationEvent.objects.get(requirement=req)
    services.notification_made(actor=world.actor("police_prac"), event=event, notified_on=date(2024, 2, 29), today=TODAY)
    req.refresh_from_db()
    assert req.first_notification_on == date(2024, 2, 29)
    assert req.review_qualifying_date == review_qualifying_date(date(2024, 2, 29), under_18_on_relevant_date=False).due_date
    assert req.review_qualifying_date == date(2039, 3, 1)


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"legal_basis": ""}, ("legal_basis", "required")),
        ({"end_date": date(2024, 12, 31)}, ("end_date", "before_start")),  # an end date before its start
        ({"end_date": None}, ("end_date", "required")),
        ({"indefinite": True}, ("end_date", "conflict")),
        ({"relevant_date": date(2026, 6, 2)}, ("relevant_date", "future")),
        ({"first_notification_on": date(2024, 12, 1)}, ("first_notification_on", "before_start")),
    ],
)
def test_entered_requirements_need_their_basis_and_sensible_dates(world, kwargs, expected):
    fields = {"relevant_date": date(2025, 1, 1), "indefinite": False, "end_date": date(2030, 1, 1),
              "legal_basis": "Notification order, Testbury Magistrates' Court (synthetic)", **kwargs}  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        services.requirement_create(actor=world.actor("police_prac"), person=world.persons["police"], source="entered",
                                    today=TODAY, **fields)  # fmt: skip
    assert refused(exc) == {expected}


def test_the_engines_refusals_name_the_form_fields(world):
    with pytest.raises(ValidationError) as exc:
        requirement(world, months=None)
    assert refused(exc) == {("custody_months", "required")}


def test_probation_reads_the_register_but_only_the_police_change_it(world):
    with pytest.raises(PermissionDenied):
        services.requirement_create(actor=world.actor("prob_prac"), person=world.persons["police"], source="entered",
                                    relevant_date=date(2025, 1, 1), indefinite=True, legal_basis="x", today=TODAY)  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "kwargs", "expected"),
    [
        ("home_address", {"change_date": date(2025, 2, 28)}, ("change_date", "before_start")),
        ("home_address", {"change_date": date(2025, 4, 1), "notified_on": date(2025, 2, 1)}, ("notified_on", "before_start")),
        ("home_address", {}, ("change_date", "required")),
        ("name", {"change_date": date(2026, 6, 2)}, ("change_date", "future")),
        ("travel", {"departure_date": date(2026, 7, 1), "return_date": date(2026, 6, 30), "destination": "x",
                    "carrier": "x", "accommodation": "x"}, ("return_date", "before_start")),
        ("travel", {"departure_date": date(2026, 7, 1), "return_date": date(2026, 7, 8), "carrier": "x",
                    "accommodation": "x"}, ("destination", "required")),
        ("annual", {}, ("notified_on", "required")),
        ("annual", {"notified_on": date(2026, 3, 1)}, ("kind", "no_earlier_notification")),
        ("initial", {"notified_on": date(2026, 3, 1)}, ("kind", "invalid")),
    ],
)
def test_bad_notifications_are_refused_naming_the_field(world, kind, kwargs, expected):
    req = requirement(world)
    with pytest.raises(ValidationError) as exc:
        services.notification_record(actor=world.actor("police_prac"), requirement=req, kind=kind, today=TODAY, **kwargs)
    assert refused(exc) == {expected}
    assert NotificationEvent.objects.count() == 1  # only the initial one


def test_change_and_travel_due_dates_come_from_the_register_module(world):
    req = requirement(world, first=date(2025, 3, 2))
    change = services.notification_record(actor=world.actor("police_prac"), requirement=req, kind="home_address",
                                          change_date=date(2025, 12, 30), today=TODAY)  # fmt: skip
    assert change.due_date == change_notification_due(date(2025, 12, 30)).due_date == date(2026, 1, 1)
    assert change.notified_on is None
    travel = services.notification_record(
        actor=world.actor("police_prac"), requirement=req, kind="travel", departure_date=date(2026, 7, 1),
        return_date=date(2026, 7, 8), destination="Exampleland", carrier="Demo Air DA1", accommodation="Hotel Sample",
        notified_on=date(2026, 5, 1), today=TODAY,
    )  # fmt: skip
    assert travel.due_date == travel_notification_due(date(2026, 7, 1)).due_date == date(2026, 6, 24)
    assert not travel.due_verified and "unverified" in travel.due_basis
    req.refresh_from_db()
    assert req.next_due == date(2026, 1, 1)  # the change is still waiting


def test_a_change_of_address_on_a_reactive_case_makes_a_review_due(world):
    case = police_case(world)
    SupervisionCase.objects.filter(pk=case.pk).update(management="reactive")
    req = requirement(world, first=date(2025, 3, 2))
    services.notification_record(actor=world.actor("police_prac"), requirement=req, kind="home_address",
                                 change_date=date(2026, 5, 20), notified_on=date(2026, 5, 21), today=TODAY)  # fmt: skip
    assert list(ReviewTrigger.objects.values_list("kind", "occurred_on")) == [("change_of_address", date(2026, 5, 20))]
    assert fresh(case).review_trigger_due == date(2026, 5, 20)


# --- breaches (workflow) ------------------------------------------------------------------------------------------


def test_a_breach_moves_along_its_workflow_and_only_a_supervisor_concludes_it(world):
    from tests.integration.supervision_helpers import colleague

    sergeant = colleague(world, "police", "police_sup", role="supervisor")
    req = requirement(world)
    with pytest.raises(ValidationError) as exc:
        services.breach_record(actor=world.actor("police_prac"), requirement=req, noticed_on=TODAY, description=" ", today=TODAY)
    assert refused(exc) == {("description", "required")}
    breach = services.breach_record(actor=world.actor("police_prac"), requirement=req, noticed_on=TODAY,
                                    description="Synthetic: initial notification not made.", today=TODAY)  # fmt: skip
    services.breach_move(actor=world.actor("police_prac"), breach=breach, transition="refer", expected_state="recorded")
    with pytest.raises(PermissionDenied):
        services.breach_move(actor=world.actor("police_prac"), breach=breach, transition="conclude",
                             expected_state="referred", reason_code="charged")  # fmt: skip
    from safeguard.policy import Actor

    sup = Actor(user=sergeant, membership=sergeant.memberships.get(), endpoint="test")
    services.breach_move(actor=sup, breach=breach, transition="conclude", expected_state="referred", reason_code="charged")
    assert Breach.objects.get(pk=breach.pk).state == "concluded"
    assert AuditEvent.objects.filter(action="supervision.breach.transition").count() >= 2


# --- transfers ------------------------------------------------------------------------------------------------------


def test_a_transfer_to_an_officer_outside_the_receiving_area_is_refused(world):
    case = probation_case(world)
    with pytest.raises(ValidationError) as exc:
        services.case_transfer(actor=world.actor("prob_prac"), case=case, agency=world.agencies["other_probation"],
                               officer=world.users["prob_sup"], transferred_on=TODAY, reason="Moved area.", today=TODAY)  # fmt: skip
    assert refused(exc) == {("officer", "not_in_receiving_area")}
    with pytest.raises(ValidationError) as exc:
        services.case_transfer(actor=world.actor("prob_prac"), case=case, agency=world.agencies["police"],
                               officer=world.users["police_prac"], transferred_on=TODAY, reason="x", today=TODAY)  # fmt: skip
    assert refused(exc) == {("agency", "wrong_kind")}
    assert not CaseTransfer.objects.exists()


def test_a_transfer_to_another_area_keeps_the_history_and_shares_the_person(world):
    receiver = colleague(world, "other_probation", "other_officer")
    case = probation_case(world)
    planned = services.visit_schedule(actor=world.actor("prob_prac"), case=case, kind="planned",
                                      planned_for=TODAY + timedelta(days=3), today=TODAY)  # fmt: skip
    transfer = services.case_transfer(actor=world.actor("prob_prac"), case=case, agency=world.agencies["other_probation"],
                                      officer=receiver, transferred_on=TODAY, reason="Moved to the other area.", today=TODAY)  # fmt: skip
    case = fresh(case)
    assert (case.agency, case.officer) == (world.agencies["other_probation"], receiver)
    assert (transfer.from_agency, transfer.from_officer) == (world.agencies["probation"], world.users["prob_prac"])
    assert PersonAgencyLink.objects.filter(person=world.persons["probation"], agency=world.agencies["other_probation"],
                                           basis="statutory", ended_on__isnull=True).exists()  # fmt: skip
    assert Visit.objects.get(pk=planned.pk).status == "cancelled"
    with pytest.raises(PermissionDenied):  # the old area reads the case but no longer changes it
        _visit(world, case, TODAY)


def test_a_transfer_within_the_area(world):
    case = probation_case(world)
    services.case_transfer(actor=world.actor("prob_sup"), case=case, agency=world.agencies["probation"],
                           officer=world.users["prob_sup"], transferred_on=TODAY, reason="Caseload balance.", today=TODAY)  # fmt: skip
    assert fresh(case).officer == world.users["prob_sup"]
    assert CaseTransfer.objects.count() == 1


# --- MAPPA ------------------------------------------------------------------------------------------------------------


def test_meetings_are_for_levels_2_and_3_with_owned_actions(world):
    person = world.persons["police"]
    police_case(world)
    meeting = {"actor": world.actor("police_prac"), "person": person, "held_on": date(2026, 5, 1),
               "agencies_present": "Police\nProbation", "attendees": "Synthetic attendees", "minutes": "Synthetic minutes",
               "today": TODAY}  # fmt: skip
    services.mappa_set(actor=world.actor("police_prac"), person=person, category=1, level=1, since=date(2026, 1, 1), today=TODAY)
    with pytest.raises(ValidationError) as exc:
        services.meeting_record(**meeting)
    assert refused(exc) == {("level", "not_multi_agency")}
    with pytest.raises(ValidationError) as exc:
        services.mappa_set(actor=world.actor("police_prac"), person=person, category=1, level=2, since=date(2025, 12, 31), today=TODAY)
    assert refused(exc) == {("since", "before_current")}
    services.mappa_set(actor=world.actor("prob_prac"), person=person, category=1, level=2, since=date(2026, 4, 1), today=TODAY)
    with pytest.raises(ValidationError) as exc:
        services.meeting_record(**meeting, actions=[("Synthetic action", world.users["treat_prac"], date(2026, 6, 1))])
    assert refused(exc) == {("actions-0-owner", "not_in_reach")}
    with pytest.raises(ValidationError) as exc:
        services.meeting_record(**meeting, next_meeting_on=date(2026, 4, 30))
    assert refused(exc) == {("next_meeting_on", "before_start")}
    assert not MappaMeeting.objects.exists()
    made = services.meeting_record(**meeting, actions=[("Synthetic action", world.users["prob_prac"], date(2026, 6, 10))])
    action = made.actions.get()
    assert (action.owner, action.agency) == (world.users["prob_prac"], world.agencies["probation"])
    assert MappaMeeting.objects.get().minutes == "Synthetic minutes"


def test_the_tier_is_worked_out_again_when_an_input_changes(world):
    case = probation_case(world)
    assert fresh(case).tier == "G"
    services.case_update(actor=world.actor("prob_prac"), case=fresh(case), rosh_level="high", rosh_assessed_on=date(2026, 5, 1),
                         sexual_offence_history=False, child_protection=False, domestic_abuse=False, release_date=None,
                         today=TODAY)  # fmt: skip
    assert (fresh(case).tier, fresh(case).tier_provisional) == ("D", False)  # no MAPPA: high gives D
    services.mappa_set(actor=world.actor("prob_prac"), person=world.persons["probation"], category=2, level=1,
                       since=date(2026, 5, 1), today=TODAY)  # fmt: skip
    assert fresh(case).tier == "C"  # with MAPPA: high gives C
    record_assessment(world, "prob_prac", "probation", "osp-dc")  # medium, 1.54%: D; still C overall
    tasks.refresh_open_cases(today=TODAY)
    case = fresh(case)
    assert case.tier == "C" and [s["tier"] for s in case.tier_detail["steps"]] == ["D", "C", None]


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"rosh_level": "high", "rosh_assessed_on": None}, ("rosh_assessed_on", "required")),
        ({"rosh_level": "", "rosh_assessed_on": date(2026, 5, 1)}, ("rosh_level", "required")),
        ({"rosh_level": "high", "rosh_assessed_on": date(2026, 6, 2)}, ("rosh_assessed_on", "future")),
    ],
)
def test_risk_of_serious_harm_needs_its_date(world, kwargs, expected):
    case = probation_case(world)
    with pytest.raises(ValidationError) as exc:
        services.case_update(actor=world.actor("prob_prac"), case=case, sexual_offence_history=False, child_protection=False,
                             domestic_abuse=False, release_date=None, today=TODAY, **kwargs)  # fmt: skip
    assert refused(exc) == {expected}


def test_the_daily_refresh_is_idempotent_and_time_alone_moves_dates(world):
    case = probation_case(world)
    services.plan_item_add(actor=world.actor("prob_prac"), case=case, kind="condition", text="Synthetic curfew.",
                           ends_on=date(2026, 6, 3), today=TODAY)  # fmt: skip
    assert fresh(case).order_end_due == date(2026, 6, 3)
    assert tasks.refresh_open_cases(today=TODAY) == (1, 0)  # nothing changed
    assert tasks.refresh_open_cases(today=date(2026, 6, 4)) == (1, 1)  # the order's end has passed
    assert fresh(case).order_end_due is None
    closed = fresh(case)
    services.case_close(actor=world.actor("prob_prac"), case=closed, closed_on=TODAY, today=TODAY)
    assert tasks.refresh_open_cases(today=TODAY) == (0, 0)
    assert fresh(case).attention_on != NOTHING_DUE


def test_the_daily_job_refreshes_only_what_time_or_another_app_changed(world):
    from datetime import datetime

    from django.utils import timezone as tz

    case = probation_case(world)
    other = police_case(world)
    services.plan_item_add(actor=world.actor("prob_prac"), case=case, kind="condition", text="Synthetic curfew.",
                           ends_on=date(2026, 6, 3), today=TODAY)  # fmt: skip
    services.case_update(actor=world.actor("prob_prac"), case=fresh(case), rosh_level="low", rosh_assessed_on=date(2025, 7, 1),
                         sexual_offence_history=False, child_protection=False, domestic_abuse=False, release_date=None,
                         today=TODAY)  # fmt: skip
    assert fresh(case).refresh_due == date(2026, 6, 4)  # the day after the curfew ends (the input grows stale 2 July)
    long_ago = tz.make_aware(datetime(2026, 5, 1))
    assert tasks.refresh_due_cases(today=TODAY, assessed_since=long_ago) == (0, 0)  # nothing due yet, no assessment
    assert tasks.refresh_due_cases(today=date(2026, 6, 4), assessed_since=long_ago) == (1, 1)
    case = fresh(case)
    assert case.order_end_due is None and case.refresh_due == date(2026, 7, 2)
    assert not case.tier_provisional
    assert tasks.refresh_due_cases(today=date(2026, 7, 2), assessed_since=long_ago) == (1, 1)
    assert fresh(case).tier_provisional  # risk of serious harm assessed over 12 months ago
    record_assessment(world, "police_prac", "police", "rm2000-s")  # completed in the assessments app
    assert fresh(other).risk_level == ""
    assert tasks.refresh_due_cases(today=TODAY, assessed_since=long_ago) == (1, 1)
    assert fresh(other).risk_level == "high"


def test_the_periodic_job_runs_and_leaves_one_aggregate_audit_event(world):
    from datetime import datetime

    from django.utils import timezone as tz

    probation_case(world)
    summary = tasks.daily_refresh(now=tz.now(), due_at=tz.make_aware(datetime(2026, 6, 1, 1, 30)))
    assert summary.startswith("Checked 0 open cases")
    event = AuditEvent.objects.get(action="supervision.refresh")
    assert event.details["cases"] == 0 and event.user_id is None
