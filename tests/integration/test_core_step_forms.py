"""The platform's step-by-step form with its answers carried in the page (core.step_forms), on a small
form of its own: where each request goes, what travels hidden, and what a refusal of the whole does."""

from __future__ import annotations

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict

from safeguard.core.forms import DateInputField
from safeguard.core.step_forms import CHECK, CarriedSteps, answer_rows
from safeguard.core.steps import Step, Steps

STEPS = Steps(
    Step("name", "Name", ("name",)),
    Step("when", "When", ("day", "kind")),
    Step("notes", "Notes", ("notes",)),
)


class Whole(forms.Form):
    name = forms.CharField(label="Name", max_length=20)
    day = DateInputField(label="Day", required=True)
    kind = forms.ChoiceField(label="Kind", choices=[("a", "First kind"), ("b", "Second kind")])
    notes = forms.CharField(label="Notes", required=False)


def form_for(step: Step, data, initial) -> forms.Form:
    form = Whole(data, initial=initial)
    for name in [n for n in form.fields if n not in step.fields]:
        del form.fields[name]
    return form


def post(**values: str | list[str]) -> QueryDict:
    data = QueryDict(mutable=True)
    for name, value in values.items():
        data.setlist(name, value if isinstance(value, list) else [value])
    return data


EVERYTHING = {"name": "Ann", "day-day": "2", "day-month": "3", "day-year": "2025", "kind": "b", "notes": "x"}


def test_a_get_shows_the_first_step_with_nothing_carried_but_how_far():
    page = CarriedSteps(STEPS, form_for, None).page()
    assert page.step is STEPS.first and not page.errors and not page.finished
    assert page.carried == [("reached", "0")]
    assert page.context()["number"] == 1 and page.context()["total"] == 3 and page.back_go == ""


def test_continue_shows_the_next_step_unchecked_and_carries_the_others():
    page = CarriedSteps(STEPS, form_for, post(step="name", go="next", name="Ann")).page()
    assert page.step.slug == "when" and not page.errors and not page.form.is_bound
    assert ("name", "Ann") in page.carried and ("reached", "1") in page.carried
    assert [t.state for t in page.tasks] == ["done", "current", "to do"] and page.back_go == "name"


def test_every_part_of_a_date_travels_and_comes_back_into_its_boxes():
    page = CarriedSteps(STEPS, form_for, post(step="when", go="next", **EVERYTHING)).page()
    assert page.step.slug == "notes"
    assert {("day-day", "2"), ("day-month", "3"), ("day-year", "2025"), ("kind", "b")} <= set(page.carried)
    back = CarriedSteps(STEPS, form_for, post(step="notes", go="when", **EVERYTHING)).page()
    assert back.step.slug == "when" and back.form.initial["day"] == ("2", "3", "2025")
    assert all(not name.startswith("day") for name, _ in back.carried)


def test_the_whole_form_sent_at_once_is_checked_whole_and_returns_to_the_earliest_error():
    page = CarriedSteps(STEPS, form_for, post(name="Ann", kind="z")).page()
    assert page.step.slug == "when" and not page.finished
    assert [e["anchor"] for e in page.errors] == ["id_day-day", "id_kind"]
    done = CarriedSteps(STEPS, form_for, post(**EVERYTHING)).page()
    assert done.finished and done.step is None


def test_the_check_page_lists_the_answers_in_words_and_saves_only_when_confirmed():
    guided = CarriedSteps(STEPS, form_for, post(step="notes", go="next", **EVERYTHING))
    page = guided.page()
    assert page.step is None and not page.finished and page.back_go == "notes"
    assert [row for section in page.answers for row in section["rows"]] == [
        ("Name", "Ann"), ("Day", "2 March 2025"), ("Kind", "Second kind"), ("Notes", "x"),
    ]  # fmt: skip
    confirmed = CarriedSteps(STEPS, form_for, post(step=CHECK, go="next", **EVERYTHING))
    assert confirmed.page().finished and confirmed.cleaned_data()["kind"] == "b"


def test_answers_not_yet_valid_are_never_handed_over():
    with pytest.raises(ValueError, match="name"):
        CarriedSteps(STEPS, form_for, post(step="name")).cleaned_data()


def test_a_change_from_the_check_page_continues_back_to_it():
    page = CarriedSteps(STEPS, form_for, post(step=CHECK, go="name", **EVERYTHING)).page()
    assert page.step.slug == "name" and page.returning
    again = CarriedSteps(STEPS, form_for, post(step="name", go="next", **{"return": CHECK}, **EVERYTHING)).page()
    assert again.step is None and not again.finished


@pytest.mark.parametrize("values", [
    {"step": "nowhere", "go": "elsewhere"},  # an unknown page or place: the whole form is checked
    {"step": "name", "go": "next", "reached": "99999999999999999999"},
    {"step": "name", "go": "next", "reached": "-1"},
])  # fmt: skip
def test_what_a_browser_should_not_send_goes_nowhere_strange(values):
    page = CarriedSteps(STEPS, form_for, post(**values)).page()
    assert page.step is STEPS.first and page.errors
    assert all(0 <= int(v) <= len(STEPS) for n, v in page.carried if n == "reached")


def test_a_refusal_of_the_whole_returns_to_the_step_owning_its_earliest_error():
    guided = CarriedSteps(STEPS, form_for, post(step=CHECK, go="next", **EVERYTHING))
    assert guided.page().finished
    page = guided.refused(
        ValidationError({"type": ["Not that kind"], "notes": ["Too short"]}), aliases={"type": "kind"}
    )
    assert page.step.slug == "when" and page.form.errors == {"kind": ["Not that kind"]}
    assert page.errors == [{"anchor": "id_kind", "message": "Not that kind"}]
    anywhere = guided.refused(ValidationError("Something about the whole"))
    assert anywhere.step is STEPS.first and anywhere.form.non_field_errors() == ["Something about the whole"]


def test_answer_rows_say_not_given_for_an_empty_answer():
    form = form_for(STEPS[2], post(notes=""), None)
    assert form.is_valid() and answer_rows(form) == [("Notes", "Not given")]
