"""Helpers shared by every app's forms."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from safeguard.guidelines.offences import normalise_offence_code


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's validation errors on the form: on the field where the form has it."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error.messages)
    else:
        form.add_error(None, exc.messages)


# --- the GOV.UK date input: day, month and year boxes ---------------------------------------------

DATE_PARTS = ("day", "month", "year")
_PART_WORDS = {"day": "a day", "month": "a month", "year": "a year"}


def date_from_text(value: object) -> date | None:
    """A date from an ISO string (stored answers, request JSON), or None."""
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


class DateInput(forms.Widget):
    """Three text boxes named `<name>-day`, `<name>-month` and `<name>-year` (rendered by the
    `govuk_field` tag); the value read from a submission is the tuple of the three texts."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> tuple[str, str, str]:
        day, month, year = (str(data.get(f"{name}-{part}", "")).strip()[:10] for part in DATE_PARTS)
        return day, month, year

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return not any(f"{name}-{part}" in data for part in DATE_PARTS)

    def parts(self, value: object) -> dict[str, str]:
        """What each box shows: a submission as typed, or a stored date."""
        if isinstance(value, tuple | list) and len(value) == 3:
            return dict(zip(DATE_PARTS, (str(v) for v in value), strict=True))
        found = date_from_text(value)
        if found is None:
            return dict.fromkeys(DATE_PARTS, "")
        return {"day": str(found.day), "month": str(found.month), "year": str(found.year)}


class DateInputField(forms.Field):
    """A date typed as day, month and year, with the GOV.UK error messages for each way it can be wrong.

    `label` names the date in the messages ("Date of offence must include a month"). `past` refuses
    today and later ("must be in the past"); `not_future` refuses only later days ("must be today or in
    the past"). After a refused submission `error_parts` names the boxes to highlight (none: all).
    """

    widget = DateInput

    def __init__(self, *, label: str, required: bool = False, past: bool = False,
                 not_future: bool = False, **kwargs: Any) -> None:  # fmt: skip
        super().__init__(label=label, required=required, **kwargs)
        self.past = past
        self.not_future = not_future
        self.error_parts: tuple[str, ...] = ()
        if "required" not in (kwargs.get("error_messages") or {}):
            self.error_messages["required"] = f"Enter the {label[:1].lower()}{label[1:]}"

    def _refuse(self, message: str, parts: tuple[str, ...], code: str) -> ValidationError:
        self.error_parts = parts
        return ValidationError(message, code=code)

    def to_python(self, value: object) -> date | None:
        self.error_parts = ()
        if value in (None, "") or isinstance(value, date):
            return value or None  # type: ignore[return-value]
        if isinstance(value, str):
            found = date_from_text(value)
            if found is None:
                raise self._refuse(f"{self.label} must be a real date", DATE_PARTS, "invalid")
            return found
        day, month, year = (str(part) for part in value)  # type: ignore[attr-defined]
        if not (day or month or year):
            return None
        missing = tuple(part for part, text in zip(DATE_PARTS, (day, month, year), strict=True) if not text)
        if missing:
            words = " and ".join(_PART_WORDS[p] for p in missing).replace(" and a ", " and ")
            raise self._refuse(f"{self.label} must include {words}", missing, "incomplete")
        if not (day.isdigit() and month.isdigit() and year.isdigit()):
            wrong = tuple(p for p, t in zip(DATE_PARTS, (day, month, year), strict=True) if not t.isdigit())
            raise self._refuse(f"{self.label} must be a real date", wrong, "invalid")
        if len(year) != 4:
            raise self._refuse("Year must include 4 numbers", ("year",), "invalid")
        try:
            return date(int(year), int(month), int(day))
        except ValueError:
            raise self._refuse(f"{self.label} must be a real date", DATE_PARTS, "invalid") from None

    def validate(self, value: Any) -> None:
        if value is None and self.required:
            self.error_parts = DATE_PARTS
        super().validate(value)
        if value is None:
            return
        today = timezone.localdate()
        if self.past and value >= today:
            raise self._refuse(f"{self.label} must be in the past", DATE_PARTS, "future")
        if self.not_future and value > today:
            raise self._refuse(f"{self.label} must be today or in the past", DATE_PARTS, "future")
        if value.year < 1900:
            raise self._refuse(f"{self.label} must be in 1900 or later", ("year",), "too_early")

    def prepare_value(self, value: Any) -> Any:
        return value

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            return self.to_python(data) != date_from_text(initial)
        except ValidationError:
            return True


def date_parts(field: forms.BoundField) -> list[dict[str, Any]]:
    """The day, month and year boxes of a date field: name, id, value, width and whether to highlight."""
    values = field.field.widget.parts(field.value())
    wrong = getattr(field.field, "error_parts", ()) or DATE_PARTS
    return [
        {
            "part": part,
            "label": part.capitalize(),
            "name": f"{field.html_name}-{part}",
            "id": f"{field.auto_id}-{part}",
            "value": values[part],
            "width": 4 if part == "year" else 2,
            "error": bool(field.errors) and part in wrong,
        }
        for part in DATE_PARTS
    ]


class OffenceField(forms.ChoiceField):
    """An offence of the one catalogue (ADR 0023). A code sent in the spelling used before there was one
    catalogue (`SOA2003-s9`), or in any case, is taken as the catalogue id (`soa2003-s9`)."""

    def to_python(self, value: Any) -> str:
        text: str = super().to_python(value)
        return normalise_offence_code(text) if text else text
