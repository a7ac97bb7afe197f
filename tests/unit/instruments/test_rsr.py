"""RSR: the sum, rounding, clamp, both band generations, and components computed or given."""

from __future__ import annotations

from typing import Any

import pytest

from safeguard.instruments import registry
from safeguard.instruments.osp_common import SEXUAL_COUNTS
from safeguard.instruments.rsr import band_for_percent, round_percent

from ._jsonschema import errors as schema_errors
from .conftest import AS_OF, osp_row


def direct(**changes: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "serious_non_sexual_violence_percent": 1.08,
        "osp_dc_percent": 5.31,
        "osp_iic_percent": 10.31,
        "sex": "male",
        "has_ever_committed_sexual_offence": True,
    }
    row.update(changes)
    return row


# OSP inputs giving OSP/DC 36 points (5.31%) and OSP/IIC high (10.31%): the spec's RSR example.
OSP_36 = osp_row(
    contact_child_sexual_sanctions=1,
    date_at_start_of_followup="2024-01-01",
    date_of_most_recent_sexual_offence="2000-01-01",
)


def test_worked_example_given_directly() -> None:
    result = registry.score("rsr", direct(), today=AS_OF)
    assert result.errors == ()
    assert result.extras["percent"] == 16.70
    assert result.probability == 0.167
    assert result.band == "high"


def test_worked_example_from_components() -> None:
    results = registry.score_many(
        ["rsr"], {**OSP_36, "serious_non_sexual_violence_percent": 1.08}, today=AS_OF
    )
    assert list(results) == ["osp-dc", "osp-iic", "rsr"]
    assert results["osp-dc"].points == 36
    assert round(results["osp-dc"].probability * 100, 2) == 5.31
    assert results["osp-iic"].probability == 0.10310
    assert results["rsr"].extras["percent"] == 16.70
    assert "computed" in next(i.rule for i in results["rsr"].items if i.name == "osp_dc_percent")
    single = registry.score("rsr", {**OSP_36, "serious_non_sexual_violence_percent": 1.08}, today=AS_OF)
    assert single == results["rsr"]


@pytest.mark.parametrize(
    ("percent", "generation", "band"),
    [
        (0.0, 1, "low"),
        (2.99, 1, "low"),
        (3.0, 1, "medium"),
        (6.89, 1, "medium"),
        (6.9, 1, "high"),
        (99.99, 1, "high"),
        (0.99, 2, "low"),
        (1.0, 2, "medium"),
        (2.99, 2, "medium"),
        (3.0, 2, "high"),
        (6.89, 2, "high"),
        (6.9, 2, "very_high"),
    ],
)
def test_band_edges(percent: float, generation: int, band: str) -> None:
    assert band_for_percent(percent, generation) == band


def test_generation_2_is_a_version_option() -> None:
    result = registry.score(
        "rsr",
        direct(
            serious_non_sexual_violence_percent=1.0,
            osp_dc_percent=0.5,
            osp_iic_percent=None,
            iic_srp_percent=0.2,
            generation=2,
        ),
    )
    assert (result.band, result.thresholds_version, result.extras["generation"]) == (
        "medium",
        "rsr-bands-gen2",
        2,
    )
    assert (
        registry.score(
            "rsr", direct(serious_non_sexual_violence_percent=1.0, osp_dc_percent=0.5, osp_iic_percent=0.2)
        ).band
        == "low"
    )


# One non-contact sexual sanction and nothing else sexual: OSP/IIC's last rule gives 0.281%, while
# IIC-SRP gives 0 unless both non-contact and contact-adult sanctions are recorded (HMPPS ARNS,
# ImagesAndIndirectContactSexualReoffendingPredictorTransformationHelper). OSP/DC: 29 points, 1.80%.
NON_CONTACT_ONLY = osp_row(
    **dict(zip(SEXUAL_COUNTS, (0, 0, 1, 0), strict=True)),
    total_sanctions=3,
    date_of_most_recent_sexual_offence="2020-03-01",
    date_at_start_of_followup="2021-01-01",
    current_offence_against_stranger=True,
)


