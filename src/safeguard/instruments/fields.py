"""Declared input fields: one declaration drives validation, CSV conversion and the JSON Schema."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from safeguard.instruments.result import FieldError

Kind = Literal["integer", "number", "boolean", "date", "choice"]

# Error codes shared by every instrument (instrument-specific codes are listed in docs/instruments.md).
MISSING = "missing"
WRONG_TYPE = "wrong_type"
OUT_OF_RANGE = "out_of_range"
NOT_ALLOWED = "not_allowed"
INVALID_DATE = "invalid_date"
UNKNOWN_FIELD = "unknown_field"
NOT_AN_OBJECT = "not_an_object"

ABSENT: Any = object()


class InvalidValue(Exception):
    """Raised by a converter; carries the error code and the message shown to the practitioner."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class Field:
    """One input field as the practitioner sees it, with everything needed to check a value.

    `required` means the key must be present; `nullable` means null is an accepted answer
    (for example "not known" or "does not apply"). A field that is neither required nor given
    takes `default`.
    """

    name: str
    kind: Kind
    title: str
    description: str
    required: bool = True
    nullable: bool = False
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str | int, ...] = ()
    default: Any = None

    def allowed_text(self) -> str:
        """Plain words for what this field accepts, used in every error message about it."""
        if self.kind == "boolean":
            text = "true or false"
        elif self.kind == "date":
            text = "a date written YYYY-MM-DD"
        elif self.choices:
            text = "one of " + ", ".join(str(c) for c in self.choices)
        elif self.kind == "integer":
            text = f"a whole number from {_num(self.minimum)} to {_num(self.maximum)}"
        else:
            text = f"a number from {_num(self.minimum)} to {_num(self.maximum)}"
        return f"{text}, or null" if self.nullable else text

    def convert(self) -> Callable[[object], object]:
        """A converter for non-null values: returns the typed value or raises InvalidValue."""
        return _CONVERTER_FACTORIES[self.kind](self)

    def json_schema(self) -> dict[str, Any]:
        base: dict[str, Any]
        if self.kind == "date":
            base = {"type": "string", "format": "date"}
        elif self.kind == "choice":
            base = {"type": "string"}
        else:
            base = {"type": self.kind}
        if self.nullable:
            base["type"] = [base["type"], "null"]
        prop: dict[str, Any] = {"title": self.title, "description": self.description, **base}
        if self.choices:
            prop["enum"] = [*self.choices, None] if self.nullable else list(self.choices)
        if self.kind in ("integer", "number") and not self.choices:
            if self.minimum is not None:
                prop["minimum"] = _num(self.minimum)
            if self.maximum is not None:
                prop["maximum"] = _num(self.maximum)
        if not self.required and self.default is not None:
            prop["default"] = self.default
        return prop


