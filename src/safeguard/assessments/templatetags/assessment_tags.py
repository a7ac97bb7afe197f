"""Template tags that show a person's assessments on their record (filled in by the assessments app)."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("assessments/_person_assessments.html")
def person_assessments(person: Any, actor: Any) -> dict[str, Any]:
    return {"person": person, "actor": actor, "assessments": []}
