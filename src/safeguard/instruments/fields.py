"""Declared input fields: one declaration drives validation, CSV conversion and the JSON Schema."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
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
AFTER_ASSESSMENT_DATE = "after_assessment_date"

ABSENT: Any = object()


class InvalidValueError(Exception):
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

    `past_event` marks the date of something that has already happened (a birth, an offence, a
    sentence): it must be on or before the assessment date, or the date of scoring where the
    instrument has no assessment date. The schema says so with `"x-past-event": true`.

    `yes_no_or_count` marks a yes/no item that can also be answered with a count (a boolean that
    takes "how many", or a count that takes plain yes/no): both true/false and a whole number from
    `minimum` to `maximum` are accepted and kept as given; a count of 1 or more means yes. `kind`
    stays the form's own way of asking it (boolean: yes/no; integer: a number box).
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
    yes_no_or_count: bool = False
    past_event: bool = False

    def __post_init__(self) -> None:
        if self.yes_no_or_count and (
            self.kind not in ("boolean", "integer") or self.minimum is None or self.maximum is None
        ):
            raise ValueError(
                f"{self.name}: a yes/no-or-count field is boolean or integer, with a count range"
            )

    def allowed_text(self) -> str:
        """Plain words for what this field accepts, used in every error message about it."""
        if self.yes_no_or_count:
            text = f"true or false, or a count (a whole number from {_num(self.minimum)} to {_num(self.maximum)})"
        elif self.kind == "boolean":
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
        """A converter for non-null values: returns the typed value or raises InvalidValueError."""
        return _CONVERTER_FACTORIES[self.kind](self)

    def json_schema(self) -> dict[str, Any]:
        base: dict[str, Any]
        if self.kind == "date":
            base = {"type": "string", "format": "date"}
        elif self.kind == "choice":
            base = {"type": "string"}
        elif self.yes_no_or_count:
            # The type list is JSON Schema's anyOf over the two types; the form reads the first as
            # the way to ask, and minimum/maximum apply to the count only.
            base = {"type": ["boolean", "integer"] if self.kind == "boolean" else ["integer", "boolean"]}
        else:
            base = {"type": self.kind}
        if self.nullable:
            base["type"] = (
                [*base["type"], "null"] if isinstance(base["type"], list) else [base["type"], "null"]
            )
        prop: dict[str, Any] = {"title": self.title, "description": self.description, **base}
        if self.choices:
            prop["enum"] = [*self.choices, None] if self.nullable else list(self.choices)
        if (self.kind in ("integer", "number") or self.yes_no_or_count) and not self.choices:
            if self.minimum is not None:
                prop["minimum"] = _num(self.minimum)
            if self.maximum is not None:
                prop["maximum"] = _num(self.maximum)
        if not self.required and self.default is not None:
            prop["default"] = self.default
        if self.past_event:
            prop["x-past-event"] = True
        return prop


_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def long_date(day: date) -> str:
    """A date as people write it, "1 June 2025", for messages that reach pages."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def after_assessment_date(spec: Field, when: date, as_at: date) -> FieldError:
    """The error for the date of a past event that falls after the assessment date, in words."""
    return FieldError(
        spec.name,
        AFTER_ASSESSMENT_DATE,
        f"{spec.title} ({long_date(when)}) is after the assessment date ({long_date(as_at)}): it is the "
        "date of something that has already happened, so it must be on or before the assessment date",
    )


def check_past_events(
    fields: Iterable[Field], values: Mapping[str, Any], as_at: date, errors: list[FieldError]
) -> None:
    """Add an error for each past-event date in `values` later than `as_at` (None is skipped)."""
    for spec in fields:
        when = values.get(spec.name)
        if when is not None and when > as_at:
            errors.append(after_assessment_date(spec, when, as_at))


