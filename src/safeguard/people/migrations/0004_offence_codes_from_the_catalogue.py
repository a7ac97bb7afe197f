"""Conviction offence codes become the one offence catalogue's ids (ADR 0023): `SOA2003-s9` is stored
as `soa2003-s9`, `OTHER` as `other`. The choices are now a function of the catalogue
(`people.choices.offence_choices`), so a new offence needs no migration.

The pairs are written out here, not read from the catalogue, so this migration means the same whatever
the catalogue holds later. Forwards, a stored code in any case becomes its id. Backwards, each id
becomes the code it was; an id with no code before (`soa2003-s13`) is left as it is, since the old
choices had nothing to turn it into. Audit events keep the codes they recorded: they are history.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations, models

import safeguard.people.choices

OLD_TO_CANONICAL = (
    ("SOA2003-s9", "soa2003-s9"),
    ("SOA2003-s10", "soa2003-s10"),
    ("SOA2003-s11", "soa2003-s11"),
    ("SOA2003-s14", "soa2003-s14"),
    ("SOA2003-s15", "soa2003-s15"),
    ("PCA1978-s1", "pca1978-s1"),
    ("CJA1988-s160", "cja1988-s160"),
    ("OTHER", "other"),
)


def to_catalogue_ids(apps: Any, schema_editor: Any) -> None:
    conviction = apps.get_model("people", "Conviction")
    for old, canonical in OLD_TO_CANONICAL:
        conviction.objects.filter(offence_code__iexact=old).exclude(offence_code=canonical).update(
            offence_code=canonical
        )


def to_old_codes(apps: Any, schema_editor: Any) -> None:
    conviction = apps.get_model("people", "Conviction")
    for old, canonical in OLD_TO_CANONICAL:
        conviction.objects.filter(offence_code=canonical).update(offence_code=old)


class Migration(migrations.Migration):

    dependencies = [
        ("people", "0003_person_name_trigram_postgresql"),
    ]

    operations = [
        migrations.AlterField(
            model_name="conviction",
            name="offence_code",
            field=models.CharField(choices=safeguard.people.choices.offence_choices, max_length=20),
        ),
        migrations.RunPython(to_catalogue_ids, to_old_codes),
    ]
