"""`{% load supervision_tags %}`: codes and dates of supervision records in words."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import template

from safeguard.supervision.choices import RiskLevel
from safeguard.supervision.rules.visits import NOTHING_DUE, TRIGGER_WORDS, ReviewTrigger

register = template.Library()


@register.filter
def risk_words(code: str) -> str:
    """`very_high` → "Very high"; an empty level → "Not known"."""
    return str(RiskLevel(code).label) if code in RiskLevel.values else "Not known"


@register.filter
def trigger_words(code: str) -> str:
    return TRIGGER_WORDS.get(ReviewTrigger(code), code.replace("_", " ")) if code in {t.value for t in ReviewTrigger} else code


@register.filter
def day(value: date | None) -> str:
    """1 June 2025; nothing for no date; "Nothing due" for the sentinel that sorts last."""
    if value is None:
        return ""
    if value == NOTHING_DUE:
        return "Nothing due"
    return f"{value.day} {value:%B %Y}"


@register.filter
def overdue(value: date | None, today: date) -> bool:
    return value is not None and value < today


@register.filter
def yes_no(value: Any) -> str:
    return "Yes" if value else "No"


@register.filter
def unreadable(value: Any) -> bool:
    return bool(getattr(value, "unreadable", False))


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key, []) if mapping else []
