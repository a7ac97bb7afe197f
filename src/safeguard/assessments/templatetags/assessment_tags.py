"""Template tags that show a person's assessments on their record."""

from __future__ import annotations

from typing import Any

from django import template

from safeguard import policy
from safeguard.assessments.policies import AssessmentAction

register = template.Library()


@register.inclusion_tag("assessments/_person_assessments.html")
def person_assessments(person: Any, actor: Any) -> dict[str, Any]:
    """Latest results and own-agency drafts; nothing the actor may not view, and no extra audit event."""
    from safeguard.assessments.presentation import result_view
    from safeguard.assessments.selectors import person_summary

    summary = person_summary(actor=actor, person=person)
    return {
        "person": person,
        "actor": actor,
        "may_view": policy.allows(actor, AssessmentAction.VIEW),
        "may_edit": policy.allows(actor, AssessmentAction.EDIT),
        "summary": summary,
        "latest": [(a, result_view(a.result or {}, a.instrument_snapshot)) for a in summary.latest],
    }


@register.filter
def plain(text: object) -> str:
    """An instrument's text (description, limit, note) in the assessment form's words."""
    from safeguard.assessments.wording import plain as plain_words

    return plain_words(text)
