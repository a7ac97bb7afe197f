"""Template helpers of the prevention pages: public form errors, a centre's hours and languages in
the page's language, waiting times in words."""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.utils.dates import WEEKDAYS
from django.utils.translation import get_language_info, gettext, ngettext

register = template.Library()


def field_anchor(form: forms.BaseForm, name: str) -> str:
    if name not in form.fields:
        return "main-content"
    bound = form[name]
    if isinstance(form.fields[name].widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return f"{bound.auto_id}_0"
    return str(bound.auto_id)


@register.simple_tag
def help_errors(form: forms.BaseForm) -> list[tuple[str, str]]:
    """(anchor, message) for the error summary, in the form's field order."""
    return [(field_anchor(form, name), str(message)) for name, messages in form.errors.items() for message in messages]


@register.filter
def contact_hours(rows: list[list[Any]]) -> list[str]:
    """[[0, "09:00", "17:00"], …] as lines in the page's language, days with the same hours joined."""
    lines: list[str] = []
    groups: list[tuple[int, int, str, str]] = []
    for day, opens, closes in sorted(rows or []):
        if groups and groups[-1][1] == day - 1 and groups[-1][2:] == (opens, closes):
            groups[-1] = (groups[-1][0], day, opens, closes)
        else:
            groups.append((day, day, opens, closes))
    for first, last, opens, closes in groups:
        days = str(WEEKDAYS[first]) if first == last else gettext("%(first)s to %(last)s") % {
            "first": WEEKDAYS[first], "last": WEEKDAYS[last]}
        lines.append(gettext("%(days)s, %(opens)s to %(closes)s") % {"days": days, "opens": opens, "closes": closes})
    return lines


@register.filter
def language_names(codes: list[str]) -> str:
    names = []
    for code in codes or []:
        try:
            names.append(str(get_language_info(code)["name_translated"]))
        except KeyError:
            continue
    return ", ".join(names)


@register.filter
def waiting_words(weeks: int | None) -> str:
    if weeks is None:
        return gettext("Nobody is waiting at the moment")
    return ngettext("About %(count)s week", "About %(count)s weeks", weeks) % {"count": weeks}


@register.filter
def checked(given: dict[str, list[str]], key: str) -> list[str]:
    """The codes given for one question (for re-showing a submitted questionnaire)."""
    return list((given or {}).get(key, []))
