"""Who may see due items: everyone asks for their own (the page then needs a provider for the role),
supervisors for their team's too. Registered into the one policy engine at start-up."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from safeguard import policy
from safeguard.accounts.choices import Role
from safeguard.policy import Actor


class AlertsAction:
    VIEW = "alerts.view"
    TEAM_VIEW = "alerts.team.view"


def _own(actor: Actor) -> Q:
    """A user's acknowledgements are theirs alone, in whichever role they act."""
    return Q(user_id=actor.user.pk)


def _team(actor: Actor) -> Q:
    """A supervisor sees whether the people of their agency acknowledged their own items."""
    from safeguard.accounts.models import Membership

    return Q(Exists(Membership.objects.filter(user=OuterRef("user"), agency=actor.agency)))


policy.register(
    actions=[AlertsAction.VIEW, AlertsAction.TEAM_VIEW],
    grants={
        # Whether due items mean anything to a role depends on the providers its apps registered
        # (safeguard.core.due.providers_for); the pages and the panel check that themselves.
        AlertsAction.VIEW: lambda kind, role: True,
        AlertsAction.TEAM_VIEW: lambda kind, role: role == Role.SUPERVISOR,
    },
    scopes={"alerts.Acknowledgement": _own},
    action_scopes={("alerts.Acknowledgement", AlertsAction.TEAM_VIEW): _team},
)
