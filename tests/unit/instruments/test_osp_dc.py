"""OSP/DC against every worked example, weight and band in the spec, and each validation rule."""

from __future__ import annotations

import math

import pytest

from safeguard.instruments import registry
from safeguard.instruments.osp_dc import band_for_points, probability_for_points

from .conftest import AS_OF, osp_row


def score(**changes: object):  # type: ignore[no-untyped-def]
    return registry.score("osp-dc", osp_row(**changes), today=AS_OF)


def points_by_item(result) -> dict[str, int | None]:  # type: ignore[no-untyped-def]
    return {item.name: item.points for item in result.items}


def test_worked_example_28_points_medium() -> None:
    result = score()
    assert result.errors == ()
    assert [item.points for item in result.items] == [5, 6, 6, 5, 0, 6, 0]
    assert result.points == 28
    assert result.band == "medium"
    assert round(result.probability * 100, 2) == 1.54
    assert result.verified is True
    assert result.extras["risk_reduction_applied"] is False


@pytest.mark.parametrize(
    ("points", "percent"),
    [
        (17, 0.27),
        (22, 0.60),
        (25, 0.96),
        (26, 1.12),
        (28, 1.54),
        (30, 2.11),
        (32, 2.88),
        (33, 3.36),
        (36, 5.31),
        (41, 11.09),
        (64, 83.12),
    ],
)
def test_points_to_percent_pairs(points: int, percent: float) -> None:
    assert round(probability_for_points(points) * 100, 2) == percent


def test_probability_is_full_precision_logistic() -> None:
    expected = 1 / (1 + math.exp(-(-8.633 + 0.1598 * 28)))
    assert score().probability == expected


def test_zero_points_gives_zero_probability_age_75_example() -> None:
    result = score(
        date_of_birth="1950-01-01",
        date_at_start_of_followup="2025-06-01",
        contact_adult_sexual_sanctions=0,
        contact_child_sexual_sanctions=0,
        non_contact_sexual_offences=0,
        indecent_image_sanctions=1,
        total_sanctions=1,
        date_of_most_recent_sexual_offence="1963-03-01",
    )
    assert result.errors == ()
    assert result.points == 0
    assert result.band == "low"
    assert result.probability == 0


@pytest.mark.parametrize(
    ("field", "count", "points"),
    [
        ("contact_adult_sexual_sanctions", 0, 0),
        ("contact_adult_sexual_sanctions", 1, 5),
        ("contact_adult_sexual_sanctions", 2, 10),
        ("contact_adult_sexual_sanctions", 3, 15),
        ("contact_adult_sexual_sanctions", 7, 15),
        ("contact_child_sexual_sanctions", 0, 0),
        ("contact_child_sexual_sanctions", 1, 3),
        ("contact_child_sexual_sanctions", 2, 6),
        ("contact_child_sexual_sanctions", 3, 9),
        ("contact_child_sexual_sanctions", 9, 9),
        ("non_contact_sexual_offences", 0, 0),
        ("non_contact_sexual_offences", 1, 2),
        ("non_contact_sexual_offences", 2, 4),
        ("non_contact_sexual_offences", 3, 6),
        ("non_contact_sexual_offences", 12, 6),
    ],
)
def test_sanction_weights(field: str, count: int, points: int) -> None:
    result = score(**{field: count, "total_sanctions": 40})
    assert result.errors == ()
    assert points_by_item(result)[field] == points


@pytest.mark.parametrize(
    ("followup_age", "points"),
    [(10, 14), (17, 14), (18, 14), (20, 14), (21, 13), (47, 5), (57, 1), (59, 1), (60, 0), (85, 0), (109, 0)],
)
def test_age_at_start_of_followup(followup_age: int, points: int) -> None:
    result = score(
        date_of_birth="1900-03-15",
        date_at_start_of_followup=f"{1900 + followup_age}-03-15",
        date_of_most_recent_sexual_offence="1910-01-01",
        assessment_date="2026-11-01",
    )
    assert result.errors == ()
    assert points_by_item(result)["age_at_start_of_followup"] == points


def test_age_counts_whole_years_by_birthday() -> None:
    day_before = score(date_of_birth="1980-06-02", date_at_start_of_followup="2001-06-01")
    on_birthday = score(date_of_birth="1980-06-02", date_at_start_of_followup="2001-06-02")
    assert [i.answer for i in day_before.items if i.name == "age_at_start_of_followup"] == [20]
    assert [i.answer for i in on_birthday.items if i.name == "age_at_start_of_followup"] == [21]
    assert points_by_item(day_before)["age_at_start_of_followup"] == 14
    assert points_by_item(on_birthday)["age_at_start_of_followup"] == 13


