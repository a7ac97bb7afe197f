"""A small JSON Schema (draft 2020-12) checker covering the keywords our input schemas use.

No JSON Schema library is a project dependency; this checks the subset we generate, strictly
enough that an example that does not match its schema fails a test.
"""

from __future__ import annotations

import datetime
from typing import Any

SUPPORTED = {
    "$schema",
    "$id",
    "title",
    "description",
    "type",
    "properties",
    "required",
    "additionalProperties",
    "allOf",
    "anyOf",
    "if",
    "then",
    "enum",
    "const",
    "minimum",
    "maximum",
    "format",
    "default",
    "examples",
    "x-safeguard",
    "x-component",
    "x-past-event",
}

_TYPES = {
    "object": lambda v: isinstance(v, dict),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


def unsupported_keywords(schema: Any, path: str = "$") -> list[str]:
    """Keywords this checker would silently ignore: a schema using them must not pass unchecked."""
    found: list[str] = []
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key not in SUPPORTED:
                found.append(f"{path}.{key}")
            if key == "properties":
                for name, sub in value.items():
                    found += unsupported_keywords(sub, f"{path}.properties.{name}")
            elif key in ("allOf", "anyOf"):
                for i, sub in enumerate(value):
                    found += unsupported_keywords(sub, f"{path}.{key}[{i}]")
            elif key in ("if", "then"):
                found += unsupported_keywords(value, f"{path}.{key}")
    return found


def errors(schema: dict[str, Any], value: Any, path: str = "$") -> list[str]:
    """Every way `value` fails `schema`; empty when it is valid."""
    out: list[str] = []
    if "type" in schema:
        kinds = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(_TYPES[kind](value) for kind in kinds):
            return [f"{path}: {value!r} is not of type {kinds}"]
    if "const" in schema and value != schema["const"]:
        out.append(f"{path}: {value!r} is not {schema['const']!r}")
    if "enum" in schema and value not in schema["enum"]:
        out.append(f"{path}: {value!r} not in {schema['enum']}")
    if isinstance(value, int | float) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            out.append(f"{path}: {value} < {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            out.append(f"{path}: {value} > {schema['maximum']}")
    if schema.get("format") == "date" and isinstance(value, str):
        try:
            if len(value) != 10:
                raise ValueError(value)
            datetime.date.fromisoformat(value)
        except ValueError:
            out.append(f"{path}: {value!r} is not a date")
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        for name in schema.get("required", []):
            if name not in value:
                out.append(f"{path}: missing required {name}")
        for name, item in value.items():
            if name in properties:
                out += errors(properties[name], item, f"{path}.{name}")
            elif schema.get("additionalProperties") is False:
                out.append(f"{path}: unexpected property {name}")
    for sub in schema.get("allOf", []):
        out += errors(sub, value, path)
    if "anyOf" in schema and all(errors(sub, value, path) for sub in schema["anyOf"]):
        out.append(f"{path}: matches none of anyOf")
    if "if" in schema and not errors(schema["if"], value, path) and "then" in schema:
        out += errors(schema["then"], value, path)
    return out
