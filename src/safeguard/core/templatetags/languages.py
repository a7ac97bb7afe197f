"""`{% language_switch %}`: links to the same public page in each of its languages."""

from __future__ import annotations

from typing import Any

from django import template

from safeguard.core.i18n import language_links

register = template.Library()


@register.inclusion_tag("core/includes/language_switch.html", takes_context=True)
def language_switch(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    return {"links": language_links(request) if request is not None else []}
