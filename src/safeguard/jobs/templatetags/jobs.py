"""`{% load jobs %}`: a task's progress indicator, and the figures for the administrators' panel."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from safeguard import policy
from safeguard.jobs import selectors
from safeguard.jobs.models import TaskProgress
from safeguard.policy import Action

register = template.Library()


@register.inclusion_tag("jobs/includes/progress.html")
def task_progress(progress: TaskProgress) -> dict[str, Any]:
    """`{% task_progress progress %}`: the progress indicator of a task started from this page."""
    return {"view": selectors.progress_view(progress)}


@register.simple_tag(takes_context=True)
def jobs_panel(context: template.Context) -> dict[str, Any] | None:
    """`{% jobs_panel as jobs %}`: workers running and recent failures, for administrators only."""
    actor = context.get("actor")
    if not policy.allows(actor, Action.JOBS_VIEW):
        return None
    return selectors.panel(now=timezone.now())
