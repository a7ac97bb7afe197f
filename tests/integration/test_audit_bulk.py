"""The bulk writer (`record_events`: many events under one lock of the chain head) and aggregate
extracts (`record_aggregate`: parameters and counts, no ids), chained and verified like any event."""

from __future__ import annotations

import csv
import io
import logging

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from safeguard.audit import checkpoints
from safeguard.audit.chain import canonical_details, keyed_fields, keyed_hash
from safeguard.audit.keys import chain_keys
from safeguard.audit.models import AuditChainHead, AuditEvent
from safeguard.audit.services import (
    AGGREGATE_MAX_CHARS,
    AuditEntry,
    AuditWriteError,
    record_aggregate,
    record_event,
    record_events,
)
from safeguard.audit.verify import verify_chain
from tests.conftest import sign_in
from tests.integration.audit_tampering import raw as _raw
from tests.integration.test_audit_browse import _index_search


@pytest.fixture
def checkpoint_dir(tmp_path):
    with override_settings(AUDIT_CHECKPOINT_DIR=tmp_path):
        yield tmp_path


def _register(n: int) -> list[AuditEntry]:
    """An attendance register of n people: each mark its own record and details."""
    return [
        AuditEntry(object_type="people.Person", object_id=f"{i:08d}-0000-4000-8000-000000000000",
                   details={"attended": i % 3 != 0})
        for i in range(n)
    ]


def _audit_statements(captured: CaptureQueriesContext) -> dict[str, int]:
    sql = [q["sql"] for q in captured.captured_queries]
    return {
        "head reads": sum('"audit_auditchainhead"' in s and s.lstrip().startswith("SELECT") for s in sql),
        "head updates": sum(s.lstrip().startswith('UPDATE "audit_auditchainhead"') for s in sql),
        "event inserts": sum(s.lstrip().startswith('INSERT INTO "audit_auditevent"') for s in sql),
    }


def test_a_register_of_twelve_takes_the_chain_lock_once(world, checkpoint_dir):
    record_event(action="person.view", actor=world.actor("prob_prac"))  # the head exists
    with CaptureQueriesContext(connection) as captured:
        events = record_events(action="person.view", actor=world.actor("prob_prac"), entries=_register(12))
    assert _audit_statements(captured) == {"head reads": 1, "head updates": 1, "event inserts": 1}
    assert len(events) == 12 and all(e.pk for e in events)
    assert AuditChainHead.objects.get(partition="general").event_count == 13


def test_twelve_single_calls_take_it_twelve_times(world, checkpoint_dir):
    """What the bulk writer replaces: the same register written one event at a time."""
    record_event(action="person.view", actor=world.actor("prob_prac"))
    with CaptureQueriesContext(connection) as captured:
        for entry in _register(12):
            record_event(action="person.view", actor=world.actor("prob_prac"), object_type=entry.object_type,
                         object_id=entry.object_id, details=entry.details)
    assert _audit_statements(captured) == {"head reads": 12, "head updates": 12, "event inserts": 12}


def test_the_cost_of_a_bulk_write_does_not_grow_with_its_size(world, checkpoint_dir):
    record_event(action="person.view", actor=world.actor("prob_prac"))
    counts = []
    for n in (3, 30):
        with CaptureQueriesContext(connection) as captured:
            record_events(action="person.view", actor=world.actor("prob_prac"), entries=_register(n))
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


