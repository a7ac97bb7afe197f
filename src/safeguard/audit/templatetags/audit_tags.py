"""Words for the audit log's codes: actions, record types and roles."""

from __future__ import annotations

from django import template

from safeguard.accounts.choices import Role
from safeguard.audit import actions

register = template.Library()
_ROLES = dict(Role.choices)


@register.filter
def action_label(name: str) -> str:
    return actions.action_label(name)


@register.filter
def record_label(object_type: str) -> str:
    return actions.record_label(object_type)


@register.filter
def role_label(role: str) -> str:
    return str(_ROLES.get(role, role))


def _words(key: str) -> str:
    return key.replace("_", " ").capitalize()


def _value(value: object) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if value is None or value == "" or value == {} or value == []:
        return "none"
    if isinstance(value, dict):
        return ", ".join(f"{_words(str(k)).lower()} {_value(v)}" for k, v in sorted(value.items()))
    if isinstance(value, list):
        return ", ".join(_value(v) for v in value)
    return str(value)


@register.filter
def aggregate_summary(details: object) -> str:
    """An aggregate event's description in words: "Format: csv; Rows: 120; …"."""
    if not isinstance(details, dict):
        return ""
    return "; ".join(f"{_words(str(key))}: {_value(value)}" for key, value in sorted(details.items()))
