"""PNI: domain scores, need and risk levels, pathways, omission, and the spec's three examples."""

from __future__ import annotations

from typing import Any

import pytest

from safeguard.instruments import registry
from safeguard.instruments.pni import (
    ALL_ITEMS,
    SEX_DOMAIN,
    four_item_domain,
    need_level,
    pathway,
    sex_domain,
    thinking_domain,
)

from .conftest import AS_OF, osp_row


def row(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        **dict.fromkeys(ALL_ITEMS, 1),
        "has_ever_committed_sexual_offence": False,
        "is_risk_of_sexual_harm": False,
        "supervision_status": "community",
        "general_reoffending_percent": 10,
        "sara_risk_to_partner": "low",
        "sara_risk_to_others": "low",
    }
    base.update(changes)
    return base


def score(**changes: Any):  # type: ignore[no-untyped-def]
    return registry.score("pni", row(**changes), today=AS_OF)


def test_example_1_community_all_items_one_is_alternative() -> None:
    result = score()
    assert result.errors == ()
    assert (result.band, result.extras["pathway"]) == ("alternative", "alternative")
    assert (result.extras["need_level"], result.extras["risk_level"], result.extras["need_score"]) == (
        "medium",
        "low",
        3,
    )
    assert result.extras["sex_domain_score"] is None
    # The spec gives no medium cut-off for general reoffending, and medium would change the pathway.
    assert any("no medium cut-off" in w for w in result.warnings)


def test_example_2_sara_others_high_is_moderate() -> None:
    result = score(sara_risk_to_others="high")
    assert result.band == "moderate"
    assert result.extras["risk_level"] == "high"


def test_example_3_custody_high() -> None:
    result = score(
        supervision_status="custody",
        has_ever_committed_sexual_offence=True,
        **dict.fromkeys(SEX_DOMAIN, 2),
        sara_risk_to_others="high",
        general_reoffending_percent=90,
        violent_reoffending_percent=77,
    )
    assert result.errors == ()
    assert result.band == "high"
    assert result.extras["sex_domain_score"] == 2
    assert result.extras["need_score"] == 5
    assert result.extras["risk_level"] == "high"
    # Medium need reaches the high-intensity pathway only through the "combinations" clause,
    # which the spec states in outline: the result says so.
    assert result.verified is False
    same_with_high_need = score(
        supervision_status="custody",
        has_ever_committed_sexual_offence=True,
        **dict.fromkeys(ALL_ITEMS, 2),
        sara_risk_to_others="high",
        general_reoffending_percent=90,
        violent_reoffending_percent=77,
    )
    assert (same_with_high_need.band, same_with_high_need.verified) == ("high", True)


@pytest.mark.parametrize(
    ("items", "score_"),
    [
        ((0, 0, 0), 0),
        ((1, 0, 0), 0),
        ((1, 1, 0), 1),
        ((1, 1, 1), 1),
        ((2, 1, 1), 2),
        ((2, 0, 2), 2),
        ((0, 2, 0), 2),
        ((2, 1, 0), 1),
    ],
)
def test_sex_domain(items: tuple[int, int, int], score_: int) -> None:
    assert sex_domain(dict(zip(SEX_DOMAIN, items, strict=True))) == score_


@pytest.mark.parametrize(
    ("pca", "hostile", "score_"), [(0, 0, 0), (1, 0, 1), (0, 2, 1), (1, 1, 1), (1, 2, 2), (2, 0, 2)]
)
def test_thinking_domain(pca: int, hostile: int, score_: int) -> None:
    assert thinking_domain({"pro_criminal_attitudes": pca, "hostile_orientation": hostile}) == score_


@pytest.mark.parametrize(("total", "score_"), [(0, 0), (1, 0), (2, 1), (4, 1), (5, 2), (8, 2)])
def test_four_item_domains(total: int, score_: int) -> None:
    names = ("a", "b", "c", "d")
    values = [min(2, max(0, total - 2 * i)) for i in range(4)]
    assert four_item_domain(dict(zip(names, values, strict=True)), names) == score_


@pytest.mark.parametrize(
    ("need", "level"), [(0, "low"), (2, "low"), (3, "medium"), (5, "medium"), (6, "high"), (8, "high")]
)
def test_need_levels(need: int, level: str) -> None:
    assert need_level(need) == level


