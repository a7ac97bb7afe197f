"""Words for programme records on pages: a programme's name, how long someone has waited, an outcome."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from safeguard.programmes import catalogue
from safeguard.programmes.choices import Outcome
from safeguard.programmes.domains import SCALE

register = template.Library()


@register.filter
def programme_name(programme_id: str) -> str:
    found = catalogue.get(programme_id)
    return found.name if found else "A programme no longer in the catalogue"


@register.filter
def waiting_words(referral: Any) -> str:
    """"6 weeks" from submission to start (or to today while waiting); "–" before submission."""
    days = referral.waiting_days(timezone.localdate())
    if days is None:
        return "–"
    weeks = days // 7
    if weeks == 0:
        return f"{days} day{'s' if days != 1 else ''}"
    return f"{weeks} week{'s' if weeks != 1 else ''}"


@register.filter
def outcome_label(code: str) -> str:
    try:
        return str(Outcome(code).label)
    except ValueError:
        return "Not recorded"


@register.filter
def rating_of(review: Any, code: str) -> Any:
    return getattr(review, code, None)


@register.filter
def scale_word(value: int) -> str:
    return SCALE.get(value, "Not rated")


@register.filter
def tenth(percent: int) -> int:
    """A width in tens of per cent for the bar classes (sg-bar-0 … sg-bar-100)."""
    return min(100, max(0, round(percent / 10) * 10))


@register.filter
def get_member(memberships: dict[int, Any], referral_id: int) -> Any:
    return memberships.get(referral_id)
