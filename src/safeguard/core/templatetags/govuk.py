"""Renders Django form fields and error summaries with GOV.UK Frontend markup."""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from safeguard.core.forms import DATE_PARTS, DateInput, date_parts

register = template.Library()
DATE_EXAMPLE = "27 3 2007"


def _kind(field: forms.BoundField) -> str:
    widget = field.field.widget
    if isinstance(widget, DateInput):
        return "date"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.CheckboxSelectMultiple):  # a subclass of RadioSelect: asked first
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    return "input"


def select_options(choices: Any, value: Any) -> SafeString:
    """A select's options, escaped, the chosen one marked: built here in one pass (the audit log's action
    filter has some 200 options; a template loop over them was most of the page's time)."""
    chosen = str(value)

    def options(pairs: Any) -> SafeString:
        return format_html_join("", "<option value=\"{}\"{}>{}</option>",
                                ((v, mark_safe(" selected") if str(v) == chosen else "", label) for v, label in pairs))  # fmt: skip

    parts = [
        format_html('<optgroup label="{}">{}</optgroup>', group, options(inner))
        if isinstance(inner, (list, tuple)) else options([(group, inner)])
        for group, inner in choices
    ]  # fmt: skip
    return mark_safe("".join(parts))  # noqa: S308 - every part built by format_html


@register.inclusion_tag("core/includes/field.html")
def govuk_field(field: forms.BoundField, width: str = "", autocomplete: str = "") -> dict[str, Any]:
    widget = field.field.widget
    input_type = getattr(widget, "input_type", "text")
    kind = _kind(field)
    context = {
        "field": field,
        "kind": kind,
        "input_type": input_type,
        "width": width,
        "autocomplete": autocomplete or widget.attrs.get("autocomplete", ""),
        "value": field.value() if field.value() is not None else "",
    }
    if kind == "select":
        context["options"] = select_options(getattr(field.field, "choices", ()), context["value"])
    if kind == "date":
        context["parts"] = date_parts(field)
        help_text = str(field.help_text or "").rstrip(". ")
        context["date_hint"] = f"{help_text}. For example, {DATE_EXAMPLE}" if help_text else f"For example, {DATE_EXAMPLE}"
    return context


def error_anchor(form: forms.BaseForm, name: str) -> str:
    """The id the error summary links to: the field, or for a date the first box that is wrong."""
    if name == "__all__" or name not in form.fields:
        return ""
    custom = getattr(form, "anchor", None)  # a form whose template gives its own ids
    if callable(custom):
        return str(custom(name))
    field = form.fields[name]
    bound = form[name]
    if isinstance(field.widget, DateInput):
        wrong = getattr(field, "error_parts", ()) or DATE_PARTS
        return f"{bound.auto_id}-{wrong[0]}"
    if isinstance(field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return f"{bound.auto_id}_0"
    return str(bound.auto_id)


@register.inclusion_tag("core/includes/error_summary.html")
def govuk_error_summary(form: forms.BaseForm) -> dict[str, Any]:
    errors: list[dict[str, str]] = []
    for name, messages in form.errors.items():
        anchor = error_anchor(form, name)
        errors.extend({"anchor": anchor, "message": str(message)} for message in messages)
    return {"errors": errors}


@register.filter
def may(actor: Any, action: str) -> bool:
    """`{% if actor|may:"person.create" %}`: the policy's answer, for showing or hiding controls."""
    from safeguard import policy

    return policy.allows(actor, action)
