"""OSP/C and OSP/I, 2018 generation: the worked examples and the first-match rules."""

from __future__ import annotations

from typing import Any

import pytest

from safeguard.instruments import registry
from safeguard.instruments.osp_2018 import FEMALE_PROBABILITY, osp_c_probabilities

from .conftest import AS_OF


def c_row(sentence_age: int, offence_age: int, **changes: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "sex": "male",
        "has_ever_committed_sexual_offence": True,
        "date_of_birth": "1950-06-15",
        "contact_adult_sexual_sanctions": 0,
        "contact_child_sexual_sanctions": 0,
        "non_contact_sexual_offences": 0,
        "indecent_image_sanctions": 0,
        "total_sanctions": 1,
        "date_of_most_recent_sexual_offence": f"{1950 + offence_age}-07-01",
        "current_offence_against_stranger": False,
        "sentence_date": f"{1950 + sentence_age}-07-01",
    }
    row.update(changes)
    return row


@pytest.mark.parametrize(
    ("ages", "points", "year_1", "year_2"),
    [
        ((44, 24), 8, 0.0011337, 0.0020657),
        ((20, 20), 12, 0.0031320, 0.0056973),
        ((60, 60), 5, 0.00052862, 0.00096366),
    ],
)
def test_osp_c_examples(ages: tuple[int, int], points: int, year_1: float, year_2: float) -> None:
    result = registry.score("osp-c-2018", c_row(*ages), today=AS_OF)
    assert result.errors == ()
    assert result.points == points
    assert result.extras["probability_year_1"] == pytest.approx(year_1, rel=1e-4)
    assert result.extras["probability_year_2"] == pytest.approx(year_2, rel=1e-4)
    assert result.probability == result.extras["probability_year_2"]
    assert result.band is None


@pytest.mark.parametrize(
    ("sentence_age", "points"),
    [
        (10, 7),
        (23, 7),
        (24, 6),
        (29, 6),
        (30, 5),
        (35, 5),
        (36, 4),
        (41, 4),
        (42, 3),
        (47, 3),
        (48, 2),
        (53, 2),
        (54, 1),
        (59, 1),
        (60, 0),
        (76, 0),
    ],
)
def test_age_at_sentence(sentence_age: int, points: int) -> None:
    result = registry.score("osp-c-2018", c_row(sentence_age, 10), today=AS_OF)
    assert {i.name: i.points for i in result.items}["age_at_sentence"] == points


@pytest.mark.parametrize(
    ("changes", "item", "points"),
    [
        ({"contact_adult_sexual_sanctions": 1}, "contact_adult_sexual_sanctions", 3),
        ({"contact_adult_sexual_sanctions": 2}, "contact_adult_sexual_sanctions", 5),
        ({"contact_adult_sexual_sanctions": 3}, "contact_adult_sexual_sanctions", 8),
        ({"contact_child_sexual_sanctions": 1}, "contact_child_sexual_sanctions", 2),
        ({"contact_child_sexual_sanctions": 2}, "contact_child_sexual_sanctions", 3),
        ({"contact_child_sexual_sanctions": 5}, "contact_child_sexual_sanctions", 4),
        ({"non_contact_sexual_offences": 2}, "non_contact_sexual_offences", 2),
        ({"non_contact_sexual_offences": 7}, "non_contact_sexual_offences", 3),
        ({"total_sanctions": 2}, "previous_sanctions", 3),
        ({"current_offence_against_stranger": True}, "current_offence_against_stranger", 2),
    ],
)
def test_osp_c_weights(changes: dict[str, Any], item: str, points: int) -> None:
    changes.setdefault("total_sanctions", 20)
    result = registry.score("osp-c-2018", c_row(70, 60, **changes), today=AS_OF)
    assert result.errors == ()
    assert {i.name: i.points for i in result.items}[item] == points


@pytest.mark.parametrize(("offence_age", "points"), [(15, 0), (16, 3), (17, 3), (18, 5)])
def test_age_at_offence(offence_age: int, points: int) -> None:
    result = registry.score("osp-c-2018", c_row(70, offence_age), today=AS_OF)
    assert {i.name: i.points for i in result.items}["age_at_most_recent_sexual_offence"] == points


def test_probability_formula() -> None:
    assert osp_c_probabilities(0)[0] == pytest.approx(1 / (1 + 2.718281828459045**8.817398615))


@pytest.mark.parametrize(
    ("counts", "year_1", "year_2"),
    [
        ((0, 0, 0, 0), 0.000098, 0.000152),
        ((0, 0, 0, 2), 0.038087, 0.057949),
        ((0, 0, 0, 1), 0.018237, 0.028050),
        ((0, 2, 0, 0), 0.004615, 0.007151),
        ((0, 1, 0, 0), 0.002240, 0.003476),
        ((1, 0, 0, 0), 0.000683, 0.001061),
        ((0, 0, 4, 0), 0.000683, 0.001061),
    ],
)
def test_osp_i_rules(counts: tuple[int, ...], year_1: float, year_2: float) -> None:
    names = (
        "contact_adult_sexual_sanctions",
        "contact_child_sexual_sanctions",
        "non_contact_sexual_offences",
        "indecent_image_sanctions",
    )
    row = {
        "sex": "male",
        "has_ever_committed_sexual_offence": True,
        "total_sanctions": 9,
        **dict(zip(names, counts, strict=True)),
    }
    result = registry.score("osp-i-2018", row, today=AS_OF)
    assert result.errors == ()
    assert (result.extras["probability_year_1"], result.extras["probability_year_2"]) == (year_1, year_2)


def test_woman_with_sexual_history_gets_one_in_193_from_osp_c() -> None:
    result = registry.score("osp-c-2018", {"sex": "female", "has_ever_committed_sexual_offence": True})
    assert result.probability == FEMALE_PROBABILITY == 1 / 193
    assert result.extras["probability_year_1"] == 1 / 193


def test_woman_with_sexual_history_gets_zero_from_osp_i() -> None:
    """The RSR calculator's calculateIndecentImageProbability returns [0, 0] for a woman (not 1/193)."""
    result = registry.score("osp-i-2018", {"sex": "female", "has_ever_committed_sexual_offence": True})
    assert result.errors == ()
    assert result.probability == 0.0
    assert (result.extras["probability_year_1"], result.extras["probability_year_2"]) == (0.0, 0.0)
    assert result.band == "not_applicable"
    assert "0 in both years" in (result.not_applicable_reason or "")


@pytest.mark.parametrize("instrument", ["osp-c-2018", "osp-i-2018"])
def test_2018_generation_cites_the_rsr_calculator(instrument: str) -> None:
    meta = registry.metadata(instrument)
    assert "noms-digital-studio/rsr-calculator" in meta.source
    assert all("rsr-calculator" in table.source for table in meta.tables)
    assert "risk-actuarial" not in meta.source


def test_sentence_before_age_10_is_refused() -> None:
    result = registry.score("osp-c-2018", c_row(9, 9), today=AS_OF)
    assert ("sentence_date", "age_out_of_range") in {(e.field, e.code) for e in result.errors}
