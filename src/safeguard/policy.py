"""The one place that decides who may do what to which record in Safeguard.

Default deny: an action is allowed only when the actor's role in their current agency
grants it and, for a record, when the record's sharing basis reaches that agency.
Querysets are scoped here too, so views and selectors never filter by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import Model, Q, QuerySet

from safeguard.accounts.choices import AgencyKind, Role

if TYPE_CHECKING:
    from safeguard.accounts.models import Agency, Membership, User

M = TypeVar("M", bound=Model)

# Agencies that hold identified persons under management. Prevention services never do.
PERSON_AGENCIES = frozenset(
    {
        AgencyKind.PROBATION,
        AgencyKind.POLICE,
        AgencyKind.TREATMENT,
        AgencyKind.PRISON,
        AgencyKind.COURT,
    }
)
# Agencies whose staff may create and edit person records (courts only read them).
PERSON_WRITERS = PERSON_AGENCIES - {AgencyKind.COURT}


class Action:
    """Every action the policy knows. An action not listed here is denied to everyone."""

    DASHBOARD_VIEW = "dashboard.view"
    PERSON_VIEW = "person.view"
    PERSON_CREATE = "person.create"
    PERSON_EDIT = "person.edit"
    PERSON_NOTE_ADD = "person.note.add"
    AUDIT_VIEW = "audit.view"
    USERS_VIEW = "users.view"
    USERS_MANAGE = "users.manage"
    INSIGHTS_VIEW = "insights.view"
    SENTENCING_CALCULATE = "sentencing.calculate"
    SENTENCING_CASE_VIEW = "sentencing.case.view"
    SENTENCING_CASE_EDIT = "sentencing.case.edit"
    # Writing and signing the pre-sentence report: probation's job in England and Wales (a court's
    # legal adviser has the decision support, not the report).
    SENTENCING_REPORT_PREPARE = "sentencing.report.prepare"
    GUIDELINES_MANAGE = "guidelines.manage"
    INSTRUMENTS_SCORE = "instruments.score"
    ASSESSMENT_VIEW = "assessment.view"
    ASSESSMENT_EDIT = "assessment.edit"


def _grants(kind: str, role: str) -> frozenset[str]:
    granted: set[str] = {Action.DASHBOARD_VIEW}
    if kind in PERSON_AGENCIES and role in (Role.PRACTITIONER, Role.SUPERVISOR):
        granted.add(Action.PERSON_VIEW)
        if kind in PERSON_WRITERS:
            granted |= {Action.PERSON_CREATE, Action.PERSON_EDIT, Action.PERSON_NOTE_ADD}
    if kind in (AgencyKind.COURT, AgencyKind.PROBATION) and role in (Role.PRACTITIONER, Role.SUPERVISOR):
        granted |= {Action.SENTENCING_CALCULATE, Action.SENTENCING_CASE_VIEW, Action.SENTENCING_CASE_EDIT}
    if kind == AgencyKind.PROBATION and role in (Role.PRACTITIONER, Role.SUPERVISOR):
        granted.add(Action.SENTENCING_REPORT_PREPARE)
    if role == Role.GUIDELINE_EDITOR and kind in (AgencyKind.COURT, AgencyKind.ADMINISTRATION):
        granted |= {Action.GUIDELINES_MANAGE, Action.SENTENCING_CALCULATE}
    if kind in PERSON_AGENCIES and role in (Role.PRACTITIONER, Role.SUPERVISOR):
        granted.add(Action.ASSESSMENT_VIEW)
        if kind in PERSON_WRITERS:
            granted.add(Action.ASSESSMENT_EDIT)
    if (kind in PERSON_AGENCIES and role in (Role.PRACTITIONER, Role.SUPERVISOR)) or role == Role.ANALYST:
        granted.add(Action.INSTRUMENTS_SCORE)
    if role == Role.AUDITOR:
        granted.add(Action.AUDIT_VIEW)
    if role == Role.ADMINISTRATOR:
        granted |= {Action.USERS_VIEW, Action.USERS_MANAGE}
    if role == Role.ANALYST or (kind == AgencyKind.ANALYSIS and role == Role.SUPERVISOR):
        granted.add(Action.INSIGHTS_VIEW)
    return frozenset(granted)


GRANTS: dict[tuple[str, str], frozenset[str]] = {
    (kind, role): _grants(kind, role) for kind in AgencyKind.values for role in Role.values
}


@dataclass(frozen=True)
class Actor:
    """Who is acting: a signed-in user in one of their memberships (agency and role)."""

    user: User
    membership: Membership
    endpoint: str = ""
    justifications: dict[str, str] = field(default_factory=dict)

    @property
    def agency(self) -> Agency:
        return self.membership.agency

    @property
    def role(self) -> str:
        return self.membership.role

    @property
    def is_global(self) -> bool:
        """Staff of the administration agency act across all agencies."""
        return self.agency.kind == AgencyKind.ADMINISTRATION


def allows(actor: Actor | None, action: str, obj: Any = None) -> bool:
    """May this actor do this action (to this object)? Default deny."""
    if actor is None or not actor.membership.is_active or not actor.user.is_active:
        return False
    if action not in GRANTS.get((actor.agency.kind, actor.role), frozenset()):
        return False
    if obj is None:
        return True
    return scope(actor, action, type(obj)._default_manager.filter(pk=obj.pk)).exists()


def scope(actor: Actor | None, action: str, queryset: QuerySet[M]) -> QuerySet[M]:
    """Restrict a queryset to the records this actor may do this action to."""
    if actor is None or not allows(actor, action):
        return queryset.none()
    label = queryset.model._meta.label
    rule = _SCOPES.get(label)
    if rule is None:
        return queryset.none()
    return queryset.filter(rule(actor)).distinct()


def _person_scope(actor: Actor) -> Q:
    return Q(agency_links__agency=actor.agency, agency_links__ended_on__isnull=True)


def _person_child_scope(actor: Actor) -> Q:
    return Q(
        person__agency_links__agency=actor.agency,
        person__agency_links__ended_on__isnull=True,
    )


def _own_agency_scope(actor: Actor) -> Q:
    return Q(agency=actor.agency)


def _audit_scope(actor: Actor) -> Q:
    if actor.is_global:
        return Q()
    return Q(agency_id=actor.agency.pk)


def _user_scope(actor: Actor) -> Q:
    if actor.is_global:
        return Q()
    return Q(memberships__agency=actor.agency)


_SCOPES = {
    "people.Person": _person_scope,
    "people.Conviction": _person_child_scope,
    "people.Address": _person_child_scope,
    "people.PersonNote": _person_child_scope,
    "assessments.Assessment": _person_child_scope,
    "courts.SentencingCase": _own_agency_scope,
    "audit.AuditEvent": _audit_scope,
    "accounts.User": _user_scope,
}


def requires_justification(owner: Agency | None) -> bool:
    """Consulting a record owned by this agency needs a reason (police data always)."""
    return owner is not None and (
        owner.requires_justification or owner.kind == AgencyKind.POLICE
    )
