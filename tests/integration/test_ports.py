"""The doors other feature apps use into people and assessments: scoped, bounded, no names leak."""

from __future__ import annotations

from datetime import date

from safeguard.assessments import ports as assessment_ports
from safeguard.assessments import services
from safeguard.instruments import registry
from safeguard.people import ports as people_ports
from safeguard.people.models import Person


def test_the_person_filter_keeps_only_persons_the_actor_may_see(world):
    actor = world.actor("prob_prac")
    visible = Person.objects.filter(people_ports.visible_person_filter(actor, field="pk"))
    assert set(visible.values_list("reference", flat=True)) == {"PTEST001", "PTEST002"}
    police = Person.objects.filter(people_ports.visible_person_filter(world.actor("police_prac"), field="pk"))
    assert set(police.values_list("reference", flat=True)) == {"PTEST002"}
    assert not Person.objects.filter(people_ports.visible_person_filter(world.actor("analyst"), field="pk")).exists()


def test_latest_results_give_the_newest_current_result_per_instrument_and_respect_scope(world):
    actor = world.actor("prob_prac")
    person = world.persons["probation"]
    inputs = registry.example_input("pni")
    first = services.assessment_record(actor=actor, person=person, instrument_id="pni", inputs=inputs,
                                       assessment_date=date(2026, 1, 5))
    second = services.assessment_record(actor=actor, person=person, instrument_id="pni", inputs=inputs,
                                        assessment_date=date(2026, 2, 5))
    found = assessment_ports.latest_results(actor=actor, person_ids=[person.pk])
    latest = found[str(person.pk)]["pni"]
    assert latest.assessment_id == str(second.pk) != str(first.pk)
    assert latest.extra["pathway"] == second.result["pathway"]
    assert assessment_ports.latest_results(actor=world.actor("police_prac"), person_ids=[person.pk]) == {}
    assert assessment_ports.latest_results(actor=world.actor("analyst"), person_ids=[person.pk]) == {}
