"""Who may do what in the prevention service: its staff, at the handling centre only.

Prevention records are visible to the practitioners and supervisors of the centre that handles
them and to nobody else: no other agency, and no global role, can read, search, count or export
them. The one opening is the disclosure register, which auditors (of the administration agency
and of prevention agencies) may read: who asked for which disclosure, who decided, to whom it went.
"""

from __future__ import annotations

from django.db.models import Q

from safeguard import policy
from safeguard.accounts.choices import AgencyKind, Role
from safeguard.policy import Actor


class PreventionAction:
    CONVERSATION_VIEW = "prevention.conversation.view"
    CONVERSATION_REPLY = "prevention.conversation.reply"
    CONTACT_VIEW = "prevention.contact.view"
    CONTACT_RECORD = "prevention.contact.record"
    REFERRAL_VIEW = "prevention.referral.view"
    REFERRAL_MANAGE = "prevention.referral.manage"
    STATISTICS_VIEW = "prevention.statistics.view"
    TEMPLATE_MANAGE = "prevention.template.manage"
    CENTRE_MANAGE = "prevention.centre.manage"
    DISCLOSURE_REQUEST = "prevention.disclosure.request"
    DISCLOSURE_DECIDE = "prevention.disclosure.decide"
    DISCLOSURE_RELEASE = "prevention.disclosure.release"
    DISCLOSURE_REGISTER = "prevention.disclosure.register"


ACTION_WORDS = {
    PreventionAction.CONVERSATION_VIEW: "View prevention conversations",
    PreventionAction.CONVERSATION_REPLY: "Answer prevention conversations",
    PreventionAction.CONTACT_VIEW: "View the prevention contact log",
    PreventionAction.CONTACT_RECORD: "Record a prevention contact",
    PreventionAction.REFERRAL_VIEW: "View centre referrals",
    PreventionAction.REFERRAL_MANAGE: "Manage a centre's waiting list",
    PreventionAction.STATISTICS_VIEW: "View prevention service statistics",
    PreventionAction.TEMPLATE_MANAGE: "Manage reply templates",
    PreventionAction.CENTRE_MANAGE: "Change a centre's public details",
    PreventionAction.DISCLOSURE_REQUEST: "Ask for a safeguarding disclosure",
    PreventionAction.DISCLOSURE_DECIDE: "Decide on a safeguarding disclosure",
    PreventionAction.DISCLOSURE_RELEASE: "Release a safeguarding disclosure",
    PreventionAction.DISCLOSURE_REGISTER: "View the disclosure register",
}


def is_prevention_staff(kind: str, role: str) -> bool:
    return kind == AgencyKind.PREVENTION and role in (Role.PRACTITIONER, Role.SUPERVISOR)


def is_prevention_supervisor(kind: str, role: str) -> bool:
    return kind == AgencyKind.PREVENTION and role == Role.SUPERVISOR


def reads_disclosure_register(kind: str, role: str) -> bool:
    auditor = role == Role.AUDITOR and kind in (AgencyKind.ADMINISTRATION, AgencyKind.PREVENTION)
    return is_prevention_supervisor(kind, role) or auditor


def _handling_centre(actor: Actor) -> Q:
    return Q(centre=actor.agency)


def _referral_scope(actor: Actor) -> Q:
    # The centre the person asked to see, and the centre whose conversation the referral came from.
    return Q(centre=actor.agency) | Q(conversation__centre=actor.agency)


def _register_scope(actor: Actor) -> Q:
    return Q() if actor.is_global else Q(centre=actor.agency)


_STAFF = (
    PreventionAction.CONVERSATION_VIEW,
    PreventionAction.CONVERSATION_REPLY,
    PreventionAction.CONTACT_VIEW,
    PreventionAction.CONTACT_RECORD,
    PreventionAction.REFERRAL_VIEW,
    PreventionAction.REFERRAL_MANAGE,
    PreventionAction.STATISTICS_VIEW,
)
_SUPERVISORS = (
    PreventionAction.TEMPLATE_MANAGE,
    PreventionAction.CENTRE_MANAGE,
    PreventionAction.DISCLOSURE_REQUEST,
    PreventionAction.DISCLOSURE_DECIDE,
    PreventionAction.DISCLOSURE_RELEASE,
)

policy.register(
    actions=list(ACTION_WORDS),
    grants={
        **dict.fromkeys(_STAFF, is_prevention_staff),
        **dict.fromkeys(_SUPERVISORS, is_prevention_supervisor),
        PreventionAction.DISCLOSURE_REGISTER: reads_disclosure_register,
    },
    scopes={
        "prevention.Conversation": _handling_centre,
        "prevention.ContactRecord": _handling_centre,
        "prevention.CentreReferral": _referral_scope,
        "prevention.ReplyTemplate": _handling_centre,
        "prevention.Disclosure": _handling_centre,
        "prevention.CentreProfile": lambda actor: Q(agency=actor.agency),
    },
    action_scopes={
        ("prevention.CentreReferral", PreventionAction.REFERRAL_MANAGE): lambda actor: Q(centre=actor.agency),
        ("prevention.Disclosure", PreventionAction.DISCLOSURE_REGISTER): _register_scope,
    },
)
