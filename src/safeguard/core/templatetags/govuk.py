"""Renders Django form fields and error summaries with GOV.UK Frontend markup."""

from __future__ import annotations

from typing import Any

from django import forms, template

register = template.Library()


def _kind(field: forms.BoundField) -> str:
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    return "input"


@register.inclusion_tag("core/includes/field.html")
def govuk_field(field: forms.BoundField, width: str = "", autocomplete: str = "") -> dict[str, Any]:
    widget = field.field.widget
    input_type = getattr(widget, "input_type", "text")
    return {
        "field": field,
        "kind": _kind(field),
        "input_type": input_type,
        "width": width,
        "autocomplete": autocomplete or widget.attrs.get("autocomplete", ""),
        "value": field.value() if field.value() is not None else "",
    }


@register.inclusion_tag("core/includes/error_summary.html")
def govuk_error_summary(form: forms.BaseForm) -> dict[str, Any]:
    errors: list[dict[str, str]] = []
    for name, messages in form.errors.items():
        anchor = f"id_{name}" if name != "__all__" else ""
        errors.extend({"anchor": anchor, "message": str(message)} for message in messages)
    return {"errors": errors}


@register.filter
def may(actor: Any, action: str) -> bool:
    """`{% if actor|may:"person.create" %}`: the policy's answer, for showing or hiding controls."""
    from safeguard import policy

    return policy.allows(actor, action)
