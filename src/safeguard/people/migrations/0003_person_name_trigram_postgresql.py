"""PostgreSQL only: trigram (GIN) indexes on the lower-case names, which serve the search's
`LIKE 'word%'` in any collation. Where the pg_trgm extension cannot be created the search still works,
on the ordered B-tree of migration 0002; SQLite needs neither (it searches by index range)."""

from __future__ import annotations

from typing import Any

from django.db import migrations

INDEXES = (("person_family_key_trgm", "family_name_key"), ("person_given_key_trgm", "given_name_key"))


def create(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
        if cursor.fetchone() is None:
            return
        cursor.execute("SAVEPOINT trgm")
        try:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except Exception:  # noqa: BLE001 — no right to create it: the B-tree search stays
            cursor.execute("ROLLBACK TO SAVEPOINT trgm")
            return
        cursor.execute("RELEASE SAVEPOINT trgm")
    for name, column in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON people_person USING gin ({column} gin_trgm_ops)"
        )


def drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("people", "0002_person_name_keys_and_open_link_index")]
    operations = [migrations.RunPython(create, drop, elidable=False)]
