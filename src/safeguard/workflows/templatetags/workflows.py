"""`{% load workflows %}`: the state diagram and a record's history, in words."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template

from safeguard.workflows import selectors
from safeguard.workflows.definitions import Workflow
from safeguard.workflows.models import TransitionRecord

register = template.Library()


@register.inclusion_tag("workflows/includes/diagram.html")
def workflow_diagram(workflow: Workflow, current: str | None = None, heading_level: int = 2) -> dict[str, Any]:
    """Every state with the steps out of it, who may take each, and the reasons asked for."""
    return {**selectors.diagram(workflow=workflow, current=current), "heading_level": heading_level}


@register.inclusion_tag("workflows/includes/history.html")
def workflow_history(workflow: Workflow, records: Iterable[TransitionRecord]) -> dict[str, Any]:
    """The rows from `selectors.history`, with states, steps and reasons as labels."""
    rows = []
    for record in records:
        step = workflow.find(record.transition, record.from_state)
        reason = step.reason(record.reason_code) if step is not None and record.reason_code else None
        rows.append(
            {
                "record": record,
                "step": step.label if step is not None else record.transition,
                "from": workflow.label_of(record.from_state),
                "to": workflow.label_of(record.to_state),
                "reason": reason.label if reason is not None else "",
            }
        )
    return {"workflow": workflow, "rows": rows}