def _num(value: float | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _integer_converter(spec: Field) -> Callable[[object], object]:
    if spec.yes_no_or_count:
        return _yes_no_or_count_converter(spec)
    return _whole_number(spec)


def _whole_number(spec: Field) -> Callable[[object], object]:
    """Whole numbers within the field's range; the messages use the field's own allowed text."""
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
                raise InvalidValueError(WRONG_TYPE, f"{name} must be {allowed}; got {_show(value)}")
        if choices and value not in choices:
            raise InvalidValueError(NOT_ALLOWED, f"{name} must be {allowed}; got {value}")
        if not low <= value <= high:
            raise InvalidValueError(OUT_OF_RANGE, f"{name} must be {allowed}; got {value}")
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
            raise InvalidValueError(WRONG_TYPE, f"{name} must be {allowed}; got {_show(value)}")
        if not math.isfinite(number) or not low <= number <= high:
            raise InvalidValueError(OUT_OF_RANGE, f"{name} must be {allowed}; got {_show(value)}")
        return number

    return convert


def _yes_no_or_count_converter(spec: Field) -> Callable[[object], object]:
    count = _whole_number(spec)

    def convert(value: object) -> object:
        if value is True or value is False:
            return value
        return count(value)

    return convert


def _boolean_converter(spec: Field) -> Callable[[object], object]:
    if spec.yes_no_or_count:
        return _yes_no_or_count_converter(spec)
    name = spec.name

    def convert(value: object) -> object:
        if value is True or value is False:
            return value
        raise InvalidValueError(WRONG_TYPE, f"{name} must be true or false; got {_show(value)}")

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
            raise InvalidValueError(
                INVALID_DATE,
                f"{name} must be a real date written YYYY-MM-DD (for example 1980-01-31); got {_show(value)}",
            )
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        raise InvalidValueError(WRONG_TYPE, f"{name} must be a date written YYYY-MM-DD; got {_show(value)}")

    return convert


def _choice_converter(spec: Field) -> Callable[[object], object]:
    choices = frozenset(spec.choices)
    name, allowed = spec.name, spec.allowed_text()

    def convert(value: object) -> object:
        if type(value) is str and value in choices:
            return value
        code = NOT_ALLOWED if isinstance(value, str) else WRONG_TYPE
        raise InvalidValueError(code, f"{name} must be {allowed}; got {_show(value)}")

    return convert


_CONVERTER_FACTORIES: dict[str, Callable[[Field], Callable[[object], object]]] = {
    "integer": _integer_converter,
    "number": _number_converter,
    "boolean": _boolean_converter,
    "date": _date_converter,
    "choice": _choice_converter,
}


class FieldSet:
    """An instrument's fields compiled once into a reader, so validating a row is one straight pass."""

    __slots__ = ("_plan", "by_name", "fields", "names", "read", "read_tuple")

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
        self.read: Callable[[Mapping[str, object], list[FieldError]], dict[str, Any]] = _compile_reader(
            self.fields, self._plan, as_tuple=False
        )
        # The same values as a tuple in declaration order, for hot paths that unpack them at once.
        self.read_tuple: Callable[[Mapping[str, object], list[FieldError]], tuple[Any, ...]] = (
            _compile_reader(self.fields, self._plan, as_tuple=True)
        )

    def check_given(self, data: Mapping[str, object], errors: list[FieldError]) -> None:
        """Check only the values present in `data` (none is required), each as `read` would.

        For answers that are accepted but not scored, such as a composite's component inputs
        sent with the component's result: a malformed answer is still an error, a missing one is not.
        """
        for name, convert, _required, nullable, _default, _missing_msg, null_msg in self._plan:
            value = data.get(name, ABSENT)
            if value is ABSENT:
                continue
            if value is None:
                if not nullable:
                    errors.append(FieldError(name, MISSING, null_msg))
                continue
            try:
                convert(value)
            except InvalidValueError as bad:
                errors.append(FieldError(name, bad.code, bad.message))

    def read_reference(self, data: Mapping[str, object], errors: list[FieldError]) -> dict[str, Any]:
        """The plain definition of `read`: the compiled reader must give the same values and errors.

        Typed values for every declared field; each problem is added to `errors`, never raised. A
        value that fails its check is returned as None so later consistency checks can skip it.
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
                except InvalidValueError as bad:
                    errors.append(FieldError(name, bad.code, bad.message))
                    out[name] = None
        return out


def _slow_path(
    name: str, convert: Callable[[object], object]
) -> Callable[[object, list[FieldError]], object]:
    def check(value: object, errors: list[FieldError]) -> object:
        try:
            return convert(value)
        except InvalidValueError as bad:
            errors.append(FieldError(name, bad.code, bad.message))
            return None

    return check


def _fast_test(spec: Field, var: str, i: int) -> str:
    """A Python condition that is true only for values the field accepts exactly as they are."""
    if spec.yes_no_or_count:
        return f"{var} is True or {var} is False or ({var}.__class__ is int and LO{i} <= {var} <= HI{i})"
    if spec.kind == "boolean":
        return f"{var} is True or {var} is False"
    if spec.kind == "choice":
        return f"{var}.__class__ is str and {var} in C{i}"
    if spec.kind == "integer":
        test = f"{var}.__class__ is int and LO{i} <= {var} <= HI{i}"
        return f"{test} and {var} in C{i}" if spec.choices else test
    if spec.kind == "number":
        return f"({var}.__class__ is float or {var}.__class__ is int) and LO{i} <= {var} <= HI{i}"
    return f"{var}.__class__ is str and len({var}) == 10 and {var}[4] == '-' and {var}[7] == '-'"


def _compile_reader(fields: tuple[Field, ...], plan: tuple[tuple[Any, ...], ...], *, as_tuple: bool) -> Any:
    """Generate straight-line code for `FieldSet.read_reference`.

    Batch scoring reads millions of rows, and a loop over field descriptors costs several times
    more than the same checks written out. The generated source is built only from the field
    declarations in this package (names are checked to be identifiers); no input reaches it.
    Values that are not accepted as they stand take the reference converter, which also
    writes the error message, so both paths give the same result.
    """
    env: dict[str, Any] = {
        "ABSENT": ABSENT,
        "FieldError": FieldError,
        "MISSING": MISSING,
        "fromiso": date.fromisoformat,
    }
    body = ["def read(data, errors):", "    get = data.get"]
    for i, (spec, (name, convert, required, nullable, default, missing_msg, null_msg)) in enumerate(
        zip(fields, plan, strict=True)
    ):
        if not name.isidentifier():
            raise ValueError(f"field name {name!r} is not an identifier")
        v = f"v{i}"
        low = spec.minimum if spec.minimum is not None else -math.inf
        high = spec.maximum if spec.maximum is not None else math.inf
        env.update(
            {
                f"S{i}": _slow_path(name, convert),
                f"D{i}": default,
                f"MM{i}": missing_msg,
                f"NM{i}": null_msg,
                f"C{i}": frozenset(spec.choices),
                f"LO{i}": low,
                f"HI{i}": high,
            }
        )
        body.append(f"    {v} = get({name!r}, ABSENT)")
        body.append(f"    if {v} is ABSENT:")
        if required:
            body.append(f"        errors.append(FieldError({name!r}, MISSING, MM{i}))")
        body.append(f"        {v} = D{i}")
        body.append(f"    elif {v} is None:")
        body.append(
            f"        errors.append(FieldError({name!r}, MISSING, NM{i}))" if not nullable else "        pass"
        )
        body.append(f"    elif {_fast_test(spec, v, i)}:")
        if spec.kind == "number":
            body.append(f"        {v} = float({v})")
        elif spec.kind == "date":
            body.append("        try:")
            body.append(f"            {v} = fromiso({v})")
            body.append("        except ValueError:")
            body.append(f"            {v} = S{i}({v}, errors)")
        else:
            body.append("        pass")
        body.append("    else:")
        body.append(f"        {v} = S{i}({v}, errors)")
    if as_tuple:
        body.append("    return (" + "".join(f"v{i}, " for i in range(len(fields))) + ")")
    else:
        body.append("    return {" + ", ".join(f"{spec.name!r}: v{i}" for i, spec in enumerate(fields)) + "}")
    exec("\n".join(body), env)  # noqa: S102 - source generated from our own declarations, see docstring
    return env["read"]


def unknown_field_errors(keys: Iterable[object], known: frozenset[str], instrument: str) -> list[FieldError]:
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
