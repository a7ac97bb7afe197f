"""A step-by-step form whose answers travel with the page until the last page saves them all at once.

For a record made in one go (a programme referral): nothing is stored until every step is valid and
the user confirms on the check-your-answers page, so an abandoned form leaves nothing half-saved and
no answer (however sensitive) waits in the session. Each page posts every answer so far: the current
step's fields as inputs, the other steps' as hidden inputs (`carried`). What arrives is checked again
in full before saving, so a hidden input changed in the browser gains nothing.

A POST names the page it came from (`step`: a step's slug, or `check`) and where to go (`go`: `next`,
or a step's slug). A POST that names no page is the whole form sent at once, as from the check page:
every step is checked and the first step with an error is shown. Going forward checks every step
before the one asked for; an error sends the user back to the earliest step that has one. A step
changed from the check page (`return=check`) continues straight back to it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from safeguard.core.forms import DateInputField
from safeguard.core.steps import Step, StepProgress, Steps
from safeguard.core.templatetags.govuk import error_anchor
from safeguard.core.wording import date_words

CHECK = "check"  # the check-your-answers page, after the last step
NEXT = "next"
NOT_GIVEN = "Not given"

# Builds one step's form: (the step, the data sent or None, initial values or None).
StepFormFactory = Callable[[Step, Any, Mapping[str, Any] | None], forms.BaseForm]


@dataclass
class StepPage:
    """What to show: one step's form (`step` set), or the check-your-answers page (`step` None)."""

    step: Step | None
    form: forms.BaseForm | None
    errors: list[dict[str, str]]
    carried: list[tuple[str, str]]
    tasks: list[StepProgress]
    answers: list[dict[str, Any]] = field(default_factory=list)
    finished: bool = False  # every step valid and confirmed: save now
    returning: bool = False  # a change asked for on the check page: "Continue" goes back there
    back_go: str = ""  # the step "Back to the previous step" returns to (none on the first step)

    def context(self) -> dict[str, Any]:
        """The template's variables (core/steps/_layout.html and core/steps/_answers.html)."""
        return {
            "step": self.step,
            "form": self.form,
            "errors": self.errors,
            "carried": self.carried,
            "tasks": self.tasks,
            "answers": self.answers,
            "sent": self.step.slug if self.step is not None else CHECK,
            "checking": self.step is None,
            "returning": self.returning,
            "back_go": self.back_go,
            "number": next((t.number for t in self.tasks if t.current), 0),
            "total": len(self.tasks),
        }


