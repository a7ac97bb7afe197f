"""The registry: listing, metadata, unknown ids, dependency order and composites fed by components."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safeguard import instruments
from safeguard.instruments import registry
from safeguard.instruments.pni import ALL_ITEMS

from .conftest import AS_OF, osp_row

EXPECTED_IDS = (
    "static-99r",
    "rm2000-s",
    "osp-dc",
    "osp-iic",
    "iic-srp",
    "rsr",
    "cport",
    "stable-2007",
    "pni",
    "osp-c-2018",
    "osp-i-2018",
)


def test_ids_in_fixed_order() -> None:
    assert registry.instrument_ids() == EXPECTED_IDS
    assert [m.id for m in instruments.list_instruments()] == list(EXPECTED_IDS)


@pytest.mark.parametrize("instrument_id", EXPECTED_IDS)
def test_metadata_is_complete(instrument_id: str) -> None:
    meta = registry.metadata(instrument_id)
    described = meta.to_dict()
    json.dumps(described)
    for key in ("name", "model_version", "thresholds_version", "source", "population", "reassessment_note"):
        assert described[key], key
    assert described["not_for"]
    assert described["tables"]
    for table in meta.tables:
        assert table.status in ("verified", "secondary", "candidate", "interpretation")
        assert table.verified_against
    assert meta.verified == all(t.status == "verified" for t in meta.tables)


@pytest.mark.parametrize(
    ("instrument_id", "verified"),
    [
        ("osp-dc", True),
        ("osp-iic", True),
        ("rsr", True),
        ("static-99r", False),
        ("rm2000-s", False),
        ("cport", False),
        ("stable-2007", False),
        ("pni", False),
    ],
)
def test_verification_follows_the_spec(instrument_id: str, verified: bool) -> None:
    assert registry.metadata(instrument_id).verified is verified


@pytest.mark.parametrize("instrument_id", EXPECTED_IDS)
def test_unverified_results_carry_a_warning(instrument_id: str) -> None:
    result = registry.score(instrument_id, registry.example_input(instrument_id), today=AS_OF)
    assert result.errors == ()
    assert result.verified == (not any(w.startswith("Unverified") for w in result.warnings))


def test_unknown_id_lists_the_valid_ones() -> None:
    with pytest.raises(registry.UnknownInstrumentError) as caught:
        registry.get("static-2002")
    assert "static-2002" in str(caught.value)
    for instrument_id in EXPECTED_IDS:
        assert instrument_id in str(caught.value)
    with pytest.raises(LookupError):
        registry.score("nope", {})


@pytest.mark.parametrize("instrument_id", EXPECTED_IDS)
def test_to_dict_has_exactly_the_contract_keys(instrument_id: str) -> None:
    result = registry.score(instrument_id, registry.example_input(instrument_id), today=AS_OF)
    out = result.to_dict()
    common = [
        "instrument",
        "model_version",
        "thresholds_version",
        "verified",
        "band",
        "points",
        "probability",
    ]
    trailing = ["not_applicable_reason", "warnings", "errors", "items"]
    assert list(out) == common + list(registry.metadata(instrument_id).extra_keys) + trailing
    assert json.loads(result.to_json()) == out
    assert json.loads(json.dumps(out)) == out
    for item in out["items"]:
        assert list(item) == ["name", "answer", "points", "rule"]
        assert item["rule"]


def test_to_dict_on_error_keeps_the_shape() -> None:
    out = registry.score("static-99r", {"male_victims": "x"}).to_dict()
    assert out["band"] is None
    assert out["level"] is None
    assert {"field", "code", "message"} == set(out["errors"][0])


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=150, deadline=None)
@given(
    instrument_id=st.sampled_from(EXPECTED_IDS), data=st.dictionaries(st.text(max_size=30), JSON, max_size=6)
)
def test_score_never_raises_on_junk(instrument_id: str, data: dict[str, Any]) -> None:
    result = registry.score(instrument_id, data, today=AS_OF)
    json.loads(result.to_json())
    assert (
        result.errors
        or result.band is not None
        or result.points is not None
        or result.probability is not None
    )


@settings(max_examples=80, deadline=None)
@given(instrument_id=st.sampled_from(EXPECTED_IDS), field=st.sampled_from(["x", ""]), junk=JSON)
def test_junk_in_known_fields_never_raises(instrument_id: str, field: str, junk: Any) -> None:
    example = registry.example_input(instrument_id)
    for name in example:
        result = registry.score(instrument_id, {**example, name: junk}, today=AS_OF)
        json.loads(result.to_json())


def combined_row() -> dict[str, Any]:
    return {
        **osp_row(),
        **dict.fromkeys(ALL_ITEMS, 1),
        "is_risk_of_sexual_harm": False,
        "serious_non_sexual_violence_percent": 2.5,
        "general_reoffending_percent": 40,
        "sara_risk_to_partner": "low",
        "sara_risk_to_others": "low",
    }


def test_score_many_does_not_depend_on_the_order_asked() -> None:
    ids = ["pni", "rsr", "osp-dc", "osp-iic"]
    outcomes = []
    for order in itertools.permutations(ids):
        results = registry.score_many(order, combined_row(), today=AS_OF)
        outcomes.append([(key, result.to_dict()) for key, result in results.items()])
    assert all(outcome == outcomes[0] for outcome in outcomes)
    assert [key for key, _ in outcomes[0]] == ["osp-dc", "osp-iic", "rsr", "pni"]


def test_composites_receive_component_results() -> None:
    results = registry.score_many(["pni", "rsr"], combined_row(), today=AS_OF)
    assert set(results) == {"osp-dc", "osp-iic", "rsr", "pni"}
    osp_dc, osp_iic, rsr, pni = (results[k] for k in ("osp-dc", "osp-iic", "rsr", "pni"))
    expected = round(2.5 + osp_dc.probability * 100 + osp_iic.probability * 100, 2)
    assert rsr.extras["percent"] == expected
    assert any(item.answer == "high" for item in pni.items if item.name == "osp_iic_band")
    assert pni.extras["risk_level"] == "high"


def test_optional_components_are_not_added_unasked() -> None:
    data = {k: v for k, v in combined_row().items() if k in registry.get("pni").fieldset.names}
    assert list(registry.score_many(["pni"], data, today=AS_OF)) == ["pni"]


def test_unknown_fields_are_judged_against_everything_scored() -> None:
    results = registry.score_many(["rsr"], {**combined_row(), "sara_risk_to_others": "low"}, today=AS_OF)
    unknown = {e.field for e in results["rsr"].errors if e.code == "unknown_field"}
    assert "impulsivity" in unknown
    assert "total_sanctions" not in unknown


def test_a_value_given_directly_wins_and_a_difference_is_reported() -> None:
    data = {**combined_row(), "osp_dc_band": "low"}
    del data["serious_non_sexual_violence_percent"]
    results = registry.score_many(["osp-dc", "pni"], data, today=AS_OF)
    assert results["osp-dc"].band == "medium"
    assert any("osp_dc_band was given" in w for w in results["pni"].warnings)
    assert results["pni"].extras["risk_level"] == "low"


def test_declared_dependencies() -> None:
    assert registry.metadata("rsr").depends_on == ("osp-dc", "osp-iic", "iic-srp")
    assert registry.metadata("pni").depends_on == ("osp-dc", "osp-iic", "rsr")
    assert registry.topological_order(["pni", "rsr", "osp-iic", "osp-dc"]) == [
        "osp-dc",
        "osp-iic",
        "rsr",
        "pni",
    ]


def test_score_many_rejects_unknown_ids_and_non_objects() -> None:
    with pytest.raises(registry.UnknownInstrumentError):
        registry.score_many(["osp-dc", "nope"], {})
    results = registry.score_many(["rsr"], "not a row")  # type: ignore[arg-type]
    assert all(r.errors[0].code == "not_an_object" for r in results.values())


def test_shared_extras_cannot_be_changed_by_a_caller() -> None:
    first = registry.score("static-99r", registry.example_input("static-99r"), today=AS_OF)
    with pytest.raises(TypeError):
        first.extras["level"] = "IVb"  # type: ignore[index]
    out = first.to_dict()
    out["level"] = "changed"
    again = registry.score("static-99r", registry.example_input("static-99r"), today=AS_OF)
    assert again.extras["level"] == "III"
