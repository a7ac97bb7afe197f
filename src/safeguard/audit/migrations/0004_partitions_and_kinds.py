"""Partitions and kinds (ADR 0015): each event names the chain it belongs to (one chain head per
partition) and its kind ("event", or "aggregate" for an extract of counts). Every existing event
is a general-partition "event", whose hashed message is unchanged. The record index gains the
partition (every reader filters by it). On SQLite adding the columns rebuilds the table, which
drops its triggers: they are put back. On PostgreSQL the columns are added without rewriting the
table (a constant default); the indexes are built once (this takes a while on a large log)."""

from django.db import migrations, models

from safeguard.audit.db import migration_install_append_only as reinstall
from safeguard.audit.db import migration_remove_append_only as remove


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0003_keyed_chain'),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, reinstall),
        migrations.RemoveIndex(
            model_name='auditevent',
            name='audit_object_idx',
        ),
        migrations.AddField(
            model_name='auditchainhead',
            name='partition',
            field=models.CharField(choices=[('general', 'General'), ('prevention', 'Prevention (sealed)')], default='general', max_length=20, unique=True),
        ),
        migrations.AddField(
            model_name='auditevent',
            name='kind',
            field=models.CharField(choices=[('event', 'Access or change'), ('aggregate', 'Aggregate extract')], db_default='event', default='event', max_length=10),
        ),
        migrations.AddField(
            model_name='auditevent',
            name='partition',
            field=models.CharField(choices=[('general', 'General'), ('prevention', 'Prevention (sealed)')], db_default='general', default='general', max_length=20),
        ),
        migrations.AddIndex(
            model_name='auditevent',
            index=models.Index(fields=['partition', 'object_type', 'object_id', '-id'], name='audit_object_idx'),
        ),
        migrations.AddIndex(
            model_name='auditevent',
            index=models.Index(fields=['partition', 'id'], name='audit_partition_idx'),
        ),
        migrations.AddIndex(
            model_name='auditevent',
            index=models.Index(fields=['partition', 'kind', 'id'], name='audit_kind_idx'),
        ),
        migrations.RunPython(reinstall, remove),
    ]
