"""Building blocks for authorization-matrix rows: who is who, and the usual expected answers."""

from __future__ import annotations

from tests.conftest import ROLES

ALL = ["anonymous", *ROLES]
PERSON_VIEWERS = {"prob_prac", "prob_sup", "police_prac", "treat_prac", "court_prac"}
SCORERS = {"prob_prac", "prob_sup", "police_prac", "treat_prac", "court_prac", "analyst"}
SENTENCERS = {"prob_prac", "prob_sup", "court_prac"}
# Who may run the stateless calculator: sentencers and the guideline content editor.
CALCULATORS = SENTENCERS | {"guide_editor"}
PERSON_CREATORS = {"prob_prac", "prob_sup", "police_prac", "treat_prac"}
# p_probation is linked to the probation and treatment agencies only.
SEES_PROBATION_PERSON = {"prob_prac", "prob_sup", "treat_prac"}


def everyone(status: int, anonymous: int | None = None) -> dict[str, int]:
    result = dict.fromkeys(ROLES, status)
    result["anonymous"] = status if anonymous is None else anonymous
    return result


def staff_only(allowed: set[str], ok: int = 200, other: int = 403) -> dict[str, int]:
    result = {name: (ok if name in allowed else other) for name in ROLES}
    result["anonymous"] = 302
    return result


def person_record(ok: int = 200) -> dict[str, int]:
    result = {}
    for name in ROLES:
        if name not in PERSON_VIEWERS:
            result[name] = 403
        else:
            result[name] = ok if name in SEES_PROBATION_PERSON else 404
    result["anonymous"] = 302
    return result
