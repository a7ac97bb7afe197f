"""The assessments app's due-item provider: reassessments falling due (assessments/due.py).

STABLE-2007 is repeated every 6 months, so an assessment on 14 December 2025 is due again on
14 June 2026; each test picks "today" around that date (the provider takes `today` from the query).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from safeguard.assessments import due as reassessment_due
from safeguard.assessments import services
from safeguard.assessments.models import Assessment
from safeguard.core import due
from safeguard.core.due import DueQuery
from safeguard.instruments import registry

STABLE = "stable-2007"
DONE = date(2025, 12, 14)
DUE = date(2026, 6, 14)


def record(world, who="prob_prac", person="probation", day=DONE, instrument_id=STABLE):
    return services.assessment_record(
        actor=world.actor(who), person=world.persons[person], instrument_id=instrument_id,
        inputs=registry.example_input(instrument_id), assessment_date=day,
    )


def items(world, who="prob_prac", today=DUE, **query):
    return reassessment_due.reassessments_due(DueQuery(actor=world.actor(who), today=today, **query))


def test_the_provider_is_registered_for_those_who_may_reassess(world):
    assert reassessment_due.PROVIDER in due.providers()
    assert reassessment_due.PROVIDER in due.providers_for(world.actor("prob_prac"))
    # Courts read assessments but never record them; analysts and auditors have no caseload.
    for who in ("court_prac", "analyst", "auditor", "prev_prac"):
        assert reassessment_due.PROVIDER not in due.providers_for(world.actor(who)), who


@pytest.mark.parametrize(
    ("today", "status", "words"),
    [
        (DUE, "today", "Due today"),
        (DUE + timedelta(days=1), "overdue", "Overdue by 1 day"),
        (DUE + timedelta(days=3), "overdue", "Overdue by 3 days"),
        (DUE - timedelta(days=1), "upcoming", "Due 14 June 2026"),
        (DUE - timedelta(days=30), "upcoming", "Due 14 June 2026"),  # the first day it appears
    ],
)
def test_boundaries_of_a_reassessment_due(world, today, status, words):
    done = record(world)
    assert done.reassessment_due == DUE
    [item] = items(world, today=today)
    assert item.due_on == DUE and item.status(today) == status and item.when(today) == words
    person = world.persons["probation"]
    assert item.key == f"assessments.reassessment:{person.pk}:{STABLE}:2026-06-14"
    assert item.title == "STABLE-2007 reassessment: Testy PersonPTEST001"
    assert item.reason == "STABLE-2007 is repeated every 6 months; the last was on 14 December 2025."
    assert item.url == reverse("assessments:choose", kwargs={"person_pk": person.pk})
    assert item.reference == "PTEST001"
    assert (item.owner_id, item.owner_name) == (world.users["prob_prac"].pk, "Prob_Prac")


def test_not_yet_due_more_than_thirty_days_ahead(world):
    record(world)
    assert items(world, today=DUE - timedelta(days=31)) == []
    assert len(items(world, today=DUE - timedelta(days=30))) == 1


def test_an_instrument_without_an_interval_is_never_due(world):
    record(world, instrument_id="static-99r")
    assert items(world, today=date(2040, 1, 1)) == []


def test_a_newer_assessment_replaces_the_due_date_and_a_correction_keeps_it(world):
    first = record(world)
    [before] = items(world, today=DUE + timedelta(days=5))
    corrected = services.assessment_correct(
        actor=world.actor("prob_prac"), assessment=first, inputs=registry.example_input(STABLE), reason="Recoded"
    )
    [after] = items(world, today=DUE + timedelta(days=5))
    assert corrected.reassessment_due == DUE and after.key == before.key  # the same obligation
    record(world, day=date(2026, 6, 1))  # reassessed: next due 1 December 2026
    assert items(world, today=DUE + timedelta(days=5)) == []
    [later] = items(world, today=date(2026, 12, 1))
    assert later.due_on == date(2026, 12, 1) and later.key != before.key


def test_a_later_assessment_by_another_agency_also_replaces_it(world):
    record(world, person="police")  # probation assesses a police-owned person it also manages
    assert len(items(world, today=DUE)) == 1
    record(world, who="police_prac", person="police", day=date(2026, 3, 1))
    assert items(world, today=DUE) == []  # the latest is the police's, due 1 September 2026
    assert [i.due_on for i in items(world, who="police_prac", today=date(2026, 9, 1))] == [date(2026, 9, 1)]


def test_scoping_only_the_assessor_and_their_agency(world):
    record(world)
    # Another agency's users see none of it: treatment sees the person but did not assess them,
    # the police do not see the person, the other probation agency neither.
    for who in ("treat_prac", "police_prac"):
        assert items(world, who=who) == [], who
    assert items(world, who="prob_sup") == []  # not the supervisor's own assessment
    [team_item] = items(world, who="prob_sup", team=True)
    assert team_item.owner_id == world.users["prob_prac"].pk
    assert items(world, who="treat_prac", team=True) == []


def test_an_agency_whose_link_to_the_person_ended_sees_nothing(world):
    from safeguard.people.models import PersonAgencyLink

    record(world)
    PersonAgencyLink.objects.filter(person=world.persons["probation"], agency=world.agencies["probation"]).update(
        ended_on=date(2026, 2, 1)
    )
    assert items(world) == [] and items(world, who="prob_sup", team=True) == []


def test_team_items_by_owner_most_urgent_first_and_bounded(world):
    record(world, day=date(2025, 12, 20))
    record(world, who="prob_sup", person="police", day=DONE)
    team = items(world, who="prob_sup", team=True, today=date(2026, 6, 30))
    assert [(i.reference, i.owner_id) for i in team] == [
        ("PTEST002", world.users["prob_sup"].pk), ("PTEST001", world.users["prob_prac"].pk),
    ]
    only = items(world, who="prob_sup", team=True, today=date(2026, 6, 30), owner_id=world.users["prob_prac"].pk)
    assert [i.reference for i in only] == ["PTEST001"]
    assert len(items(world, who="prob_sup", team=True, today=date(2026, 6, 30), limit=1)) == 1
    assert items(world, who="prob_sup", team=True, limit=0) == []


def more_people_assessed(world, start, stop):
    """Probation persons PMORE<start>… to <stop>, each with a STABLE-2007 by prob_prac now overdue."""
    from safeguard.people.models import Person, PersonAgencyLink

    for index in range(start, stop):
        person = Person.objects.create(
            reference=f"PMORE{index:03d}", given_name="Testy", family_name=f"Testington{index}",
            date_of_birth=date(1980, 1, 1), owner_agency=world.agencies["probation"],
        )
        PersonAgencyLink.objects.create(
            person=person, agency=world.agencies["probation"], basis="owner", started_on=date(2025, 1, 1)
        )
        services.assessment_record(
            actor=world.actor("prob_prac"), person=person, instrument_id=STABLE,
            inputs=registry.example_input(STABLE), assessment_date=DONE - timedelta(days=index),
        )


@pytest.mark.parametrize("team", [False, True])
def test_one_query_whatever_the_number_of_assessments(world, team):
    counts = []
    for start, stop in ((0, 3), (3, 30)):
        more_people_assessed(world, start, stop)
        who = "prob_sup" if team else "prob_prac"
        with CaptureQueriesContext(connection) as captured:
            found = items(world, who=who, team=team)
        counts.append((len(found), len(captured)))
    assert [c[0] for c in counts] == [3, 30]
    assert counts[0][1] == counts[1][1] == 1


def test_the_due_date_index_follows_the_services_and_its_migration_fills_the_same(world):
    import importlib

    from safeguard.assessments.models import ReassessmentDue

    def index():
        return sorted(ReassessmentDue.objects.values_list(
            "person__reference", "instrument_id", "assessment_id", "agency_id", "assessed_by_id", "due_on"))

    first = record(world)
    record(world, person="police", day=date(2025, 10, 1))
    record(world, instrument_id="static-99r")  # no interval: no row
    assert [(r[0], r[5]) for r in index()] == [("PTEST001", DUE), ("PTEST002", date(2026, 4, 1))]
    corrected = services.assessment_correct(
        actor=world.actor("prob_sup"), assessment=first, inputs=registry.example_input(STABLE), reason="Recoded"
    )
    assert ReassessmentDue.objects.get(person=world.persons["probation"]).assessment_id == corrected.pk
    police = record(world, who="police_prac", person="police", day=date(2026, 3, 1))
    row = ReassessmentDue.objects.get(person=world.persons["police"])
    assert (row.assessment_id, row.agency_id, row.due_on) == (police.pk, world.agencies["police"].pk, date(2026, 9, 1))
    record(world, person="police", day=date(2025, 12, 1))  # an older one recorded late changes nothing
    assert ReassessmentDue.objects.get(person=world.persons["police"]).assessment_id == police.pk

    kept = index()
    ReassessmentDue.objects.all().delete()
    migration = importlib.import_module("safeguard.assessments.migrations.0002_reassessment_due")
    migration.fill(Assessment, ReassessmentDue)
    assert index() == kept
