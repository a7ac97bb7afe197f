"""Forms generated from an instrument's input schema: one question per input, its guidance beside it.

The schema (`registry.input_schema`) is the only description of the questions: titles, guidance,
types, choices, ranges and whether "not known" (null) is an answer. Nothing is re-typed here.
Answers become the JSON the instrument reads: true/false, whole numbers, numbers, ISO dates,
choice values, or null for "not known". A blank question is left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms

from safeguard.assessments.wording import plain
from safeguard.core.forms import DateInputField, date_parts
from safeguard.instruments import registry

UNKNOWN = "unknown"
RADIO_LIMIT = 6
DATE_OF_ASSESSMENT = "date_of_assessment"
REASON = "reason"


def humanise(value: object) -> str:
    """`very_high` → "Very high"; numbers stay as written."""
    text = str(value).replace("_", " ")
    return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class Question:
    """One input as a question: everything the form, the template and the error messages need."""

    name: str
    title: str
    guidance: str
    kind: str  # boolean, choice, integer, number, date
    nullable: bool
    required: bool
    choices: tuple[tuple[str, str], ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    component: str = ""
    past_event: bool = False  # a birth, an offence, a sentence: not after the date of the assessment

    @property
    def widget(self) -> str:
        if self.choices:
            return "radios" if len(self.choices) <= RADIO_LIMIT else "select"
        return "date" if self.kind == "date" else "input"


def _kind(prop: dict[str, Any]) -> tuple[str, bool]:
    types = prop.get("type", "string")
    types = list(types) if isinstance(types, list) else [types]
    nullable = "null" in types
    main = next((t for t in types if t != "null"), "string")
    if main == "string" and prop.get("format") == "date":
        return "date", nullable
    if main == "string":
        return "choice", nullable
    return str(main), nullable


def questions_for(instrument_id: str) -> list[Question]:
    schema = registry.input_schema(instrument_id)
    required = set(schema.get("required", ()))
    questions = []
    for name, prop in schema["properties"].items():
        kind, nullable = _kind(prop)
        choices: tuple[tuple[str, str], ...] = ()
        if kind == "boolean":
            choices = (("true", "Yes"), ("false", "No"))
        elif "enum" in prop:
            choices = tuple((str(v), humanise(v)) for v in prop["enum"] if v is not None)
        if choices and nullable:
            choices += ((UNKNOWN, "Not known"),)
        questions.append(
            Question(
                name=name,
                title=str(prop.get("title") or humanise(name)),
                guidance=plain(prop.get("description") or ""),
                kind=kind,
                nullable=nullable,
                required=name in required,
                choices=choices,
                minimum=prop.get("minimum"),
                maximum=prop.get("maximum"),
                component=str(prop.get("x-component") or ""),
                past_event=bool(prop.get("x-past-event")),
            )
        )
    return questions


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


def _django_field(q: Question) -> forms.Field:
    if q.choices:
        widget = forms.RadioSelect if q.widget == "radios" else forms.Select
        return forms.ChoiceField(
            label=q.title, choices=[("", "Not answered"), *q.choices] if q.widget == "select" else q.choices,
            required=False, widget=widget,
            error_messages={"invalid_choice": f"Choose one of the answers for {q.title.lower()}"},
        )
    if q.kind == "date":
        # A birth, an offence or a sentence cannot be after today (the engine also checks it
        # against the date of the assessment).
        return DateInputField(label=q.title, not_future=q.past_event)
    bounds = f"from {_number(q.minimum)} to {_number(q.maximum)}" if q.minimum is not None and q.maximum is not None else ""
    if q.kind == "integer":
        return forms.IntegerField(
            label=q.title, required=False,
            min_value=None if q.minimum is None else int(q.minimum),
            max_value=None if q.maximum is None else int(q.maximum),
            error_messages={
                "invalid": f"{q.title} must be a whole number {bounds}".strip(),
                "min_value": f"{q.title} must be a whole number {bounds}".strip(),
                "max_value": f"{q.title} must be a whole number {bounds}".strip(),
            },
        )
    return forms.FloatField(
        label=q.title, required=False, min_value=q.minimum, max_value=q.maximum,
        error_messages={
            "invalid": f"{q.title} must be a number {bounds}".strip(),
            "min_value": f"{q.title} must be a number {bounds}".strip(),
            "max_value": f"{q.title} must be a number {bounds}".strip(),
        },
    )


class AnswersForm(forms.Form):
    """The questions of one instrument; `inputs()` gives the answers as the instrument reads them."""

    def __init__(
        self,
        instrument_id: str,
        data: Any = None,
        *,
        inputs: dict[str, Any] | None = None,
        with_date: bool = False,
        with_reason: bool = False,
    ) -> None:
        self.instrument_id = instrument_id
        self.questions = questions_for(instrument_id)
        self.by_name = {q.name: q for q in self.questions}
        super().__init__(data, initial=initial_from(self.questions, inputs or {}))
        for q in self.questions:
            self.fields[q.name] = _django_field(q)
        self.with_date = with_date and "assessment_date" not in self.by_name and DATE_OF_ASSESSMENT not in self.by_name
        if self.with_date:
            self.fields[DATE_OF_ASSESSMENT] = DateInputField(
                label="Date of this assessment", not_future=True, help_text="Leave blank for today"
            )
        if with_reason:
            self.fields[REASON] = forms.CharField(
                label="Reason for the correction", max_length=2000, widget=forms.Textarea,
                help_text="Say what was wrong and where the correct information comes from. The reason is encrypted.",
                error_messages={
                    "required": "Enter the reason for the correction",
                    "max_length": "The reason must be 2,000 characters or fewer",
                },
            )

    def anchor(self, name: str) -> str:
        """The id the error summary links to (the template gives the first answer the field's id)."""
        field = self.fields[name]
        if isinstance(field, DateInputField):
            return f"id_{name}-{(field.error_parts or ('day',))[0]}"
        return f"id_{name}"

    def inputs(self) -> dict[str, Any]:
        """The answers as JSON values, in the schema's order (call after `is_valid()`)."""
        out: dict[str, Any] = {}
        for q in self.questions:
            value = self.cleaned_data.get(q.name)
            if value in (None, ""):
                # A blank box is "not known" where the instrument accepts that; a radio left
                # unticked is simply not answered yet.
                if q.nullable and not q.choices:
                    out[q.name] = None
                continue
            if q.choices:
                out[q.name] = _choice_value(q, str(value))
            elif q.kind == "date":
                out[q.name] = value.isoformat()
            elif q.kind == "integer":
                out[q.name] = int(value)
            else:
                # 10 and 10.0 are the same answer: keep whole numbers whole, so equal answers hash equally.
                out[q.name] = int(value) if float(value).is_integer() else float(value)
        return out

    def sections(self) -> list[dict[str, Any]]:
        """Questions grouped for display: the instrument's own, then each component's inputs."""
        groups: dict[str, list[dict[str, Any]]] = {}
        for q in self.questions:
            groups.setdefault(q.component, []).append(self._question_context(q))
        sections = []
        for component, questions in groups.items():
            title = ""
            if component:
                name = registry.metadata(component).name
                title = f"Answers for {name}, used when its result is not given above"
            sections.append({"component": component, "title": title, "questions": questions})
        return sections

    def _question_context(self, q: Question) -> dict[str, Any]:
        bound = self[q.name]
        value = bound.value()
        current = "" if value is None else str(value)
        field_id = f"id_{q.name}"
        options = [
            {
                "value": v,
                "label": label,
                "id": field_id if i == 0 else f"{field_id}_{i}",
                "checked": v == current,
            }
            for i, (v, label) in enumerate(q.choices)
        ]
        if q.kind == "integer":
            inputmode, width = "numeric", "4"
        elif q.kind == "number":
            inputmode, width = "decimal", "5"
        else:
            inputmode, width = "", "10"
        hint = ""
        if not q.choices and q.nullable:
            hint = "Leave blank if not known."
        elif not q.choices and not q.required:
            hint = "Optional."
        return {
            "q": q,
            "id": field_id,
            "name": q.name,
            "value": current,
            "parts": date_parts(bound) if q.kind == "date" else [],
            "options": options,
            "errors": list(bound.errors),
            "inputmode": inputmode,
            "width": width,
            "hint": hint,
            "inline": q.widget == "radios" and len(q.choices) <= 3,
        }


def _choice_value(q: Question, value: str) -> Any:
    if value == UNKNOWN:
        return None
    if q.kind == "boolean":
        return value == "true"
    if q.kind == "integer":
        return int(value)
    if q.kind == "number":
        return float(value)
    return value


def initial_from(questions: list[Question], inputs: dict[str, Any]) -> dict[str, Any]:
    """Form values for stored answers: the reverse of `AnswersForm.inputs`."""
    initial: dict[str, Any] = {}
    for q in questions:
        if q.name not in inputs:
            continue
        value = inputs[q.name]
        if value is None:
            initial[q.name] = UNKNOWN if q.choices and q.nullable else ""
        elif isinstance(value, bool):
            initial[q.name] = "true" if value else "false"
        elif isinstance(value, float):
            initial[q.name] = _number(value)
        else:
            initial[q.name] = str(value)
    return initial


def _worded(by_name: dict[str, Question], error: dict[str, str]) -> str:
    """The engine's message with the question's title in place of the field name it starts with."""
    name, message = error.get("field", ""), error.get("message", "")
    q = by_name.get(name)
    if q is not None and message.startswith(name):
        message = q.title + message[len(name):]
    return plain(message)


def problem_messages(instrument_id: str, errors: list[dict[str, str]]) -> list[str]:
    by_name = {q.name: q for q in questions_for(instrument_id)}
    return list(dict.fromkeys(_worded(by_name, e) for e in errors))


def add_answer_errors(form: AnswersForm, errors: list[dict[str, str]]) -> None:
    """The instrument's errors on the questions they name, in the form's words (its titles)."""
    for error in errors:
        name, message = error.get("field", ""), _worded(form.by_name, error)
        if name in form.fields:
            if message not in form.errors.get(name, []):
                form.add_error(name, message)
        elif name == "assessment_date" and form.with_date:
            form.add_error(DATE_OF_ASSESSMENT, message)
        else:
            form.add_error(None, message)


class ChooseInstrumentForm(forms.Form):
    instrument = forms.ChoiceField(
        label="Instrument",
        widget=forms.RadioSelect,
        choices=[],
        error_messages={"required": "Choose an instrument", "invalid_choice": "Choose one of the instruments listed"},
    )

    def anchor(self, name: str) -> str:
        return f"id_{name}"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["instrument"].choices = [(m.id, m.name) for m in registry.list_instruments()]  # type: ignore[attr-defined]
