"""`{% calendar_feed_section %}`: the account page's calendar feed section, kept in the feeds app."""

from __future__ import annotations

from typing import Any

from django import template

from safeguard.feeds.selectors import live_feed

register = template.Library()


@register.inclusion_tag("feeds/_account_section.html", takes_context=True)
def calendar_feed_section(context: template.Context) -> dict[str, Any]:
    actor = context.get("actor")
    return {"actor": actor, "feed": live_feed(actor=actor) if actor is not None else None, "csrf_token": context.get("csrf_token")}
