"""Cases of one or more offences: relations, the total term, totality review, suspension and notification."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safeguard.calendar.durations import Unit
from safeguard.guidelines import Duration, Problems, calculate_from_dict
from safeguard.guidelines.case import (
    CONSECUTIVE_NOTIFICATION_WARNING,
    CaseResult,
    add_lengths,
    calculate_case_from_dict,
    case_from_dict,
    is_case_data,
)

from .helpers import community_order, custody, images_request, s9_request


def case(*offences: dict[str, Any], totality: dict[str, str] | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {"offences": list(offences)}
    if totality is not None:
        data["totality"] = totality
    return data


def lead(request: dict[str, Any]) -> dict[str, Any]:
    return {"relation": "lead", "request": request}


def other(request: dict[str, Any], relation: str = "concurrent", label: str | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {"relation": relation, "request": request}
    if label:
        data["label"] = label
    return data


def ok_case(data: dict[str, Any]) -> CaseResult:
    result = calculate_case_from_dict(data)
    if isinstance(result, Problems):
        raise AssertionError(f"unexpected refusal: {result.to_dict()}")
    return result


def refused_case(data: dict[str, Any]) -> Problems:
    result = calculate_case_from_dict(data)
    if not isinstance(result, Problems):
        raise AssertionError("expected the case to be refused")
    return result


def s9_custody(length: str, **extra: Any) -> dict[str, Any]:
    """Category 3A (range: high-level community order to 3 years' custody)."""
    return s9_request(
        culpability_factors=["grooming_behaviour"], sentence_before_plea=custody(length), **extra
    )


def images_custody(length: str, **extra: Any) -> dict[str, Any]:
    """Category A possession (range: 26 weeks to 3 years' custody)."""
    return images_request(
        harm_factors=["penetrative_sexual_activity"], sentence_before_plea=custody(length), **extra
    )


# -- one offence --------------------------------------------------------------------------------


def test_one_offence_case_gives_the_same_figures_as_the_single_calculation() -> None:
    request = s9_custody("2y", plea={"stage": "first_stage", "first_hearing_date": "2023-09-01"})
    single = calculate_from_dict(request)
    assert not isinstance(single, Problems)
    result = ok_case(case(lead(request)))
    assert result.lead.to_dict() == single.to_dict()
    assert result.total.sentence == single.sentence.sentence
    assert result.total.text == single.sentence.text
    assert result.notification.from_offence == 0
    assert result.notification.period == (
        single.notification.period.to_dict() if single.notification.period else None
    )


def test_first_offence_defaults_to_lead_and_others_to_concurrent() -> None:
    parsed = case_from_dict({"offences": [{"request": s9_request()}, {"request": images_request()}]})
    assert not isinstance(parsed, Problems)
    assert [o.relation.value for o in parsed.offences] == ["lead", "concurrent"]


def test_is_case_data_distinguishes_cases_from_single_requests() -> None:
    assert is_case_data({"offences": []})
    assert not is_case_data(s9_request())
    assert not is_case_data([1, 2])


# -- the total ----------------------------------------------------------------------------------


def test_concurrent_terms_total_the_longest() -> None:
    result = ok_case(case(lead(s9_custody("2y")), other(images_custody("6m"))))
    assert result.total.arithmetic_total == Duration.years(2)
    assert result.total.text == "2 years' custody"
    assert [line.counts for line in result.total.lines] == ["runs from the start", "runs at the same time"]


def test_a_concurrent_term_longer_than_the_lead_sets_the_total() -> None:
    result = ok_case(case(lead(s9_custody("1y")), other(images_custody("18m"))))
    assert result.total.arithmetic_total == Duration.months(18)


def test_consecutive_terms_are_added_to_the_longest_concurrent_term() -> None:
    result = ok_case(
        case(
            lead(s9_custody("2y")),
            other(images_custody("6m"), "consecutive"),
            other(images_custody("1y"), "concurrent"),
            other(images_custody("26w"), "consecutive"),
        )
    )
    assert result.total.arithmetic_total == Duration.years(3)
    assert "2 years" in result.total.reason and "6 months, 26 weeks" in result.total.reason


def test_consecutive_terms_add_after_each_plea_reduction() -> None:
    plea = {"stage": "first_stage", "first_hearing_date": "2023-09-01"}
    result = ok_case(
        case(lead(s9_custody("3y", plea=plea)), other(images_custody("9m", plea=plea), "consecutive"))
    )
    # 3 years less one-third = 2 years; 9 months less one-third = 6 months: 30 months in all.
    assert result.offences[0].result.sentence.sentence == custody_sentence(Duration.years(2))
    assert result.total.arithmetic_total is not None
    assert result.total.arithmetic_total.in_months() == 30


def custody_sentence(length: Duration) -> Any:
    from safeguard.guidelines import Sentence

    return Sentence.custody(length)


def test_no_separate_penalty_adds_nothing() -> None:
    result = ok_case(case(lead(s9_custody("1y")), other(images_custody("2y"), "no_separate_penalty")))
    assert result.total.arithmetic_total == Duration.years(1)
    assert result.total.lines[1].counts.startswith("adds nothing")


def test_consecutive_needs_custodial_terms() -> None:
    problems = refused_case(
        case(
            lead(s9_custody("1y")),
            other(images_request(sentence_before_plea=community_order("high")), "consecutive"),
        )
    )
    assert problems.fields() == ["offences[1].relation"]
    assert problems.codes() == ["consecutive_needs_custody"]


def test_a_more_severe_kind_of_sentence_than_the_lead_is_refused() -> None:
    problems = refused_case(
        case(lead(s9_request(sentence_before_plea=community_order("medium"))), other(images_custody("6m")))
    )
    assert "more_serious_than_lead" in problems.codes()
    assert "put the most serious offence first" in problems.items[0].message


def test_community_order_lead_with_concurrent_community_order() -> None:
    result = ok_case(
        case(
            lead(s9_request(sentence_before_plea=community_order("high", "2y"))),
            other(images_request(sentence_before_plea=community_order("high", "1y"))),
        )
    )
    assert result.total.arithmetic_total is None
    assert (
        result.total.sentence is not None
        and result.total.sentence.text() == "high-level community order (2 years)"
    )


# -- totality review ----------------------------------------------------------------------------


def test_totality_review_may_shorten_the_total_with_a_reason() -> None:
    data = case(
        lead(s9_custody("3y")),
        other(images_custody("1y"), "consecutive"),
        totality={"total": "3y6m", "reason": "Overall criminality; synthetic example"},
    )
    result = ok_case(data)
    assert result.total.arithmetic_total == Duration.years(4)
    assert result.total.after_totality == Duration.months(42)
    assert result.total.sentence is not None and result.total.sentence.length == Duration.months(42)
    assert "Overall criminality" in (result.total.totality_reason or "")


def test_totality_review_may_not_lengthen_the_total() -> None:
    problems = refused_case(case(lead(s9_custody("3y")), totality={"total": "4y", "reason": "synthetic"}))
    assert problems.fields() == ["totality.total"]
    assert problems.codes() == ["more_than_total"]
    assert "3 years" in problems.items[0].message


def test_totality_needs_a_reason_and_a_length() -> None:
    problems = refused_case(case(lead(s9_custody("3y")), totality={"total": "three years", "reason": " "}))
    assert set(problems.fields()) == {"totality.total", "totality.reason"}


def test_totality_applies_only_to_custody() -> None:
    problems = refused_case(
        case(
            lead(s9_request(sentence_before_plea=community_order("high"))),
            totality={"total": "1y", "reason": "x"},
        )
    )
    assert problems.codes() == ["not_custody"]


# -- suspension of the whole --------------------------------------------------------------------


def suspended(length: str, **extra: Any) -> dict[str, Any]:
    return s9_custody(length, suspension={"suspend": True, "operational_period": "2y"}, **extra)


def test_a_suspended_total_over_two_years_is_refused() -> None:
    problems = refused_case(case(lead(suspended("18m")), other(images_custody("1y"), "consecutive")))
    assert problems.fields() == ["offences[0].request.suspension.suspend"]
    assert problems.codes() == ["total_not_suspendable"]
    message = problems.items[0].message
    assert "2 years 6 months" in message or "30 months" in message
    assert "14 days to 2 years" in message


def test_a_suspended_total_of_two_years_is_accepted_and_every_term_is_suspended() -> None:
    result = ok_case(case(lead(suspended("18m")), other(images_custody("6m"), "consecutive")))
    assert result.total.suspended is True
    assert result.total.text == "24 months' custody, suspended for 2 years"
    assert result.offences[1].result.sentence.suspended is True
    assert result.verified is False  # the 2-year limit is from a secondary source


def test_totality_can_bring_a_total_within_the_suspendable_limit() -> None:
    data = case(
        lead(suspended("18m")),
        other(images_custody("1y"), "consecutive"),
        totality={"total": "2y", "reason": "synthetic totality review"},
    )
    result = ok_case(data)
    assert result.total.sentence is not None and result.total.sentence.length == Duration.years(2)


def test_disposal_parts_are_given_on_the_lead_only() -> None:
    problems = refused_case(
        case(
            lead(s9_custody("1y")),
            other(images_custody("6m", suspension={"suspend": True, "operational_period": "1y"})),
        )
    )
    assert problems.fields() == ["offences[1].request.suspension"]
    assert problems.codes() == ["case_level_only"]


# -- notification -------------------------------------------------------------------------------


def test_case_notification_is_the_longest_single_offence_period() -> None:
    # 6 months (7 years) concurrent with 2 years (10 years): the 2-year term gives 10 years.
    result = ok_case(
        case(lead(s9_custody("2y")), other(images_custody("6m", victim_age=12), label="Count 2"))
    )
    assert result.notification.applies == "yes"
    assert result.notification.from_offence == 0
    assert result.notification.period is not None
    assert result.notification.period["period_months"] == 120


def test_consecutive_terms_carry_the_open_question_on_notification() -> None:
    result = ok_case(case(lead(s9_custody("2y")), other(images_custody("1y", victim_age=12), "consecutive")))
    assert CONSECUTIVE_NOTIFICATION_WARNING in result.warnings
    assert result.verified is False
    # The figure itself stays the longest single-offence period (2 years -> 10 years), not the total.
    assert result.notification.period is not None
    assert result.notification.period["period_months"] == 120


def test_warnings_of_every_offence_reach_the_case() -> None:
    result = ok_case(case(lead(s9_custody("1y")), other(images_custody("6m"))))
    for outcome in result.offences:
        for text in outcome.result.warnings:
            assert text in result.warnings
    assert result.to_dict()["banner"] is not None


# -- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "field", "code"),
    [
        ({"offences": []}, "offences", "required"),
        ({}, "offences", "required"),
        ({"offences": [{"relation": "concurrent", "request": {}}]}, "offences[0].relation", "lead_first"),
        (
            {"offences": [{"request": {"offence": "soa2003-s9"}}]},
            "offences[0].request.offence_date",
            "required",
        ),
        ({"offences": [{"request": {}}], "extra": 1}, "extra", "unknown_field"),
        (
            {"offences": [lead(s9_request()), {"relation": "lead", "request": s9_request()}]},
            "offences[1].relation",
            "one_lead",
        ),
        (
            {"offences": [lead(s9_request()), {"relation": "sideways", "request": s9_request()}]},
            "offences[1].relation",
            "not_allowed",
        ),
        ({"offences": "nope"}, "offences", "not_a_list"),
        ({"offences": [lead(s9_request())] * 21}, "offences", "too_many"),
    ],
)
def test_bad_case_input_names_the_field(data: dict[str, Any], field: str, code: str) -> None:
    problems = refused_case(data)
    assert (field, code) in [(p.field, p.code) for p in problems], problems.to_dict()


