"""Authorization-matrix rows for the assessments app's URLs (merged into test_authorization_matrix).

The subject is the "probation" person (linked to probation and treatment). Assessment URLs use a
completed assessment of that person by probation (`kwargs_for`), except the draft form, which uses
a probation draft: drafts are seen only by the agency that holds them.
"""

from __future__ import annotations

from tests.conftest import ROLES
from tests.security.matrix_common import SCORERS, everyone, person_record, staff_only

# Roles that may view assessments but not record them: a court sees, never writes.
VIEW_ONLY = {"court_prac"}
SAME_AGENCY = {"prob_prac", "prob_sup"}


def _edit_rows(ok: int = 200) -> dict[str, int]:
    """Role first (403 without assessment.edit), then the person's visibility (404)."""
    return {**person_record(ok=ok), **dict.fromkeys(VIEW_ONLY, 403)}


def _own_agency(ok: int, other_agency: int) -> dict[str, int]:
    """An assessment held by probation: others who see the person get `other_agency`."""
    rows = _edit_rows(ok)
    rows["treat_prac"] = other_agency
    return rows


def _api(rows: dict[str, int]) -> dict[str, int]:
    return {**rows, "anonymous": 401}


# URL name -> method -> who -> expected status. Every URL of the app must have a row.
ROWS: dict[str, dict[str, dict[str, int]]] = {
    "assessments:history": {"GET": person_record()},
    "assessments:compare": {"GET": person_record()},
    # POST {} re-shows the form with "Choose an instrument".
    "assessments:choose": {"GET": _edit_rows(), "POST": _edit_rows()},
    "assessments:preview": {"GET": everyone(405), "POST": staff_only(SCORERS)},
    "assessments:detail": {"GET": person_record()},
    # A probation draft: treatment sees the person but not another agency's draft (404).
    # POST {} saves the (empty) answers and returns to the form.
    "assessments:edit": {"GET": _own_agency(200, 404), "POST": _own_agency(302, 404)},
    # A completed probation assessment: treatment sees it but may not correct it (403).
    # POST {} re-shows the form with "Enter the reason for the correction".
    "assessments:correct": {"GET": _own_agency(200, 403), "POST": _own_agency(200, 403)},
    "api-1:person_assessments": {"GET": _api(person_record())},
    "api-1:person_assessment_create": {"POST": _api(_edit_rows(201))},
    "api-1:assessment_detail": {"GET": _api(person_record())},
    "api-1:assessment_correct": {"POST": _api(_own_agency(201, 403))},
}

# Valid JSON bodies for API POSTs, so that the answer reflects authorization alone.
API_BODIES: dict[str, object] = {
    "api-1:person_assessment_create": {"instrument": "stable-2007", "inputs": {}, "complete": False},
    "api-1:assessment_correct": {
        "inputs": {
            "significant_social_influences": 1, "capacity_for_relationship_stability": 1,
            "emotional_identification_with_children": None, "hostility_toward_women": 0,
            "general_social_rejection": 1, "lack_of_concern_for_others": 1, "impulsive_acts": 1,
            "poor_problem_solving": 1, "negative_emotionality": 1, "sex_drive_and_preoccupation": 2,
            "sex_as_coping": 2, "deviant_sexual_preference": 1, "cooperation_with_supervision": 0,
        },
        "reason": "Synthetic matrix correction.",
    },
}


def kwargs_for(name: str, world) -> dict:
    """Path arguments for this app's URLs; creates the assessment a URL needs."""
    person = world.persons["probation"]
    if name in ("assessments:history", "assessments:compare", "assessments:choose"):
        return {"person_pk": person.pk}
    if name == "assessments:preview":
        return {"instrument_id": "stable-2007"}
    if name == "assessments:edit":
        return {"pk": _assessment(world, completed=False).pk}
    if name in ("assessments:detail", "assessments:correct"):
        return {"pk": _assessment(world, completed=True).pk}
    if name in ("api-1:assessment_detail", "api-1:assessment_correct"):
        return {"assessment_id": _assessment(world, completed=True).pk}
    return {}


def _assessment(world, *, completed: bool):
    from safeguard.assessments import services
    from safeguard.instruments import registry

    actor = world.actor("prob_prac")
    person = world.persons["probation"]
    if completed:
        return services.assessment_record(
            actor=actor, person=person, instrument_id="stable-2007", inputs=registry.example_input("stable-2007")
        )
    return services.assessment_start(actor=actor, person=person, instrument_id="stable-2007")


assert set(ROWS) >= set(API_BODIES), "API bodies for URLs without rows"
assert all(set(row) == {"anonymous", *ROLES} for methods in ROWS.values() for row in methods.values())
