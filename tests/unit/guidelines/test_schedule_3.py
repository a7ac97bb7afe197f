"""Who must notify (issue 8, items 9 and 13).

Schedule 3 paras 13 and 15 (indecent photographs, Protection of Children Act 1978 s.1 and Criminal
Justice Act 1988 s.160): the images showed a child under 16 in EVERY case, and either the offender
was 18 or over or is sentenced to imprisonment for at least 12 months. A 12-month sentence alone
is not enough. And nobody under 10, the age of criminal responsibility in England and Wales
(Children and Young Persons Act 1933 s.50), can be convicted, cautioned or given any disposal.
"""

from __future__ import annotations

import pytest

from safeguard.guidelines import notification_from_dict
from safeguard.guidelines.schema import notification_request_json_schema, request_json_schema

from .helpers import custody, images_request, ok, problem, refused, s9_request

ADULT = {"offender_age_at_offence": 40, "offender_age_at_conviction": 40}
# 17 at the offence (2023-01-10), 18 when convicted and sentenced: the adult guideline applies.
SEVENTEEN = {"offender_age_at_offence": 17, "offender_age_at_conviction": 18}


@pytest.mark.parametrize(
    ("ages", "term", "shown", "applies", "needs"),
    [
        (ADULT, "26w", 15, "yes", ()),
        (ADULT, "26w", 16, "no", ()),
        # The defect: 12 months' imprisonment was enough on its own, whatever the images showed.
        (ADULT, "12m", 16, "no", ()),
        (ADULT, "12m", 15, "yes", ()),
        (SEVENTEEN, "12m", 15, "yes", ()),
        (SEVENTEEN, "26w", 15, "no", ()),
        (SEVENTEEN, "12m", 17, "no", ()),
        # The age shown is asked for only when it decides the answer.
        (ADULT, "26w", None, "unknown", ("youngest_age_shown",)),
        (SEVENTEEN, "12m", None, "unknown", ("youngest_age_shown",)),
        (SEVENTEEN, "26w", None, "no", ()),
    ],
)
def test_image_offence_threshold(
    ages: dict[str, int], term: str, shown: int | None, applies: str, needs: tuple[str, ...]
) -> None:
    result = ok(images_request(**ages, sentence_before_plea=custody(term), youngest_age_shown=shown))
    notification = result.notification
    assert (notification.applies, notification.needs) == (applies, needs)
    assert (notification.period is None) == (applies == "no")
    assert "the images showed a child under 16, and the offender was 18 or over" in notification.reason
    if needs:
        assert "the age of the youngest child shown in the images, not given yet" in notification.reason
        assert "youngest_age_shown" not in notification.reason  # words on the page, the code in `needs`
    assert any("Schedule 3 threshold" in w and "secondary source" in w for w in result.warnings)


def test_possession_offence_has_the_same_threshold() -> None:
    result = ok(
        images_request(
            offence="cja1988-s160", **ADULT, sentence_before_plea=custody("12m"), youngest_age_shown=16
        )
    )
    assert result.notification.applies == "no"
    assert "Criminal Justice Act 1988" in result.notification.reason


def test_victim_age_still_answers_for_the_age_shown() -> None:
    result = ok(images_request(**ADULT, sentence_before_plea=custody("26w"), victim_age=12))
    assert result.notification.applies == "yes"
    assert any("youngest child shown" in note for note in result.notes)
    given = ok(
        images_request(**ADULT, sentence_before_plea=custody("26w"), victim_age=12, youngest_age_shown=16)
    )
    assert given.notification.applies == "no"


def test_age_shown_is_refused_where_it_means_nothing() -> None:
    problems = refused(s9_request(youngest_age_shown=12))
    assert "applies to indecent-image offences" in problem(problems, "not_applicable")
    problems = refused(images_request(youngest_age_shown=18))
    assert [p.field for p in problems] == ["youngest_age_shown"]


def test_the_request_schema_asks_for_the_age_shown() -> None:
    prop = request_json_schema()["properties"]["youngest_age_shown"]  # type: ignore[index]
    assert (prop["minimum"], prop["maximum"]) == (0, 17)
    assert "under 16" in prop["description"]


# --- the age of criminal responsibility (item 13) ----------------------------------------------


