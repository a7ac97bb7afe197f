"""The keyed audit chain and its checkpoints against someone who can write to the database.

The attacks follow what a database owner can do: turn the append-only triggers off, change or
remove an event, re-hash every later event and move the chain head, so that the chain looks
whole. Without the key (AUDIT_CHAIN_KEYS, held outside the database) the re-hashed events fail
at the first one touched; with the key, the signed checkpoints written before still disagree.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from unittest import mock

import pytest
from django.db import connection
from django.test import override_settings

from safeguard import cli
from safeguard.audit import checkpoints
from safeguard.audit.chain import (
    GENESIS_HASH,
    canonical_details,
    keyed_fields,
    keyed_hash,
    legacy_hash,
    time_text,
)
from safeguard.audit.keys import chain_keys
from safeguard.audit.models import AuditChainHead, AuditEvent
from safeguard.audit.services import record_event
from safeguard.audit.verify import verify_chain
from safeguard.core.crypto import new_key_spec
from tests.integration.audit_tampering import raw as _raw
from tests.integration.audit_tampering import views as _events

Rehash = Callable[[str, dict], tuple[str, str]]


def _rewrite_from(event_id: int, rehash: Rehash) -> None:
    """Re-hash every event from `event_id` on, relinking each to the one before, and move the head."""
    prev = (
        AuditEvent.objects.filter(pk__lt=event_id).order_by("-id").values_list("hash", flat=True).first()
        or GENESIS_HASH
    )
    for row in AuditEvent.objects.filter(pk__gte=event_id).order_by("id").values():
        new_hash, key_id = rehash(prev, row)
        _raw(
            "UPDATE audit_auditevent SET prev_hash = %s, hash = %s, key_id = %s WHERE id = %s",
            [prev, new_hash, key_id, row["id"]],
        )
        prev = new_hash
    last = AuditEvent.objects.order_by("-id").first()
    AuditChainHead.objects.filter(partition="general").update(
        last_hash=prev, last_event_id=last.pk, event_count=AuditEvent.objects.count()
    )


def _with_plain_sha256(prev: str, row: dict) -> tuple[str, str]:
    """The application's own unkeyed hash function (the one every event used before the key)."""
    return legacy_hash(prev, row), ""


def _with_key(key: bytes) -> Rehash:
    def rehash(prev: str, row: dict) -> tuple[str, str]:
        return keyed_hash(key, prev, row["key_id"], keyed_fields(row), canonical_details(row["details"])), row["key_id"]

    return rehash


def _with_the_real_key(prev: str, row: dict) -> tuple[str, str]:
    return _with_key(chain_keys().get(row["key_id"]))(prev, row)


ATTACKERS_WITHOUT_THE_KEY = {
    "plain SHA-256 (the old hash)": _with_plain_sha256,
    "HMAC with a guessed key": _with_key(b"guessed-key-guessed-key-guessed!"),
    "HMAC with an empty key": _with_key(b""),
}


@pytest.fixture
def checkpoint_dir(tmp_path):
    with override_settings(AUDIT_CHECKPOINT_DIR=tmp_path):
        yield tmp_path


def test_new_events_are_keyed_with_the_primary_key(world, checkpoint_dir):
    event = _events(world, 1)[0]
    assert event.key_id == "auditdev1"
    assert event.hash == keyed_hash(
        chain_keys().get("auditdev1"), GENESIS_HASH, "auditdev1",
        keyed_fields(AuditEvent.objects.values().get(pk=event.pk)), canonical_details({"n": 0}),
    )
    result = verify_chain()
    assert (result.ok, result.checked, result.keyed, result.legacy) == (True, 1, 1, 0)


def test_the_details_column_keeps_the_canonical_text_that_was_hashed(world, checkpoint_dir):
    details = {"z": [3, 1], "a": {"y": "Testington ✓", "b": None}, "when": datetime(2026, 5, 1, tzinfo=UTC)}
    event = record_event(action="person.view", actor=world.actor("prob_prac"), details=details)
    with connection.cursor() as cursor:
        cursor.execute("SELECT details FROM audit_auditevent WHERE id = %s", [event.pk])
        stored = cursor.fetchone()[0]
    if connection.vendor == "sqlite":
        assert stored == '{"a":{"b":null,"y":"Testington ✓"},"when":"2026-05-01T00:00:00Z","z":[3,1]}'
    assert json.loads(stored) if isinstance(stored, str) else stored == json.loads(canonical_details(details))
    assert verify_chain().ok


