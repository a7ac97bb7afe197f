"""The one place to find, describe and score instruments, including composites built from others."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from datetime import date
from typing import Any

from safeguard.calendar.ages import today_utc
from safeguard.instruments.base import Context, Instrument, InstrumentMetadata
from safeguard.instruments.cport import Cport
from safeguard.instruments.fields import NOT_AN_OBJECT, unknown_field_errors
from safeguard.instruments.osp_2018 import OspC2018, OspI2018
from safeguard.instruments.osp_dc import OspDc
from safeguard.instruments.osp_iic import IicSrp, OspIic
from safeguard.instruments.pni import Pni
from safeguard.instruments.result import FieldError, Result
from safeguard.instruments.rm2000_s import Rm2000S
from safeguard.instruments.rsr import Rsr
from safeguard.instruments.stable_2007 import Stable2007
from safeguard.instruments.static_99r import Static99R

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

# Named in the spec but not provided: asking for them explains why rather than "unknown".
NOT_AVAILABLE = {
    "rm2000-v": "RM2000/V is not available: its items were not found in any verified source.",
    "rm2000-c": "RM2000/C is not available: it combines RM2000/S and RM2000/V, and RM2000/V items "
    "are not verified.",
}


class UnknownInstrumentError(LookupError):
    """Raised for an instrument id that is not registered; the message lists the valid ids."""

    def __init__(self, instrument_id: str) -> None:
        self.instrument_id = instrument_id
        valid = ", ".join(_REGISTRY)
        reason = NOT_AVAILABLE.get(instrument_id, f"unknown instrument {instrument_id!r}.")
        super().__init__(f"{reason} Valid instruments: {valid}")


def _build() -> dict[str, Instrument]:
    instruments: list[Instrument] = [
        Static99R(),
        Rm2000S(),
        OspDc(),
        OspIic(),
        IicSrp(),
        Rsr(),
        Cport(),
        Stable2007(),
        Pni(),
        OspC2018(),
        OspI2018(),
    ]
    out = {instrument.id: instrument for instrument in instruments}
    for instrument in instruments:
        declared = instrument.meta.depends_on
        fed = tuple(dict.fromkeys(feed.component for feed in instrument.feeds))
        if declared != fed:
            raise RuntimeError(f"{instrument.id}: depends_on {declared} does not match its feeds {fed}")
        for component in fed:
            if component not in out:
                raise RuntimeError(f"{instrument.id} depends on unregistered {component}")
    return out


_REGISTRY = _build()
_ORDER = {instrument_id: position for position, instrument_id in enumerate(_REGISTRY)}


def _component_inputs(instrument: Instrument) -> dict[str, str]:
    """The inputs a composite accepts for the components it computes itself (its required feeds),
    beyond its own: name -> the first component that reads it, in the order the schema lists them."""
    own = instrument.fieldset.names
    out: dict[str, str] = {}
    for feed in instrument.feeds:
        if feed.required:
            for f in _REGISTRY[feed.component].fieldset.fields:
                if f.name not in own:
                    out.setdefault(f.name, feed.component)
    return out


_COMPONENT_INPUTS = {instrument_id: _component_inputs(i) for instrument_id, i in _REGISTRY.items()}


def list_instruments() -> list[InstrumentMetadata]:
    """Metadata for every registered instrument, in a fixed order."""
    return [instrument.meta for instrument in _REGISTRY.values()]


def instrument_ids() -> tuple[str, ...]:
    return tuple(_REGISTRY)


def get(instrument_id: str) -> Instrument:
    try:
        return _REGISTRY[instrument_id]
    except KeyError:
        raise UnknownInstrumentError(instrument_id) from None


def metadata(instrument_id: str) -> InstrumentMetadata:
    return get(instrument_id).meta


def example_input(instrument_id: str) -> dict[str, Any]:
    return get(instrument_id).example_input()


def accepted_inputs(instrument_id: str) -> frozenset[str]:
    """Every input `score` accepts for this instrument: exactly the properties of its input schema.

    A composite accepts its components' inputs as well, whether or not the components' results are
    also given (a result given directly wins, and the inputs are then only checked).
    """
    return get(instrument_id).fieldset.names | _COMPONENT_INPUTS[instrument_id].keys()


# -- dependency resolution -------------------------------------------------------------------------


def _given(data: Mapping[str, object], field: str) -> bool:
    return data.get(field) is not None


def _closure(requested: Iterable[str], data: Mapping[str, object]) -> set[str]:
    """The requested ids plus every required component whose value is not given directly."""
    needed = set()
    pending = list(requested)
    while pending:
        instrument_id = pending.pop()
        if instrument_id in needed:
            continue
        needed.add(instrument_id)
        for feed in get(instrument_id).feeds:
            if feed.required and feed.applies(data) and not _given(data, feed.field):
                pending.append(feed.component)
    return needed


def topological_order(instrument_ids: Iterable[str]) -> list[str]:
    """Components before the composites that use them; ties go by registry order, never by call order."""
    ids = set(instrument_ids)
    remaining = {i: {feed.component for feed in get(i).feeds if feed.component in ids} for i in ids}
    order: list[str] = []
    while remaining:
        ready = sorted((i for i, deps in remaining.items() if not deps), key=_ORDER.__getitem__)
        if not ready:
            raise RuntimeError(f"dependency cycle among {sorted(remaining)}")
        for instrument_id in ready:
            order.append(instrument_id)
            del remaining[instrument_id]
        for deps in remaining.values():
            deps.difference_update(ready)
    return order


def _component_errors(component: str, result: Result) -> list[FieldError]:
    name = get(component).meta.name.split(" (")[0]
    return [
        FieldError(
            error.field,
            "component_error",
            f"{name} ({component}) could not be scored: {error.message} [{error.code}]",
        )
        for error in result.errors
    ]


def _dedupe(errors: list[FieldError]) -> list[FieldError]:
    seen: dict[tuple[str, str, str], FieldError] = {}
    for error in errors:
        # The OSP predictors share inputs, so one bad field would otherwise be reported once per component.
        key = (error.field, error.code, error.message.split(" could not be scored: ", 1)[-1])
        seen.setdefault(key, error)
    return list(seen.values())


def _check_unscored(order: list[str], data: Mapping[str, object], names: set[str]) -> list[FieldError]:
    by_component: dict[str, dict[str, object]] = {}
    for instrument_id in order:
        for name in names:
            component = _COMPONENT_INPUTS[instrument_id].get(name)
            if component is not None and not any(name in given for given in by_component.values()):
                by_component.setdefault(component, {})[name] = data[name]
    errors: list[FieldError] = []
    for component, values in by_component.items():
        get(component).fieldset.check_given(values, errors)
    return sorted(errors, key=lambda error: error.field)


def score_many(
    instrument_ids: Iterable[str], data: Mapping[str, object], *, today: date | None = None
) -> dict[str, Result]:
    """Score several instruments on one input, components first, feeding their results to composites.

    Returns a result for every requested id and for every component scored to serve them, in
    dependency order. The outcome does not depend on the order of `instrument_ids`. Raises
    UnknownInstrumentError for an unknown id; never raises on bad input.
    """
    requested = list(dict.fromkeys(instrument_ids))
    for instrument_id in requested:
        get(instrument_id)
    if not isinstance(data, Mapping):
        bad = [FieldError("$", NOT_AN_OBJECT, "the input must be a JSON object of field names and answers")]
        order = topological_order(_closure(requested, {}))
        return {i: get(i).error_result(bad) for i in order}
    order = topological_order(_closure(requested, data))
    scored = frozenset().union(*(get(i).fieldset.names for i in order))
    accepted = scored.union(*(_COMPONENT_INPUTS[i].keys() for i in order))
    extra = data.keys() - accepted
    label = " + ".join(order)
    request_errors = unknown_field_errors(extra, accepted, label) if extra else []
    # Component inputs sent with the component's result (so the component is not scored): the
    # result given is used, and the answers are checked one by one so a malformed one is reported.
    unscored = data.keys() & (accepted - scored)
    if unscored:
        request_errors.extend(_check_unscored(order, data, unscored))
    when = today or today_utc()
    results: dict[str, Result] = {}
    for instrument_id in order:
        instrument = get(instrument_id)
        errors = list(request_errors)
        fed: dict[str, object] = {}
        fed_from: dict[str, str] = {}
        failed: set[str] = set()
        warnings: list[str] = []
        for feed in instrument.feeds:
            component = results.get(feed.component)
            if component is None or not feed.applies(data):
                continue
            if _given(data, feed.field):
                value = feed.extract(component) if component.ok else None
                if value is not None and value != data.get(feed.field):
                    warnings.append(
                        f"{feed.field} was given as {data.get(feed.field)!r}; the value given was used, "
                        f"not the {value!r} computed by {feed.component}."
                    )
                continue
            if not component.ok:
                failed.add(feed.field)
                errors.extend(_component_errors(feed.component, component))
                continue
            fed[feed.field] = feed.extract(component)
            fed_from[feed.field] = feed.component
        merged = {**data, **fed} if fed else data
        ctx = Context(when, fed_from, frozenset(failed))
        result = instrument.evaluate(merged, ctx, _dedupe(errors))
        if warnings and result.ok:
            result = replace(result, warnings=result.warnings + tuple(warnings))
        results[instrument_id] = result
    return results


def score(instrument_id: str, data: Mapping[str, object], *, today: date | None = None) -> Result:
    """Score one instrument. A composite's components are computed from `data` when not given directly.

    Never raises on bad input: problems are returned in `Result.errors`. Raises
    UnknownInstrumentError only for an id that is not registered.
    """
    instrument = get(instrument_id)
    if not instrument.feeds:
        return instrument.score(data, today=today)
    return score_many([instrument_id], data, today=today)[instrument_id]


def scorer(instrument_id: str, *, today: date | None = None) -> Callable[[object], Result]:
    """A one-argument scoring function with the date fixed, for scoring many rows the same way."""
    instrument = get(instrument_id)
    when = today or today_utc()
    if instrument.feeds:
        return lambda row: score_many([instrument_id], row, today=when)[instrument_id]  # type: ignore[arg-type]
    names = instrument.fieldset.names
    evaluate = instrument.evaluate
    ctx = Context(when)
    not_object = [
        FieldError("$", NOT_AN_OBJECT, "the input must be a JSON object of field names and answers")
    ]

    def score_row(row: object) -> Result:
        if type(row) is not dict and not isinstance(row, Mapping):
            return instrument.error_result(not_object)
        # issuperset walks the keys without building a set: the common, clean row pays least.
        if names.issuperset(row):
            errors: list[FieldError] = []
        else:
            errors = unknown_field_errors(row.keys() - names, names, instrument_id)
        return evaluate(row, ctx, errors)

    return score_row


# -- JSON Schema -----------------------------------------------------------------------------------


def input_schema(instrument_id: str) -> dict[str, Any]:
    """The instrument's input as a JSON Schema (draft 2020-12) that forms and the API are generated from.

    Properties keep the order a practitioner fills them in. A composite also lists the inputs of
    the components it can compute (marked `x-component`); they are not required, because the
    component's result can be given directly instead.
    """
    instrument = get(instrument_id)
    meta = instrument.meta
    properties: dict[str, Any] = {f.name: f.json_schema() for f in instrument.fieldset.fields}
    required = [f.name for f in instrument.fieldset.fields if f.required]
    components: dict[str, list[str]] = {}
    for feed in instrument.feeds:
        if not feed.required:
            continue
        component = get(feed.component)
        components.setdefault(feed.component, [])
        for f in component.fieldset.fields:
            if f.name not in properties:
                prop = f.json_schema()
                prop["x-component"] = feed.component
                properties[f.name] = prop
            if f.name not in components[feed.component]:
                components[feed.component].append(f.name)
    schema: dict[str, Any] = {
        "$schema": JSON_SCHEMA_DIALECT,
        "$id": f"urn:safeguard:instruments:{meta.id}:{meta.model_version}:input",
        "title": f"{meta.name}: input",
        "description": f"Answers for {meta.name}. Population: {meta.population}",
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }
    if instrument.schema_rules:
        schema["allOf"] = [dict(rule) for rule in instrument.schema_rules]
    schema["examples"] = [instrument.example_input()]
    schema["x-safeguard"] = {
        "instrument": meta.id,
        "model_version": meta.model_version,
        "thresholds_version": meta.thresholds_version,
        "verified": meta.verified,
        "feeds": {feed.field: feed.component for feed in instrument.feeds},
        "component_inputs": components,
    }
    return schema
