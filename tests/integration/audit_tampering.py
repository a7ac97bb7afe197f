"""What a database owner can do to the audit table: write past the append-only triggers."""

from __future__ import annotations

from django.db import connection


def raw(sql: str, params: list) -> None:
    """Run one statement on the audit table as an attacker with database access would."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
            cursor.execute(sql, params)
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS audit_no_update")
            cursor.execute("DROP TRIGGER IF EXISTS audit_no_delete")
            cursor.execute(sql, params)


def views(world, n: int = 6) -> list:
    """n ordinary events: the probation practitioner viewing their person, details numbered."""
    from safeguard.audit.services import record_event

    actor = world.actor("prob_prac")
    return [
        record_event(action="person.view", actor=actor, obj=world.persons["probation"], details={"n": i})
        for i in range(n)
    ]
