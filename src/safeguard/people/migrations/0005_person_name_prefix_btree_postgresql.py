"""PostgreSQL only: B-tree indexes on the lower-case names in `varchar_pattern_ops`, which serve the
search's `LIKE 'word%'` as an index range in any collation, at a cost that does not grow with the table
(ADR 0019). They replace the trigram (GIN) indexes of migration 0003: a trigram's posting list grows with
every person whose name holds it ("ton" is in most), and the search read them all. SQLite needs neither
(it searches by index range on the B-trees of migration 0002)."""

from __future__ import annotations

import importlib
from typing import Any

from django.db import migrations

INDEXES = (("person_family_key_prefix", "family_name_key"), ("person_given_key_prefix", "given_name_key"))
TRIGRAM = ("person_family_key_trgm", "person_given_key_trgm")


def create(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON people_person ({column} varchar_pattern_ops)"
        )
    for name in TRIGRAM:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    importlib.import_module("safeguard.people.migrations.0003_person_name_trigram_postgresql").create(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("people", "0004_offence_codes_from_the_catalogue")]
    operations = [migrations.RunPython(create, drop, elidable=False)]
