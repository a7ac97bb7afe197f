"""A sentence not determined yet is a result, not a refusal: step one's figures stand and the result
says what is still to answer (`unresolved`), e.g. a magistrates' court before a position is chosen."""

from __future__ import annotations

from .helpers import custody, images_request, ok, problem, refused, s9_request

# Category A possession: starting point 1 year, above the 6-month summary maximum of s.160.
MAGISTRATES_A = {
    "offence": "cja1988-s160",
    "offence_date": "2023-06-01",
    "conviction_date": "2024-01-10",
    "sentencing_date": "2024-02-01",
    "sentencing_court": "magistrates_court",
    "harm_factors": ["penetrative_sexual_activity"],
    "culpability_factors": ["possession"],
}


def test_a_starting_point_above_the_summary_maximum_gives_the_category_and_range_without_a_sentence() -> None:
    result = ok(images_request(**MAGISTRATES_A))
    assert result.harm is not None and result.harm.category_label == "Category A"
    assert result.table.starting_point is not None and result.table.starting_point.text() == "1 year's custody"
    assert result.statutory_maximum.maximum is not None and result.statutory_maximum.mode == "summary"
    assert result.sentence.sentence is None and result.sentence.text == "Not determined"
    assert result.determined is False
    [point] = result.unresolved
    assert (point.field, point.code) == ("sentence_before_plea", "starting_point_above_maximum")
    assert "1 year's custody, is above the maximum of 6 months" in point.message
    assert result.notification.period is None  # nothing is worked out from an undetermined sentence
    data = result.to_dict()
    assert data["determined"] is False
    assert data["unresolved"] == [point.to_dict()]


def test_a_plea_that_brings_the_starting_point_within_the_maximum_determines_the_sentence() -> None:
    # Reduced by one-third, 1 year becomes 8 months: still above 6 months, still not determined.
    plea = {"stage": "first_stage", "first_hearing_date": "2024-01-10"}
    result = ok(images_request(**MAGISTRATES_A, plea=plea))
    assert result.determined is False
    assert "after the guilty-plea reduction, 8 months' custody" in result.unresolved[0].message
    # A position chosen within the range and the maximum after the plea gives a sentence.
    result = ok(images_request(**MAGISTRATES_A, plea=plea, sentence_before_plea=custody("9m")))
    assert result.determined is True and result.unresolved == ()
    assert result.sentence.text == "6 months' custody"


def test_a_chosen_position_above_the_maximum_is_still_refused() -> None:
    problems = refused(images_request(**MAGISTRATES_A, sentence_before_plea=custody("9m")))
    assert "allowed: up to 6 months" in problem(problems, "above_statutory_maximum")


def test_in_the_crown_court_the_starting_point_is_the_provisional_sentence() -> None:
    result = ok(images_request(**{**MAGISTRATES_A, "sentencing_court": "crown_court"}))
    assert result.determined is True and result.unresolved == ()
    assert result.sentence.text == "1 year's custody"


def test_no_table_and_no_position_is_unresolved_too() -> None:
    result = ok(
        s9_request(
            offence_date="2010-01-10", conviction_date="2010-09-01", sentencing_date="2010-10-01",
            harm_factors=None, penetrative=False,
        )
    )  # fmt: skip
    assert result.determined is False
    assert [(p.field, p.code) for p in result.unresolved] == [("sentence_before_plea", "position_required")]