def _num(value: float | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _integer_converter(spec: Field) -> Callable[[object], object]:
    low = spec.minimum if spec.minimum is not None else -math.inf
    high = spec.maximum if spec.maximum is not None else math.inf
    choices = frozenset(spec.choices)
    name, allowed = spec.name, spec.allowed_text()

    def convert(value: object) -> object:
        # bool is a subclass of int in Python; a JSON true must not pass as 1.
        if type(value) is not int:
            if type(value) is float and value.is_integer():
                value = int(value)
            else:
                raise InvalidValue(WRONG_TYPE, f"{name} must be {allowed}; got {_show(value)}")
        if choices and value not in choices:
            raise InvalidValue(NOT_ALLOWED, f"{name} must be {allowed}; got {value}")
        if not low <= value <= high:  # type: ignore[operator]
            raise InvalidValue(OUT_OF_RANGE, f"{name} must be {allowed}; got {value}")
        return value

    return convert


def _number_converter(spec: Field) -> Callable[[object], object]:
    low = spec.minimum if spec.minimum is not None else -math.inf
    high = spec.maximum if spec.maximum is not None else math.inf
    name, allowed = spec.name, spec.allowed_text()

    def convert(value: object) -> object:
        kind = type(value)
        if kind is float or kind is int:
            number = float(value)  # type: ignore[arg-type]
        elif isinstance(value, Decimal):
            number = float(value)
        else:
            raise InvalidValue(WRONG_TYPE, f"{name} must be {allowed}; got {_show(value)}")
        if not math.isfinite(number) or not low <= number <= high:
            raise InvalidValue(OUT_OF_RANGE, f"{name} must be {allowed}; got {_show(value)}")
        return number

    return convert


def _boolean_converter(spec: Field) -> Callable[[object], object]:
    name = spec.name

    def convert(value: object) -> object:
        if value is True or value is False:
            return value
        raise InvalidValue(WRONG_TYPE, f"{name} must be true or false; got {_show(value)}")

    return convert


def _date_converter(spec: Field) -> Callable[[object], object]:
    name = spec.name

    def convert(value: object) -> object:
        if type(value) is str:
            # fromisoformat also takes forms such as 20240131; insist on the one written form.
            if len(value) == 10 and value[4] == "-" and value[7] == "-":
                try:
                    return date.fromisoformat(value)
                except ValueError:
                    pass
            raise InvalidValue(
                INVALID_DATE,
                f"{name} must be a real date written YYYY-MM-DD (for example 1980-01-31); got {_show(value)}",
            )
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        raise InvalidValue(WRONG_TYPE, f"{name} must be a date written YYYY-MM-DD; got {_show(value)}")

    return convert


def _choice_converter(spec: Field) -> Callable[[object], object]:
    choices = frozenset(spec.choices)
    name, allowed = spec.name, spec.allowed_text()

    def convert(value: object) -> object:
        if value in choices and type(value) is str:
            return value
        code = NOT_ALLOWED if isinstance(value, str) else WRONG_TYPE
        raise InvalidValue(code, f"{name} must be {allowed}; got {_show(value)}")

    return convert


_CONVERTER_FACTORIES: dict[str, Callable[[Field], Callable[[object], object]]] = {
    "integer": _integer_converter,
    "number": _number_converter,
    "boolean": _boolean_converter,
    "date": _date_converter,
    "choice": _choice_converter,
}


class FieldSet:
    """An instrument's fields compiled once, so validating a row is one pass over plain tuples."""

    __slots__ = ("_plan", "by_name", "fields", "names")

    def __init__(self, fields: Sequence[Field]) -> None:
        self.fields = tuple(fields)
        self.names = frozenset(f.name for f in self.fields)
        if len(self.names) != len(self.fields):
            raise ValueError("duplicate field names")
        self.by_name = {f.name: f for f in self.fields}
        self._plan = tuple(
            (
                f.name,
                f.convert(),
                f.required,
                f.nullable,
                f.default,
                f"{f.name} is required: give {f.allowed_text()}",
                f"{f.name} must not be null: give {f.allowed_text()}",
            )
            for f in self.fields
        )

    def read(self, data: Mapping[str, object], errors: list[FieldError]) -> dict[str, Any]:
        """Typed values for every declared field; each problem is added to `errors`, never raised.

        A value that fails its check is returned as None so later consistency checks can skip it.
        """
        out: dict[str, Any] = {}
        get = data.get
        for name, convert, required, nullable, default, missing_msg, null_msg in self._plan:
            value = get(name, ABSENT)
            if value is ABSENT:
                if required:
                    errors.append(FieldError(name, MISSING, missing_msg))
                out[name] = default
            elif value is None:
                if not nullable:
                    errors.append(FieldError(name, MISSING, null_msg))
                out[name] = None
            else:
                try:
                    out[name] = convert(value)
                except InvalidValue as bad:
                    errors.append(FieldError(name, bad.code, bad.message))
                    out[name] = None
        return out


def unknown_field_errors(keys: Sequence[object] | set[object], known: frozenset[str], instrument: str) -> list[FieldError]:
    """Errors for keys the instrument does not read, with the closest valid name when there is one."""
    import difflib  # only on the error path

    out = []
    for key in sorted(str(k) for k in keys):
        close = difflib.get_close_matches(key, sorted(known), n=1)
        hint = f" Did you mean {close[0]}?" if close else ""
        out.append(
            FieldError(
                key,
                UNKNOWN_FIELD,
                f"{key} is not an input of {instrument}.{hint} Valid inputs: {', '.join(sorted(known))}.",
            )
        )
    return out
