"""Requirements of a suspended sentence order move into the engine request.

They were kept beside the request (`CaseScenario.sso_requirements`, a list of requirement type ids)
because the engine did not take them; the engine now reads and checks them as
`request["suspension"]["requirements"]` ([{"type": ...}]). Each scenario's list is moved there when
its request suspends the term (suspension.suspend is true); otherwise there is no order for them to
belong to, and they are dropped. Types already in the request are not repeated.

The stored results are not recalculated here: they are the snapshot of the last calculation and
are replaced the next time the scenario is saved.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations


def merged_request(request: Any, types: Any) -> dict[str, Any] | None:
    """The request with `types` added to its suspension's requirements, or None to leave it as it is."""
    if not isinstance(request, dict) or not isinstance(types, list) or not types:
        return None
    suspension = request.get("suspension")
    if not isinstance(suspension, dict) or suspension.get("suspend") is not True:
        return None
    existing = suspension.get("requirements")
    requirements = list(existing) if isinstance(existing, list) else []
    present = {item.get("type") for item in requirements if isinstance(item, dict)}
    for kind in types:
        if isinstance(kind, str) and kind not in present:
            requirements.append({"type": kind})
            present.add(kind)
    return {**request, "suspension": {**suspension, "requirements": requirements}}


def forwards(apps: Any, schema_editor: Any) -> None:
    scenarios = apps.get_model("courts", "CaseScenario")
    for scenario in scenarios.objects.only("pk", "request", "sso_requirements"):
        request = merged_request(scenario.request, scenario.sso_requirements)
        if request is not None:
            scenarios.objects.filter(pk=scenario.pk).update(request=request)


def backwards(apps: Any, schema_editor: Any) -> None:
    """Copy the types back beside the request (the request keeps them; the engine still checks them)."""
    scenarios = apps.get_model("courts", "CaseScenario")
    for scenario in scenarios.objects.only("pk", "request"):
        suspension = (scenario.request or {}).get("suspension") if isinstance(scenario.request, dict) else None
        items = suspension.get("requirements") if isinstance(suspension, dict) else None
        types = [str(i["type"]) for i in items or [] if isinstance(i, dict) and i.get("type")]
        if types:
            scenarios.objects.filter(pk=scenario.pk).update(sso_requirements=types)


class Migration(migrations.Migration):
    dependencies = [
        ("courts", "0002_scenario_other_offences"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(model_name="casescenario", name="sso_requirements"),
    ]
