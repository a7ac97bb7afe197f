"""The JSON Schemas that forms and the API are generated from: complete, accurate and honest."""

from __future__ import annotations

import json

import pytest

from safeguard.instruments import registry

from ._jsonschema import errors, unsupported_keywords

IDS = registry.instrument_ids()


@pytest.mark.parametrize("instrument_id", IDS)
def test_schema_shape(instrument_id: str) -> None:
    schema = registry.input_schema(instrument_id)
    json.dumps(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["type"] == "object"
    assert schema["additionalProperties"] is False
    assert schema["properties"]
    assert set(schema["required"]) <= set(schema["properties"])
    assert unsupported_keywords(schema) == []
    for name, prop in schema["properties"].items():
        assert prop["title"], name
        assert len(prop["description"]) > 20, name
        assert "type" in prop, name
        kinds = prop["type"] if isinstance(prop["type"], list) else [prop["type"]]
        if "enum" in prop:
            assert (None in prop["enum"]) == ("null" in kinds), name
        if "integer" in kinds or "number" in kinds:
            assert "enum" in prop or ("minimum" in prop and "maximum" in prop), name


@pytest.mark.parametrize("instrument_id", IDS)
def test_schema_matches_the_declared_fields(instrument_id: str) -> None:
    schema = registry.input_schema(instrument_id)
    instrument = registry.get(instrument_id)
    own = [f.name for f in instrument.fieldset.fields]
    assert list(schema["properties"])[: len(own)] == own
    for spec in instrument.fieldset.fields:
        prop = schema["properties"][spec.name]
        if spec.kind == "date":
            assert prop["format"] == "date"
        assert (spec.name in schema["required"]) == spec.required


@pytest.mark.parametrize("instrument_id", IDS)
def test_example_input_validates_and_scores(instrument_id: str) -> None:
    schema = registry.input_schema(instrument_id)
    example = schema["examples"][0]
    assert errors(schema, example) == []
    assert registry.score(instrument_id, example).errors == ()


@pytest.mark.parametrize("instrument_id", IDS)
def test_schema_and_engine_agree_on_bad_input(instrument_id: str) -> None:
    schema = registry.input_schema(instrument_id)
    example = registry.example_input(instrument_id)
    with_unknown = {**example, "not_a_field": 1}
    assert errors(schema, with_unknown)
    assert registry.score(instrument_id, with_unknown).errors
    for name in schema["required"]:
        without = {k: v for k, v in example.items() if k != name}
        assert errors(schema, without), name
        assert registry.score(instrument_id, without).errors, name


def test_conditional_requirements_are_in_the_schema() -> None:
    schema = registry.input_schema("osp-dc")
    man = {"sex": "male", "has_ever_committed_sexual_offence": True}
    woman = {"sex": "female", "has_ever_committed_sexual_offence": True}
    assert any("total_sanctions" in e for e in errors(schema, man))
    assert errors(schema, woman) == []
    static = registry.input_schema("static-99r")
    example = registry.example_input("static-99r")
    no_age = {k: v for k, v in example.items() if k not in ("release_date",)}
    assert errors(static, no_age)
    assert errors(static, {**no_age, "age_at_release": 41.5}) == []


def test_composite_schema_lists_component_inputs() -> None:
    schema = registry.input_schema("rsr")
    assert schema["properties"]["total_sanctions"]["x-component"] == "osp-dc"
    assert "total_sanctions" not in schema["required"]
    assert schema["x-safeguard"]["feeds"] == {
        "osp_dc_percent": "osp-dc",
        "osp_iic_percent": "osp-iic",
        "iic_srp_percent": "iic-srp",
    }
    assert (
        errors(schema, {**registry.example_input("osp-dc"), "serious_non_sexual_violence_percent": 1.0}) == []
    )
