"""CPORT items, the one-missing-item rule, the CASIC count, and that it never shows a band."""

from __future__ import annotations

from typing import Any

import pytest

from safeguard.instruments import registry

from .conftest import AS_OF

ITEMS = (
    "prior_criminal_history",
    "any_contact_sexual_offending",
    "failure_on_conditional_release",
    "sexual_interest_in_children",
    "more_boy_than_girl_abuse_material",
    "more_boy_than_girl_other_depictions",
)


def row(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"age_at_investigation": 40, **dict.fromkeys(ITEMS, False)}
    base.update(changes)
    return base


def score(**changes: Any):  # type: ignore[no-untyped-def]
    return registry.score("cport", row(**changes), today=AS_OF)


@pytest.mark.parametrize(("age", "points"), [(18, 1), (35, 1), (36, 0), (70, 0)])
def test_age_cut_off(age: int, points: int) -> None:
    assert score(age_at_investigation=age).points == points


@pytest.mark.parametrize("item", ITEMS)
def test_each_item_scores_one(item: str) -> None:
    result = score(**{item: True})
    assert result.points == 1
    assert {i.name: i.points for i in result.items}[item] == 1


def test_total_range_and_no_band() -> None:
    result = score(age_at_investigation=30, **dict.fromkeys(ITEMS, True))
    assert result.points == 7
    assert result.band is None
    assert result.probability is None
    assert result.verified is False


def test_one_missing_item_is_scored_with_a_warning() -> None:
    result = score(more_boy_than_girl_other_depictions=None)
    assert result.errors == ()
    assert result.extras["missing_items"] == ("more_boy_than_girl_other_depictions",)
    assert any("one point higher" in w for w in result.warnings)
    absent = row()
    del absent["failure_on_conditional_release"]
    assert registry.score("cport", absent).extras["missing_items"] == ("failure_on_conditional_release",)


def test_two_missing_items_are_refused_naming_both() -> None:
    result = score(age_at_investigation=None, sexual_interest_in_children=None)
    assert {(e.field, e.code) for e in result.errors} == {
        ("age_at_investigation", "too_many_missing"),
        ("sexual_interest_in_children", "too_many_missing"),
    }


def test_casic_counted_separately() -> None:
    result = score(
        casic_never_married=True, casic_material_included_videos=True, casic_material_included_stories=False
    )
    assert result.extras["casic_count"] == 2
    assert result.extras["casic_answered"] == 3
    assert result.points == 0
    assert score().extras["casic_count"] is None


@pytest.mark.parametrize(
    ("changes", "reason"), [({"sex": "female"}, "woman"), ({"age_at_investigation": 17}, "adults")]
)
def test_not_applicable(changes: dict[str, Any], reason: str) -> None:
    result = score(**changes)
    assert result.band == "not_applicable"
    assert reason in (result.not_applicable_reason or "")
