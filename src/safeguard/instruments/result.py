"""The values every instrument returns: field errors, per-item explanations and the scored result."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from json.encoder import encode_basestring
from typing import Any, TypeAlias

Scalar: TypeAlias = str | int | float | bool | None
ExtraValue: TypeAlias = Scalar | tuple[Scalar, ...]

# One encoder for every output line: compact, UTF-8 and strict (NaN can never reach a caller).
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode

COMMON_KEYS: tuple[str, ...] = (
    "instrument",
    "model_version",
    "thresholds_version",
    "verified",
    "band",
    "points",
    "probability",
)
TRAILING_KEYS: tuple[str, ...] = ("not_applicable_reason", "warnings", "errors", "items")


@dataclass(frozen=True, slots=True)
class FieldError:
    """One thing wrong with the input: which field, a stable code, and what is allowed instead."""

    field: str
    code: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"field": self.field, "code": self.code, "message": self.message}

    def json_text(self) -> str:
        return (
            f'{{"field":{encode_basestring(self.field)},"code":{encode_basestring(self.code)},'
            f'"message":{encode_basestring(self.message)}}}'
        )


@dataclass(frozen=True, slots=True)
class ItemExplanation:
    """How one item was answered, the points it gave and the rule that gave them."""

    name: str
    answer: Scalar
    points: int | None
    rule: str
    # Serialised form, filled on first use: explanations for common answers are shared between
    # results, so each is encoded once per process rather than once per row.
    _json: str | None = field(default=None, init=False, compare=False, repr=False)

    def to_dict(self) -> dict[str, Scalar]:
        return {"name": self.name, "answer": self.answer, "points": self.points, "rule": self.rule}

    def json_text(self) -> str:
        text = self._json
        if text is None:
            text = (
                f'{{"name":{encode_basestring(self.name)},"answer":{_json_value(self.answer)},'
                f'"points":{_json_value(self.points)},"rule":{encode_basestring(self.rule)}}}'
            )
            object.__setattr__(self, "_json", text)
        return text


def _plain(value: ExtraValue) -> Any:
    return list(value) if isinstance(value, tuple) else value


def _json_value(value: Any) -> str:
    """JSON text for one value, exactly as the standard encoder would write it, scalars without a detour."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    kind = value.__class__
    if kind is str:
        return encode_basestring(value)
    if kind is int:
        return int.__repr__(value)
    if kind is float and math.isfinite(value):
        return float.__repr__(value)
    return _encode(_plain(value))


# Constant opening of a result line per (instrument, model, thresholds): built once, reused per row.
_PREFIXES: dict[tuple[str, str, str], str] = {}
_KEYS: dict[str, str] = {}


def _prefix(instrument: str, model_version: str, thresholds_version: str) -> str:
    key = (instrument, model_version, thresholds_version)
    text = _PREFIXES.get(key)
    if text is None:
        text = (
            f'"instrument":{encode_basestring(instrument)},"model_version":{encode_basestring(model_version)},'
            f'"thresholds_version":{encode_basestring(thresholds_version)},"verified":'
        )
        _PREFIXES[key] = text
    return text


def head_json(
    instrument: str,
    model_version: str,
    thresholds_version: str,
    verified: bool,
    band: str | None,
    points: int | None,
    probability: float | None,
    extras: Mapping[str, ExtraValue],
    not_applicable_reason: str | None,
) -> str:
    """JSON text for a result line from `instrument` to `not_applicable_reason`, without braces."""
    value = _json_value
    extra = "".join([_key(name) + value(item) for name, item in extras.items()])
    return (
        f"{_prefix(instrument, model_version, thresholds_version)}{'true' if verified else 'false'},"
        f'"band":{value(band)},"points":{value(points)},"probability":{value(probability)}{extra},'
        f'"not_applicable_reason":{value(not_applicable_reason)}'
    )


_WARNINGS: dict[tuple[str, ...], str] = {}


def _warnings_json(warnings: tuple[str, ...]) -> str:
    """JSON text of a warnings list; the fixed warnings of unverified tables repeat on many rows."""
    text = _WARNINGS.get(warnings)
    if text is None:
        text = ",".join([encode_basestring(warning) for warning in warnings])
        if len(_WARNINGS) < 4096:
            _WARNINGS[warnings] = text
    return text


