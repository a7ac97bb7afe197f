"""Published cases from the spec, reproduced as far as their reported figures go."""

from __future__ import annotations

from datetime import date

from safeguard.guidelines import Disposal, Duration, notification_period
from safeguard.guidelines.engine import suspension_problems
from safeguard.guidelines.request import SuspensionInput
from safeguard.guidelines.sentences import Sentence

from .helpers import community_order, custody, images_request, ok, problem, refused


def test_category_a_possession_2024_magistrates() -> None:
    """SP 1 year; mitigation to about 9 months; one-third plea reduction -> 6 months, suspended."""
    result = ok(
        images_request(
            offence="cja1988-s160",
            offence_date="2023-06-01",
            conviction_date="2024-01-10",
            sentencing_date="2024-02-01",
            sentencing_court="magistrates_court",
            harm_factors=["penetrative_sexual_activity"],
            culpability_factors=["possession"],
            sentence_before_plea=custody("9m"),
            plea={"stage": "first_stage", "first_hearing_date": "2024-01-10"},
            suspension={"suspend": True, "operational_period": "2y"},
        )
    )
    assert result.table.starting_point is not None
    assert result.table.starting_point.text() == "1 year's custody"
    assert result.adjustment.within_category_range is True
    assert result.plea.sentence_after is not None
    assert result.plea.sentence_after.text() == "6 months' custody"
    assert result.sentence.suspended is True
    assert result.sentence.text.startswith("6 months' custody, suspended")
    assert result.verified is False  # the image table cell is from a secondary source


def test_r_v_featherstone_2023_ewca_crim_597() -> None:
    """Abuse of position of trust (s.16, not encoded): 12 months suspended for 2 years is a valid order."""
    twelve_months = Sentence.custody(Duration.months(12))
    assert suspension_problems(twelve_months, SuspensionInput(True, Duration.years(2))) == []
    notification = notification_period(
        disposal=Disposal.IMPRISONMENT,
        relevant_date=date(2023, 1, 1),
        age_at_relevant_date=40,
        custody_length=Duration.months(12),
        suspended=True,
    )
    # More than 6 months but less than 30: 10 years, with the suspended-sentence question flagged.
    assert notification.period_months == 120
    assert any(w.startswith("Open question") for w in notification.warnings)


def test_court_of_appeal_case_m_making_images_wrongly_sentenced_as_distribution() -> None:
    """Making (35 A, 4 B, 53 C) by downloading is possession, not distribution (SP 3 years, range 2-5)."""
    all_categories = [
        "penetrative_sexual_activity",
        "non_penetrative_sexual_activity",
        "other_indecent_images",
    ]
    wrong = ok(images_request(harm_factors=all_categories, culpability_factors=["distributing_or_sharing"]))
    assert wrong.table.starting_point is not None and wrong.table.starting_point.text() == "3 years' custody"
    assert wrong.table.range_from is not None and wrong.table.range_from.text() == "2 years' custody"
    assert wrong.table.range_to is not None and wrong.table.range_to.text() == "5 years' custody"

    right_base = images_request(
        harm_factors=all_categories, culpability_factors=["making_by_simple_downloading"]
    )
    right = ok(right_base)
    assert right.harm is not None and right.harm.category == "A"
    assert right.culpability is not None and right.culpability.category == "possession"
    assert right.table.starting_point is not None and right.table.starting_point.text() == "1 year's custody"

    substituted = {
        **right_base,
        "sentence_before_plea": community_order(length="24m"),
        "community_order": {"requirements": [{"type": "programme"}, {"type": "rehabilitation_activity"}]},
    }
    # A community order is below the category A possession range (26 weeks - 3 years): reasons needed.
    assert "outside_category_range" in refused(substituted).codes()
    result = ok({**substituted, "departure_reason": "Court of Appeal substituted a community order"})
    assert result.community_order.length == Duration.months(24)
    assert [r.type for r in result.community_order.requirements] == ["programme", "rehabilitation_activity"]
    # No child's age was reported, so whether Schedule 3 applies is unknown; if it does, 5 years.
    assert result.notification.applies == "unknown"
    assert result.notification.period is not None and result.notification.period.period_months == 60


def test_ag_ref_no_106_of_2005() -> None:
    """A 2-year community-order-type disposal -> 5-year notification."""
    result = notification_period(
        disposal=Disposal.COMMUNITY_ORDER, relevant_date=date(2006, 1, 1), age_at_relevant_date=30
    )
    assert result.period_months == 60
    assert result.end_date == date(2010, 12, 31)


def test_sentence_above_the_summary_maximum_after_plea_is_refused() -> None:
    # Same case with no plea: 9 months in a magistrates' court exceeds the 6-month summary maximum.
    problems = refused(
        images_request(
            offence="cja1988-s160",
            sentencing_court="magistrates_court",
            harm_factors=["penetrative_sexual_activity"],
            sentence_before_plea=custody("9m"),
        )
    )
    assert "up to 6 months" in problem(problems, "above_statutory_maximum")
