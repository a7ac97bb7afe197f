"""Step two (the chosen position and the range check) and the guilty-plea reduction."""

from __future__ import annotations

from fractions import Fraction

import pytest

from .helpers import community_order, custody, images_request, ok, problem, refused, s9_request

CAT_1A = {"harm_factors": ["penetration_of_vagina_or_anus"], "culpability_factors": ["grooming_behaviour"]}


def test_default_position_is_the_starting_point() -> None:
    result = ok(s9_request(**CAT_1A))
    assert result.adjustment.chosen_by_user is False
    assert result.adjustment.sentence is not None and result.adjustment.sentence.text() == "5 years' custody"
    assert "starting point" in result.adjustment.reason


@pytest.mark.parametrize("position", ["4y", "5y", "7y6m", "10y"])
def test_position_inside_the_range_is_accepted(position: str) -> None:
    result = ok(s9_request(**CAT_1A, sentence_before_plea=custody(position)))
    assert result.adjustment.within_category_range is True
    assert "within the category range 4 years' custody to 10 years' custody" in result.adjustment.reason


@pytest.mark.parametrize("position", ["3y11m", "10y1m"])
def test_position_outside_the_range_needs_a_reason(position: str) -> None:
    problems = refused(s9_request(**CAT_1A, sentence_before_plea=custody(position)))
    message = problem(problems, "outside_category_range")
    assert "4 years' custody to 10 years' custody" in message and "departure_reason" in message


def test_departure_reason_allows_leaving_the_category_range() -> None:
    result = ok(
        s9_request(**CAT_1A, sentence_before_plea=custody("3y"), departure_reason="exceptional mitigation")
    )
    assert result.adjustment.within_category_range is False
    assert "reason given: exceptional mitigation" in result.adjustment.reason


def test_offence_range_is_checked_too() -> None:
    problems = refused(s9_request(**CAT_1A, sentence_before_plea=custody("11y")))
    assert "outside_offence_range" in problems.codes()


def test_community_order_level_is_placed_on_the_scale() -> None:
    assert (
        ok(s9_request(sentence_before_plea=community_order("low"))).adjustment.within_category_range is True
    )
    problems = refused(
        images_request(harm_factors=["other_indecent_images"], sentence_before_plea=community_order("low"))
    )
    assert "medium-level community order to 26 weeks' custody" in problem(problems, "outside_category_range")


def test_direction_note_when_position_contradicts_factors() -> None:
    result = ok(
        s9_request(
            harm_factors=["touching_or_exposure_of_naked_genitalia_or_breasts"],
            sentence_before_plea=custody("18m"),
            mitigating_factors=["activity_did_not_take_place"],
        )
    )
    assert "above the starting point although only mitigating factors" in " ".join(result.notes)


# --- guilty plea -------------------------------------------------------------------------------

POSSESSION_A = {"harm_factors": ["penetrative_sexual_activity"]}


@pytest.mark.parametrize(
    ("stage", "reduction", "after"),
    [
        ("first_stage", Fraction(1, 3), "8 months"),
        ("after_first_stage", Fraction(1, 4), "9 months"),
        # 12 months x 9/10 = 10.8 months = 327.6 days (364-day year) -> rounded down
        ("first_day_of_trial", Fraction(1, 10), "327 days"),
        ("during_trial", Fraction(1, 10), "327 days"),
    ],
)
def test_2017_guideline_maximum_by_stage(stage: str, reduction: Fraction, after: str) -> None:
    result = ok(
        images_request(
            **POSSESSION_A,
            sentence_before_plea=custody("12m"),
            plea={"stage": stage, "first_hearing_date": "2023-06-01"},
        )
    )
    plea = result.plea
    assert plea.maximum == reduction and plea.reduction == reduction
    assert plea.sentence_after is not None and plea.sentence_after.length is not None
    assert plea.sentence_after.length.text() == after
    assert "first hearings on or after 1 June 2017" in (plea.guideline or "")
    assert any(w.startswith("Guilty-plea reduction: unverified transcription") for w in result.warnings)


def test_sliding_scale_lets_the_user_choose_within_the_band() -> None:
    result = ok(
        images_request(
            **POSSESSION_A,
            sentence_before_plea=custody("12m"),
            plea={"stage": "after_first_stage", "first_hearing_date": "2023-06-01", "reduction": "1/6"},
        )
    )
    assert result.plea.reduction == Fraction(1, 6)
    assert (
        result.plea.sentence_after is not None and result.plea.sentence_after.text() == "10 months' custody"
    )
    assert "chosen by the user" in result.plea.reason