def test_generation_2_adds_iic_srp_not_the_generation_1_osp_iic() -> None:
    data = {**NON_CONTACT_ONLY, "serious_non_sexual_violence_percent": 1.0}
    first = registry.score_many(["rsr"], {**data, "generation": 1}, today=AS_OF)
    second = registry.score_many(["rsr"], {**data, "generation": 2}, today=AS_OF)
    assert list(first) == ["osp-dc", "osp-iic", "rsr"]
    assert list(second) == ["osp-dc", "iic-srp", "rsr"]
    assert first["osp-iic"].probability == 0.00281
    assert second["iic-srp"].probability == 0.0
    # 1.00 + 1.80 + 0.28 = 3.08 in generation 1; generation 2 adds IIC-SRP's 0: 2.80, medium. Before
    # the fix generation 2 also added 0.28, giving 3.08 and the band "high".
    assert first["rsr"].extras["percent"] == 3.08
    assert (second["rsr"].extras["percent"], second["rsr"].band) == (2.80, "medium")
    rules = {item.name: item.rule for item in second["rsr"].items}
    assert "IIC-SRP percentage computed" in rules["iic_srp_percent"]
    assert "osp_iic_percent" not in rules


def test_each_generation_refuses_the_other_generations_images_percentage() -> None:
    gen2 = registry.get("rsr").score(direct(generation=2))
    assert [(e.field, e.code) for e in gen2.errors] == [
        ("iic_srp_percent", "missing"),
        ("osp_iic_percent", "wrong_generation"),
    ]
    assert "generation 2 adds iic_srp_percent instead" in gen2.errors[1].message
    gen1 = registry.get("rsr").score(direct(iic_srp_percent=0.2))
    assert [(e.field, e.code) for e in gen1.errors] == [("iic_srp_percent", "wrong_generation")]


def test_the_schema_says_which_images_percentage_each_generation_takes() -> None:
    schema = registry.input_schema("rsr")
    assert schema_errors(schema, direct()) == []
    assert schema_errors(schema, direct(generation=2))  # OSP/IIC given with generation 2
    assert schema_errors(schema, direct(generation=2, osp_iic_percent=None, iic_srp_percent=0.2)) == []
    assert schema_errors(schema, direct(iic_srp_percent=0.2))  # IIC-SRP given with generation 1


def test_each_component_is_rounded_to_two_decimals_before_adding() -> None:
    """The HMPPS service rounds each component half up to 2 decimals, then adds (2.012 would give 2.01)."""
    result = registry.score(
        "rsr", direct(serious_non_sexual_violence_percent=1.004, osp_dc_percent=1.004, osp_iic_percent=0.004)
    )
    assert result.extras["percent"] == 2.00
    rules = {item.name: item.rule for item in result.items}
    assert "1.0 after rounding to 2 decimals" in rules["osp_dc_percent"]
    halves = registry.score(
        "rsr", direct(serious_non_sexual_violence_percent=1.005, osp_dc_percent=1.005, osp_iic_percent=0.0)
    )
    assert halves.extras["percent"] == 2.02


def test_female_with_sexual_history_adds_038() -> None:
    base = direct(serious_non_sexual_violence_percent=1.0, osp_dc_percent=0.0, osp_iic_percent=0.0)
    assert registry.score("rsr", {**base, "sex": "female"}).extras["percent"] == 1.38
    assert (
        registry.score("rsr", {**base, "sex": "female", "has_ever_committed_sexual_offence": False}).extras[
            "percent"
        ]
        == 1.0
    )
    assert registry.score("rsr", base).extras["percent"] == 1.0


def test_rounding_half_up_and_clamp() -> None:
    assert round_percent(1.005) == 1.01
    assert round_percent(16.704) == 16.70
    assert round_percent(250.0) == 99.99
    result = registry.score("rsr", direct(serious_non_sexual_violence_percent=100, osp_dc_percent=100))
    assert result.extras["percent"] == 99.99


def test_component_error_names_the_component_once() -> None:
    data = {**OSP_36, "serious_non_sexual_violence_percent": 1.08}
    del data["total_sanctions"]
    results = registry.score_many(["rsr"], data, today=AS_OF)
    rsr = results["rsr"]
    assert rsr.band is None
    assert [(e.field, e.code) for e in rsr.errors] == [("total_sanctions", "component_error")]
    assert "OSP/DC" in rsr.errors[0].message
    assert "[missing]" in rsr.errors[0].message
    assert results["osp-dc"].errors[0].code == "missing"