@pytest.mark.parametrize("microsecond", [0, 1000, 999_000, 999_999, 500_500])
def test_every_millisecond_reads_back_as_it_was_hashed(world, checkpoint_dir, microsecond):
    """The database formats the time for the verifier; it must give the hashed text exactly
    (SQLite stores a whole second without a fraction)."""
    moment = datetime(2026, 12, 31, 23, 59, 59, microsecond, tzinfo=UTC)
    with mock.patch("safeguard.audit.services.timezone.now", return_value=moment):
        record_event(action="person.view", actor=world.actor("prob_prac"))
    assert time_text(moment) == f"2026-12-31T23:59:59.{microsecond // 1000:03d}Z"
    assert verify_chain().ok


def test_text_that_needs_escaping_verifies(world, checkpoint_dir):
    awkward = 'quote " backslash \\ newline \n tab \t control \x01 accents é line-separator \u2028 emoji 🙂'
    record_event(action="person.view", actor=world.actor("prob_prac"), justification=awkward,
                 details={awkward: awkward})
    assert verify_chain().ok


def test_events_written_before_the_key_still_verify(world, checkpoint_dir):
    """A chain that starts with plain SHA-256 events (as every existing database does) and goes on keyed."""
    prev = GENESIS_HASH
    for i in range(3):
        values = {
            "occurred_at": datetime(2026, 1, 1, 9, 0, i, 123_000, tzinfo=UTC), "user_id": 7,
            "username": "old", "agency_id": None, "agency_name": "", "role": "", "action": "person.view",
            "object_type": "people.Person", "object_id": str(i), "outcome": "success", "endpoint": "GET /",
            "justification": "", "details": {"shown": [i], "query": "Testington"},
        }
        values["hash"] = legacy_hash(prev, values)
        AuditEvent.objects.create(prev_hash=prev, key_id="", **values)
        prev = values["hash"]
    last = AuditEvent.objects.order_by("-id").first()
    AuditChainHead.objects.create(partition="general", last_event_id=last.pk, last_hash=prev, event_count=3)
    _events(world, 3)
    result = verify_chain()
    assert (result.ok, result.checked, result.keyed, result.legacy) == (True, 6, 3, 3)


@pytest.mark.parametrize("attacker", list(ATTACKERS_WITHOUT_THE_KEY))
def test_an_edit_re_hashed_without_the_key_is_named_exactly(world, checkpoint_dir, attacker):
    events = _events(world)
    target = events[2]
    _raw("UPDATE audit_auditevent SET username = %s WHERE id = %s", ["someone_else", target.pk])
    _rewrite_from(target.pk, ATTACKERS_WITHOUT_THE_KEY[attacker])
    result = verify_chain()
    assert not result.ok
    assert result.first_broken_id == target.pk
    assert result.failed == len(events) - 2  # the edited event and every one re-hashed after it


@pytest.mark.parametrize("attacker", list(ATTACKERS_WITHOUT_THE_KEY))
def test_a_deletion_re_hashed_without_the_key_is_named_exactly(world, checkpoint_dir, attacker):
    events = _events(world)
    _raw("DELETE FROM audit_auditevent WHERE id = %s", [events[2].pk])
    _rewrite_from(events[3].pk, ATTACKERS_WITHOUT_THE_KEY[attacker])
    result = verify_chain()
    assert (result.ok, result.first_broken_id) == (False, events[3].pk)


def test_a_legacy_hash_after_the_switch_is_refused_with_its_reason(world, checkpoint_dir):
    events = _events(world)
    _rewrite_from(events[4].pk, _with_plain_sha256)
    result = verify_chain()
    assert (result.ok, result.first_broken_id) == (False, events[4].pk)
    assert "re-hashed without the key" in result.problem


def test_without_checkpoints_someone_holding_the_key_goes_unnoticed_and_verify_says_so(world, checkpoint_dir):
    """The limit of the key alone (docs/security.md): the checkpoints are what catch this."""
    events = _events(world)
    _raw("UPDATE audit_auditevent SET username = %s WHERE id = %s", ["someone_else", events[2].pk])
    _rewrite_from(events[2].pk, _with_the_real_key)
    result = verify_chain()
    assert result.ok
    assert "No checkpoints" in result.notes[0]


