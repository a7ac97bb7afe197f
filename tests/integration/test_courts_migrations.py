"""Migration 0003: requirements of a suspended sentence order move from beside the request into it."""

from __future__ import annotations

import importlib

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("courts", "0002_scenario_other_offences")]
AFTER = [("courts", "0003_sso_requirements_in_request")]
migration = importlib.import_module("safeguard.courts.migrations.0003_sso_requirements_in_request")

SUSPENDED = {"offence": "cja1988-s160", "suspension": {"suspend": True, "operational_period": "2y"}}


def test_merged_request_adds_each_type_once_and_only_to_a_suspended_sentence_order() -> None:
    merged = migration.merged_request(
        {**SUSPENDED, "suspension": {**SUSPENDED["suspension"], "requirements": [{"type": "curfew"}]}},
        ["programme", "curfew", "programme"],
    )
    assert merged["suspension"]["requirements"] == [{"type": "curfew"}, {"type": "programme"}]
    assert merged["suspension"]["operational_period"] == "2y" and merged["offence"] == "cja1988-s160"
    assert migration.merged_request({"suspension": {"suspend": False}}, ["programme"]) is None
    assert migration.merged_request({"offence": "cja1988-s160"}, ["programme"]) is None
    assert migration.merged_request(SUSPENDED, []) is None
    assert migration.merged_request("not a request", ["programme"]) is None


def test_the_migration_moves_the_requirements_and_removes_the_field(committed_world) -> None:
    world = committed_world
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        old = executor.loader.project_state(BEFORE).apps
        case = old.get_model("courts", "SentencingCase").objects.create(
            agency_id=world.agencies["court"].pk, title="Synthetic migration case",
            created_by_id=world.users["court_prac"].pk,
        )  # fmt: skip
        scenarios = old.get_model("courts", "CaseScenario")
        suspended = scenarios.objects.create(
            case=case, label="Suspended", request=SUSPENDED, sso_requirements=["programme", "curfew"]
        )
        immediate = scenarios.objects.create(
            case=case,
            label="Not suspended",
            request={**SUSPENDED, "suspension": {"suspend": False}},
            sso_requirements=["programme"],
        )
        empty = scenarios.objects.create(case=case, label="Empty", request={}, sso_requirements=[])

        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        new = executor.loader.project_state(AFTER).apps.get_model("courts", "CaseScenario")
        assert new.objects.get(pk=suspended.pk).request["suspension"] == {
            "suspend": True,
            "operational_period": "2y",
            "requirements": [{"type": "programme"}, {"type": "curfew"}],
        }
        assert new.objects.get(pk=immediate.pk).request == {**SUSPENDED, "suspension": {"suspend": False}}
        assert new.objects.get(pk=empty.pk).request == {}
        assert "sso_requirements" not in {f.name for f in new._meta.get_fields()}

        # Back again: the types are copied beside the request once more.
        executor = MigrationExecutor(connection)
        executor.migrate(BEFORE)
        back = executor.loader.project_state(BEFORE).apps.get_model("courts", "CaseScenario")
        assert back.objects.get(pk=suspended.pk).sso_requirements == ["programme", "curfew"]
        assert back.objects.get(pk=immediate.pk).sso_requirements == []
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


def test_a_snapshot_from_before_the_move_still_shows_the_moved_requirements() -> None:
    from safeguard.courts.models import CaseScenario
    from safeguard.courts.presenters import includes_programme, treatment

    request = {
        **SUSPENDED,
        "suspension": {**SUSPENDED["suspension"], "requirements": [{"type": "programme"}]},
    }
    # Calculated before the engine took the requirements: no `requirements` in its suspension section.
    old_snapshot = CaseScenario(request=request, result={"suspension": {"suspended": True}})
    assert treatment(old_snapshot) == [
        "Programme requirement (accredited programme) (suspended sentence order)"
    ]
    assert includes_programme(old_snapshot)
    # A new snapshot is read as the engine returned it, even when that differs from the request.
    new_snapshot = CaseScenario(
        request=request, result={"suspension": {"suspended": True, "requirements": []}}
    )
    assert treatment(new_snapshot) == [] and not includes_programme(new_snapshot)
    not_suspended = CaseScenario(request=request, result={"suspension": {"suspended": False}})
    assert treatment(not_suspended) == []
