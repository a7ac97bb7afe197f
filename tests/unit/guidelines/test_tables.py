"""Every cell of every encoded table, through the engine, with the value and status the spec gives."""

from __future__ import annotations

import pytest

from safeguard.guidelines.facts import Status

from .helpers import images_request, ok, s9_request

# One factor that puts a case in each category.
S9_HARM = {
    "1": "penetration_of_vagina_or_anus",
    "2": "touching_or_exposure_of_naked_genitalia_or_breasts",
    "3": "other_sexual_activity",
}
S9_CULPABILITY = {"A": ["grooming_behaviour"], "B": []}

# (harm, culpability, starting point, range from, range to) - spec table, all candidate.
S9_TABLE = [
    ("1", "A", "5 years' custody", "4 years' custody", "10 years' custody"),
    ("1", "B", "1 year's custody", "high-level community order", "2 years' custody"),
    ("2", "A", "3 years' custody", "2 years' custody", "6 years' custody"),
    ("2", "B", "1 year's custody", "high-level community order", "2 years' custody"),
    ("3", "A", "26 weeks' custody", "high-level community order", "3 years' custody"),
    ("3", "B", "medium-level community order", "low-level community order", "high-level community order"),
]


@pytest.mark.parametrize(("harm", "culpability", "start", "low", "high"), S9_TABLE)
@pytest.mark.parametrize("offence", ["soa2003-s9", "soa2003-s10"])
def test_s9_s10_2014_table(
    offence: str, harm: str, culpability: str, start: str, low: str, high: str
) -> None:
    result = ok(
        s9_request(
            offence=offence,
            harm_factors=[S9_HARM[harm]],
            culpability_factors=S9_CULPABILITY[culpability],
        )
    )
    assert result.harm is not None and result.harm.category == harm
    assert result.culpability is not None and result.culpability.category == culpability
    table = result.table
    assert table.starting_point is not None and table.starting_point.text() == start
    assert table.range_from is not None and table.range_from.text() == low
    assert table.range_to is not None and table.range_to.text() == high
    assert table.status is Status.UNVERIFIED
    assert any(
        f"Starting point and range for Category {harm}, Culpability {culpability}" in w
        for w in result.warnings
    )
    assert "candidate value" in " ".join(result.warnings)


def test_s9_least_certain_cells_say_so() -> None:
    for harm in ("1", "2"):
        result = ok(s9_request(harm_factors=[S9_HARM[harm]]))
        assert any("least certain" in w for w in result.warnings)
    result = ok(s9_request(harm_factors=[S9_HARM["1"]], culpability_factors=["grooming_behaviour"]))
    assert not any("least certain" in w for w in result.warnings)


def test_s9_offence_range_is_community_order_to_10_years_secondary() -> None:
    result = ok(s9_request())
    assert result.table.offence_range_from is not None
    assert result.table.offence_range_from.text() == "community order"
    assert result.table.offence_range_to is not None
    assert result.table.offence_range_to.text() == "10 years' custody"
    assert any(
        w.startswith("Offence range: unverified transcription (read in a secondary source")
        for w in result.warnings
    )


IMAGE_HARM = {"A": "sadism", "B": "non_penetrative_sexual_activity", "C": "other_indecent_images"}
IMAGE_COLUMN = {
    "possession": "possession",
    "distribution": "distributing_or_sharing",
    "production": "taking_or_making_at_source",
}
# (category, column, starting point, range from, range to, evidence in the spec)
IMAGES_TABLE = [
    ("A", "possession", "1 year's custody", "26 weeks' custody", "3 years' custody", "secondary"),
    ("A", "distribution", "3 years' custody", "2 years' custody", "5 years' custody", "secondary"),
    ("A", "production", "6 years' custody", "4 years' custody", "9 years' custody", "candidate"),
    ("B", "possession", "26 weeks' custody", "high-level community order", "18 months' custody", "candidate"),
    ("B", "distribution", "1 year's custody", "26 weeks' custody", "2 years' custody", "candidate"),
    ("B", "production", "2 years' custody", "1 year's custody", "4 years' custody", "candidate"),
    (
        "C",
        "possession",
        "high-level community order",
        "medium-level community order",
        "26 weeks' custody",
        "candidate",
    ),
    (
        "C",
        "distribution",
        "13 weeks' custody",
        "high-level community order",
        "26 weeks' custody",
        "candidate",
    ),
    ("C", "production", "18 weeks' custody", "high-level community order", "3 years' custody", "candidate"),
]