def test_a_checkpoint_catches_a_rewrite_by_someone_holding_the_key(world, checkpoint_dir):
    events = _events(world, 4)
    first = checkpoints.write()
    events += _events(world, 4)
    checkpoints.write()
    _raw("UPDATE audit_auditevent SET username = %s WHERE id = %s", ["someone_else", events[5].pk])
    _rewrite_from(events[5].pk, _with_the_real_key)
    result = verify_chain()
    assert not result.ok
    # The range since the last checkpoint that still matches: events 5 to 8 of the chain.
    assert result.first_broken_id == events[4].pk
    assert "re-hashed (by someone holding the key)" in result.problem
    assert f"after the checkpoint of {first.at}" in result.problem
    assert result.checkpoints == 1


def test_a_checkpoint_counts_a_deletion_by_someone_holding_the_key(world, checkpoint_dir):
    events = _events(world, 6)
    checkpoints.write()
    _raw("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
    _rewrite_from(events[2].pk, _with_the_real_key)
    result = verify_chain()
    assert not result.ok
    assert "recorded 6 events but the chain now has 5" in result.problem
    assert "1 event(s) were removed" in result.problem


def test_removing_the_newest_events_is_caught_by_the_count(world, checkpoint_dir):
    events = _events(world, 5)
    checkpoints.write()
    _raw("DELETE FROM audit_auditevent WHERE id >= %s", [events[3].pk])
    AuditChainHead.objects.filter(partition="general").update(last_event_id=events[2].pk, last_hash=events[2].hash, event_count=3)
    result = verify_chain()
    assert not result.ok
    assert "recorded 5 events but the chain now has 3" in result.problem


def test_events_after_the_newest_checkpoint_are_reported_as_protected_by_the_key_only(world, checkpoint_dir):
    _events(world, 3)
    checkpoints.write()
    _events(world, 2)
    result = verify_chain()
    assert result.ok and result.checkpoints == 1
    assert result.notes == ("2 events after the newest checkpoint (" + checkpoints.read(checkpoints.path())[0][0].at
                            + ") are protected by the key only.",)


def test_an_altered_or_forged_checkpoint_is_reported(world, checkpoint_dir):
    _events(world, 3)
    checkpoints.write()
    file = checkpoints.path()
    genuine = json.loads(file.read_text())
    with file.open("a") as f:
        f.write(json.dumps({**genuine, "count": 2}) + "\n")  # altered, signature kept
        other = {**genuine, "key_id": "k9"}
        f.write(json.dumps(other) + "\n")  # signed with a key nobody configured
        f.write("not json\n")
    result = verify_chain()
    assert not result.ok and result.checkpoints == 1
    messages = [p.message for p in result.problems]
    assert any("line 2" in m and "signature that does not match" in m for m in messages)
    assert any("line 3" in m and "'k9'" in m for m in messages)
    assert any("line 4" in m and "not JSON" in m for m in messages)


def test_a_rotated_key_chains_new_events_and_the_retired_one_still_verifies(world, checkpoint_dir, settings):
    old = _events(world, 2)
    settings.AUDIT_CHAIN_KEYS = f"{new_key_spec('a2027')},{settings.AUDIT_CHAIN_KEYS}"
    new = _events(world, 2)
    checkpoints.write()
    assert [e.key_id for e in old + new] == ["auditdev1", "auditdev1", "a2027", "a2027"]
    assert verify_chain().ok
    settings.AUDIT_CHAIN_KEYS = settings.AUDIT_CHAIN_KEYS.split(",")[0]
    result = verify_chain()
    assert (result.ok, result.first_broken_id) == (False, old[0].pk)
    assert "'auditdev1', which is not in AUDIT_CHAIN_KEYS" in result.problem


@pytest.mark.parametrize("split_after", [0, 1, 2, 3])
def test_spans_verified_apart_find_the_same_break(world, checkpoint_dir, split_after):
    """Split points (as parallel workers use) anywhere around a removed event: the gap is still found."""
    events = _events(world, 6)
    _raw("DELETE FROM audit_auditevent WHERE id = %s", [events[2].pk])
    result = verify_chain(split_at=[events[split_after].pk], batch_size=2)
    assert (result.ok, result.first_broken_id, result.checked) == (False, events[3].pk, 5)


def test_automatic_checkpoints_every_n_events(world, checkpoint_dir, settings, django_capture_on_commit_callbacks):
    settings.AUDIT_CHECKPOINT_EVERY = 3
    for _ in range(7):  # each event in its own transaction, as requests write them
        with django_capture_on_commit_callbacks(execute=True):
            _events(world, 1)
    written, problems = checkpoints.read(checkpoints.path())
    assert problems == [] and [c.count for c in written] == [3, 6]
    assert verify_chain().checkpoints == 2


def test_a_checkpoint_is_refused_when_the_head_does_not_match_the_chain(world, checkpoint_dir):
    _events(world, 2)
    AuditChainHead.objects.filter(partition="general").update(last_hash="f" * 64)
    with pytest.raises(checkpoints.CheckpointError, match="run `safeguard audit verify`"):
        checkpoints.write()
    assert not checkpoints.path().exists()


def test_cli_checkpoint_then_verify(world, checkpoint_dir, capsys):
    events = _events(world, 3)
    assert cli.main(["audit", "checkpoint"]) == 0
    assert "3 events" in capsys.readouterr().out
    assert cli.main(["audit", "verify", "--workers", "1"]) == 0
    assert "3 events verified (3 keyed, 0 legacy); 1 checkpoints match" in capsys.readouterr().out
    _raw("UPDATE audit_auditevent SET action = %s WHERE id = %s", ["person.search", events[1].pk])
    assert cli.main(["audit", "verify", "--workers", "1"]) == 1
    assert f"BROKEN at event {events[1].pk}: its content does not match" in capsys.readouterr().err


def test_cli_prints_a_new_audit_key():
    output = subprocess.run(
        [sys.executable, "-m", "safeguard.cli", "audit", "new-key", "a2027"],
        capture_output=True, text=True, check=True,
    ).stdout
    assert output.startswith("a2027:") and len(output.strip()) > 40


PARALLEL_SCRIPT = """
import json, os, django
django.setup()
from django.core.management import call_command
from django.db import connection
call_command("migrate", verbosity=0)
from safeguard.audit import checkpoints
from safeguard.audit.services import record_event
from safeguard.audit.verify import verify_chain
ids = [record_event(action="person.view", username="t", object_id=str(i), details={"i": i}).pk for i in range(60)]
checkpoints.write()
ids += [record_event(action="person.view", username="t", object_id=str(i)).pk for i in range(60, 90)]
intact = verify_chain(workers=2)
with connection.cursor() as cursor:
    cursor.execute("DROP TRIGGER audit_no_update")
    cursor.execute("UPDATE audit_auditevent SET object_id = 'x' WHERE id = %s", [ids[41]])
broken = verify_chain(workers=2)
print(json.dumps({"intact": [intact.ok, intact.checked, intact.checkpoints, intact.processes],
                  "broken": [broken.ok, broken.first_broken_id == ids[41], broken.processes]}))
"""


def test_verify_in_two_processes_on_a_database_file(tmp_path):
    """Two worker processes, each with its own connection, share the chain between them."""
    env = {
        **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        "DATABASE_URL": f"sqlite:///{tmp_path / 'chain.sqlite3'}",
        "AUDIT_CHECKPOINT_DIR": str(tmp_path / "checkpoints"),
        "DJANGO_SETTINGS_MODULE": "safeguard.site.settings",
    }
    done = subprocess.run(  # noqa: S603 - our own script
        [sys.executable, "-c", PARALLEL_SCRIPT], env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result == {"intact": [True, 90, 1, 2], "broken": [False, True, 2]}


def test_the_hourly_checkpoint_job_anchors_the_chain_through_the_worker(world, checkpoint_dir):
    from safeguard.jobs import registry, services
    from safeguard.jobs.models import JobRun, RunStatus
    from safeguard.jobs.worker import run_pending

    job = registry.get("audit.checkpoint")
    assert job is not None
    assert job.schedule.describe() == "Every hour"
    record_event(action="person.search", details={"n": 1})
    services.schedule_due(now=datetime(2026, 3, 2, 9, 0, tzinfo=UTC), jobs=[job])
    assert run_pending() == 1
    run = JobRun.objects.get(job="audit.checkpoint")
    assert run.status == RunStatus.SUCCEEDED, run.error
    written, problems = checkpoints.read(checkpoints.path(checkpoint_dir))
    assert problems == [] and written[-1].count == AuditChainHead.objects.get().event_count
    assert verify_chain(checkpoint_file=checkpoints.path(checkpoint_dir)).ok
