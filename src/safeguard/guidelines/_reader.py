"""Reads untrusted JSON or TOML values field by field, collecting every problem with its path."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import date, datetime

from safeguard.calendar.dates import EARLIEST_DATE, LATEST_DATE, in_supported_range
from safeguard.calendar.durations import DURATION_HELP, Duration
from safeguard.guidelines.errors import Problem

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def show(value: object) -> str:
    """A short, safe rendering of a user's value for an error message."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def join(base: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{base}[{key}]"
    if not base or base.endswith("#"):  # "file.toml#" prefixes paths inside a data file
        return f"{base}{key}"
    return f"{base}.{key}"


def listing(choices: Collection[str]) -> str:
    return ", ".join(sorted(choices)) if choices else "(none)"


class Reader:
    """Collects problems while reading; each method returns None (and records why) on bad input."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, field: str, code: str, message: str) -> None:
        self.problems.append(Problem(field, code, message))

    def obj(self, value: object, field: str) -> Mapping[str, object] | None:
        if not isinstance(value, Mapping) or not all(isinstance(key, str) for key in value):
            self.add(field or "(input)", "not_an_object", f"expected a JSON object, got {show(value)}")
            return None
        return value

    def keys(
        self,
        data: Mapping[str, object],
        base: str,
        *,
        allowed: Collection[str],
        required: Collection[str] = (),
    ) -> None:
        for key in data:
            if key not in allowed:
                self.add(
                    join(base, key),
                    "unknown_field",
                    f"unknown field {show(key)}; allowed fields: {listing(allowed)}",
                )
        for key in required:
            if data.get(key) is None:
                self.add(join(base, key), "required", f"{key} is required")

    def _get(self, data: Mapping[str, object], key: str, base: str, required: bool) -> object:
        value = data.get(key)
        if value is None and required and key in data:
            self.add(join(base, key), "required", f"{key} is required and may not be null")
        elif value is None and required:
            self.add(join(base, key), "required", f"{key} is required")
        return value

    def text(
        self,
        data: Mapping[str, object],
        key: str,
        base: str,
        *,
        required: bool = False,
        choices: Collection[str] | None = None,
        max_length: int = 2000,
        normalise: Callable[[str], str] | None = None,
    ) -> str | None:
        """Text, optionally put into its canonical spelling (`normalise`) before `choices` are checked."""
        value = self._get(data, key, base, required)
        if value is None:
            return None
        field = join(base, key)
        if not isinstance(value, str):
            self.add(field, "not_a_string", f"expected text, got {show(value)}")
            return None
        if len(value) > max_length:
            self.add(field, "too_long", f"at most {max_length} characters are accepted")
            return None
        text = normalise(value) if normalise is not None else value
        if choices is not None and text not in choices:
            self.add(field, "not_allowed", f"{show(value)} is not allowed; allowed: {listing(choices)}")
            return None
        return text

    def integer(
        self,
        data: Mapping[str, object],
        key: str,
        base: str,
        *,
        minimum: int,
        maximum: int,
        required: bool = False,
    ) -> int | None:
        value = self._get(data, key, base, required)
        if value is None:
            return None
        field = join(base, key)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            self.add(field, "not_an_integer", f"expected a whole number, got {show(value)}")
            return None
        if not minimum <= value <= maximum:
            self.add(
                field,
                "out_of_range",
                f"{value} is outside the accepted range {minimum} to {maximum}",
            )
            return None
        return value

    def boolean(
        self, data: Mapping[str, object], key: str, base: str, *, required: bool = False
    ) -> bool | None:
        value = self._get(data, key, base, required)
        if value is None:
            return None
        if not isinstance(value, bool):
            self.add(join(base, key), "not_a_boolean", f"expected true or false, got {show(value)}")
            return None
        return value

    def iso_date(
        self, data: Mapping[str, object], key: str, base: str, *, required: bool = False
    ) -> date | None:
        value = self._get(data, key, base, required)
        if value is None:
            return None
        field = join(base, key)
        parsed: date | None = None
        if isinstance(value, date) and not isinstance(value, datetime):
            parsed = value
        elif isinstance(value, str) and _ISO_DATE.match(value):
            try:
                parsed = date.fromisoformat(value)
            except ValueError:
                parsed = None
        if parsed is None:
            self.add(field, "not_a_date", f"expected a date as YYYY-MM-DD, got {show(value)}")
            return None
        if not in_supported_range(parsed):
            self.add(
                field,
                "out_of_range",
                f"{parsed.isoformat()} is outside the accepted dates "
                f"{EARLIEST_DATE.isoformat()} to {LATEST_DATE.isoformat()}",
            )
            return None
        return parsed

    def duration(
        self, data: Mapping[str, object], key: str, base: str, *, required: bool = False
    ) -> Duration | None:
        value = self._get(data, key, base, required)
        if value is None:
            return None
        field = join(base, key)
        if not isinstance(value, str):
            self.add(field, "not_a_duration", f"expected {DURATION_HELP}; got {show(value)}")
            return None
        try:
            return Duration.parse(value)
        except ValueError as error:
            self.add(field, "not_a_duration", str(error))
            return None

    def text_list(
        self,
        data: Mapping[str, object],
        key: str,
        base: str,
        *,
        required: bool = False,
        max_items: int = 100,
    ) -> tuple[str, ...] | None:
        value = self._get(data, key, base, required)
        if value is None:
            return None
        field = join(base, key)
        if not isinstance(value, list):
            self.add(field, "not_a_list", f"expected a list of text values, got {show(value)}")
            return None
        if len(value) > max_items:
            self.add(field, "too_many", f"at most {max_items} items are accepted")
            return None
        items: list[str] = []
        for index, item in enumerate(value):
            if not isinstance(item, str) or len(item) > 2000:
                self.add(join(field, index), "not_a_string", f"expected text, got {show(item)}")
            elif item in items:
                self.add(join(field, index), "duplicate", f"{show(item)} is listed twice")
            else:
                items.append(item)
        return tuple(items)

    def obj_list(
        self,
        data: Mapping[str, object],
        key: str,
        base: str,
        *,
        required: bool = False,
        max_items: int = 100,
    ) -> list[tuple[str, Mapping[str, object]]] | None:
        value = self._get(data, key, base, required)
        if value is None:
            return None
        field = join(base, key)
        if not isinstance(value, Sequence) or isinstance(value, str):
            self.add(field, "not_a_list", f"expected a list of objects, got {show(value)}")
            return None
        if len(value) > max_items:
            self.add(field, "too_many", f"at most {max_items} items are accepted")
            return None
        result: list[tuple[str, Mapping[str, object]]] = []
        for index, item in enumerate(value):
            item_field = join(field, index)
            mapping = self.obj(item, item_field)
            if mapping is not None:
                result.append((item_field, mapping))
        return result