def test_during_trial_may_be_reduced_to_zero() -> None:
    result = ok(
        images_request(
            **POSSESSION_A,
            sentence_before_plea=custody("12m"),
            plea={"stage": "during_trial", "first_hearing_date": "2023-06-01", "reduction": 0},
        )
    )
    assert (
        result.plea.sentence_after is not None and result.plea.sentence_after.text() == "12 months' custody"
    )


@pytest.mark.parametrize(
    ("stage", "too_much"),
    [("first_stage", "0.4"), ("after_first_stage", "1/3"), ("first_day_of_trial", "1/4")],
)
def test_reduction_above_the_stage_maximum_is_refused(stage: str, too_much: str) -> None:
    problems = refused(
        images_request(
            **POSSESSION_A,
            sentence_before_plea=custody("12m"),
            plea={"stage": stage, "first_hearing_date": "2023-06-01", "reduction": too_much},
        )
    )
    assert "allowed: 0 to" in problem(problems, "above_maximum")


@pytest.mark.parametrize(
    ("stage", "reduction"),
    [
        ("first_stage", Fraction(1, 3)),
        ("after_first_stage", Fraction(1, 4)),
        ("first_day_of_trial", Fraction(1, 10)),
    ],
)
def test_2007_guideline_before_june_2017(stage: str, reduction: Fraction) -> None:
    result = ok(
        images_request(
            **POSSESSION_A,
            offence_date="2016-01-10",
            conviction_date="2016-09-01",
            sentencing_date="2016-10-01",
            sentence_before_plea=custody("12m"),
            plea={"stage": stage},
        )
    )
    assert result.plea.reduction == reduction
    assert "Sentencing Guidelines Council, 2007" in (result.plea.guideline or "")


def test_plea_guideline_follows_first_hearing_not_sentencing_date() -> None:
    result = ok(
        images_request(
            **POSSESSION_A,
            offence_date="2017-01-10",
            conviction_date="2017-09-01",
            sentencing_date="2017-10-01",
            sentence_before_plea=custody("12m"),
            plea={"stage": "first_stage", "first_hearing_date": "2017-05-31"},
        )
    )
    assert "2007" in (result.plea.guideline or "")
    later = ok(
        images_request(
            **POSSESSION_A,
            offence_date="2017-01-10",
            conviction_date="2017-09-01",
            sentencing_date="2017-10-01",
            sentence_before_plea=custody("12m"),
            plea={"stage": "first_stage", "first_hearing_date": "2017-06-01"},
        )
    )
    assert "1 June 2017" in (later.plea.guideline or "")


def test_first_hearing_date_is_needed_after_june_2017() -> None:
    problems = refused(images_request(**POSSESSION_A, plea={"stage": "first_stage"}))
    assert "chosen by it" in problem(problems, "required")


def test_2007_guideline_allows_one_tenth_once_the_trial_has_begun() -> None:
    """SGC 2007: one-tenth "at the door of the court or after the trial has begun" (Halsbury's para 565)."""
    request = {
        **POSSESSION_A,
        "offence_date": "2016-01-10",
        "conviction_date": "2016-09-01",
        "sentencing_date": "2016-10-01",
        "sentence_before_plea": custody("12m"),
    }
    result = ok(images_request(**request, plea={"stage": "during_trial"}))
    assert result.plea.reduction == Fraction(1, 10)
    assert result.plea.maximum == Fraction(1, 10)
    assert "after the trial has begun" in result.plea.reason
    assert "Sentencing Guidelines Council, 2007" in (result.plea.guideline or "")
    # Less may be chosen, never more than the tenth.
    problems = refused(images_request(**request, plea={"stage": "during_trial", "reduction": "1/4"}))
    assert "allowed: 0 to one-tenth" in problem(problems, "above_maximum")


def test_first_hearing_must_fit_between_offence_and_conviction() -> None:
    problems = refused(
        images_request(**POSSESSION_A, plea={"stage": "first_stage", "first_hearing_date": "2023-09-02"})
    )
    assert "after_conviction" in problems.codes()
    problems = refused(
        images_request(**POSSESSION_A, plea={"stage": "first_stage", "first_hearing_date": "2022-01-01"})
    )
    assert "before_offence_date" in problems.codes()


def test_no_plea_means_no_reduction() -> None:
    result = ok(images_request(**POSSESSION_A))
    assert result.plea.reduction == 0
    assert result.plea.sentence_after == result.plea.sentence_before


def test_plea_on_a_community_order_is_explained_not_computed() -> None:
    result = ok(
        s9_request(
            sentence_before_plea=community_order("high"),
            plea={"stage": "first_stage", "first_hearing_date": "2023-06-01"},
        )
    )
    assert result.plea.sentence_after == result.plea.sentence_before
    assert "does not compute it" in result.plea.reason
