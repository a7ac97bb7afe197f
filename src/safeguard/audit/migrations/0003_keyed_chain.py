"""The keyed chain: each event records the AUDIT_CHAIN_KEYS key it was chained with (empty for
the events written before, which keep their plain SHA-256 hashes), and its details are written in
canonical form. On SQLite adding the column rebuilds the table, which drops its triggers: they
are put back. PostgreSQL also gets the index for the record-id prefix filter."""

import safeguard.audit.chain
from django.db import migrations, models

from safeguard.audit.db import (
    install_append_only,
    install_prefix_index,
    remove_append_only,
    remove_prefix_index,
)


def forwards(apps, schema_editor):
    install_append_only(schema_editor.connection)
    install_prefix_index(schema_editor.connection)


def backwards(apps, schema_editor):
    remove_prefix_index(schema_editor.connection)
    # The reverse rebuild of the table (on SQLite) needs the triggers off; 0002 reinstalls them.
    remove_append_only(schema_editor.connection)


def reinstall(apps, schema_editor):
    install_append_only(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0002_append_only'),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, reinstall),
        migrations.AddField(
            model_name='auditevent',
            name='key_id',
            field=models.CharField(blank=True, default='', max_length=20),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='details',
            field=models.JSONField(blank=True, default=dict, encoder=safeguard.audit.chain.CanonicalJSONEncoder),
        ),
        migrations.RunPython(forwards, backwards),
    ]
