"""Who may do what with risk and need assessments, registered into the one policy (safeguard.policy).

- Practitioners and supervisors of an agency that holds identified persons read the assessments of
  the persons their agency holds (an open link); courts read them for sentencing but never record
  one. Scoring without storing (`instruments.score`) stays a core action: analysts use it too.
- Every scope is a probe of the link index per row (`policy.open_link_probe`): nothing needs DISTINCT.
"""

from __future__ import annotations

from safeguard import policy
from safeguard.accounts.choices import Role
from safeguard.policy import PERSON_AGENCIES, PERSON_WRITERS


class AssessmentAction:
    VIEW = "assessment.view"
    EDIT = "assessment.edit"


STAFF = (Role.PRACTITIONER, Role.SUPERVISOR)

policy.register(
    actions=(AssessmentAction.VIEW, AssessmentAction.EDIT),
    grants={
        AssessmentAction.VIEW: lambda kind, role: kind in PERSON_AGENCIES and role in STAFF,
        AssessmentAction.EDIT: lambda kind, role: kind in PERSON_WRITERS and role in STAFF,
    },
    scopes={"assessments.Assessment": lambda actor: policy.open_link_probe(actor, "person_id")},
)
