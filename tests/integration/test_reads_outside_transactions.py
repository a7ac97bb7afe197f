"""Audited reads open no transaction of their own around the read (on SQLite a transaction begins
IMMEDIATE and holds the database's write lock: every other request would wait for the read)."""

from __future__ import annotations

import pytest
from django.db import connection

from safeguard.assessments import selectors as assessments
from safeguard.courts import selectors as courts
from safeguard.policy import Actor


def _actor(world, name: str) -> Actor:
    return Actor(user=world.users[name], membership=world.memberships[name], endpoint="test")


@pytest.mark.parametrize(
    ("module", "read", "who"),
    [
        (assessments, lambda w, a: assessments.assessment_history(actor=a, person=w.persons["probation"]), "prob_prac"),
        (assessments, lambda w, a: assessments.latest_completed(actor=a, person=w.persons["probation"]), "prob_prac"),
        (courts, lambda w, a: courts.case_list(actor=a), "court_prac"),
    ],
    ids=["assessment history", "latest completed", "sentencing case list"],
)
def test_the_read_is_outside_any_block_and_audited_after(world, monkeypatch, module, read, who):
    depths = []
    real = module.record_event

    def spy(**kwargs):
        depths.append(len(connection.savepoint_ids))
        return real(**kwargs)

    monkeypatch.setattr(module, "record_event", spy)
    read(world, _actor(world, who))
    # The test's own transaction wraps everything; the selector adds no block of its own.
    assert depths == [len(connection.savepoint_ids)]
