"""Notification period (Sexual Offences Act 2003 s.82): every row, every boundary, under-18s, review dates."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safeguard.guidelines import (
    Disposal,
    Duration,
    GuidelineError,
    notification_from_dict,
    notification_period,
)
from safeguard.guidelines.facts import Status
from safeguard.guidelines.notification import (
    annual_renotification_date,
    change_notification_deadline,
    first_review_date,
    foreign_travel_notice_deadline,
    further_review_date,
    initial_notification_deadline,
    staying_elsewhere_counts,
)

RELEVANT = date(2025, 3, 1)


def custody_period(length: str, age: int = 30) -> tuple[bool, int | None]:
    result = notification_period(
        disposal=Disposal.IMPRISONMENT,
        relevant_date=RELEVANT,
        age_at_relevant_date=age,
        custody_length=Duration.parse(length),
    )
    return result.indefinite, result.period_months


@pytest.mark.parametrize(
    ("length", "indefinite", "months"),
    [
        ("1d", False, 84),
        ("6m", False, 84),  # 6 months or less: 7 years
        ("26w", False, 84),  # 26 weeks = 6 months
        ("182d", False, 84),  # 182 days = 6 months under the 364-day convention
        ("183d", False, 120),  # just over 6 months: 10 years
        ("27w", False, 120),
        ("7m", False, 120),
        ("29m", False, 120),  # less than 30 months: 10 years
        ("129w", False, 120),
        ("30m", True, None),  # 30 months or more: indefinite
        ("2y6m", True, None),
        ("130w", True, None),
        ("14y", True, None),
    ],
)
def test_imprisonment_boundaries(length: str, indefinite: bool, months: int | None) -> None:
    assert custody_period(length) == (indefinite, months)


@pytest.mark.parametrize(
    ("length", "months"),
    [("6m", 42), ("26w", 42), ("7m", 60), ("18m", 60), ("29m", 60)],
)
def test_under_18_fixed_periods_are_halved(length: str, months: int) -> None:
    assert custody_period(length, age=17) == (False, months)


def test_under_18_means_under_18_on_the_relevant_date() -> None:
    assert custody_period("18m", age=18) == (False, 120)
    assert custody_period("18m", age=17) == (False, 60)


def test_indefinite_is_not_halved_for_under_18s_and_says_why() -> None:
    result = notification_period(
        disposal=Disposal.IMPRISONMENT,
        relevant_date=RELEVANT,
        age_at_relevant_date=16,
        custody_length=Duration.months(30),
    )
    assert result.indefinite and result.period is None and result.end_date is None
    assert "not halved" in result.basis
    assert result.status is Status.UNVERIFIED  # the 'not halved' reading is from secondary sources


@pytest.mark.parametrize("disposal", [Disposal.LIFE, Disposal.IPP, Disposal.HOSPITAL_RESTRICTION_ORDER])
def test_always_indefinite_disposals(disposal: Disposal) -> None:
    result = notification_period(disposal=disposal, relevant_date=RELEVANT, age_at_relevant_date=40)
    assert result.indefinite
    assert result.status is Status.VERIFIED
    assert result.review_date == date(2040, 3, 1)


def test_hospital_order_without_restriction_is_7_years() -> None:
    result = notification_period(
        disposal=Disposal.HOSPITAL_ORDER, relevant_date=RELEVANT, age_at_relevant_date=40
    )
    assert result.period_months == 84 and not result.indefinite


@pytest.mark.parametrize(("age", "months", "end"), [(30, 24, date(2027, 2, 28)), (17, 12, date(2026, 2, 28))])
def test_caution(age: int, months: int, end: date) -> None:
    result = notification_period(disposal=Disposal.CAUTION, relevant_date=RELEVANT, age_at_relevant_date=age)
    assert result.period_months == months
    assert result.end_date == end


@pytest.mark.parametrize("age", [30, 15])
def test_conditional_discharge_is_its_own_length_never_halved(age: int) -> None:
    result = notification_period(
        disposal=Disposal.CONDITIONAL_DISCHARGE,
        relevant_date=RELEVANT,
        age_at_relevant_date=age,
        conditional_discharge_length=Duration.months(18),
    )
    assert result.period_months == 18
    assert result.end_date == date(2026, 8, 31)
    assert ("not halved" in result.basis) == (age < 18)


@pytest.mark.parametrize("disposal", [Disposal.COMMUNITY_ORDER, Disposal.FINE, Disposal.OTHER])
@pytest.mark.parametrize(("age", "months"), [(30, 60), (17, 30)])
def test_any_other_disposal_is_5_years_secondary(disposal: Disposal, age: int, months: int) -> None:
    result = notification_period(disposal=disposal, relevant_date=RELEVANT, age_at_relevant_date=age)
    assert result.period_months == months
    assert result.status is Status.UNVERIFIED
    assert any("secondary source" in w for w in result.warnings)


def test_halving_is_flagged_as_a_candidate_rule() -> None:
    result = notification_period(disposal=Disposal.CAUTION, relevant_date=RELEVANT, age_at_relevant_date=12)
    assert any("s.82(2)" in w and "candidate" in w for w in result.warnings)
    adult = notification_period(disposal=Disposal.CAUTION, relevant_date=RELEVANT, age_at_relevant_date=30)
    assert adult.warnings == () and adult.status is Status.VERIFIED


def test_suspended_sentence_is_an_open_question_in_the_output() -> None:
    result = notification_period(
        disposal=Disposal.IMPRISONMENT,
        relevant_date=RELEVANT,
        age_at_relevant_date=30,
        custody_length=Duration.months(12),
        suspended=True,
    )
    assert result.period_months == 120
    assert any(w.startswith("Open question") for w in result.warnings)


def test_weeks_near_a_boundary_carry_a_warning() -> None:
    result = notification_period(
        disposal=Disposal.IMPRISONMENT,
        relevant_date=RELEVANT,
        age_at_relevant_date=30,
        custody_length=Duration.weeks(26),
    )
    assert any("close to an s.82 boundary" in w for w in result.warnings)


# --- review of indefinite requirements (verified) ---------------------------------------------------


def test_review_date_15_years_after_first_notification() -> None:
    result = notification_period(
        disposal=Disposal.IMPRISONMENT,
        relevant_date=RELEVANT,
        age_at_relevant_date=30,
        custody_length=Duration.years(4),
        first_notification_date=date(2027, 6, 10),
    )
    assert result.review_date == date(2042, 6, 10)
    assert not any("review date was counted from the relevant date" in w for w in result.warnings)


def test_review_date_8_years_for_under_18s() -> None:
    result = notification_period(
        disposal=Disposal.LIFE,
        relevant_date=RELEVANT,
        age_at_relevant_date=17,
        first_notification_date=date(2025, 3, 3),
    )
    assert result.review_date == date(2033, 3, 3)


def test_review_date_without_first_notification_warns() -> None:
    result = notification_period(disposal=Disposal.IPP, relevant_date=RELEVANT, age_at_relevant_date=30)
    assert result.review_date == date(2040, 3, 1)
    assert any("may be later" in w for w in result.warnings)


def test_review_dates_on_29_february() -> None:
    # s.91B(2): the day after the end of the 15-year period beginning with 29 February 2024 (which ends
    # on 28 February 2039, as no 29 February 2039 exists).
    assert first_review_date(date(2024, 2, 29), under_18_at_relevant_date=False) == date(2039, 3, 1)
    assert first_review_date(date(2024, 2, 29), under_18_at_relevant_date=True) == date(2032, 2, 29)
    assert further_review_date(date(2040, 2, 29)) == date(2048, 2, 29)


def test_notification_deadlines() -> None:
    assert initial_notification_deadline(date(2025, 3, 1)) == date(2025, 3, 3)
    assert change_notification_deadline(date(2025, 12, 30)) == date(2026, 1, 1)
    assert annual_renotification_date(date(2024, 2, 29)) == date(2025, 2, 28)
    assert foreign_travel_notice_deadline(date(2025, 3, 8)) == date(2025, 3, 1)
    assert staying_elsewhere_counts(7, 0) and staying_elsewhere_counts(2, 7)
    assert not staying_elsewhere_counts(6, 6)


def test_end_date_is_the_last_day_of_the_period() -> None:
    result = notification_period(
        disposal=Disposal.IMPRISONMENT,
        relevant_date=date(2024, 2, 29),
        age_at_relevant_date=30,
        custody_length=Duration.months(8),
    )
    assert result.end_date == date(2034, 2, 28)
    assert result.initial_notification_by == date(2024, 3, 2)


# --- refusals ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"disposal": Disposal.IMPRISONMENT}, "required"),
        ({"disposal": Disposal.CONDITIONAL_DISCHARGE}, "required"),
        (
            {"disposal": Disposal.CONDITIONAL_DISCHARGE, "conditional_discharge_length": Duration.weeks(10)},
            "whole_months",
        ),
        ({"disposal": Disposal.CAUTION, "custody_length": Duration.months(3)}, "not_applicable"),
        ({"disposal": Disposal.FINE, "conditional_discharge_length": Duration.months(3)}, "not_applicable"),
        ({"disposal": Disposal.FINE, "suspended": True}, "not_applicable"),
        ({"disposal": Disposal.LIFE, "first_notification_date": date(2025, 2, 1)}, "before_relevant_date"),
    ],
)
def test_impossible_notification_inputs(kwargs: dict[str, object], code: str) -> None:
    with pytest.raises(GuidelineError) as caught:
        notification_period(relevant_date=RELEVANT, age_at_relevant_date=30, **kwargs)  # type: ignore[arg-type]
    assert code in caught.value.problems.codes()


# --- the JSON contract ------------------------------------------------------------------------

CONTRACT_FIELDS = {"indefinite", "period_months", "end_date", "review_date", "basis", "warnings", "errors"}


def test_contract_output_fields() -> None:
    output = notification_from_dict(
        {
            "disposal": "imprisonment",
            "custody_months": 18,
            "age_at_relevant_date": 17,
            "relevant_date": "2025-03-01",
        }
    )
    assert set(output) >= CONTRACT_FIELDS
    assert output["indefinite"] is False
    assert output["period_months"] == 60
    assert output["end_date"] == "2030-02-28"
    assert output["review_date"] is None
    assert "s.82" in str(output["basis"])
    assert output["errors"] == []


def test_contract_indefinite() -> None:
    output = notification_from_dict(
        {
            "disposal": "imprisonment",
            "custody_months": 30,
            "age_at_relevant_date": 40,
            "relevant_date": "2025-03-01",
        }
    )
    assert output["indefinite"] is True and output["period_months"] is None and output["end_date"] is None
    assert output["review_date"] == "2040-03-01"


def test_contract_conditional_discharge_and_aliases() -> None:
    output = notification_from_dict(
        {
            "disposal": "conditional_discharge",
            "conditional_discharge_months": 12,
            "age_at_relevant_date": 16,
            "relevant_date": "2025-03-01",
        }
    )
    assert output["period_months"] == 12
    custody = notification_from_dict(
        {
            "disposal": "custody",
            "custody_length": "26w",
            "age_at_relevant_date": 30,
            "relevant_date": "2025-03-01",
        }
    )
    assert custody["period_months"] == 84


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (
            {"disposal": "imprisonment", "age_at_relevant_date": 30, "relevant_date": "2025-03-01"},
            "custody_months",
        ),
        ({"disposal": "prison", "age_at_relevant_date": 30, "relevant_date": "2025-03-01"}, "disposal"),
        (
            {"disposal": "fine", "age_at_relevant_date": "thirty", "relevant_date": "2025-03-01"},
            "age_at_relevant_date",
        ),
        ({"disposal": "fine", "age_at_relevant_date": 30, "relevant_date": "1/3/2025"}, "relevant_date"),
        ({"disposal": "fine", "age_at_relevant_date": 30}, "relevant_date"),
        (
            {"disposal": "fine", "age_at_relevant_date": 30, "relevant_date": "2025-03-01", "colour": 1},
            "colour",
        ),
        (
            {
                "disposal": "imprisonment",
                "custody_months": 3,
                "custody_length": "3m",
                "age_at_relevant_date": 30,
                "relevant_date": "2025-03-01",
            },
            "custody_length",
        ),
    ],
)
def test_contract_errors_name_the_field(data: dict[str, object], field: str) -> None:
    output = notification_from_dict(data)
    assert set(output) >= CONTRACT_FIELDS
    errors = output["errors"]
    assert isinstance(errors, list) and errors
    assert field in [e["field"] for e in errors]
    assert output["period_months"] is None


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
field_values = st.dictionaries(
    st.sampled_from(
        [
            "disposal",
            "relevant_date",
            "age_at_relevant_date",
            "custody_months",
            "custody_length",
            "conditional_discharge_months",
            "conditional_discharge_length",
            "suspended",
            "first_notification_date",
        ]
    ),
    st.one_of(
        json_values,
        st.sampled_from(["imprisonment", "caution", "2025-03-01", "18m", "0", "9999-12-31"]),
        st.integers(-5, 2000),
    ),
)


@given(st.one_of(json_values, field_values))
def test_notification_never_crashes(data: object) -> None:
    output = notification_from_dict(data)
    assert set(output) >= CONTRACT_FIELDS
    assert (output["errors"] == []) == (output["basis"] is not None)
