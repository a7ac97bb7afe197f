"""Who may do what with supervision records, registered into the one policy (`safeguard.policy`).

- Police and probation (responsible authorities under MAPPA) read the supervision records of a person
  their agency holds under the owner or the statutory sharing basis; a link by consent alone (a
  treatment provider) does not reach them. Police records of a person need a justification, as
  everywhere (`people.ports.justification_for`).
- An agency changes only its own cases (visits, plans, transfers, overrides). The register's
  notification requirements belong to the police force that holds them: probation reads them.
- Supervisors approve risk-level overrides (never their own request: the workflow's two-person
  rule), see their team's caseload, decide breaches (police) and set the agency's visit table.

Every scope is a filter on the record's own columns or a probe of an index per row: no join that
repeats rows, so nothing needs DISTINCT.
"""

from __future__ import annotations

from django.db.models import Q

from safeguard import policy
from safeguard.accounts.choices import AgencyKind, Role
from safeguard.people.ports import statutory_link_exists
from safeguard.policy import Actor
from safeguard.supervision.actions import ACTION_WORDS, SupervisionAction

SUPERVISING = frozenset({AgencyKind.POLICE, AgencyKind.PROBATION})
STAFF = frozenset({Role.PRACTITIONER, Role.SUPERVISOR})


def _staff(kind: str, role: str) -> bool:
    return kind in SUPERVISING and role in STAFF


def _police_staff(kind: str, role: str) -> bool:
    return kind == AgencyKind.POLICE and role in STAFF


def _supervisor(kind: str, role: str) -> bool:
    return kind in SUPERVISING and role == Role.SUPERVISOR


def in_reach(actor: Actor) -> Q:
    """Records of a person the actor's agency holds as owner or under statutory sharing."""
    return Q(statutory_link_exists(actor, "person_id"))


def own_agency(actor: Actor) -> Q:
    """Records the actor's agency holds (and may therefore change), of a person still in reach."""
    return in_reach(actor) & Q(agency_id=actor.agency.pk)


# Models whose rows carry person_id and agency_id (the agency that holds the record).
PERSON_RECORDS = (
    "supervision.SupervisionCase",
    "supervision.NotificationRequirement",
    "supervision.NotificationEvent",
    "supervision.Breach",
    "supervision.RiskLevelOverride",
    "supervision.Visit",
    "supervision.MappaStatus",
    "supervision.MappaMeeting",
    "supervision.MappaAction",
    "supervision.CaseTransfer",
    "supervision.ReviewTrigger",
)
# Which action changes which record: only the holding agency may.
OWN_AGENCY_ACTIONS = {
    "supervision.SupervisionCase": (
        SupervisionAction.CASE_EDIT, SupervisionAction.CASE_TRANSFER, SupervisionAction.OVERRIDE_REQUEST,
    ),
    "supervision.NotificationRequirement": (SupervisionAction.REGISTER_EDIT, SupervisionAction.BREACH_RECORD),
    "supervision.Breach": (SupervisionAction.BREACH_RECORD, SupervisionAction.BREACH_DECIDE),
    "supervision.RiskLevelOverride": (SupervisionAction.OVERRIDE_REQUEST, SupervisionAction.OVERRIDE_DECIDE),
    "supervision.Visit": (SupervisionAction.CASE_EDIT,),
    "supervision.ReviewTrigger": (SupervisionAction.CASE_EDIT,),
}  # fmt: skip


def _agency_settings(actor: Actor) -> Q:
    return Q(agency_id=actor.agency.pk)


policy.register(
    actions=list(ACTION_WORDS),
    grants={
        SupervisionAction.VIEW: _staff,
        SupervisionAction.CASE_EDIT: _staff,
        SupervisionAction.CASE_TRANSFER: _staff,
        SupervisionAction.REGISTER_EDIT: _police_staff,
        SupervisionAction.BREACH_RECORD: _police_staff,
        SupervisionAction.BREACH_DECIDE: lambda kind, role: kind == AgencyKind.POLICE and role == Role.SUPERVISOR,
        SupervisionAction.OVERRIDE_REQUEST: _staff,
        SupervisionAction.OVERRIDE_DECIDE: _supervisor,
        SupervisionAction.MAPPA_EDIT: _staff,
        SupervisionAction.TEAM_VIEW: _supervisor,
        SupervisionAction.SETTINGS_MANAGE: _supervisor,
    },
    scopes={
        **dict.fromkeys(PERSON_RECORDS, in_reach),
        "supervision.AgencyVisitFrequency": _agency_settings,
    },
    action_scopes={
        (label, action): own_agency for label, actions in OWN_AGENCY_ACTIONS.items() for action in actions
    },
)
