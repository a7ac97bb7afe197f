"""Stored assessments: snapshots, immutability, the correction chain, the inputs hash, due dates, audit."""

from __future__ import annotations

import hashlib
import json
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.utils import timezone

from safeguard.assessments import selectors, services
from safeguard.assessments.models import Assessment
from safeguard.assessments.services import AnswersInvalid
from safeguard.audit.models import AuditEvent
from safeguard.instruments import registry

STABLE = "stable-2007"


def stable_answers(**changes):
    return {**registry.example_input(STABLE), **changes}


def complete(world, instrument_id=STABLE, inputs=None, who="prob_prac", person="probation", **kwargs):
    return services.assessment_record(
        actor=world.actor(who), person=world.persons[person], instrument_id=instrument_id,
        inputs=registry.example_input(instrument_id) if inputs is None else inputs, **kwargs,
    )


def events(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


def test_start_prefills_from_the_record_and_writes_one_event(world):
    person = world.persons["probation"]
    draft = services.assessment_start(actor=world.actor("prob_prac"), person=person, instrument_id="osp-dc")
    assert draft.status == "draft" and draft.result is None and draft.agency == world.agencies["probation"]
    assert draft.inputs == {"date_of_birth": "1980-01-01"}  # sex is "not recorded" on this test person
    assert events("assessment.start") == 1
    event = AuditEvent.objects.get(action="assessment.start")
    assert event.object_type == "people.Person" and event.object_id == str(person.pk)
    assert event.details["assessment"] == str(draft.pk)


def test_stable_draft_is_prefilled_with_the_previous_total(world):
    first = complete(world, assessment_date=date(2026, 1, 5))
    draft = services.assessment_start(actor=world.actor("prob_prac"), person=world.persons["probation"], instrument_id=STABLE)
    assert draft.inputs["previous_total"] == first.result["points"]


def test_completion_stores_the_whole_snapshot(world):
    day = date(2026, 3, 31)
    draft = services.assessment_start(actor=world.actor("prob_prac"), person=world.persons["probation"], instrument_id=STABLE)
    services.assessment_save_answers(actor=world.actor("prob_prac"), assessment=draft, inputs=stable_answers())
    done = services.assessment_complete(actor=world.actor("prob_sup"), assessment=draft, assessment_date=day)
    stored = Assessment.objects.get(pk=done.pk)
    expected = json.loads(json.dumps(registry.score(STABLE, stable_answers(), today=day).to_dict()))
    assert stored.status == "completed"
    assert stored.result == expected
    assert stored.inputs == stable_answers()
    assert (stored.model_version, stored.thresholds_version) == (expected["model_version"], expected["thresholds_version"])
    assert stored.verified is False  # STABLE-2007's item list is a candidate
    assert stored.instrument_snapshot == json.loads(json.dumps(registry.metadata(STABLE).to_dict()))
    assert stored.assessed_by == world.users["prob_sup"] and stored.started_by == world.users["prob_prac"]
    assert stored.assessment_date == day and stored.completed_at is not None
    assert stored.reassessment_due == date(2026, 9, 30)  # six calendar months, clipped to the month end
    assert stored.result["items"] and all({"name", "answer", "points", "rule"} <= set(i) for i in stored.result["items"])
    assert (stored.points, stored.band) == (expected["points"], expected["band"] or "")  # STABLE-2007: no band


def test_points_band_and_probability_are_columns_filled_for_stored_results_by_the_migration(world):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("safeguard.assessments.migrations.0003_result_columns")
    done = complete(world, instrument_id="static-99r")
    Assessment.objects.filter(pk=done.pk).update(points=None, band="", probability=None)
    migration.forwards(apps, None)
    stored = Assessment.objects.get(pk=done.pk)
    assert stored.points == done.result["points"] and isinstance(stored.points, int)
    assert stored.band == done.result["band"] != ""
    assert Assessment.objects.filter(instrument_id="static-99r", band=done.result["band"]).count() == 1


def test_instruments_without_an_interval_have_no_due_date(world):
    assert complete(world, "static-99r").reassessment_due is None


def test_inputs_hash_is_sha256_of_canonical_json(world):
    done = complete(world)
    stored = Assessment.objects.get(pk=done.pk)
    canonical = json.dumps(stored.inputs, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert stored.inputs_hash == hashlib.sha256(canonical.encode()).hexdigest()
    reordered = dict(reversed(list(stable_answers().items())))
    assert services.inputs_hash(reordered) == stored.inputs_hash
    assert services.inputs_hash(stable_answers(impulsive_acts=2)) != stored.inputs_hash


def test_completed_assessment_cannot_be_changed(world):
    done = complete(world)
    before = Assessment.objects.filter(pk=done.pk).values().get()
    actor = world.actor("prob_prac")
    with pytest.raises(ValidationError, match="cannot be changed"):
        services.assessment_save_answers(actor=actor, assessment=done, inputs=stable_answers(impulsive_acts=0))
    with pytest.raises(ValidationError, match="cannot be changed"):
        services.assessment_complete(actor=actor, assessment=done, inputs=stable_answers(impulsive_acts=0))
    assert Assessment.objects.filter(pk=done.pk).values().get() == before


def test_completion_refuses_answers_with_errors_and_saves_nothing(world):
    actor = world.actor("prob_prac")
    draft = services.assessment_start(actor=actor, person=world.persons["probation"], instrument_id=STABLE)
    bad = stable_answers(impulsive_acts=7)
    del bad["sex_as_coping"]
    with pytest.raises(AnswersInvalid) as caught:
        services.assessment_complete(actor=actor, assessment=draft, inputs=bad)
    fields = {e["field"]: e["code"] for e in caught.value.errors}
    assert fields == {"impulsive_acts": "not_allowed", "sex_as_coping": "missing"}
    assert caught.value.message_dict.keys() == fields.keys()
    draft.refresh_from_db()
    assert draft.status == "draft" and draft.inputs == {} and draft.result is None
    assert events("assessment.complete") == 0


def test_unknown_fields_and_unknown_instruments_are_refused(world):
    actor = world.actor("prob_prac")
    with pytest.raises(ValidationError) as caught:
        services.assessment_start(actor=actor, person=world.persons["probation"], instrument_id="rm2000-v")
    assert "instrument" in caught.value.message_dict
    draft = services.assessment_start(actor=actor, person=world.persons["probation"], instrument_id=STABLE)
    with pytest.raises(AnswersInvalid) as bad:
        services.assessment_save_answers(actor=actor, assessment=draft, inputs={"impulsive_act": 1})
    assert bad.value.errors[0]["code"] == "unknown_field"


def test_correction_is_a_new_version_and_the_old_one_stays(world):
    actor = world.actor("prob_prac")
    original = complete(world, assessment_date=date(2026, 2, 1))
    before = Assessment.objects.filter(pk=original.pk).values().get()
    corrected = services.assessment_correct(
        actor=actor, assessment=original, inputs=stable_answers(impulsive_acts=2), reason="Item 7 was mis-coded"
    )
    assert Assessment.objects.filter(pk=original.pk).values().get() == before
    assert corrected.supersedes == original and corrected.version == 2
    assert corrected.assessment_date == date(2026, 2, 1)  # it corrects the same assessment
    assert corrected.result["points"] == original.result["points"] + 1
    assert corrected.inputs_hash != original.inputs_hash
    assert Assessment.objects.get(pk=corrected.pk).correction_reason == "Item 7 was mis-coded"
    key = Assessment._meta.pk.get_db_prep_value(corrected.pk, connection)
    with connection.cursor() as cursor:
        cursor.execute("SELECT correction_reason FROM assessments_assessment WHERE id = %s", [key])
        (raw,) = cursor.fetchone()
    assert raw and "mis-coded" not in raw
    assert list(Assessment.objects.current()) == [corrected]
    marked = {a.pk: a.is_superseded for a in Assessment.objects.with_supersession()}
    assert marked == {original.pk: True, corrected.pk: False}

    with pytest.raises(ValidationError, match="already been corrected"):
        services.assessment_correct(actor=actor, assessment=original, inputs=stable_answers(), reason="Again")
    third = services.assessment_correct(actor=actor, assessment=corrected, inputs=stable_answers(), reason="Back")
    assert third.version == 3 and third.supersedes == corrected
    assert [a.version for a in Assessment.objects.current()] == [3]
    assert events("assessment.correct") == 2


def test_correction_needs_a_reason_and_valid_answers(world):
    actor = world.actor("prob_prac")
    original = complete(world)
    with pytest.raises(ValidationError) as caught:
        services.assessment_correct(actor=actor, assessment=original, inputs=stable_answers(), reason="  ")
    assert "reason" in caught.value.message_dict
    with pytest.raises(AnswersInvalid):
        services.assessment_correct(actor=actor, assessment=original, inputs=stable_answers(impulsive_acts="x"), reason="Typo")
    assert Assessment.objects.count() == 1
    draft = services.assessment_start(actor=actor, person=world.persons["probation"], instrument_id=STABLE)
    with pytest.raises(ValidationError, match="Only a completed"):
        services.assessment_correct(actor=actor, assessment=draft, inputs=stable_answers(), reason="No")


def test_assessment_dates(world):
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError) as future:
        complete(world, assessment_date=tomorrow)
    assert "assessment_date" in future.value.message_dict
    # The answers' own assessment date is the record's date; a different one given alongside is refused.
    rm = registry.example_input("rm2000-s")
    assert complete(world, "rm2000-s", rm).assessment_date == date.fromisoformat(rm["assessment_date"])
    with pytest.raises(ValidationError, match="differs"):
        complete(world, "rm2000-s", rm, assessment_date=date(2020, 1, 1))
    assert complete(world).assessment_date == timezone.localdate()


def test_each_write_and_read_is_one_audit_event(world):
    actor = world.actor("prob_prac")
    person = world.persons["probation"]
    draft = services.assessment_start(actor=actor, person=person, instrument_id=STABLE)
    services.assessment_save_answers(actor=actor, assessment=draft, inputs={"impulsive_acts": 1})
    done = services.assessment_complete(actor=actor, assessment=draft, inputs=stable_answers())
    total = AuditEvent.objects.count()
    assert [e.action for e in AuditEvent.objects.order_by("id")] == ["assessment.start", "assessment.save", "assessment.complete"]
    assert AuditEvent.objects.get(action="assessment.save").details["changed"] == ["impulsive_acts"]
    assert AuditEvent.objects.get(action="assessment.complete").details["inputs_hash"] == done.inputs_hash
    selectors.assessment_view(actor=actor, pk=done.pk)
    selectors.assessment_history(actor=actor, person=person)
    selectors.latest_completed(actor=actor, person=person)
    selectors.person_summary(actor=actor, person=person)  # covered by the person page's own event
    assert AuditEvent.objects.count() == total + 3
    assert all(e.object_id == str(person.pk) for e in AuditEvent.objects.all())


def test_visibility_follows_the_person_and_drafts_stay_with_their_agency(world):
    done = complete(world)
    draft = services.assessment_start(actor=world.actor("prob_prac"), person=world.persons["probation"], instrument_id=STABLE)
    # Treatment sees the person: the completed assessment yes, probation's draft no.
    assert selectors.assessment_view(actor=world.actor("treat_prac"), pk=done.pk).assessment == done
    with pytest.raises(Http404):
        selectors.assessment_view(actor=world.actor("treat_prac"), pk=draft.pk)
    # Police does not see this person at all; the attempt is recorded as denied.
    with pytest.raises(Http404):
        selectors.assessment_view(actor=world.actor("police_prac"), pk=done.pk)
    assert AuditEvent.objects.filter(outcome="denied", object_id=str(done.pk)).count() == 1
    # Visible but held by another agency: it may not be corrected there.
    with pytest.raises(PermissionDenied):
        selectors.assessment_for_change(actor=world.actor("treat_prac"), pk=done.pk)
    with pytest.raises(PermissionDenied):
        selectors.assessment_view(actor=world.actor("analyst"), pk=done.pk)
    summary = selectors.person_summary(actor=world.actor("treat_prac"), person=world.persons["probation"])
    assert summary.latest == [done] and summary.drafts == []
    assert selectors.person_summary(actor=world.actor("prob_prac"), person=world.persons["probation"]).drafts == [draft]


def test_police_owned_person_needs_a_reason(world):
    from safeguard.people.selectors import JustificationRequired

    done = complete(world, person="police")
    with pytest.raises(JustificationRequired):
        selectors.assessment_view(actor=world.actor("prob_prac"), pk=done.pk)
    record = selectors.assessment_view(actor=world.actor("prob_prac"), pk=done.pk, reason="Preparing the MAPPA meeting")
    assert record.justification == "Preparing the MAPPA meeting"
    assert AuditEvent.objects.get(action="assessment.view").justification == "Preparing the MAPPA meeting"


def test_database_refuses_a_completed_row_without_its_snapshot(world):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.create(
            person=world.persons["probation"], instrument_id=STABLE, status="completed",
            started_by=world.users["prob_prac"], agency=world.agencies["probation"],
        )
