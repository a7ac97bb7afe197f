"""Template helpers of the prevention staff pages."""

from __future__ import annotations

from django import template

from safeguard.prevention.disclosure_workflow import DISCLOSURE
from safeguard.prevention.modules import BY_SLUG
from safeguard.prevention.selectors import service_message_text

register = template.Library()


@register.filter
def module_titles(slugs: list[str]) -> str:
    return ", ".join(str(BY_SLUG[s].title) for s in slugs or [] if s in BY_SLUG)


@register.filter
def disclosure_state(code: str) -> str:
    return DISCLOSURE.label_of(code)


@register.filter
def service_words(body: str) -> str:
    return service_message_text(body)
