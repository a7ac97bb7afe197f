"""Who may do what in sentencing, registered into the one policy (safeguard.policy).

- Courts' legal advisers and probation practitioners and supervisors use the guideline calculator
  and keep sentencing cases; an agency sees and changes only its own cases.
- Writing and signing the pre-sentence report is probation's job in England and Wales (a court's
  legal adviser has the decision support, not the report).
- Guideline content editors (of a court or the platform's administration) manage guideline
  versions, and may use the calculator to try them.
"""

from __future__ import annotations

from django.db.models import Q

from safeguard import policy
from safeguard.accounts.choices import AgencyKind, Role
from safeguard.policy import Actor


class CourtsAction:
    SENTENCING_CALCULATE = "sentencing.calculate"
    SENTENCING_CASE_VIEW = "sentencing.case.view"
    SENTENCING_CASE_EDIT = "sentencing.case.edit"
    SENTENCING_REPORT_PREPARE = "sentencing.report.prepare"
    GUIDELINES_MANAGE = "guidelines.manage"


STAFF = (Role.PRACTITIONER, Role.SUPERVISOR)
SENTENCING = (AgencyKind.COURT, AgencyKind.PROBATION)
EDITING = (AgencyKind.COURT, AgencyKind.ADMINISTRATION)


def _sentencing_staff(kind: str, role: str) -> bool:
    return kind in SENTENCING and role in STAFF


def _editor(kind: str, role: str) -> bool:
    return kind in EDITING and role == Role.GUIDELINE_EDITOR


def own_agency(actor: Actor) -> Q:
    return Q(agency=actor.agency)


policy.register(
    actions=tuple(value for name, value in vars(CourtsAction).items() if name.isupper()),
    grants={
        CourtsAction.SENTENCING_CALCULATE: lambda kind, role: _sentencing_staff(kind, role) or _editor(kind, role),
        CourtsAction.SENTENCING_CASE_VIEW: _sentencing_staff,
        CourtsAction.SENTENCING_CASE_EDIT: _sentencing_staff,
        CourtsAction.SENTENCING_REPORT_PREPARE: lambda kind, role: kind == AgencyKind.PROBATION and role in STAFF,
        CourtsAction.GUIDELINES_MANAGE: _editor,
    },
    scopes={"courts.SentencingCase": own_agency},
)
