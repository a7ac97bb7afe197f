"""Reads for workflows: a record's history, the transitions open to an actor, the state diagram.

These read the workflow's own history; the record itself must already have been found through
the app's selector (scoped and audited by the policy), so they take the record, never an id.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import models

from safeguard import policy
from safeguard.accounts.choices import AgencyKind, Role
from safeguard.policy import Actor
from safeguard.workflows.definitions import State, Transition, Workflow
from safeguard.workflows.models import TransitionRecord

HISTORY_LIMIT = 200


def history(*, workflow: Workflow, obj: models.Model) -> list[TransitionRecord]:
    """The record's transitions, oldest first (at most 200: a record moves a handful of times)."""
    rows = (
        TransitionRecord.objects.filter(
            workflow=workflow.name, subject_type=obj._meta.label, subject_id=str(obj.pk)
        )
        .select_related("user", "agency")
        .order_by("-id")[:HISTORY_LIMIT]
    )
    return list(reversed(rows))


def available_transitions(*, actor: Actor, workflow: Workflow, obj: models.Model) -> list[Transition]:
    """What this actor may do to this record now: one policy check per distinct action, and the
    two-person rule applied so a requester is never offered their own approval."""
    current = getattr(obj, workflow.state_field)
    outgoing = workflow.outgoing(current)
    allowed = {action for action in {t.action for t in outgoing} if policy.allows(actor, action, obj)}
    offered = [t for t in outgoing if t.action in allowed]
    earlier_names = {t.different_actor_from for t in offered if t.different_actor_from}
    if earlier_names:
        latest: dict[str, int] = {}
        rows = TransitionRecord.objects.filter(
            workflow=workflow.name, subject_type=obj._meta.label, subject_id=str(obj.pk),
            transition__in=earlier_names,
        ).order_by("id").values_list("transition", "user_id")
        for name, user_id in rows:
            latest[name] = user_id
        offered = [
            t for t in offered
            if not t.different_actor_from
            or (t.different_actor_from in latest and latest[t.different_actor_from] != actor.user.pk)
        ]
    return offered


@dataclass(frozen=True)
class DiagramStep:
    transition: Transition
    target: State
    who: list[str]
    reasons: list[str]
    two_person_after: str = ""


@dataclass(frozen=True)
class DiagramState:
    state: State
    current: bool
    initial: bool
    steps: list[DiagramStep] = field(default_factory=list)


def who_may(action: str) -> list[str]:
    """The roles the policy grants an action, in words ("Probation: Practitioner")."""
    kinds = dict(AgencyKind.choices)
    roles = dict(Role.choices)
    return [
        f"{kinds[kind]}: {roles[role]}"
        for (kind, role), granted in policy.GRANTS.items()
        if action in granted
    ]


def diagram(*, workflow: Workflow, current: str | None = None) -> dict[str, Any]:
    """The state diagram as data for `workflows/includes/diagram.html`: every state in declared
    order with the transitions leaving it, who may make each (from the policy), the reasons it
    asks for and the two-person rule."""
    states = []
    for state in workflow.states:
        steps = [
            DiagramStep(
                transition=t,
                target=workflow.state(t.target),
                who=who_may(t.action),
                reasons=[r.label for r in t.reasons],
                two_person_after=workflow.named(t.different_actor_from)[0].label if t.different_actor_from else "",
            )
            for t in workflow.outgoing(state.code)
        ]
        states.append(
            DiagramState(state=state, current=state.code == current, initial=state.code == workflow.initial,
                         steps=steps)
        )
    return {"workflow": workflow, "states": states}