def test_engine_problems_in_a_later_offence_carry_its_path() -> None:
    problems = refused_case(case(lead(s9_request()), other(s9_request(harm_factors=["no_such_factor"]))))
    assert all(field.startswith("offences[1].request.") for field in problems.fields())


def test_round_trip_of_the_case_request() -> None:
    data = case(
        lead(suspended("1y")),
        other(images_custody("26w"), "consecutive", label="Count 2"),
        totality={"total": "1y", "reason": "synthetic"},
    )
    parsed = case_from_dict(data)
    assert not isinstance(parsed, Problems)
    again = case_from_dict(parsed.to_dict())
    assert again == parsed


# -- adding lengths -----------------------------------------------------------------------------


def test_add_lengths_same_unit_is_exact() -> None:
    assert add_lengths([Duration.weeks(26), Duration.weeks(13)]) == (Duration.weeks(39), None)


def test_add_lengths_mixed_units_keeps_the_largest_whole_unit() -> None:
    assert add_lengths([Duration.years(1), Duration.weeks(26)]) == (Duration.months(18), None)
    assert add_lengths([Duration.years(1), Duration.years(1)]) == (Duration.years(2), None)


def test_add_lengths_says_the_parts_when_no_whole_unit_fits() -> None:
    total, words = add_lengths([Duration.months(1), Duration.weeks(1)])
    assert total.unit is Unit.DAYS
    assert words == "1 month + 1 week"


@given(
    st.lists(
        st.sampled_from(
            [Duration.weeks(n) for n in (1, 4, 13, 26)]
            + [Duration.months(n) for n in (1, 3, 6, 18)]
            + [Duration.years(n) for n in (1, 2, 5)]
        ),
        min_size=1,
        max_size=6,
    )
)
def test_add_lengths_never_exceeds_the_exact_sum(lengths: list[Duration]) -> None:
    total, words = add_lengths(lengths)
    exact = sum(length.in_months() for length in lengths)
    assert total.in_months() <= exact
    if words is None:
        assert total.in_months() == exact