@pytest.mark.parametrize("disposal", ["caution", "community_order", "fine", "conditional_discharge"])
def test_no_disposal_for_a_child_under_10(disposal: str) -> None:
    data: dict[str, object] = {"disposal": disposal, "relevant_date": "2025-03-01", "age_at_relevant_date": 9}
    if disposal == "conditional_discharge":
        data["conditional_discharge_months"] = 12
    out = notification_from_dict(data)
    assert out["period_months"] is None
    (error,) = out["errors"]  # type: ignore[misc]
    assert (error["field"], error["code"]) == ("age_at_relevant_date", "below_age_of_criminal_responsibility")
    assert "was 9" in error["message"] and "under 10" in error["message"]
    assert "Children and Young Persons Act 1933 s.50" in error["message"]
    assert out_ok({**data, "age_at_relevant_date": 10})


def out_ok(data: dict[str, object]) -> bool:
    return notification_from_dict(data)["errors"] == []


def test_caution_names_the_caution() -> None:
    out = notification_from_dict(
        {"disposal": "caution", "relevant_date": "2025-03-01", "age_at_relevant_date": 8}
    )
    assert "the date of the caution" in out["errors"][0]["message"]  # type: ignore[index]


def test_the_sentencing_engine_refuses_an_offence_before_10() -> None:
    problems = refused(
        s9_request(
            offence="soa2003-s13",
            offender_age_at_offence=9,
            offender_age_at_conviction=10,
            conviction_date="2023-09-01",
        )
    )
    message = problem(problems, "below_age_of_criminal_responsibility")
    assert "was 9 at the offence" in message
    by_birth = refused(
        s9_request(
            offence="soa2003-s13",
            offender_age_at_offence=None,
            offender_age_at_conviction=None,
            offender_date_of_birth="2013-06-01",
        )
    )
    assert [p.field for p in by_birth if p.code == "below_age_of_criminal_responsibility"] == [
        "offender_date_of_birth"
    ]


# --- safeguard notification with the offence (items 9 and 13 at the command line and the API) ----


def notify(**fields: object) -> dict[str, object]:
    data: dict[str, object] = {
        "disposal": "imprisonment",
        "custody_months": 12,
        "relevant_date": "2025-03-01",
        "age_at_relevant_date": 30,
        "offence": "pca1978-s1",
        "age_at_offence": 30,
    }
    data.update(fields)
    return notification_from_dict({k: v for k, v in data.items() if v is not None})


def test_notification_checks_the_threshold_when_the_offence_is_given() -> None:
    met = notify(youngest_age_shown=14)
    assert met["schedule_3"]["applies"] == "yes"  # type: ignore[index]
    assert met["period_months"] == 120
    not_met = notify(youngest_age_shown=16)
    assert not_met["schedule_3"]["applies"] == "no"  # type: ignore[index]
    assert (not_met["period_months"], not_met["end_date"], not_met["indefinite"]) == (None, None, False)
    assert "not met" in str(not_met["basis"])
    asked = notify()
    assert asked["schedule_3"]["needs"] == ["youngest_age_shown"]  # type: ignore[index]
    assert str(asked["basis"]).startswith("If Schedule 3 applies")
    assert any("Not yet known whether notification applies" in w for w in asked["warnings"])  # type: ignore[attr-defined]
    young = notify(age_at_relevant_date=17, age_at_offence=16, custody_months=6)
    assert young["schedule_3"]["applies"] == "no"  # type: ignore[index]
    plain = notification_from_dict(
        {"disposal": "fine", "relevant_date": "2025-03-01", "age_at_relevant_date": 30}
    )
    assert plain["schedule_3"] is None and plain["period_months"] == 60


def test_notification_refuses_impossible_ages_and_stray_inputs() -> None:
    out = notify(age_at_offence=9, age_at_relevant_date=11)
    assert [(e["field"], e["code"]) for e in out["errors"]] == [  # type: ignore[attr-defined]
        ("age_at_offence", "below_age_of_criminal_responsibility")
    ]
    later = notify(age_at_offence=31)
    assert later["errors"][0]["code"] == "after_relevant_date"  # type: ignore[index]
    stray = notification_from_dict(
        {
            "disposal": "fine",
            "relevant_date": "2025-03-01",
            "age_at_relevant_date": 30,
            "youngest_age_shown": 12,
        }
    )
    assert stray["errors"][0]["code"] == "needs_offence"  # type: ignore[index]


def test_notification_schema_lists_the_threshold_inputs() -> None:
    properties = notification_request_json_schema()["properties"]
    assert {"offence", "youngest_age_shown", "age_at_offence"} <= set(properties)  # type: ignore[arg-type]