def test_bulk_events_are_chained_in_order_and_hashed_as_single_ones(world, checkpoint_dir):
    single = record_event(action="person.view", actor=world.actor("prob_prac"), details={"n": 0})
    events = record_events(action="person.view", actor=world.actor("prob_prac"), entries=_register(5))
    stored = list(AuditEvent.objects.filter(pk__gte=single.pk).order_by("id"))
    assert [e.pk for e in stored] == [single.pk, *(e.pk for e in events)]
    assert [e.prev_hash for e in stored[1:]] == [e.hash for e in stored[:-1]]
    # The very function a single event is hashed with gives each bulk event's hash.
    key = chain_keys().get("auditdev1")
    for event in stored[1:]:
        row = AuditEvent.objects.values().get(pk=event.pk)
        assert event.hash == keyed_hash(key, event.prev_hash, "auditdev1", keyed_fields(row),
                                        canonical_details(row["details"]))
    assert [e.details for e in stored[1:]] == [{"attended": False}, {"attended": True}, {"attended": True},
                                               {"attended": False}, {"attended": True}]
    assert len({e.occurred_at for e in stored[1:]}) == 1  # one moment for the whole register
    result = verify_chain()
    assert (result.ok, result.checked) == (True, 6)


def test_entries_are_records_or_entries_with_their_own_reason_and_outcome(world, checkpoint_dir):
    person, other = world.persons["probation"], world.persons["police"]
    events = record_events(
        action="person.view", actor=world.actor("prob_prac"), justification="Register for the group session",
        details={"session": 4},
        entries=[person, AuditEntry(obj=other, outcome="denied", justification="", details={"status": 404})],
    )
    assert [(e.object_type, e.object_id, e.outcome, e.justification, e.details) for e in events] == [
        ("people.Person", str(person.pk), "success", "Register for the group session", {"session": 4}),
        ("people.Person", str(other.pk), "denied", "", {"status": 404}),
    ]
    assert {(e.username, e.agency_name, e.role) for e in events} == {
        ("prob_prac", world.agencies["probation"].name, "practitioner")
    }
    assert verify_chain().ok


def test_an_empty_register_writes_nothing(world, checkpoint_dir):
    with CaptureQueriesContext(connection) as captured:
        assert record_events(action="person.view", actor=world.actor("prob_prac"), entries=[]) == []
    assert _audit_statements(captured) == {"head reads": 0, "head updates": 0, "event inserts": 0}


def test_an_event_changed_inside_a_bulk_write_is_named(world, checkpoint_dir):
    events = record_events(action="person.view", actor=world.actor("prob_prac"), entries=_register(6))
    _raw("UPDATE audit_auditevent SET details = %s WHERE id = %s", ['{"attended":true}', events[3].pk])
    result = verify_chain()
    assert (result.ok, result.first_broken_id) == (False, events[3].pk)


def test_a_bulk_write_crossing_the_checkpoint_interval_writes_one_checkpoint(
    world, checkpoint_dir, settings, django_capture_on_commit_callbacks
):
    settings.AUDIT_CHECKPOINT_EVERY = 5
    with django_capture_on_commit_callbacks(execute=True):
        record_events(action="person.view", actor=world.actor("prob_prac"), entries=_register(12))
    written, problems = checkpoints.read(checkpoints.path())
    assert problems == [] and [c.count for c in written] == [12]
    assert verify_chain().checkpoints == 1


# --- aggregate extracts ------------------------------------------------------------------------


def test_an_aggregate_keeps_parameters_and_counts_and_is_chained_with_its_kind(world, checkpoint_dir):
    description = {"list": "sentencing.cases", "format": "csv", "filters": {"q": "Testington"}, "rows": 100_000}
    event = record_aggregate(action="list.export", actor=world.actor("analyst"), description=description,
                             object_type="courts.SentencingCase")
    assert (event.kind, event.object_type, event.object_id, event.details) == (
        "aggregate", "courts.SentencingCase", "", description
    )
    row = AuditEvent.objects.values().get(pk=event.pk)
    key = chain_keys().get("auditdev1")
    plain = keyed_hash(key, event.prev_hash, "auditdev1", keyed_fields(row), canonical_details(description))
    assert event.hash != plain  # the kind is part of what is hashed
    assert event.hash == keyed_hash(key, event.prev_hash, "auditdev1", keyed_fields(row),
                                    canonical_details(description), "general", "aggregate")
    assert verify_chain().ok


