"""The append-only triggers on the audit table, for the migration and for test teardown."""

from __future__ import annotations

from typing import Any

TABLE = "audit_auditevent"

POSTGRES_UP = f"""
CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS audit_append_only ON {TABLE};
DROP TRIGGER IF EXISTS audit_no_truncate ON {TABLE};
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON {TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
"""
POSTGRES_DOWN = f"""
DROP TRIGGER IF EXISTS audit_append_only ON {TABLE};
DROP TRIGGER IF EXISTS audit_no_truncate ON {TABLE};
"""
SQLITE_UP = [
    "DROP TRIGGER IF EXISTS audit_no_update;",
    "DROP TRIGGER IF EXISTS audit_no_delete;",
    f"CREATE TRIGGER audit_no_update BEFORE UPDATE ON {TABLE} "
    "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;",
    f"CREATE TRIGGER audit_no_delete BEFORE DELETE ON {TABLE} "
    "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;",
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS audit_no_update;", "DROP TRIGGER IF EXISTS audit_no_delete;"]


def install_append_only(connection: Any) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(POSTGRES_UP)
        elif connection.vendor == "sqlite":
            for statement in SQLITE_UP:
                cursor.execute(statement)


def migration_install_append_only(apps: Any, schema_editor: Any) -> None:
    """For migrations that rebuild the table on SQLite (which drops its triggers): put them back."""
    install_append_only(schema_editor.connection)


def migration_remove_append_only(apps: Any, schema_editor: Any) -> None:
    """For reversing such a migration: the reverse rebuild needs the triggers off."""
    remove_append_only(schema_editor.connection)


def remove_append_only(connection: Any) -> None:
    """Only for tearing down test databases: production never calls this."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(POSTGRES_DOWN)
        elif connection.vendor == "sqlite":
            for statement in SQLITE_DOWN:
                cursor.execute(statement)


# PostgreSQL only: an index for the auditor's record-id prefix filter (`object_id LIKE 'abc%'`
# with the type fixed). The pattern operator class makes LIKE use it whatever the database's
# collation; SQLite serves the same filter as a range on `audit_object_idx` (see selectors).
POSTGRES_PREFIX_INDEX = (
    f"CREATE INDEX IF NOT EXISTS audit_object_prefix_idx ON {TABLE} "
    "(object_type varchar_pattern_ops, object_id varchar_pattern_ops)"
)


def install_prefix_index(connection: Any) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(POSTGRES_PREFIX_INDEX)


def remove_prefix_index(connection: Any) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("DROP INDEX IF EXISTS audit_object_prefix_idx")
