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
