"""What the JSON Schema lists, scoring accepts: every property of every instrument's input schema,
including a composite's component inputs when the component's result is given as well."""

from __future__ import annotations

from typing import Any

import pytest

from safeguard.instruments import registry

from ._jsonschema import errors as schema_errors

IDS = registry.instrument_ids()
VALUE_CODES = {"wrong_type", "out_of_range", "not_allowed", "invalid_date", "unknown_field"}


def schema_value(prop: dict[str, Any]) -> Any:
    """A value the property's schema allows, derived from the schema alone (not from any example)."""
    if "enum" in prop:
        return next(v for v in prop["enum"] if v is not None)
    kinds = prop["type"] if isinstance(prop["type"], list) else [prop["type"]]
    kind = next(k for k in kinds if k != "null")
    if kind == "boolean":
        return True
    if kind == "integer":
        return int(prop["minimum"])
    if kind == "number":
        return (prop["minimum"] + prop["maximum"]) / 2
    assert kind == "string" and prop.get("format") == "date", prop
    return "2000-01-01"


def component_properties(instrument_id: str) -> dict[str, Any]:
    return {
        name: prop
        for name, prop in registry.input_schema(instrument_id)["properties"].items()
        if prop.get("x-component")
    }


WITH_COMPONENT_INPUTS = [i for i in IDS if component_properties(i)]


@pytest.mark.parametrize("instrument_id", IDS)
def test_accepted_inputs_are_the_schema_properties(instrument_id: str) -> None:
    assert registry.accepted_inputs(instrument_id) == set(registry.input_schema(instrument_id)["properties"])


@pytest.mark.parametrize(
    ("instrument_id", "name"),
    [(i, name) for i in IDS for name in registry.input_schema(i)["properties"]],
)
def test_every_schema_property_is_accepted_with_a_valid_value(instrument_id: str, name: str) -> None:
    schema = registry.input_schema(instrument_id)
    prop = schema["properties"][name]
    value = schema_value(prop)
    data = {**registry.example_input(instrument_id), name: value}
    # The value really is one the schema allows for this property ...
    assert schema_errors({"type": "object", "properties": {name: prop}}, {name: value}) == []
    # ... and scoring neither refuses the field nor its value.
    result = registry.score(instrument_id, data)
    assert [e for e in result.errors if e.code in VALUE_CODES] == [], (name, value)


def test_rsr_lists_the_osp_inputs() -> None:
    assert "rsr" in WITH_COMPONENT_INPUTS
    assert {"date_of_birth", "total_sanctions", "supervision_status"} <= set(component_properties("rsr"))


@pytest.mark.parametrize("instrument_id", WITH_COMPONENT_INPUTS)
def test_component_inputs_are_accepted_with_the_components_results_given(instrument_id: str) -> None:
    # The example gives the components' results directly; every component input is sent as well,
    # with the component's own example answers: all accepted, nothing refused.
    data = dict(registry.example_input(instrument_id))
    for name, prop in component_properties(instrument_id).items():
        data[name] = registry.example_input(prop["x-component"]).get(name)
    # Every property is sent, except own optional inputs the example leaves out (RSR's images
    # percentage of the other generation, which must not be given).
    own_optional = {f.name for f in registry.get(instrument_id).fieldset.fields if not f.required}
    assert set(registry.input_schema(instrument_id)["properties"]) - set(data) <= own_optional
    result = registry.score(instrument_id, data)
    assert result.errors == ()
    assert result == registry.score(instrument_id, registry.example_input(instrument_id))
