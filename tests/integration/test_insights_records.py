"""Outcome events and follow-up of a person: who may record them, what is refused, what is audited."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from safeguard.audit.models import AuditEvent
from safeguard.insights import selectors, services
from safeguard.insights.models import DataVersion, FollowUp, OutcomeEvent
from tests.form_data import date_input
from tests.integration.insights_fixtures import event, follow_up


def test_recording_an_outcome_is_audited_and_changes_the_data_version(world):
    person = world.persons["probation"]
    before = services.data_version()
    services.outcome_event_add(actor=world.actor("prob_prac"), person=person, kind="charge",
                               offence_type="image", event_date=date(2025, 3, 1))
    assert OutcomeEvent.objects.filter(person=person).count() == 1
    assert services.data_version() == before + 1
    audit = AuditEvent.objects.filter(action="insights.outcome.record").get()
    assert audit.object_id == str(person.pk) and audit.details == {"kind": "charge", "offence_type": "image"}


def test_a_duplicate_or_future_outcome_is_refused(world):
    person, actor = world.persons["probation"], world.actor("prob_prac")
    services.outcome_event_add(actor=actor, person=person, kind="charge", offence_type="image", event_date=date(2025, 3, 1))
    with pytest.raises(ValidationError, match="already recorded"):
        services.outcome_event_add(actor=actor, person=person, kind="charge", offence_type="image", event_date=date(2025, 3, 1))
    with pytest.raises(ValidationError, match="today or in the past"):
        services.outcome_event_add(actor=actor, person=person, kind="charge", offence_type="image",
                                   event_date=date.today() + timedelta(days=3))
    assert OutcomeEvent.objects.count() == 1


@pytest.mark.parametrize("who", ["court_prac", "analyst", "prev_prac"])
def test_only_agencies_that_write_person_records_may_record_outcomes(world, who):
    person = world.persons["probation"]
    with pytest.raises(PermissionDenied):
        services.outcome_event_add(actor=world.actor(who), person=person, kind="charge", offence_type="image",
                                   event_date=date(2025, 3, 1))


def test_a_person_out_of_reach_cannot_get_an_outcome(world):
    with pytest.raises(PermissionDenied):
        services.outcome_event_add(actor=world.actor("prob_prac"), person=world.persons["other"], kind="charge",
                                   offence_type="image", event_date=date(2025, 3, 1))


def test_follow_up_dates_out_of_order_are_refused(world):
    person = world.persons["probation"]
    with pytest.raises(ValidationError) as refused:
        services.follow_up_set(actor=world.actor("prob_prac"), person=person, data={
            "start_date": date(2024, 5, 1), "start_reason": "release", "end_date": date(2024, 1, 1), "end_reason": "death",
        })
    assert "end_date" in refused.value.error_dict
    assert not FollowUp.objects.exists()


def test_follow_up_form_through_the_page(world, as_user):
    person = world.persons["probation"]
    client = as_user("prob_sup")
    response = client.post(reverse("insights:follow-up", args=[person.pk]), {
        **date_input("start_date", "2024-05-01"), "start_reason": "order_start", "programme_status": "completed",
        "programme": "Demo group programme", "ethnic_group": "not_recorded",
    })
    assert response.status_code == 302
    saved = FollowUp.objects.get(person=person)
    assert (saved.start_date, saved.programme_status) == (date(2024, 5, 1), "completed")
    page = client.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert "Followed up from 1 May 2024 (start of a community order)" in page
    assert "Programme: completed the programme (Demo group programme)." in page


def test_the_person_page_lists_outcomes_for_staff_who_see_the_person(world, as_user):
    person = world.persons["probation"]
    event(world, person, "2025-02-03", kind="caution", offence_type="violent")
    page = as_user("treat_prac").get(reverse("people:detail", args=[person.pk])).content.decode()
    assert "3 February 2025" in page and "Caution" in page and "Violent offence" in page
    assert "Record an outcome" in page
    # The person page's one `person.view` event covers the section: no second event.
    assert AuditEvent.objects.filter(object_id=str(person.pk)).values_list("action", flat=True).get() == "person.view"


def test_removing_an_outcome(world, as_user):
    person = world.persons["probation"]
    made = event(world, person, "2025-02-03")
    response = as_user("prob_prac").post(reverse("insights:outcome-delete", args=[made.pk]))
    assert response.status_code == 302
    assert not OutcomeEvent.objects.exists()
    assert AuditEvent.objects.filter(action="insights.outcome.delete").count() == 1


def test_outcome_form_errors_name_the_field(world, as_user):
    person = world.persons["probation"]
    body = as_user("prob_prac").post(reverse("insights:outcome-add", args=[person.pk]), {}).content.decode()
    assert "Select the kind of outcome" in body and "Select the offence type" in body and "Enter the date" in body
    assert not OutcomeEvent.objects.exists()


def test_person_outcomes_are_not_shown_to_roles_without_the_action(world):
    assert selectors.person_outcomes(actor=world.actor("analyst"), person=world.persons["probation"]) is None
    shown = selectors.person_outcomes(actor=world.actor("court_prac"), person=world.persons["probation"])
    assert shown is not None and shown.events == []  # a court sees outcomes of persons it sees, records none


def test_data_version_starts_from_nothing(db):
    assert services.data_version() == 0
    services._bump_version()
    assert DataVersion.objects.get().version == 1


def test_follow_up_fixture_helper(world):
    made = follow_up(world, world.persons["probation"], start="2020-01-01", points=25, band="medium", probability=0.02)
    assert made.baseline_instrument == "osp-dc"
