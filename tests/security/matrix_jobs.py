"""Authorization-matrix rows for the background-jobs URLs (merged into test_authorization_matrix).

The jobs page is for the platform's administrators (the administration agency) only. A progress
record belongs to the person who started the task, in the role they started it in: prob_prac here;
everyone else gets 404, as if it did not exist.
"""

from __future__ import annotations

from tests.conftest import ROLES
from tests.security.matrix_common import staff_only

ROWS: dict[str, dict[str, dict[str, int]]] = {
    "jobs:overview": {"GET": staff_only({"admin"})},
    "jobs:progress": {"GET": {**{name: (200 if name == "prob_prac" else 404) for name in ROLES}, "anonymous": 302}},
}


def kwargs_for(name: str, world) -> dict:
    if name != "jobs:progress":
        return {}
    from django.utils import timezone

    from safeguard.jobs.models import TaskProgress

    now = timezone.now()
    progress = TaskProgress.objects.create(
        user=world.users["prob_prac"], membership=world.memberships["prob_prac"], title="Matrix test export",
        created_at=now, updated_at=now,
    )
    return {"pk": progress.pk}
