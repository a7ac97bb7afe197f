"""Draws what feature apps registered in `safeguard.core.plugins`: dashboard panels and person sections."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from safeguard.core import plugins

register = template.Library()


def _draw(shown: list[plugins.Shown], context: template.Context, grid: bool) -> SafeString:
    # The page's context already holds what the context processors gave (request, actor, csrf_token,
    # navigation): each part is drawn with it, not with the request, which would run them all again.
    parts: list[str] = []
    base: dict[str, Any] = {str(k): v for k, v in context.flatten().items()}
    for item in shown:
        html: str = render_to_string(item.template, {**base, **item.context})
        if grid:
            html = f'<div class="govuk-grid-column-{item.width}">{html}</div>'
        parts.append(html)
    if grid and parts:
        parts = ['<div class="govuk-grid-row" data-testid="plugin-panels">', *parts, "</div>"]
    # Each part is a template rendered with autoescaping on.
    return mark_safe("".join(parts))  # noqa: S308


@register.simple_tag(takes_context=True)
def dashboard_plugin_panels(context: template.Context) -> SafeString:
    actor: Any = context.get("actor")
    if actor is None:
        return mark_safe("")
    return _draw(plugins.dashboard_panels(actor), context, grid=True)


@register.simple_tag(takes_context=True)
def person_plugin_sections(context: template.Context, person: Any) -> SafeString:
    actor: Any = context.get("actor")
    if actor is None:
        return mark_safe("")
    return _draw(plugins.person_sections(actor, person), context, grid=False)
