"""Custody threshold, suspension, community orders and the Sexual Harm Prevention Order."""

from __future__ import annotations

import pytest

from safeguard.calendar.durations import Duration
from safeguard.guidelines.engine import suspension_problems
from safeguard.guidelines.facts import Status
from safeguard.guidelines.request import SuspensionInput
from safeguard.guidelines.sentences import Sentence

from .helpers import community_order, custody, ok, problem, refused, s9_request

CAT_2B = {"harm_factors": ["touching_or_exposure_of_naked_genitalia_or_breasts"]}  # range CO high - 2 years
CAT_1A = {"harm_factors": ["penetration_of_vagina_or_anus"], "culpability_factors": ["grooming_behaviour"]}


# --- custody threshold (verified) -----------------------------------------------------------------


def test_threshold_questions_are_listed_with_answers() -> None:
    result = ok(
        s9_request(**CAT_2B, custody_threshold={"threshold_passed": True, "custody_unavoidable": True})
    )
    questions = {q.id: q for q in result.custody_threshold.questions}
    assert list(questions) == ["threshold_passed", "custody_unavoidable", "shortest_term", "can_be_suspended"]
    assert questions["threshold_passed"].answer is True
    assert questions["shortest_term"].answer == "1 year's custody"
    assert questions["can_be_suspended"].answer == "can be suspended"
    assert "neither a fine alone nor a community sentence" in result.custody_threshold.principle
    assert result.custody_threshold.status is Status.VERIFIED


def test_custody_below_the_threshold_is_refused() -> None:
    problems = refused(s9_request(**CAT_2B, custody_threshold={"threshold_passed": False}))
    assert "neither a fine alone nor a community sentence" in problem(problems, "custody_below_threshold")


def test_avoidable_custody_is_refused() -> None:
    problems = refused(
        s9_request(**CAT_2B, custody_threshold={"threshold_passed": True, "custody_unavoidable": False})
    )
    assert problem(problems, "custody_avoidable")


def test_threshold_passed_does_not_make_custody_inevitable() -> None:
    result = ok(
        s9_request(
            **CAT_2B,
            sentence_before_plea=community_order("high"),
            custody_threshold={"threshold_passed": True, "custody_unavoidable": False},
        )
    )
    assert result.sentence.sentence is not None and not result.sentence.sentence.is_custody


def test_unavoidable_custody_with_a_community_order_is_refused() -> None:
    problems = refused(
        s9_request(
            **CAT_2B,
            sentence_before_plea=community_order("high"),
            custody_threshold={"custody_unavoidable": True},
        )
    )
    assert problem(problems, "custody_unavoidable_but_not_imposed")


# --- suspension ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("term", ["14d", "2w", "6m", "18m", "2y", "24m", "104w"])
def test_terms_from_14_days_to_2_years_can_be_suspended(term: str) -> None:
    sentence = Sentence.custody(Duration.parse(term))
    assert suspension_problems(sentence, SuspensionInput(True, Duration.years(2))) == []


@pytest.mark.parametrize(
    ("term", "code"),
    [
        ("25m", "term_too_long_to_suspend"),
        ("105w", "term_too_long_to_suspend"),
        ("13d", "term_too_short_to_suspend"),
    ],
)
def test_terms_outside_14_days_to_2_years_cannot_be_suspended(term: str, code: str) -> None:
    sentence = Sentence.custody(Duration.parse(term))
    problems = suspension_problems(sentence, SuspensionInput(True, Duration.years(2)))
    assert [p.code for p in problems] == [code]
    assert "allowed: terms of 14 days to 2 years" in problems[0].message


def test_suspended_sentence_over_2_years_is_refused_by_the_engine() -> None:
    problems = refused(
        s9_request(
            **CAT_1A,
            sentence_before_plea=custody("4y"),
            suspension={"suspend": True, "operational_period": "2y"},
        )
    )
    message = problem(problems, "term_too_long_to_suspend")
    assert "4 years" in message and "allowed: terms of 14 days to 2 years" in message


def test_suspension_judged_on_the_term_after_the_plea_reduction() -> None:
    # 3 years less one-third = 2 years: suspendable
    result = ok(
        s9_request(
            harm_factors=["other_sexual_activity"],
            culpability_factors=["grooming_behaviour"],
            sentence_before_plea=custody("3y"),
            plea={"stage": "first_stage", "first_hearing_date": "2023-06-01"},
            suspension={"suspend": True, "operational_period": "2y", "supervision_period": "1y"},
        )
    )
    assert result.sentence.text == "2 years' custody, suspended for 2 years"
    assert result.suspension.suspended and result.suspension.available


@pytest.mark.parametrize(
    ("operational", "supervision", "code"),
    [
        ("5m", None, "out_of_range"),
        ("25m", None, "out_of_range"),
        ("1y", "18m", "longer_than_operational_period"),
        ("2y", "5m", "out_of_range"),
        (None, None, "required"),
    ],
)
def test_operational_and_supervision_periods(
    operational: str | None, supervision: str | None, code: str
) -> None:
    request = SuspensionInput(
        True,
        Duration.parse(operational) if operational else None,
        Duration.parse(supervision) if supervision else None,
    )
    problems = suspension_problems(Sentence.custody(Duration.months(12)), request)
    assert code in [p.code for p in problems]


def test_periods_at_the_limits_are_allowed() -> None:
    for operational, supervision in (("6m", "6m"), ("2y", "2y"), ("26w", None), ("2y", "6m")):
        request = SuspensionInput(
            True, Duration.parse(operational), Duration.parse(supervision) if supervision else None
        )
        assert suspension_problems(Sentence.custody(Duration.months(12)), request) == []


