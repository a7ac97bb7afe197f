"""Authorization-matrix rows for the insights URLs (merged into test_authorization_matrix).

Analyses are for analysts (`insights.view`): aggregates only. Outcome records of a person follow
the person's visibility (the "probation" person is linked to probation and treatment: police see
it not, 404) and the role (courts, prevention and analysts record none: 403). Imports are for
supervisors of agencies that write person records.
"""

from __future__ import annotations

from tests.conftest import ROLES
from tests.security.matrix_common import everyone, staff_only

ANALYSTS = {"analyst"}
RECORDERS = {"prob_prac", "prob_sup", "treat_prac", "police_prac"}
SEES_PERSON = {"prob_prac", "prob_sup", "treat_prac"}


def _record(ok: int) -> dict[str, int]:
    rows = {name: (ok if name in SEES_PERSON else 404 if name in RECORDERS else 403) for name in ROLES}
    rows["anonymous"] = 302
    return rows


ROWS: dict[str, dict[str, dict[str, int]]] = {
    "insights:home": {"GET": staff_only(ANALYSTS)},
    "insights:survival": {"GET": staff_only(ANALYSTS)},
    "insights:survival-download": {"GET": staff_only(ANALYSTS)},
    "insights:validation": {"GET": staff_only(ANALYSTS)},
    "insights:validation-download": {"GET": staff_only(ANALYSTS)},
    "insights:flow": {"GET": staff_only(ANALYSTS)},
    # POST {} names no analysis: 404 for an analyst.
    "insights:run": {"GET": everyone(405), "POST": staff_only(ANALYSTS, ok=404)},
    # POST {} re-shows the form with "Choose a CSV file".
    "insights:import-start": {"GET": staff_only({"prob_sup"}, ok=302)},
    "insights:import": {"GET": staff_only({"prob_sup"}), "POST": staff_only({"prob_sup"})},
    "insights:outcome-add": {"GET": _record(200), "POST": _record(200)},
    "insights:follow-up": {"GET": _record(200), "POST": _record(200)},
    "insights:outcome-delete": {"GET": everyone(405), "POST": _record(302)},
    # Publishing is for the analysis agency's analysts; POST {} re-shows the form (nothing to publish).
    "insights:publish": {"GET": staff_only(ANALYSTS), "POST": staff_only(ANALYSTS)},
    # The public page needs no sign-in and answers everyone alike; its CSV is 404 until something is published.
    "public-statistics:page": {"GET": everyone(200)},
    "public-statistics:csv": {"GET": everyone(404)},
}


def kwargs_for(name: str, world) -> dict:
    if name in ("insights:survival-download", "insights:validation-download"):
        return {"fmt": "csv"}
    if name in ("public-statistics:page", "public-statistics:csv"):
        return {"language": "de"}
    if name == "insights:import":
        return {"kind": "outcomes"}
    if name in ("insights:outcome-add", "insights:follow-up"):
        return {"person_pk": world.persons["probation"].pk}
    if name == "insights:outcome-delete":
        from tests.integration.insights_fixtures import event

        return {"pk": event(world, world.persons["probation"], "2025-01-01").pk}
    return {}
