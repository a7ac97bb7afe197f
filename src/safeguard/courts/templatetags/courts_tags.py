"""Small display helpers for sentencing pages: dates, lengths and status tags from result dicts."""

from __future__ import annotations

from typing import Any

from django import template

from safeguard.courts import presenters

register = template.Library()


@register.filter
def date_text(value: object) -> str:
    """An ISO date from a result ('2031-01-09') as '9 January 2031'."""
    return presenters.date_text(value)


@register.filter
def duration_text(value: object) -> str:
    """A length from a result ('18m') as '18 months'."""
    return presenters.duration_text(value)


@register.filter
def sentence_text(value: object) -> str:
    return presenters.sentence_text(value)


@register.filter
def notification_text(result: Any) -> str:
    return presenters.notification_text(result if isinstance(result, dict) else None)


@register.filter
def scenario_sentence(scenario: Any) -> str:
    """The sentence for every offence of a scenario (the whole case's total)."""
    return presenters.sentence_headline(scenario)


@register.filter
def scenario_notification(scenario: Any) -> str:
    return presenters.notification_text(presenters.headline(scenario))


@register.filter
def scenario_outstanding(scenario: Any) -> int:
    return presenters.outstanding(scenario)


@register.inclusion_tag("courts/includes/status.html")
def status_tag(status: object) -> dict[str, Any]:
    """A GOV.UK tag for a fact's status: verified, or unverified transcription."""
    return {"status": str(status or "")}


@register.filter
def plain(text: object, words: Any = None) -> str:
    """An engine message in the forms' words (`words`: the page's `wording.Words`)."""
    from safeguard.courts.wording import Words

    return str((words if callable(words) else Words())(text))