@pytest.mark.parametrize(("offence_age", "points"), [(10, 0), (15, 0), (16, 5), (17, 5), (18, 10), (46, 10)])
def test_age_at_most_recent_sexual_offence(offence_age: int, points: int) -> None:
    result = score(date_of_most_recent_sexual_offence=f"{1980 + offence_age}-01-01")
    assert points_by_item(result)["age_at_most_recent_sexual_offence"] == points


@pytest.mark.parametrize(("total", "points"), [(10, 6), (2, 6)])
def test_total_sanctions(total: int, points: int) -> None:
    result = score(
        total_sanctions=total,
        contact_adult_sexual_sanctions=1,
        contact_child_sexual_sanctions=0,
        non_contact_sexual_offences=0,
        indecent_image_sanctions=0,
    )
    assert points_by_item(result)["total_sanctions"] == points


def test_one_sanction_in_all_scores_no_total_points() -> None:
    result = score(
        total_sanctions=1,
        contact_adult_sexual_sanctions=1,
        contact_child_sexual_sanctions=0,
        non_contact_sexual_offences=0,
        indecent_image_sanctions=0,
    )
    assert points_by_item(result)["total_sanctions"] == 0


@pytest.mark.parametrize(("answer", "points"), [(True, 4), (False, 0), (None, 0)])
def test_stranger(answer: bool | None, points: int) -> None:
    assert (
        points_by_item(score(current_offence_against_stranger=answer))["current_offence_against_stranger"]
        == points
    )


@pytest.mark.parametrize(
    ("points", "band"),
    [
        (0, "low"),
        (21, "low"),
        (22, "medium"),
        (29, "medium"),
        (30, "high"),
        (35, "high"),
        (36, "very_high"),
        (64, "very_high"),
    ],
)
def test_band_edges(points: int, band: str) -> None:
    assert band_for_points(points) == band


@pytest.mark.parametrize(
    ("changes", "reason_word"),
    [
        ({"sex": "female"}, "woman"),
        (
            {
                "has_ever_committed_sexual_offence": False,
                "contact_adult_sexual_sanctions": 0,
                "contact_child_sexual_sanctions": 0,
                "non_contact_sexual_offences": 0,
                "indecent_image_sanctions": 0,
                "date_of_most_recent_sexual_offence": None,
            },
            "no sexual offending",
        ),
    ],
)
def test_not_applicable(changes: dict[str, object], reason_word: str) -> None:
    result = score(**changes)
    assert result.errors == ()
    assert result.band == "not_applicable"
    assert result.probability == 0
    assert result.points is None
    assert reason_word in (result.not_applicable_reason or "")


def test_female_does_not_need_the_other_inputs() -> None:
    result = registry.score(
        "osp-dc", {"sex": "female", "has_ever_committed_sexual_offence": True}, today=AS_OF
    )
    assert result.band == "not_applicable"


# -- risk reduction ------------------------------------------------------------------------------

LONG_AGO = {
    "date_of_most_recent_sexual_offence": "2010-01-01",
    "date_at_start_of_followup": "2012-01-01",
    "total_sanctions": 20,
    "contact_adult_sexual_sanctions": 3,
}  # 53 points: very high


def test_risk_reduction_drops_one_band_after_five_offence_free_years() -> None:
    result = score(**LONG_AGO)
    assert result.points == 53
    assert result.band == "high"
    assert result.extras["risk_reduction_applied"] is True
    assert result.items[-1].name == "risk_reduction"
    assert result.probability == probability_for_points(53)


@pytest.mark.parametrize(
    "changes",
    [
        {"supervision_status": "custody"},
        {"sex": "male", "most_recent_offence_date": "2023-01-01"},
        {"date_at_start_of_followup": "2021-11-02"},
        # A sexual offence within five years: follow-up cannot have started before it.
        {"date_of_most_recent_sexual_offence": "2022-01-01", "date_at_start_of_followup": "2022-01-01"},
    ],
)
def test_risk_reduction_not_applied(changes: dict[str, object]) -> None:
    result = score(**{**LONG_AGO, **changes})
    assert result.band == "very_high"
    assert result.extras["risk_reduction_applied"] is False


def test_risk_reduction_counts_exactly_five_whole_years() -> None:
    exactly = score(**{**LONG_AGO, "date_at_start_of_followup": "2021-11-01"})
    a_day_short = score(**{**LONG_AGO, "date_at_start_of_followup": "2021-11-02"})
    assert exactly.band == "high"
    assert a_day_short.band == "very_high"


def test_remand_is_not_custody_for_risk_reduction() -> None:
    assert score(**{**LONG_AGO, "supervision_status": "remand"}).band == "high"


def test_no_reduction_below_medium() -> None:
    result = score(
        **{
            **LONG_AGO,
            "contact_adult_sexual_sanctions": 0,
            "contact_child_sexual_sanctions": 0,
            "non_contact_sexual_offences": 1,
            "date_of_birth": "1940-01-01",
        }
    )
    assert result.band == "low"
    assert result.extras["risk_reduction_applied"] is False


