"""Key rotation: re-wrap every encrypted value's data key under the primary key-encryption key."""

from __future__ import annotations

from django.apps import apps
from django.db import connection, transaction

from safeguard.core import crypto
from safeguard.core.fields import EncryptedTextField, keyring


def encrypted_fields() -> list[tuple[type, EncryptedTextField]]:
    return [
        (model, field)
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, EncryptedTextField)
    ]


@transaction.atomic
def rotate_all() -> dict[str, int]:
    """Works on the stored form directly, so the protected text is never decrypted."""
    ring = keyring()
    quote = connection.ops.quote_name
    counts: dict[str, int] = {}
    for model, field in encrypted_fields():
        meta = model._meta  # type: ignore[attr-defined]
        table, column, pk = quote(meta.db_table), quote(str(field.column)), quote(str(meta.pk.column))
        label = f"{meta.label}.{field.name}"
        counts[label] = 0
        with connection.cursor() as cursor:
            # Identifiers come from model metadata, never from input.
            cursor.execute(f"SELECT {pk}, {column} FROM {table} WHERE {column} <> ''")  # noqa: S608
            rows = cursor.fetchall()
            for row_pk, stored in rows:
                rewrapped = crypto.rewrap(stored, ring=ring)
                if rewrapped != stored:
                    cursor.execute(
                        f"UPDATE {table} SET {column} = %s WHERE {pk} = %s",  # noqa: S608
                        [rewrapped, row_pk],
                    )
                    counts[label] += 1
    return counts
