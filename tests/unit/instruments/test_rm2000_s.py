"""RM2000/S step 1 points, step 2 aggravating factors, the cap, and its unverified status."""

from __future__ import annotations

from typing import Any

import pytest

from safeguard.instruments import registry
from safeguard.instruments.rm2000_s import categories_raised, final_category, step1_category

from .conftest import AS_OF


def row(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "date_of_birth": "1980-01-01",
        "assessment_date": "2026-11-01",
        "sexual_appearances": 1,
        "criminal_appearances": 1,
        "male_victim": False,
        "stranger_victim": False,
        "never_married": False,
        "non_contact_sexual_offence": False,
    }
    base.update(changes)
    return base


def score(**changes: Any):  # type: ignore[no-untyped-def]
    return registry.score("rm2000-s", row(**changes), today=AS_OF)


@pytest.mark.parametrize(
    ("dob", "points"),
    [
        ("2008-11-01", 2),
        ("2002-01-01", 2),
        ("2001-11-02", 2),
        ("2001-11-01", 1),
        ("1992-11-02", 1),
        ("1992-11-01", 1),
        ("1991-11-02", 1),
        ("1991-11-01", 0),
        ("1940-01-01", 0),
    ],
)
def test_age_points(dob: str, points: int) -> None:
    result = score(date_of_birth=dob)
    assert {i.name: i.points for i in result.items}["age_at_assessment"] == points


@pytest.mark.parametrize(("count", "points"), [(1, 0), (2, 1), (3, 2), (4, 2), (5, 3), (30, 3)])
def test_sexual_appearances(count: int, points: int) -> None:
    result = score(sexual_appearances=count, criminal_appearances=count)
    assert {i.name: i.points for i in result.items}["sexual_appearances"] == points


@pytest.mark.parametrize(("count", "points"), [(0, 0), (4, 0), (5, 1), (99, 1)])
def test_criminal_appearances(count: int, points: int) -> None:
    assert {i.name: i.points for i in score(criminal_appearances=count).items}[
        "criminal_appearances"
    ] == points


@pytest.mark.parametrize(
    ("points", "category"),
    [(0, "low"), (1, "medium"), (2, "medium"), (3, "high"), (4, "high"), (5, "very_high"), (6, "very_high")],
)
def test_step1_categories(points: int, category: str) -> None:
    assert step1_category(points) == category


@pytest.mark.parametrize(("factors", "raised"), [(0, 0), (1, 0), (2, 1), (3, 1), (4, 2)])
def test_aggravating_factors_raise(factors: int, raised: int) -> None:
    assert categories_raised(factors) == raised


@pytest.mark.parametrize(
    ("step1", "factors", "final"),
    [
        ("low", 4, "high"),
        ("high", 4, "very_high"),
        ("very_high", 2, "very_high"),
        ("medium", 3, "high"),
        ("medium", 1, "medium"),
    ],
)
def test_final_category_capped(step1: str, factors: int, final: str) -> None:
    assert final_category(step1, factors) == final


def test_worked_through_result() -> None:
    result = score(
        date_of_birth="2005-01-01",
        sexual_appearances=3,
        criminal_appearances=6,
        male_victim=True,
        stranger_victim=True,
        never_married=True,
        non_contact_sexual_offence=True,
    )
    assert result.errors == ()
    assert result.points == 5  # 2 + 2 + 1
    assert result.extras == {
        "step1_points": 5,
        "step1_band": "very_high",
        "aggravating_factors": 4,
        "categories_raised": 0,
    }
    assert result.band == "very_high"


def test_step2_explained_without_points() -> None:
    result = score(male_victim=True, never_married=True)
    factor_items = [i for i in result.items if i.name in ("male_victim", "never_married")]
    assert all(i.points is None for i in factor_items)
    assert result.band == "medium"
    assert result.extras["categories_raised"] == 1


def test_whole_instrument_is_unverified() -> None:
    result = score()
    assert result.verified is False
    assert len([w for w in result.warnings if "Unverified" in w]) == 2
    assert registry.metadata("rm2000-s").verified is False


@pytest.mark.parametrize(
    ("changes", "reason"), [({"sex": "female"}, "woman"), ({"date_of_birth": "2009-01-01"}, "under 18")]
)
def test_not_applicable(changes: dict[str, Any], reason: str) -> None:
    result = score(**changes)
    assert result.band == "not_applicable"
    assert reason in (result.not_applicable_reason or "")


def test_validation() -> None:
    result = score(sexual_appearances=0, criminal_appearances=None, assessment_date="1970-01-01")
    assert {(e.field, e.code) for e in result.errors} == {
        ("sexual_appearances", "out_of_range"),
        ("criminal_appearances", "missing"),
        ("assessment_date", "before_date_of_birth"),
    }


def test_rm2000_v_and_c_are_not_registered() -> None:
    for missing in ("rm2000-v", "rm2000-c"):
        with pytest.raises(registry.UnknownInstrumentError, match="not available"):
            registry.get(missing)
