"""Impossible combinations are refused, each with a message saying what is wrong and what is allowed."""

from __future__ import annotations

import pytest

from safeguard.guidelines import request_from_dict
from safeguard.guidelines.errors import Problems

from .helpers import community_order, custody, images_request, problem, refused, s9_request


def test_several_problems_are_reported_together() -> None:
    problems = refused(
        s9_request(
            harm_factors=["touching_or_exposure_of_naked_genitalia_or_breasts", "nonsense"],
            suspension={"suspend": True, "operational_period": "3y"},
            community_order={"length": "4y"},
            shpo={"length": "2y"},
        )
    )
    assert {"unknown_factor", "out_of_range", "too_long", "too_short"} <= set(problems.codes())


def test_unknown_offence_lists_the_allowed_ones() -> None:
    message = problem(refused(s9_request(offence="theft")), "unknown_offence")
    assert "soa2003-s9" in message and "pca1978-s1" in message


def test_conviction_date_out_of_order() -> None:
    assert "before_offence_date" in refused(s9_request(conviction_date="2022-12-31")).codes()
    assert "after_sentencing_date" in refused(s9_request(conviction_date="2023-10-03")).codes()


def test_ages_must_be_given_and_consistent() -> None:
    message = problem(refused(s9_request(offender_age_at_conviction=None)), "required")
    assert "offender_date_of_birth" in message
    message = problem(refused(s9_request(offender_age_at_conviction=33)), "inconsistent_ages")
    assert "must be 30 or 31" in message
    assert "inconsistent_ages" in refused(s9_request(offender_age_at_conviction=29)).codes()


def test_date_of_birth_gives_ages_and_must_agree() -> None:
    problems = refused(s9_request(offender_date_of_birth="1990-06-01", offender_age_at_offence=40))
    assert "which gives 32" in problem(problems, "inconsistent_with_date_of_birth")
    assert "after_offence_date" in refused(s9_request(offender_date_of_birth="2024-01-01")).codes()


def test_s9_needs_an_adult_offender_and_points_to_s13() -> None:
    problems = refused(s9_request(offender_age_at_offence=17, offender_age_at_conviction=18))
    message = problem(problems, "offence_not_available_at_age")
    assert "aged 18 or over" in message and "soa2003-s13" in message


def test_s13_is_only_for_under_18s() -> None:
    problems = refused(
        s9_request(offence="soa2003-s13", harm_factors=None, sentence_before_plea=custody("6m"))
    )
    assert "aged 17 or under" in problem(problems, "offence_not_available_at_age")


def test_adult_guideline_does_not_apply_to_a_child_at_sentence() -> None:
    problems = refused(images_request(offender_age_at_offence=16, offender_age_at_conviction=17))
    assert "applies to offenders aged 18 or over" in problem(problems, "guideline_not_applicable")


def test_victim_age_must_fit_the_offence() -> None:
    assert "child under 16" in problem(refused(s9_request(victim_age=16)), "not_a_child_for_this_offence")
    assert "child under 18" in problem(refused(images_request(victim_age=18)), "not_a_child_for_this_offence")


def test_conditional_discharge_needs_its_length() -> None:
    problems = refused(
        s9_request(sentence_before_plea={"kind": "conditional_discharge"}, departure_reason="x")
    )
    assert problems.fields() == ["sentence_before_plea.length"]


def test_first_notification_before_relevant_date() -> None:
    assert "before_relevant_date" in refused(s9_request(first_notification_date="2023-08-31")).codes()


def test_community_order_length_given_twice_must_agree() -> None:
    problems = refused(
        s9_request(sentence_before_plea=community_order("high", "1y"), community_order={"length": "2y"})
    )
    assert problem(problems, "conflicts_with_sentence")


@pytest.mark.parametrize(
    ("data", "field", "code"),
    [
        ([], "(input)", "not_an_object"),
        ({}, "offence", "required"),
        (
            {"offence": "soa2003-s9", "offence_date": "2023-02-30", "sentencing_date": "2023-03-01"},
            "offence_date",
            "not_a_date",
        ),
        (
            {"offence": "soa2003-s9", "offence_date": "1899-12-31", "sentencing_date": "2023-03-01"},
            "offence_date",
            "out_of_range",
        ),
        (
            {"offence": 9, "offence_date": "2023-01-01", "sentencing_date": "2023-03-01"},
            "offence",
            "not_a_string",
        ),
        ({**s9_request(), "victim_age": True}, "victim_age", "not_an_integer"),
        ({**s9_request(), "harm_factors": "other_sexual_activity"}, "harm_factors", "not_a_list"),
        ({**s9_request(), "harm_factors": ["a", "a"]}, "harm_factors[1]", "duplicate"),
        (
            {**s9_request(), "sentence_before_plea": {"kind": "custody"}},
            "sentence_before_plea",
            "impossible_sentence",
        ),
        (
            {**s9_request(), "sentence_before_plea": {"kind": "custody", "length": "nine months"}},
            "sentence_before_plea.length",
            "not_a_duration",
        ),
        (
            {**s9_request(), "sentence_before_plea": {"kind": "prison", "length": "9m"}},
            "sentence_before_plea.kind",
            "not_allowed",
        ),
        (
            {**s9_request(), "plea": {"stage": "first_stage", "reduction": "2/1"}},
            "plea.reduction",
            "not_a_fraction",
        ),
        (
            {**s9_request(), "plea": {"stage": "first_stage", "reduction": float("nan")}},
            "plea.reduction",
            "not_a_fraction",
        ),
        ({**s9_request(), "suspension": {"operational_period": "1y"}}, "suspension.suspend", "required"),
        (
            {**s9_request(), "community_order": {"requirements": [{"hours": 40}]}},
            "community_order.requirements[0].type",
            "required",
        ),
        ({**s9_request(), "sentencing_court": "youth_court"}, "sentencing_court", "not_allowed"),
        ({**s9_request(), "colour": "red"}, "colour", "unknown_field"),
    ],
)
def test_parser_refusals_name_field_and_code(data: object, field: str, code: str) -> None:
    result = request_from_dict(data)
    assert isinstance(result, Problems)
    assert (field, code) in [(p.field, p.code) for p in result]
    for item in result:
        assert item.message  # every problem explains itself
