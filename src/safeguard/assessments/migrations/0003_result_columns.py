"""Points, band and probability as columns (issue 9: analysts query them), copied from the stored
result of every completed assessment; new results fill them on completion (services._snapshot)."""

from django.conf import settings
from django.db import migrations, models

BATCH = 2_000


def columns(result):
    """The same rule as services.result_columns, frozen here as migrations must be."""
    result = result if isinstance(result, dict) else {}
    points, band, probability = result.get("points"), result.get("band"), result.get("probability")
    return (
        points if isinstance(points, int) and not isinstance(points, bool) else None,
        str(band) if band else "",
        float(probability) if isinstance(probability, int | float) and not isinstance(probability, bool) else None,
    )


def forwards(apps, schema_editor):
    model = apps.get_model("assessments", "Assessment")
    rows = model.objects.filter(status="completed").order_by("pk").values_list("pk", "result")
    batch = []
    for pk, result in rows.iterator(chunk_size=BATCH):
        points, band, probability = columns(result)
        batch.append(model(pk=pk, points=points, band=band, probability=probability))
        if len(batch) >= BATCH:
            model.objects.bulk_update(batch, ["points", "band", "probability"])
            batch = []
    model.objects.bulk_update(batch, ["points", "band", "probability"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_account_administration"),
        ("assessments", "0002_reassessment_due"),
        ("people", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="assessment", name="band", field=models.CharField(blank=True, max_length=40),
        ),
        migrations.AddField(
            model_name="assessment", name="points", field=models.IntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="assessment", name="probability", field=models.FloatField(blank=True, null=True),
        ),
        migrations.AddIndex(
            model_name="assessment",
            index=models.Index(fields=["instrument_id", "band"], name="assessment_instr_band"),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
