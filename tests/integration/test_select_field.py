"""A select drawn by `govuk_field`: every option escaped, the chosen one marked, groups kept."""

from __future__ import annotations

from django import forms
from django.template import Context, Template


class Choose(forms.Form):
    plain = forms.ChoiceField(choices=[("", "Any"), ("a&b", "A <and> B"), ("3", "Three")], required=False)
    grouped = forms.ChoiceField(choices=[("Letters", [("x", "Ex"), ("y", "Why")]), ("z", "Zed")])


def draw(form: forms.Form, name: str) -> str:
    return Template("{% load govuk %}{% govuk_field form." + name + " %}").render(Context({"form": form}))


def test_options_are_escaped_and_the_chosen_one_is_selected():
    html = draw(Choose(data={"plain": "3", "grouped": "x"}), "plain")
    assert '<option value="a&amp;b">A &lt;and&gt; B</option>' in html
    assert '<option value="3" selected>Three</option>' in html
    assert html.count(" selected") == 1


def test_nothing_chosen_selects_the_empty_option_only_when_it_is_the_value():
    assert '<option value="" selected>Any</option>' in draw(Choose(), "plain")
    assert " selected" not in draw(Choose(data={"plain": "nope"}), "plain")


def test_groups_become_optgroups():
    html = draw(Choose(data={"grouped": "y"}), "grouped")
    assert '<optgroup label="Letters"><option value="x">Ex</option><option value="y" selected>Why</option></optgroup>' in html
    assert '<option value="z">Zed</option>' in html
