"""Who may do what in the programmes app: its actions, the roles that hold them, and the records each
reaches. Registered into the one policy engine (`safeguard.policy.register`) when Django starts.

Who moves a referral follows the spec (specs/programmes.md, "Referral states and transitions"):
the programme team (staff of the provider agency: a treatment provider, or a prison's programmes
team for a programme in custody) makes every transition; the referrer (the probation, prison or
police team that referred) submits, holds, releases a hold and withdraws before the programme
starts. Whose records each reaches is decided by the record, not the role: a prison may be the
referrer of one referral and the programme team of another.

Roles (docs/programmes.md, "Who does what"):
- referrers: probation, prison and police practitioners and supervisors (a treatment provider
  records self-referrals, so it is the referrer of those);
- programme team: treatment provider and prison practitioners and supervisors;
- programme manager: a treatment provider's or a prison's supervisor (sets up groups, allocates
  people to them, schedules, records closures);
- facilitators: the practitioners named on a group (regular or cover) take its registers, homework
  and progress ratings; their supervisors may do the same for every group of their agency;
- police practitioners and supervisors record invitations to self-refer;
- prison staff record custody and expected release dates; prison and probation see who is due for
  release without the programme their pathway calls for.
Prevention staff hold one action, `programmes.pseudonym.manage`, used only by the port for the
prevention app (`safeguard.programmes.ports`): it reaches the members of their own centre, known by
pseudonym, and nothing else — no page of this app is open to them.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from safeguard import policy
from safeguard.accounts.choices import AgencyKind, Role
from safeguard.people.ports import visible_person_filter
from safeguard.policy import Actor


class ProgrammeAction:
    CATALOGUE_VIEW = "programmes.catalogue.view"
    REFERRAL_VIEW = "programmes.referral.view"
    REFERRAL_CREATE = "programmes.referral.create"
    # The workflow's transitions (workflow.py names these):
    REFERRAL_SUBMIT = "programmes.referral.submit"  # the referrer
    REFERRAL_PROGRESS = "programmes.referral.progress"  # the programme team
    REFERRAL_HOLD = "programmes.referral.hold"  # both
    REFERRAL_RELEASE = "programmes.referral.release"  # both
    REFERRAL_WITHDRAW = "programmes.referral.withdraw"  # both
    INVITATION_RECORD = "programmes.invitation.record"
    GROUP_VIEW = "programmes.group.view"
    GROUP_MANAGE = "programmes.group.manage"
    SESSION_RUN = "programmes.session.run"
    REPORT_VIEW = "programmes.report.view"
    CUSTODY_RECORD = "programmes.custody.record"
    RELEASE_GAP_VIEW = "programmes.release_gap.view"
    PSEUDONYM_MANAGE = "programmes.pseudonym.manage"  # the prevention port only


A = ProgrammeAction
STAFF = (Role.PRACTITIONER, Role.SUPERVISOR)
REFERRER_KINDS = (AgencyKind.PROBATION, AgencyKind.PRISON, AgencyKind.POLICE)
PROVIDER_KINDS = (AgencyKind.TREATMENT, AgencyKind.PRISON)
PERSON_KINDS = (*REFERRER_KINDS, AgencyKind.TREATMENT, AgencyKind.COURT)


def _staff_of(*kinds: str) -> policy.GrantRule:
    return lambda kind, role: kind in kinds and role in STAFF


def _supervisor_of(*kinds: str) -> policy.GrantRule:
    return lambda kind, role: kind in kinds and role == Role.SUPERVISOR


GRANTS: dict[str, policy.GrantRule] = {
    A.CATALOGUE_VIEW: _staff_of(*PERSON_KINDS),
    A.REFERRAL_VIEW: _staff_of(*REFERRER_KINDS, AgencyKind.TREATMENT),
    A.REFERRAL_CREATE: _staff_of(*REFERRER_KINDS, AgencyKind.TREATMENT),
    A.REFERRAL_SUBMIT: _staff_of(*REFERRER_KINDS, AgencyKind.TREATMENT),
    A.REFERRAL_PROGRESS: _staff_of(*PROVIDER_KINDS),
    A.REFERRAL_HOLD: _staff_of(*REFERRER_KINDS, AgencyKind.TREATMENT),
    A.REFERRAL_RELEASE: _staff_of(*REFERRER_KINDS, AgencyKind.TREATMENT),
    A.REFERRAL_WITHDRAW: _staff_of(*REFERRER_KINDS, AgencyKind.TREATMENT),
    A.INVITATION_RECORD: _staff_of(AgencyKind.POLICE),
    A.GROUP_VIEW: _staff_of(*PROVIDER_KINDS),
    A.GROUP_MANAGE: _supervisor_of(*PROVIDER_KINDS),
    A.SESSION_RUN: _staff_of(*PROVIDER_KINDS),
    A.REPORT_VIEW: _staff_of(*REFERRER_KINDS, AgencyKind.TREATMENT),
    A.CUSTODY_RECORD: _staff_of(AgencyKind.PRISON),
    A.RELEASE_GAP_VIEW: _staff_of(AgencyKind.PRISON, AgencyKind.PROBATION),
    A.PSEUDONYM_MANAGE: _staff_of(AgencyKind.PREVENTION),
}


# --- Scopes. Every person-linked record also needs its person to be visible to the agency.


def referral_scope(actor: Actor) -> Q:
    """Referrals the actor's agency made, provides, or supervises as the court order's responsible officer."""
    mine = Q(referrer_agency=actor.agency) | Q(provider_agency=actor.agency) | Q(responsible_agency=actor.agency)
    return mine & visible_person_filter(actor)


def _referral_provider_scope(actor: Actor) -> Q:
    return Q(provider_agency=actor.agency) & visible_person_filter(actor)


def _referral_referrer_scope(actor: Actor) -> Q:
    return Q(referrer_agency=actor.agency) & visible_person_filter(actor)


def _referral_either_scope(actor: Actor) -> Q:
    return (Q(referrer_agency=actor.agency) | Q(provider_agency=actor.agency)) & visible_person_filter(actor)


def _facilitates(actor: Actor, group_field: str) -> Q:
    """A supervisor reaches every group of their agency; a practitioner those they facilitate."""
    from safeguard.programmes.models import GroupFacilitator

    prefix = f"{group_field}__" if group_field else ""
    agency = Q(**{f"{prefix}provider_agency": actor.agency})
    if actor.role == Role.SUPERVISOR:
        return agency
    pk = f"{group_field}_id" if group_field else "pk"
    named = GroupFacilitator.objects.filter(group_id=OuterRef(pk), user_id=actor.user.pk)
    return agency & Q(Exists(named))


def _member_people(actor: Actor, field: str) -> Q:
    """A pseudonymous participant (no person) or a person the agency may see."""
    return Q(**{f"{field}__isnull": True}) | visible_person_filter(actor, field)


def _group_scope(actor: Actor) -> Q:
    return Q(provider_agency=actor.agency)


def _session_scope(actor: Actor) -> Q:
    return Q(group__provider_agency=actor.agency)


def _member_scope(actor: Actor) -> Q:
    return Q(group__provider_agency=actor.agency) & _member_people(actor, "person")


def _member_run_scope(actor: Actor) -> Q:
    return _facilitates(actor, "group") & _member_people(actor, "person")


def _homework_scope(actor: Actor) -> Q:
    return Q(member__group__provider_agency=actor.agency) & _member_people(actor, "member__person")


def _homework_run_scope(actor: Actor) -> Q:
    from safeguard.programmes.models import GroupFacilitator

    agency = Q(member__group__provider_agency=actor.agency)
    if actor.role != Role.SUPERVISOR:
        named = GroupFacilitator.objects.filter(group_id=OuterRef("member__group_id"), user_id=actor.user.pk)
        agency &= Q(Exists(named))
    return agency & _member_people(actor, "member__person")


def _invitation_scope(actor: Actor) -> Q:
    return (Q(police_agency=actor.agency) | Q(provider_agency=actor.agency)) & visible_person_filter(actor)


def _custody_scope(actor: Actor) -> Q:
    return visible_person_filter(actor)


def _custody_record_scope(actor: Actor) -> Q:
    return Q(prison=actor.agency) & visible_person_filter(actor)


def _report_scope(actor: Actor) -> Q:
    from safeguard.programmes.models import Referral

    return Q(referral__in=Referral.objects.filter(referral_scope(actor)).values("pk"))


def _site_scope(actor: Actor) -> Q:
    return Q(agency=actor.agency)


policy.register(
    actions=[value for name, value in vars(ProgrammeAction).items() if name.isupper()],
    grants=GRANTS,
    scopes={
        "programmes.Referral": referral_scope,
        "programmes.Invitation": _invitation_scope,
        "programmes.Group": _group_scope,
        "programmes.Session": _session_scope,
        "programmes.GroupMember": _member_scope,
        "programmes.Homework": _homework_scope,
        "programmes.CustodyPeriod": _custody_scope,
        "programmes.EndOfProgrammeReport": _report_scope,
        "programmes.Site": _site_scope,
    },
    action_scopes={
        ("programmes.Referral", A.REFERRAL_PROGRESS): _referral_provider_scope,
        ("programmes.Referral", A.REFERRAL_SUBMIT): _referral_referrer_scope,
        ("programmes.Referral", A.REFERRAL_HOLD): _referral_either_scope,
        ("programmes.Referral", A.REFERRAL_RELEASE): _referral_either_scope,
        ("programmes.Referral", A.REFERRAL_WITHDRAW): _referral_either_scope,
        ("programmes.Group", A.SESSION_RUN): lambda actor: _facilitates(actor, ""),
        ("programmes.Session", A.SESSION_RUN): lambda actor: _facilitates(actor, "group"),
        ("programmes.GroupMember", A.SESSION_RUN): _member_run_scope,
        ("programmes.Homework", A.SESSION_RUN): _homework_run_scope,
        ("programmes.CustodyPeriod", A.CUSTODY_RECORD): _custody_record_scope,
        ("programmes.GroupMember", A.PSEUDONYM_MANAGE): lambda actor: Q(prevention_agency=actor.agency),
        ("programmes.Group", A.PSEUDONYM_MANAGE): lambda actor: Q(partner_agency=actor.agency),
    },
)
