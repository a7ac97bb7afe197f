"""Action names are an enumeration (`safeguard.audit.actions`), checked by the audit writer itself.

In development and tests every writer (`record_event`, `record_events`, `record_aggregate`) raises
on a name that neither `AuditAction` nor an app's `audit.actions.register(...)` lists, so every call
the test suite makes is checked where it happens: nothing to scan, nothing that can drift. In
production the event is recorded all the same and an error logged. Refusals are recorded under the
policy's action names, so every policy action (the core's and every app's) needs words too.
"""

from __future__ import annotations

import logging

import pytest

from safeguard import policy
from safeguard.audit import actions
from safeguard.audit.actions import AuditAction, RecordType, action_choices, action_label
from safeguard.audit.models import AuditEvent
from safeguard.audit.services import (
    AuditEntry,
    AuditWriteError,
    record_aggregate,
    record_event,
    record_events,
)


def _count() -> int:
    return AuditEvent.objects.count()


@pytest.fixture
def registry(monkeypatch):
    """Registrations made by a test are undone after it."""
    monkeypatch.setattr(actions, "_ACTION_LABELS", dict(actions._ACTION_LABELS))
    monkeypatch.setattr(actions, "_RECORD_LABELS", dict(actions._RECORD_LABELS))


@pytest.mark.parametrize(
    "write",
    [
        lambda actor, name: record_event(action=name, actor=actor),
        lambda actor, name: record_events(action=name, actor=actor, entries=[AuditEntry(object_id="1")]),
        lambda actor, name: record_aggregate(action=name, actor=actor, description={"rows": 3}),
    ],
    ids=["record_event", "record_events", "record_aggregate"],
)
def test_every_writer_refuses_an_unregistered_action_in_tests_and_records_nothing(world, write):
    before = _count()
    with pytest.raises(AuditWriteError, match=r"'person\.veiw' is not registered"):
        write(world.actor("prob_prac"), "person.veiw")
    assert _count() == before


def test_in_production_an_unregistered_action_is_recorded_and_an_error_logged(world, settings, caplog):
    settings.PRODUCTION = True
    long_name = "something.nobody.registered." + "x" * 40
    with caplog.at_level(logging.ERROR, logger="safeguard.audit.services"):
        event = record_event(action=long_name, actor=world.actor("prob_prac"))
    assert event.pk is not None
    # Cut to the column's width, never refused: the request goes on and the event is kept.
    assert AuditEvent.objects.get(pk=event.pk).action == long_name[: actions.MAX_ACTION]
    assert [r.levelno for r in caplog.records] == [logging.ERROR]
    assert "is not registered" in caplog.records[0].getMessage()


def test_a_registered_name_is_accepted_and_shown_with_its_words(world, registry):
    actions.register({"testapp.widget.view": "View a test widget"}, records={"testapp.Widget": "Test widget"})
    event = record_event(action="testapp.widget.view", actor=world.actor("prob_prac"), object_type="testapp.Widget",
                         object_id="7")
    assert action_label(event.action) == "View a test widget"
    assert actions.record_label(event.object_type) == "Test widget"
    assert ("testapp.widget.view", "View a test widget") in action_choices()


@pytest.mark.parametrize(
    ("names", "message"),
    [
        ({"x" * 41: "Too long"}, "1 to 40 characters"),
        ({"": "Empty"}, "1 to 40 characters"),
        ({"testapp.silent": "  "}, "needs words"),
        ({"person.view": "Other words for a core action"}, "already registered with other words"),
    ],
)
def test_registration_refuses_names_the_log_could_not_hold_or_words_that_clash(registry, names, message):
    with pytest.raises(ValueError, match=message):
        actions.register(names)
    assert not set(names) - {"person.view"} & actions.known_names()


def test_every_policy_action_has_words_for_its_refusals():
    """Core actions and every app's registered ones (policy.register): a refusal is recorded under
    the refused action, so the writer would refuse the refusal without words for it."""
    assert policy.known_actions() - actions.known_names() == set()


def test_every_action_and_record_type_has_its_own_words():
    labels = [label for _, label in action_choices()]
    assert all(label.strip() for label in labels)
    assert len(set(labels)) == len(labels) == len(actions.known_names())
    assert labels == sorted(labels)
    assert len(set(AuditAction.labels)) == len(AuditAction.labels)
    assert len(set(RecordType.labels)) == len(RecordType.labels)
    assert all(len(name) <= actions.MAX_ACTION for name in actions.known_names())
    assert action_label("person.view") == "View a person's record"