def _key(name: str) -> str:
    text = _KEYS.get(name)
    if text is None:
        text = _KEYS[name] = f",{encode_basestring(name)}:"
    return text


@dataclass(frozen=True, slots=True)
class Result:
    """A scored instrument: the common contract fields plus instrument-specific extras.

    `extras` always holds every key the instrument declares (null when not computed), so that
    CSV columns and API responses have a stable shape. Treat it as read-only.
    """

    instrument: str
    model_version: str
    thresholds_version: str
    verified: bool
    band: str | None
    points: int | None
    probability: float | None
    items: tuple[ItemExplanation, ...]
    warnings: tuple[str, ...]
    errors: tuple[FieldError, ...]
    not_applicable_reason: str | None
    extras: Mapping[str, ExtraValue]
    # `head_json` text for this result when the instrument has it cached (see `new_result`).
    _head_json: str | None = field(default=None, init=False, compare=False, repr=False)

    @property
    def ok(self) -> bool:
        return not self.errors

    def _head(self, line: int | None) -> dict[str, Any]:
        head: dict[str, Any] = {} if line is None else {"line": line}
        head["instrument"] = self.instrument
        head["model_version"] = self.model_version
        head["thresholds_version"] = self.thresholds_version
        head["verified"] = self.verified
        head["band"] = self.band
        head["points"] = self.points
        head["probability"] = self.probability
        for key, value in self.extras.items():
            head[key] = _plain(value)
        head["not_applicable_reason"] = self.not_applicable_reason
        head["warnings"] = list(self.warnings)
        head["errors"] = [error.to_dict() for error in self.errors]
        return head

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dict: the contract keys, the instrument's extras, then the items."""
        out = self._head(None)
        out["items"] = [item.to_dict() for item in self.items]
        return out

    def to_json(self, *, line: int | None = None) -> str:
        """The same content as `to_dict()` as compact JSON (with `line` first when given).

        Item explanations are appended from their cached text, which keeps batch scoring close
        to the cost of plain JSON parsing and writing.
        """
        head = self._head_json or head_json(
            self.instrument,
            self.model_version,
            self.thresholds_version,
            self.verified,
            self.band,
            self.points,
            self.probability,
            self.extras,
            self.not_applicable_reason,
        )
        items = ",".join([item._json or item.json_text() for item in self.items])
        # Most results have no warnings and no errors: skip building empty lists for them.
        warnings = _warnings_json(self.warnings) if self.warnings else ""
        errors = ",".join([error.json_text() for error in self.errors]) if self.errors else ""
        start = "{" if line is None else f'{{"line":{line:d},'
        return f'{start}{head},"warnings":[{warnings}],"errors":[{errors}],"items":[{items}]}}'


_set = tuple(
    getattr(Result, name).__set__
    for name in (
        "instrument",
        "model_version",
        "thresholds_version",
        "verified",
        "band",
        "points",
        "probability",
        "items",
        "warnings",
        "errors",
        "not_applicable_reason",
        "extras",
        "_head_json",
    )
)


def new_result(
    instrument: str,
    model_version: str,
    thresholds_version: str,
    verified: bool,
    band: str | None,
    points: int | None,
    probability: float | None,
    items: tuple[ItemExplanation, ...],
    warnings: tuple[str, ...],
    errors: tuple[FieldError, ...],
    not_applicable_reason: str | None,
    extras: Mapping[str, ExtraValue],
    head: str | None = None,
) -> Result:
    """Build a Result positionally without the frozen-dataclass `__init__`.

    A frozen dataclass sets each field through `object.__setattr__`; the slot descriptors do the
    same job in about a third of the time, which matters when scoring millions of rows. The
    object is as immutable afterwards as one built by `Result(...)`. `head` is the cached
    `head_json` text for exactly these values (instrument to reason), or None.
    """
    result = object.__new__(Result)
    s = _set
    s[0](result, instrument)
    s[1](result, model_version)
    s[2](result, thresholds_version)
    s[3](result, verified)
    s[4](result, band)
    s[5](result, points)
    s[6](result, probability)
    s[7](result, items)
    s[8](result, warnings)
    s[9](result, errors)
    s[10](result, not_applicable_reason)
    s[11](result, extras)
    s[12](result, head)
    return result
