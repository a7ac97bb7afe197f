"""RSR: the sum, rounding, clamp, both band generations, and components computed or given."""

from __future__ import annotations

from typing import Any

import pytest

from safeguard.instruments import registry
from safeguard.instruments.rsr import band_for_percent, round_percent

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
            serious_non_sexual_violence_percent=1.0, osp_dc_percent=0.5, osp_iic_percent=0.2, generation=2
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