class CarriedSteps:
    """One request's pass through a step-by-step form whose answers travel with the page."""

    def __init__(self, steps: Steps, form_for: StepFormFactory, data: Any | None) -> None:
        self.steps = steps
        self.form_for = form_for
        self.data = data
        self._bound: dict[str, forms.BaseForm] = {}
        self._returning = False

    def bound(self, item: Step) -> forms.BaseForm:
        """The step's form bound to what was sent (built once per request)."""
        if item.slug not in self._bound:
            self._bound[item.slug] = self.form_for(item, self.data, None)
        return self._bound[item.slug]

    # --- where the request goes -------------------------------------------------------------------

    def _position(self, slug: str) -> int:
        """A step's position; the check page is one past the last step."""
        return len(self.steps) if slug == CHECK else self.steps.index_of(slug)

    def _sent(self) -> str:
        sent = str(self.data.get("step", "")) if self.data is not None else ""
        return sent if sent == CHECK or self.steps.get(sent) is not None else CHECK

    def page(self) -> StepPage:
        """The page this request shows: the first step for a GET, otherwise where `go` leads once the
        steps before it are valid, or the earliest step with an error."""
        if self.data is None:
            return self._show(self.steps.first, errors=False)
        sent = self._sent()
        go = str(self.data.get("go", NEXT))
        if go != NEXT and self.steps.get(go) is not None:
            target = self._position(go)
            self._returning = sent == CHECK
        elif self.data.get("return") == CHECK:
            target = len(self.steps)
        else:
            target = min(self._position(sent) + 1, len(self.steps))
        for index in range(target):
            item = self.steps[index]
            if not self.bound(item).is_valid():
                return self._show(item, errors=True)
        if target < len(self.steps):
            return self._show(self.steps[target], errors=False)
        return StepPage(
            None, None, [], self._carry(None), self._tasks(None), self._answers(),
            finished=sent == CHECK and go == NEXT, back_go=self.steps.last.slug,
        )  # fmt: skip

    def cleaned_data(self) -> dict[str, Any]:
        """Every step's answers together; call once `page()` says finished."""
        merged: dict[str, Any] = {}
        for item in self.steps:
            form = self.bound(item)
            if not form.is_valid():
                raise ValueError(f"step {item.slug!r} is not valid")
            merged.update(form.cleaned_data)
        return merged

    def refused(self, exc: ValidationError, aliases: Mapping[str, str] | None = None) -> StepPage:
        """A service refused the whole: show the earliest step owning one of its errors, each error on
        its field there. `aliases` names the form field for a field the service names differently."""
        aliases = aliases or {}
        errors: dict[str, list[str]] = {}
        if hasattr(exc, "error_dict"):
            for name, found in exc.error_dict.items():
                errors.setdefault(aliases.get(name, name), []).extend(m for e in found for m in e.messages)
        else:
            errors["__all__"] = list(exc.messages)
        owner = self.steps.earliest(errors) or self.steps.first
        form = self.bound(owner)
        for name, messages in errors.items():
            if self.steps.step_for_field(name) == owner:
                form.add_error(name if name in form.fields else None, messages)
        return self._show(owner, errors=True)

    # --- what the page shows ----------------------------------------------------------------------

    def _show(self, item: Step, *, errors: bool) -> StepPage:
        if errors:
            form = self.bound(item)
            summary = [
                {"anchor": error_anchor(form, name), "message": str(message)}
                for name, messages in form.errors.items()
                for message in messages
            ]
        else:
            form = self.form_for(item, None, self._initial(item))
            summary = []
        returning = self._returning or (self.data is not None and self.data.get("return") == CHECK)
        previous = self.steps.previous_step(item.slug)
        return StepPage(
            item, form, summary, self._carry(item), self._tasks(item),
            returning=returning, back_go=previous.slug if previous else "",
        )  # fmt: skip

    def _initial(self, item: Step) -> dict[str, Any] | None:
        """The answers sent for a step, as the initial values of its form (shown, not yet checked)."""
        if self.data is None:
            return None
        form = self.bound(item)
        return {
            bound.name: bound.value()
            for bound in form
            if not bound.field.widget.value_omitted_from_data(self.data, None, form.add_prefix(bound.name))
        }

    def _reached(self) -> int:
        """How far the user has gone (carried in the page), so the step list shows those steps done."""
        value = str(self.data.get("reached", "")) if self.data is not None else ""
        return min(int(value), len(self.steps)) if value.isdigit() else 0

    def _tasks(self, current: Step | None) -> list[StepProgress]:
        position = len(self.steps) if current is None else self.steps.index_of(current.slug)
        reached = max(self._reached(), position)
        done = {item.slug for index, item in enumerate(self.steps) if index < reached}
        return self.steps.progress(None if current is None else current.slug, done)

    def _carry(self, current: Step | None) -> list[tuple[str, str]]:
        """Hidden inputs for every step's answers but the current one's, and how far the user has got."""
        position = len(self.steps) if current is None else self.steps.index_of(current.slug)
        carried = [("reached", str(max(self._reached(), position)))]
        if self.data is None:
            return carried
        names = {n for item in self.steps if item != current for n in self.bound(item).fields}
        for key, values in self.data.lists():
            if _field_of(key, names):
                carried.extend((key, str(value)) for value in values)
        return carried

    def _answers(self) -> list[dict[str, Any]]:
        """Each step with its questions and answers, for the check-your-answers page."""
        return [
            {"step": item, "rows": answer_rows(self.bound(item))}
            for item in self.steps
        ]  # fmt: skip


def _field_of(key: str, names: Iterable[str]) -> bool:
    """Whether a submitted key is a field's value (`site`) or part of it (`consent_given_on-day`)."""
    return any(key == name or key.startswith((f"{name}-", f"{name}_")) for name in names)


def answer_text(form: forms.BaseForm, name: str) -> str:
    """A checked answer in words: a choice's label, a date in words, the text, or "Not given"."""
    declared = form.fields[name]
    value = form.cleaned_data.get(name)
    if value in (None, "", [], ()):
        return NOT_GIVEN
    if isinstance(declared, forms.ModelChoiceField):
        return str(declared.label_from_instance(value))
    if isinstance(declared, DateInputField) or isinstance(value, date):
        return date_words(value)
    choices = {str(k): str(v) for k, v in getattr(declared, "choices", ()) or ()}
    if isinstance(value, list | tuple):
        return "; ".join(choices.get(str(v), str(v)) for v in value)
    if isinstance(declared, forms.BooleanField):
        return "Yes" if value else "No"
    return choices.get(str(value), str(value))


def answer_rows(form: forms.BaseForm) -> list[tuple[str, str]]:
    """Every question of a valid step's form with its answer."""
    return [(str(form.fields[name].label or name), answer_text(form, name)) for name in form.fields]