def test_default_assessment_date_is_reported() -> None:
    row = osp_row()
    del row["assessment_date"]
    result = registry.score("osp-dc", row, today=AS_OF)
    assert any("assessment_date not given" in w and "2026-11-01" in w for w in result.warnings)


# -- validation ----------------------------------------------------------------------------------


def codes(result) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {error.field: error.code for error in result.errors}


def test_every_required_field_missing_is_named_at_once() -> None:
    result = registry.score("osp-dc", {"sex": "male", "has_ever_committed_sexual_offence": True}, today=AS_OF)
    assert result.band is None
    assert codes(result) == dict.fromkeys(
        [
            "date_of_birth",
            "contact_adult_sexual_sanctions",
            "contact_child_sexual_sanctions",
            "non_contact_sexual_offences",
            "indecent_image_sanctions",
            "total_sanctions",
            "date_of_most_recent_sexual_offence",
            "supervision_status",
            "date_at_start_of_followup",
        ],
        "missing",
    )


def test_sex_and_history_always_required() -> None:
    assert codes(registry.score("osp-dc", {}, today=AS_OF)) == {
        "sex": "missing",
        "has_ever_committed_sexual_offence": "missing",
    }


def test_no_sexual_sanctions() -> None:
    result = score(
        contact_adult_sexual_sanctions=0,
        contact_child_sexual_sanctions=0,
        non_contact_sexual_offences=0,
        indecent_image_sanctions=0,
    )
    assert codes(result) == {"has_ever_committed_sexual_offence": "no_sexual_sanctions"}


def test_sexual_sanctions_exceed_total() -> None:
    result = score(total_sanctions=9)
    assert codes(result) == {"total_sanctions": "sexual_sanctions_exceed_total"}
    assert "10" in result.errors[0].message


def test_history_false_with_counts_names_each_count() -> None:
    result = score(
        has_ever_committed_sexual_offence=False,
        contact_adult_sexual_sanctions=0,
        date_of_most_recent_sexual_offence=None,
    )
    assert codes(result) == {
        "contact_child_sexual_sanctions": "inconsistent",
        "non_contact_sexual_offences": "inconsistent",
        "indecent_image_sanctions": "inconsistent",
    }


def test_dates_before_birth_and_age_limit() -> None:
    result = score(date_of_most_recent_sexual_offence="1979-12-31", most_recent_offence_date="1970-01-01")
    assert codes(result) == {
        "date_of_most_recent_sexual_offence": "before_date_of_birth",
        "most_recent_offence_date": "before_date_of_birth",
    }
    too_old = score(
        date_of_birth="1900-01-01",
        date_at_start_of_followup="2010-01-01",
        date_of_most_recent_sexual_offence="1950-01-01",
    )
    assert codes(too_old) == {"date_at_start_of_followup": "age_out_of_range"}
    just_under = score(
        date_of_birth="1900-01-02",
        date_at_start_of_followup="2010-01-01",
        date_of_most_recent_sexual_offence="1950-01-01",
    )
    assert just_under.errors == ()


def test_type_errors_name_every_field_with_what_is_allowed() -> None:
    result = score(
        sex="M",
        total_sanctions="eleven",
        contact_adult_sexual_sanctions=-1,
        date_of_birth="01/01/1980",
        current_offence_against_stranger="yes",
        supervision_status=3,
        date_at_start_of_followup="2027-02-30",
        indecent_image_sanctions=True,
        colour="blue",
    )
    found = codes(result)
    assert found == {
        "sex": "not_allowed",
        "total_sanctions": "wrong_type",
        "contact_adult_sexual_sanctions": "out_of_range",
        "date_of_birth": "invalid_date",
        "current_offence_against_stranger": "wrong_type",
        "supervision_status": "wrong_type",
        "date_at_start_of_followup": "invalid_date",
        "indecent_image_sanctions": "wrong_type",
        "colour": "unknown_field",
    }
    messages = {error.field: error.message for error in result.errors}
    assert "male, female" in messages["sex"]
    assert "from 1 to 999" in messages["total_sanctions"]
    assert "YYYY-MM-DD" in messages["date_of_birth"]
    assert "custody, community, remand" in messages["supervision_status"]


def test_unknown_field_suggests_the_nearest_name() -> None:
    result = score(total_sanction=3)
    assert codes(result)["total_sanction"] == "unknown_field"
    assert "Did you mean total_sanctions?" in result.errors[0].message


def test_integral_float_and_date_objects_are_accepted() -> None:
    from datetime import date

    result = score(total_sanctions=11.0, date_of_birth=date(1980, 1, 1))
    assert result.errors == ()
    assert result.points == 28


def test_not_an_object() -> None:
    result = registry.score("osp-dc", [1, 2], today=AS_OF)  # type: ignore[arg-type]
    assert codes(result) == {"$": "not_an_object"}
