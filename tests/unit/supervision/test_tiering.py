"""Case tiering (`safeguard.supervision.rules.tiering`): every branch of the spec's rule, and provisional."""

from __future__ import annotations

from datetime import date

import pytest

from safeguard.supervision.rules.levels import Level
from safeguard.supervision.rules.tiering import (
    NOT_APPLIED,
    RULE_STATUS,
    RiskOfSeriousHarm,
    SexualPredictor,
    TierInputs,
    next_change,
    stale_on,
    tier_for,
)

TODAY = date(2026, 6, 1)
RECENT = date(2026, 3, 1)
OLD = date(2024, 3, 1)


def _osp(band: str, probability: float | None = None, reduction: bool = False, on: date = RECENT) -> SexualPredictor:
    return SexualPredictor(band=band, assessed_on=on, probability=probability, risk_reduction_applied=reduction)


def _rosh(level: Level, on: date = RECENT) -> RiskOfSeriousHarm:
    return RiskOfSeriousHarm(level=level, assessed_on=on)


def _tier(**kwargs: object) -> tuple[str, bool]:
    result = tier_for(TierInputs(today=TODAY, **kwargs))  # type: ignore[arg-type]
    return result.tier, result.provisional


# --- sexual reoffending --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("predictor", "tier"),
    [
        (_osp("very_high"), "A"),
        (_osp("high"), "B"),
        (_osp("medium", 0.0336), "C"),  # exactly 3.36% without the reduction: C
        (_osp("medium", 0.0335), "D"),  # just below: D
        (_osp("medium", 0.0112, reduction=True), "C"),  # exactly 1.12% with the reduction: C
        (_osp("medium", 0.0111, reduction=True), "D"),
        (_osp("medium", 0.02, reduction=False), "D"),  # 2% is C only with the reduction
        (_osp("medium", 0.02, reduction=True), "C"),
        (_osp("low"), "E"),
    ],
)
def test_the_sexual_reoffending_band_alone(predictor: SexualPredictor, tier: str) -> None:
    assert _tier(sexual_predictor=predictor, rosh=_rosh(Level.LOW)) == (tier, False)


def test_a_medium_band_without_its_probability_takes_c_and_is_provisional() -> None:
    result = tier_for(TierInputs(today=TODAY, sexual_predictor=_osp("medium"), rosh=_rosh(Level.LOW)))
    assert (result.tier, result.provisional) == ("C", True)
    assert "without its probability" in result.provisional_reasons[0]


def test_a_predictor_that_does_not_apply_places_nowhere() -> None:
    assert _tier(sexual_predictor=_osp("not_applicable"), rosh=_rosh(Level.LOW)) == ("G", False)


# --- MAPPA and risk of serious harm ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("mappa", "rosh", "tier"),
    [
        (1, Level.VERY_HIGH, "A"),
        (2, Level.HIGH, "C"),
        (3, Level.MEDIUM, "D"),
        (4, Level.LOW, "E"),
        (None, Level.VERY_HIGH, "C"),
        (None, Level.HIGH, "D"),
        (None, Level.MEDIUM, "G"),  # without MAPPA, medium and low place nowhere
        (None, Level.LOW, "G"),
    ],
)
def test_mappa_and_risk_of_serious_harm(mappa: int | None, rosh: Level, tier: str) -> None:
    assert _tier(mappa_category=mappa, rosh=_rosh(rosh)) == (tier, False)


def test_mappa_without_risk_of_serious_harm_is_e_and_provisional() -> None:
    result = tier_for(TierInputs(today=TODAY, mappa_category=1))
    assert (result.tier, result.provisional) == ("E", True)
    assert result.provisional_reasons == ("risk of serious harm is not recorded",)


def test_an_unknown_mappa_category_is_refused() -> None:
    with pytest.raises(ValueError, match="MAPPA category"):
        tier_for(TierInputs(today=TODAY, mappa_category=5))


# --- registrations ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("flags", "tier"),
    [
        ({"child_protection": True}, "F"),
        ({"domestic_abuse": True}, "E"),
        ({"child_protection": True, "domestic_abuse": True}, "E"),
        ({}, "G"),
    ],
)
def test_registrations(flags: dict[str, bool], tier: str) -> None:
    assert _tier(rosh=_rosh(Level.LOW), **flags) == (tier, False)


def test_a_sexual_offence_is_e_but_provisional_without_a_predictor() -> None:
    result = tier_for(TierInputs(today=TODAY, rosh=_rosh(Level.LOW), sexual_offence=True))
    assert (result.tier, result.provisional) == ("E", True)
    assert "no sexual reoffending predictor" in result.provisional_reasons[0]


# --- the highest wins; the reason names the part that gave it -------------------------------------------


def test_the_highest_part_wins_and_the_reason_says_which() -> None:
    result = tier_for(TierInputs(
        today=TODAY, sexual_predictor=_osp("high"), rosh=_rosh(Level.MEDIUM), mappa_category=1, sexual_offence=True,
    ))
    assert result.tier == "B"
    assert [s.tier for s in result.steps] == ["B", "D", "E"]
    assert result.reason.startswith("Tier B: Sexual reoffending predictor band high (OSP/DC, 1 March 2026) gives B.")
    assert NOT_APPLIED in result.notes
    assert result.to_dict()["rule_status"] == RULE_STATUS == "secondary, unverified"


def test_mappa_can_outrank_the_predictor() -> None:
    assert _tier(sexual_predictor=_osp("low"), rosh=_rosh(Level.VERY_HIGH), mappa_category=1) == ("A", False)


def test_nothing_at_all_is_g_and_provisional_for_the_missing_risk_of_serious_harm() -> None:
    result = tier_for(TierInputs(today=TODAY))
    assert (result.tier, result.provisional) == ("G", True)
    assert result.reason.startswith("Tier G: nothing in the rule places the person higher.")
    assert "Provisional: risk of serious harm is not recorded." in result.reason


# --- stale inputs -------------------------------------------------------------------------------------


def test_inputs_older_than_the_configured_age_make_it_provisional() -> None:
    stale = tier_for(TierInputs(today=TODAY, sexual_predictor=_osp("high", on=OLD), rosh=_rosh(Level.LOW, on=OLD)))
    assert stale.tier == "B" and stale.provisional
    assert len(stale.provisional_reasons) == 2
    fresh_enough = tier_for(TierInputs(
        today=TODAY, sexual_predictor=_osp("high", on=OLD), rosh=_rosh(Level.LOW, on=OLD), stale_after_months=36,
    ))
    assert not fresh_enough.provisional


def test_exactly_the_configured_age_is_not_yet_stale() -> None:
    on = date(2025, 6, 1)  # 12 months before TODAY
    assert not tier_for(TierInputs(today=TODAY, rosh=_rosh(Level.LOW, on=on))).provisional
    assert tier_for(TierInputs(today=date(2026, 6, 2), rosh=_rosh(Level.LOW, on=on))).provisional


def test_the_next_day_time_alone_changes_the_tier() -> None:
    assert stale_on(date(2025, 6, 1), 12) == date(2026, 6, 2)
    assert stale_on(date(2024, 2, 29), 12) == date(2025, 3, 1)
    inputs = TierInputs(today=TODAY, sexual_predictor=_osp("high", on=date(2025, 9, 1)), rosh=_rosh(Level.LOW, on=date(2025, 7, 1)))
    assert next_change(inputs) == date(2026, 7, 2)  # the risk of serious harm grows stale first
    assert next_change(TierInputs(today=TODAY, rosh=_rosh(Level.LOW, on=OLD))) is None  # already stale
    assert next_change(TierInputs(today=TODAY)) is None