def test_standalone_instrument_needs_the_percentages() -> None:
    result = registry.get("rsr").score(
        {"serious_non_sexual_violence_percent": 2, "sex": "male", "has_ever_committed_sexual_offence": False}
    )
    assert {(e.field, e.code) for e in result.errors} == {
        ("osp_dc_percent", "missing"),
        ("osp_iic_percent", "missing"),
    }
    second = registry.get("rsr").score(
        {"serious_non_sexual_violence_percent": 2, "sex": "male", "has_ever_committed_sexual_offence": False,
         "generation": 2}
    )
    assert {(e.field, e.code) for e in second.errors} == {
        ("osp_dc_percent", "missing"),
        ("iic_srp_percent", "missing"),
    }


def test_not_applicable_components_count_as_zero() -> None:
    data = {
        "sex": "female",
        "has_ever_committed_sexual_offence": False,
        "serious_non_sexual_violence_percent": 4.2,
    }
    result = registry.score("rsr", data, today=AS_OF)
    assert result.errors == ()
    assert (result.extras["percent"], result.band) == (4.2, "medium")


def test_given_percentages_are_used_alongside_the_osp_inputs() -> None:
    # The schema lists both the percentages and the OSP inputs; sending both is accepted and the
    # percentages given are the ones used (the OSP inputs alone would give 5.31 + 10.31).
    data = {**OSP_36, "serious_non_sexual_violence_percent": 1.08, "osp_dc_percent": 1.5, "osp_iic_percent": 2.25}
    result = registry.score("rsr", data, today=AS_OF)
    assert result.errors == ()
    assert result.extras["percent"] == 4.83
    assert result.band == "medium"
    rules = {item.name: (item.answer, item.rule) for item in result.items}
    assert rules["osp_dc_percent"] == (1.5, "OSP/DC percentage, given")
    assert rules["osp_iic_percent"] == (2.25, "OSP/IIC percentage, given")
    computed = registry.score(
        "rsr", {**OSP_36, "serious_non_sexual_violence_percent": 1.08}, today=AS_OF
    )
    assert computed.extras["percent"] == 16.70


def test_one_percentage_given_the_other_computed_from_the_same_inputs() -> None:
    data = {**OSP_36, "serious_non_sexual_violence_percent": 1.08, "osp_dc_percent": 1.5}
    result = registry.score("rsr", data, today=AS_OF)
    assert result.errors == ()
    assert result.extras["percent"] == round_percent(1.08 + 1.5 + 10.31)


def test_osp_inputs_sent_with_the_percentages_are_still_checked() -> None:
    data = {
        **direct(),
        "date_of_birth": None,  # "not known" is a valid answer
        "total_sanctions": "eleven",
        "date_at_start_of_followup": "2027-02-30",
        "contact_child_sexual_sanctions": -1,
    }
    result = registry.score("rsr", data, today=AS_OF)
    assert result.band is None
    assert [(e.field, e.code) for e in result.errors] == [
        ("contact_child_sexual_sanctions", "out_of_range"),
        ("date_at_start_of_followup", "invalid_date"),
        ("total_sanctions", "wrong_type"),
    ]


def test_partial_osp_inputs_with_the_percentages_need_nothing_more() -> None:
    # A form prefilled with the date of birth, the percentages typed in, the other OSP answers blank.
    data = {**direct(), "date_of_birth": "1980-01-01", "total_sanctions": None, "assessment_date": None}
    result = registry.score("rsr", data, today=AS_OF)
    assert result.errors == ()
    assert result.extras["percent"] == 16.70


def test_an_input_no_schema_lists_is_still_refused() -> None:
    result = registry.score("rsr", {**direct(), "date_of_brith": "1980-01-01"}, today=AS_OF)
    assert [(e.field, e.code) for e in result.errors] == [("date_of_brith", "unknown_field")]
    assert "Did you mean date_of_birth?" in result.errors[0].message
