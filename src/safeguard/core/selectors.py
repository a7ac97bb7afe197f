"""What each role's dashboard shows, read through the other apps' selectors and the policy."""

from __future__ import annotations

from typing import Any

from safeguard import policy
from safeguard.accounts.choices import AgencyKind, Role
from safeguard.accounts.models import User
from safeguard.audit.models import AuditEvent, Outcome
from safeguard.policy import Action, Actor


def dashboard_for(actor: Actor) -> dict[str, Any]:
    """The panels for this actor's role; each one only reads what the policy allows."""
    panels: dict[str, Any] = {"template": "core/dashboards/default.html"}
    kind, role = actor.agency.kind, actor.role
    if policy.allows(actor, Action.PERSON_VIEW):
        from safeguard.people.selectors import visible_person_count, visible_persons

        panels["template"] = "core/dashboards/caseload.html"
        count, exact = visible_person_count(actor=actor)  # bounded: the same cost at any size
        panels["caseload_count"] = f"{count:,}" if exact else f"More than {count:,}"
        recent_ids = list(
            AuditEvent.objects.filter(user_id=actor.user.pk, action="person.view", outcome=Outcome.SUCCESS)
            .order_by("-id")
            .values_list("object_id", flat=True)[:30]
        )
        seen = list(dict.fromkeys(recent_ids))[:5]
        persons = {str(p.pk): p for p in visible_persons(actor=actor).filter(pk__in=seen)}
        panels["recent_persons"] = [persons[i] for i in seen if i in persons]
    if kind == AgencyKind.PREVENTION and role in (Role.PRACTITIONER, Role.SUPERVISOR):
        panels["template"] = "core/dashboards/prevention.html"
    if policy.allows(actor, Action.AUDIT_VIEW):
        panels["template"] = "core/dashboards/auditor.html"
        panels["recent_exceptions"] = list(
            policy.scope(actor, Action.AUDIT_VIEW, AuditEvent.objects.all())
            .exclude(outcome=Outcome.SUCCESS)
            .order_by("-id")[:10]
        )
    if policy.allows(actor, Action.USERS_VIEW):
        panels["template"] = "core/dashboards/administrator.html"
        panels["locked_users"] = list(
            policy.scope(actor, Action.USERS_VIEW, User.objects.all()).filter(locked_at__isnull=False)[:20]
        )
        from safeguard.accounts.selectors import approvals_requested_by, approvals_waiting

        panels["approvals_waiting"] = list(approvals_waiting(actor=actor)[:10])
        panels["approvals_mine"] = approvals_requested_by(actor=actor).count()
    if policy.allows(actor, Action.INSIGHTS_VIEW):
        panels["template"] = "core/dashboards/analyst.html"
    if kind == AgencyKind.COURT:
        panels["court"] = True
    return panels
