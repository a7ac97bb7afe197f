"""STABLE-2007: total, profile and change since the last rating; never a band."""

from __future__ import annotations

from typing import Any

import pytest

from safeguard.instruments import registry
from safeguard.instruments.stable_2007 import ITEM_NAMES

from .conftest import AS_OF


def row(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = dict.fromkeys(ITEM_NAMES, 0)
    base.update(changes)
    return base


def score(**changes: Any):  # type: ignore[no-untyped-def]
    return registry.score("stable-2007", row(**changes), today=AS_OF)


def test_thirteen_items_in_spec_order() -> None:
    assert len(ITEM_NAMES) == 13
    assert ITEM_NAMES[0] == "significant_social_influences"
    assert ITEM_NAMES[-1] == "cooperation_with_supervision"


def test_total_is_the_sum_and_never_a_band() -> None:
    result = score(**dict.fromkeys(ITEM_NAMES, 2))
    assert result.points == 26
    assert result.band is None
    assert result.extras["max_points"] == 26
    assert any("no standalone risk levels" in w for w in result.warnings)


def test_emotional_identification_null_without_a_child_victim() -> None:
    result = score(**{**dict.fromkeys(ITEM_NAMES, 2), "emotional_identification_with_children": None})
    assert result.points == 24
    assert result.extras["max_points"] == 24
    item = next(i for i in result.items if i.name == "emotional_identification_with_children")
    assert item.points is None


def test_other_items_must_not_be_null_or_out_of_scale() -> None:
    result = score(sex_as_coping=None, hostility_toward_women=3)
    assert {(e.field, e.code) for e in result.errors} == {
        ("sex_as_coping", "missing"),
        ("hostility_toward_women", "not_allowed"),
    }


def test_emotional_identification_must_be_given_even_if_null() -> None:
    data = row()
    del data["emotional_identification_with_children"]
    result = registry.score("stable-2007", data)
    assert [(e.field, e.code) for e in result.errors] == [
        ("emotional_identification_with_children", "missing")
    ]


@pytest.mark.parametrize(("previous", "change"), [(None, None), (10, -7), (0, 3), (3, 0)])
def test_change_since_previous(previous: int | None, change: int | None) -> None:
    result = score(previous_total=previous, impulsive_acts=2, sex_as_coping=1)
    assert result.points == 3
    assert result.extras["change_since_previous"] == change


def test_reassessment_every_six_months() -> None:
    assert registry.metadata("stable-2007").reassessment_months == 6