@pytest.mark.parametrize(("category", "column", "start", "low", "high", "evidence"), IMAGES_TABLE)
def test_indecent_images_table(
    category: str, column: str, start: str, low: str, high: str, evidence: str
) -> None:
    result = ok(
        images_request(harm_factors=[IMAGE_HARM[category]], culpability_factors=[IMAGE_COLUMN[column]])
    )
    table = result.table
    assert table.starting_point is not None and table.starting_point.text() == start
    assert table.range_from is not None and table.range_from.text() == low
    assert table.range_to is not None and table.range_to.text() == high
    assert table.status is Status.UNVERIFIED
    wording = "secondary source" if evidence == "secondary" else "candidate value"
    cell_warning = next(w for w in result.warnings if w.startswith("Starting point and range"))
    assert wording in cell_warning


@pytest.mark.parametrize(
    ("factor", "category"),
    [
        ("penetrative_sexual_activity", "A"),
        ("sexual_activity_with_an_animal", "A"),
        ("sadism", "A"),
        ("non_penetrative_sexual_activity", "B"),
        ("other_indecent_images", "C"),
    ],
)
def test_image_categories(factor: str, category: str) -> None:
    result = ok(images_request(harm_factors=[factor]))
    assert result.harm is not None and result.harm.category == category


@pytest.mark.parametrize(
    ("factor", "column"),
    [
        ("possession", "possession"),
        ("making_by_simple_downloading", "possession"),
        ("distributing_or_sharing", "distribution"),
        ("possession_with_a_view_to_distributing_or_sharing", "distribution"),
        ("taking_or_making_at_source", "production"),
    ],
)
def test_image_columns(factor: str, column: str) -> None:
    result = ok(images_request(culpability_factors=[factor]))
    assert result.culpability is not None and result.culpability.category == column


def test_no_table_for_the_2007_guideline() -> None:
    result = ok(
        s9_request(
            offence_date="2010-01-10",
            conviction_date="2010-09-01",
            sentencing_date="2010-10-01",
            harm_factors=None,
            penetrative=False,
        )
    )
    assert result.guideline["version"] == "2007"
    assert result.table.available is False
    assert result.table.starting_point is None
    assert "No starting-point table is available" in result.table.reason
    assert any("No starting-point table is available" in w for w in result.warnings)
    assert result.sentence.sentence is None


def test_no_table_for_the_s13_guideline() -> None:
    result = ok(
        s9_request(
            offence="soa2003-s13",
            offender_age_at_offence=16,
            offender_age_at_conviction=16,
            harm_factors=None,
            sentence_before_plea={"kind": "custody", "length": "8m"},
        )
    )
    assert result.guideline["id"] == "child-sex-offences-committed-by-children"
    assert result.table.available is False
    assert result.statutory_maximum.maximum is None
    assert "not recorded" in result.statutory_maximum.reason
    notification = result.notification.period
    assert notification is not None
    assert notification.period_months == 60  # 10 years halved for a person under 18


def test_category_c_production_starting_point_is_flagged_as_unconfirmed() -> None:
    """18 weeks within a range up to 3 years looked like a slip for 18 months. Secondary sources
    confirm the 3-year top and none gives 18 months, so the cell stays as transcribed, candidate,
    and its warning says which part is unconfirmed."""
    result = ok(
        images_request(harm_factors=[IMAGE_HARM["C"]], culpability_factors=[IMAGE_COLUMN["production"]])
    )
    assert result.table.starting_point is not None
    assert result.table.starting_point.text() == "18 weeks' custody"
    cell_warning = next(w for w in result.warnings if w.startswith("Starting point and range"))
    assert "candidate value" in cell_warning
    assert "3 years' custody agrees with secondary sources" in cell_warning
    assert "18 weeks is kept as transcribed and unconfirmed" in cell_warning