@pytest.mark.parametrize(
    ("changes", "risk"),
    [
        ({"general_reoffending_percent": 75}, "high"),
        ({"general_reoffending_percent": 74.9}, "low"),
        ({"general_reoffending_percent": None, "ogrs_2yr": 80}, "high"),
        ({"violent_reoffending_percent": 60}, "high"),
        ({"violent_reoffending_percent": 59}, "low"),
        ({"osp_dc_band": "very_high"}, "high"),
        ({"osp_iic_band": "high"}, "high"),
        ({"osp_dc_band": "medium"}, "medium"),
        ({"osp_iic_band": "medium"}, "medium"),
        ({"sara_risk_to_partner": "high"}, "high"),
        ({"sara_risk_to_partner": "medium"}, "medium"),
        ({"rsr_percent": 3.0}, "high"),
        ({"rsr_percent": 3.0, "osp_dc_band": "not_applicable"}, "high"),
        ({"rsr_percent": 3.0, "osp_dc_band": "low"}, "low"),
        ({"rsr_percent": 2.99}, "low"),
    ],
)
def test_risk_levels(changes: dict[str, Any], risk: str) -> None:
    assert score(**changes).extras["risk_level"] == risk


@pytest.mark.parametrize(
    ("need", "risk", "custody", "route"),
    [
        ("high", "high", True, "high"),
        ("high", "high", False, "moderate"),
        ("medium", "high", False, "moderate"),
        ("high", "medium", True, "moderate"),
        ("medium", "medium", False, "moderate"),
        ("low", "high", True, "alternative"),
        ("high", "low", False, "alternative"),
        ("medium", "low", True, "alternative"),
        ("low", "low", False, "alternative"),
    ],
)
def test_pathway_pairs(need: str, risk: str, custody: bool, route: str) -> None:
    assert (
        pathway(
            need, risk, custody=custody, general_or_violent_high=False, sara_high=False, sara_medium=False
        )
        == route
    )


def test_sara_alone_gives_moderate_and_high_intensity_needs_custody() -> None:
    assert (
        pathway("low", "low", custody=False, general_or_violent_high=False, sara_high=False, sara_medium=True)
        == "moderate"
    )
    assert (
        pathway(
            "medium", "high", custody=True, general_or_violent_high=False, sara_high=True, sara_medium=False
        )
        == "high"
    )
    assert (
        pathway(
            "medium", "high", custody=False, general_or_violent_high=True, sara_high=True, sara_medium=False
        )
        == "moderate"
    )


def test_missing_supervision_status_is_omission() -> None:
    result = score(supervision_status=None)
    assert result.band == "omission"
    assert result.extras["need_level"] == "medium"
    assert any("supervision_status" in w for w in result.warnings)


def test_missing_items_that_could_change_the_pathway_give_omission() -> None:
    result = score(impulsivity=None, temper_control=None, sara_risk_to_others="high")
    # With the two items at 0 need stays medium; projected at 2 the domain rises: both give
    # moderate in the community, so no omission here...
    assert result.band == "moderate"
    assert result.extras["missing_items"] == ("impulsivity", "temper_control")
    # ...but with low need the missing items decide between alternative and moderate.
    missing = (
        "impulsivity",
        "temper_control",
        "problem_solving",
        "difficulties_coping",
        "relationship_with_family",
        "previous_close_relationships",
    )
    decisive = score(**{**dict.fromkeys(ALL_ITEMS, 0), **dict.fromkeys(missing)}, osp_dc_band="medium")
    assert decisive.band == "omission"
    assert "impulsivity" in " ".join(decisive.warnings)
    assert decisive.extras["need_score"] == 3  # projected: missing items counted as 2
    assert decisive.extras["missing_items"] == tuple(n for n in ALL_ITEMS if n in missing)


def test_sex_items_ignored_without_sexual_history_or_risk() -> None:
    result = score(**dict.fromkeys(SEX_DOMAIN, None))
    assert result.extras["missing_items"] == ()
    assert score(is_risk_of_sexual_harm=True, **dict.fromkeys(SEX_DOMAIN, 2)).extras["sex_domain_score"] == 2


def test_general_and_ogrs_must_agree() -> None:
    result = score(ogrs_2yr=20)
    assert [(e.field, e.code) for e in result.errors] == [("general_reoffending_percent", "inconsistent")]
    assert score(ogrs_2yr=10).errors == ()


def test_fed_from_components_after_they_are_scored() -> None:
    data = {**row(), **osp_row(has_ever_committed_sexual_offence=True), "is_risk_of_sexual_harm": False}
    results = registry.score_many(["pni", "osp-dc"], data, today=AS_OF)
    assert list(results) == ["osp-dc", "pni"]
    assert results["osp-dc"].band == "medium"
    assert results["pni"].extras["risk_level"] == "medium"
    assert any("OSP/DC band medium" in reason for reason in results["pni"].extras["risk_reasons"])