def test_turning_an_aggregate_into_an_ordinary_event_is_detected(world, checkpoint_dir):
    record_event(action="person.view", actor=world.actor("prob_prac"))
    event = record_aggregate(action="list.export", actor=world.actor("analyst"), description={"rows": 3})
    _raw("UPDATE audit_auditevent SET kind = 'event' WHERE id = %s", [event.pk])
    result = verify_chain()
    assert (result.ok, result.first_broken_id) == (False, event.pk)


def test_an_aggregate_that_lists_records_is_refused_in_tests(world, checkpoint_dir):
    ids = [f"{i:08d}-0000-4000-8000-000000000000" for i in range(1000)]
    before = AuditEvent.objects.count()
    with pytest.raises(AuditWriteError, match=f"at most {AGGREGATE_MAX_CHARS}"):
        record_aggregate(action="list.export", actor=world.actor("analyst"), description={"ids": ids})
    assert AuditEvent.objects.count() == before


def test_in_production_a_large_aggregate_is_kept_and_an_error_logged(world, checkpoint_dir, settings, caplog):
    settings.PRODUCTION = True
    ids = [str(i) for i in range(2000)]
    with caplog.at_level(logging.ERROR, logger="safeguard.audit.services"):
        event = record_aggregate(action="list.export", actor=world.actor("analyst"), description={"ids": ids})
    assert AuditEvent.objects.get(pk=event.pk).details == {"ids": ids}
    assert "describe an extract by its parameters and counts" in caplog.records[0].getMessage()


def test_a_scheduled_job_records_an_aggregate_without_an_actor(world, checkpoint_dir):
    event = record_aggregate(actor=None, username="retention job", action="list.export",
                             description={"deleted": 12})
    assert (event.username, event.user_id, event.agency_id, event.kind) == ("retention job", None, None, "aggregate")


def test_the_auditor_sees_the_kind_filters_by_it_and_downloads_it(client, world, checkpoint_dir):
    record_event(action="person.view", actor=world.actor("prob_prac"), obj=world.persons["probation"])
    aggregate = record_aggregate(
        action="list.export", actor=world.actor("prob_prac"), object_type="courts.SentencingCase",
        description={"list": "sentencing.cases", "format": "csv", "filters": {}, "rows": 120},
    )
    sign_in(client, world.users["auditor"])
    page = client.get(reverse("audit:list")).content.decode()
    assert '<strong class="govuk-tag govuk-tag--grey" data-testid="kind">Aggregate extract</strong>' in page
    assert "Filters: none; Format: csv; List: sentencing.cases; Rows: 120" in page
    assert '<option value="aggregate">Aggregate extract</option>' in page
    only = client.get(reverse("audit:list"), {"kind": "aggregate"}).context["events"]
    assert [e.pk for e in only] == [aggregate.pk]
    plain = client.get(reverse("audit:list"), {"kind": "event"}).context["events"]
    assert aggregate.pk not in {e.pk for e in plain} and plain
    response = client.get(reverse("audit:export"), {"kind": "aggregate"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][-1] == "Kind"
    assert [(r[0], r[-1]) for r in rows[1:]] == [(str(aggregate.pk), "Aggregate extract")]
    exported = AuditEvent.objects.order_by("-id").first()
    assert (exported.action, exported.kind, exported.details) == (
        "audit.export", "aggregate", {"filters": {"kind": "aggregate"}, "rows": 1, "complete": True}
    )


def test_the_kind_filter_is_served_by_an_index(world):
    from safeguard.audit import selectors

    record_events(action="person.view", actor=world.actor("prob_prac"), entries=_register(40))
    record_aggregate(action="list.export", actor=world.actor("analyst"), description={"rows": 1})
    events = selectors.event_list(actor=world.actor("auditor"), filters=selectors.AuditFilter(kind="aggregate"))[:51]
    search = _index_search(events)
    assert "audit_kind_idx" in search, search
