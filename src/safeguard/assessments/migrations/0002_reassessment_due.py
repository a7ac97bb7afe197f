"""ReassessmentDue: each person's instrument's current reassessment date, filled from the assessments
already stored (the latest completed, uncorrected one per person and instrument that has a date)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


BATCH = 2_000


def fill(assessment_model, due_model):
    """One pass over the completed assessments, newest first per person and instrument; the first of
    each pair is the latest (a superseded version never is: its correction is current)."""
    rows = (
        assessment_model.objects.filter(status="completed", superseded_by__isnull=True)
        .order_by("person_id", "instrument_id", "-assessment_date", "-completed_at")
        .values_list("id", "person_id", "instrument_id", "agency_id", "assessed_by_id", "assessment_date",
                     "reassessment_due")
    )
    batch, last = [], None
    for pk, person_id, instrument_id, agency_id, assessed_by_id, done_on, due_on in rows.iterator(chunk_size=BATCH):
        if (person_id, instrument_id) == last:
            continue
        last = (person_id, instrument_id)
        if due_on is None or done_on is None:
            continue
        batch.append(due_model(person_id=person_id, instrument_id=instrument_id, assessment_id=pk, agency_id=agency_id,
                               assessed_by_id=assessed_by_id, assessment_date=done_on, due_on=due_on))
        if len(batch) >= BATCH:
            due_model.objects.bulk_create(batch)
            batch = []
    due_model.objects.bulk_create(batch)


def forwards(apps, schema_editor):
    fill(apps.get_model("assessments", "Assessment"), apps.get_model("assessments", "ReassessmentDue"))


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_account_administration'),
        ('assessments', '0001_initial'),
        ('people', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ReassessmentDue',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('instrument_id', models.CharField(max_length=40)),
                ('assessment_date', models.DateField()),
                ('due_on', models.DateField()),
                ('agency', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.agency')),
                ('assessed_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('assessment', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='assessments.assessment')),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='people.person')),
            ],
            options={
                'indexes': [models.Index(fields=['agency', 'due_on'], name='reassessment_due_agency'), models.Index(fields=['assessed_by', 'due_on'], name='reassessment_due_assessor')],
                'constraints': [models.UniqueConstraint(fields=('person', 'instrument_id'), name='reassessment_due_one_per_instrument')],
            },
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
