"""Database triggers that refuse UPDATE, DELETE (and TRUNCATE) on audit events."""

from django.db import migrations

from safeguard.audit.db import install_append_only, remove_append_only


def forwards(apps, schema_editor):
    install_append_only(schema_editor.connection)


def backwards(apps, schema_editor):
    remove_append_only(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
