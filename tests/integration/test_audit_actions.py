"""The list of action names (`safeguard.audit.actions`) covers every action the code records."""

from __future__ import annotations

import re
from pathlib import Path

from safeguard import policy
from safeguard.audit.actions import AuditAction, RecordType, action_choices, action_label, is_known

SOURCE = Path(__file__).resolve().parents[2] / "src" / "safeguard"
# Action names passed to the audit writer (action=…, or a purpose=… that becomes one), including
# both sides of `"a" if … else "b"`; the sign-in stages become `sign_in.<stage>`.
_NAMED = re.compile(r"\b(?:action|purpose)(?::\s*str)?\s*=")
_NAME = re.compile(r'"([a-z_]+(?:\.[a-z_]+)+)"')
_STAGE = re.compile(r'\bstage="([a-z_]+)"')


def _recorded_names() -> set[str]:
    names: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for line in path.read_text().splitlines():
            if _NAMED.search(line) and "code=" not in line:  # code= names a kind of change, not an event
                names.update(_NAME.findall(line))
            names.update(f"sign_in.{stage}" for stage in _STAGE.findall(line))
    return names


def test_every_recorded_action_is_listed():
    found = _recorded_names()
    assert len(found) > 30  # the scan does find the writer's calls
    # The core's names, and those the apps register with their words (audit.actions.register).
    assert {name for name in found if not is_known(name)} == set()


def test_every_registered_policy_action_has_words():
    assert {name for name in policy.known_actions() if not is_known(name)} == set()


def test_every_policy_action_is_listed_for_its_refusals():
    policy_actions = {v for k, v in vars(policy.Action).items() if k.isupper()}
    assert policy_actions - set(AuditAction.values) == set()


def test_every_action_and_record_type_has_its_own_words():
    assert len(set(AuditAction.labels)) == len(AuditAction.labels)
    assert len(set(RecordType.labels)) == len(RecordType.labels)
    labels = [label for _, label in action_choices()]
    assert labels == sorted(labels) and set(AuditAction.labels) <= set(labels)
    assert len(set(labels)) == len(labels), "two actions share the same words"
    assert action_label("person.view") == "View a person's record"
    assert action_label("something.new") == "something.new"
