"""The values every instrument returns: field errors, per-item explanations and the scored result."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
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
            text = _encode(self.to_dict())
            object.__setattr__(self, "_json", text)
        return text


def _plain(value: ExtraValue) -> Any:
    return list(value) if isinstance(value, tuple) else value


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
        head = _encode(self._head(line))
        items = ",".join([item.json_text() for item in self.items])
        return f'{head[:-1]},"items":[{items}]}}'