def test_only_custody_can_be_suspended() -> None:
    problems = refused(
        s9_request(
            sentence_before_plea=community_order("medium"),
            suspension={"suspend": True, "operational_period": "1y"},
        )
    )
    assert problem(problems, "not_custodial")


def test_suspension_factors_for_and_against_are_listed() -> None:
    result = ok(
        s9_request(
            **CAT_2B,
            suspension={
                "suspend": False,
                "factors_against": ["history_of_poor_compliance"],
                "factors_for": ["realistic_prospect_of_rehabilitation"],
            },
        )
    )
    against = {f.id: f.selected for f in result.suspension.factors_against}
    supporting = {f.id: f.selected for f in result.suspension.factors_for}
    assert against == {
        "risk_or_danger_to_the_public": False,
        "punishment_only_by_immediate_custody": False,
        "history_of_poor_compliance": True,
    }
    assert supporting == {
        "realistic_prospect_of_rehabilitation": True,
        "strong_personal_mitigation": False,
        "harmful_impact_on_others": False,
    }
    assert result.suspension.status is Status.UNVERIFIED
    assert not result.suspension.suspended


def test_unknown_suspension_factor_is_refused() -> None:
    problems = refused(s9_request(**CAT_2B, suspension={"suspend": False, "factors_for": ["remorse"]}))
    assert problems.fields() == ["suspension.factors_for[0]"]


def test_periods_without_suspension_are_refused() -> None:
    problems = refused(s9_request(**CAT_2B, suspension={"suspend": False, "operational_period": "1y"}))
    assert problem(problems, "not_applicable")


# --- community orders (verified) ---------------------------------------------------------------------


def test_community_order_with_requirements() -> None:
    result = ok(
        s9_request(
            sentence_before_plea=community_order("high"),
            community_order={
                "length": "3y",
                "requirements": [
                    {"type": "programme", "details": "accredited programme"},
                    {"type": "rehabilitation_activity"},
                    {"type": "unpaid_work", "hours": 40},
                    {"type": "curfew"},
                    {"type": "exclusion"},
                    {"type": "foreign_travel_prohibition"},
                    {"type": "mental_health_treatment"},
                ],
            },
        )
    )
    community = result.community_order
    assert community.applicable and community.length == Duration.years(3) and community.level == "high"
    assert [r.type for r in community.requirements][:3] == [
        "programme",
        "rehabilitation_activity",
        "unpaid_work",
    ]
    assert community.requirements[0].label == "Programme requirement (accredited programme)"
    assert community.status is Status.VERIFIED
    assert len(community.available_requirements) == 15
    assert any("labels only" in n for n in result.notes)


@pytest.mark.parametrize("length", ["37m", "3y1m", "157w", "4y"])
def test_community_order_over_3_years_is_refused(length: str) -> None:
    problems = refused(
        s9_request(sentence_before_plea=community_order("high"), community_order={"length": length})
    )
    assert "allowed: up to 3 years" in problem(problems, "too_long")


@pytest.mark.parametrize("length", ["36m", "156w", "1y"])
def test_community_order_up_to_3_years_is_accepted(length: str) -> None:
    assert ok(s9_request(sentence_before_plea=community_order("high"), community_order={"length": length}))


@pytest.mark.parametrize(
    ("hours", "accepted"), [(39, False), (40, True), (300, True), (301, False), (None, False)]
)
def test_unpaid_work_hours(hours: int | None, accepted: bool) -> None:
    requirement: dict[str, object] = {"type": "unpaid_work"}
    if hours is not None:
        requirement["hours"] = hours
    data = s9_request(
        sentence_before_plea=community_order("medium"), community_order={"requirements": [requirement]}
    )
    if accepted:
        ok(data)
    else:
        assert "40 to 300 hours" in problem(refused(data), "out_of_range")


def test_unknown_requirement_is_refused_with_the_list() -> None:
    problems = refused(
        s9_request(
            sentence_before_plea=community_order("medium"),
            community_order={"requirements": [{"type": "polygraph"}]},
        )
    )
    assert problems.fields() == ["community_order.requirements[0].type"]
    assert "electronic_whereabouts_monitoring" in problem(problems, "unknown_requirement")


def test_community_order_details_need_a_community_order() -> None:
    problems = refused(s9_request(**CAT_2B, community_order={"length": "1y"}))
    assert problem(problems, "not_a_community_order")


def test_community_order_is_for_adults_only() -> None:
    problems = refused(
        s9_request(
            offence="soa2003-s13",
            offender_age_at_offence=16,
            offender_age_at_conviction=16,
            harm_factors=None,
            sentence_before_plea=community_order("medium"),
        )
    )
    assert "aged 18 or over" in problem(problems, "community_order_not_available")


# --- Sexual Harm Prevention Order ---------------------------------------------------------------------


def test_shpo_is_always_listed_to_consider() -> None:
    result = ok(s9_request())
    (order,) = result.ancillary_orders
    assert order.name == "Sexual Harm Prevention Order"
    assert "at least 5 years or until further order" in order.reason
    assert "foreign travel prohibition" in order.reason
    assert order.status is Status.UNVERIFIED and not order.requested


@pytest.mark.parametrize(
    ("shpo", "code"),
    [
        ({"length": "4y11m"}, "too_short"),
        ({}, "required"),
        ({"length": "5y", "until_further_order": True}, "conflict"),
    ],
)
def test_shpo_refusals(shpo: dict[str, object], code: str) -> None:
    assert code in refused(s9_request(shpo=shpo)).codes()


@pytest.mark.parametrize(
    "shpo",
    [{"length": "5y"}, {"length": "60m"}, {"until_further_order": True, "foreign_travel_prohibition": True}],
)
def test_shpo_accepted(shpo: dict[str, object]) -> None:
    (order,) = ok(s9_request(shpo=shpo)).ancillary_orders
    assert order.requested
