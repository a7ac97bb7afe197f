"""Dates of things that have happened cannot be after the assessment date (issue 8, item 15).

OSP/DC with "date of most recent sexual offence" next year used to complete and score (medium,
29 points). Every past-event date of every instrument (birth, offences, sentence) must be on or
before the assessment date, or the date of scoring where the instrument asks for none, and dates
must come in a plausible order. Messages use the question's words and dates as people write them;
the field code stays in `field`.
"""

from __future__ import annotations

import io
import json
from datetime import date, timedelta
from typing import Any

import pytest

from safeguard.instruments import registry
from safeguard.instruments.batch import run_batch
from safeguard.instruments.fields import long_date

from .conftest import AS_OF, osp_row

NEXT_DAY = AS_OF + timedelta(days=1)
PAST_EVENTS = [
    (instrument_id, spec.name)
    for instrument_id in registry.instrument_ids()
    if not registry.get(instrument_id).feeds
    for spec in registry.get(instrument_id).fieldset.fields
    if spec.past_event
]


def without_assessment_date(instrument_id: str, **changes: Any) -> dict[str, Any]:
    row = {k: v for k, v in registry.example_input(instrument_id).items() if k != "assessment_date"}
    row.update(changes)
    return row


def pairs(result: Any) -> set[tuple[str, str]]:
    return {(e.field, e.code) for e in result.errors}


def test_the_reported_case_a_sexual_offence_next_year_is_refused() -> None:
    result = registry.score("osp-dc", osp_row(date_of_most_recent_sexual_offence="2027-06-01"), today=AS_OF)
    assert result.band is None and result.points is None
    assert pairs(result) == {
        ("date_of_most_recent_sexual_offence", "after_assessment_date"),
        # 2027-06-01 is also after the start of follow-up (2027-01-01) in this row.
        ("date_of_most_recent_sexual_offence", "after_start_of_followup"),
    }
    message = next(e.message for e in result.errors if e.code == "after_assessment_date")
    assert message.startswith("Date of most recent sexual offence (1 June 2027) is after the assessment date")
    assert "(1 November 2026)" in message
    assert "date_of_most_recent_sexual_offence" not in message and "2027-06-01" not in message


def test_every_instrument_declares_its_past_events() -> None:
    assert set(PAST_EVENTS) == {
        ("static-99r", "date_of_birth"),
        ("rm2000-s", "date_of_birth"),
        *((i, n) for i in ("osp-dc", "osp-iic", "iic-srp") for n in (
            "date_of_birth", "date_of_most_recent_sexual_offence", "most_recent_offence_date")),
        *((i, n) for i in ("osp-c-2018", "osp-i-2018") for n in (
            "date_of_birth", "date_of_most_recent_sexual_offence", "sentence_date")),
    }  # fmt: skip
    for instrument_id, name in PAST_EVENTS:
        assert registry.input_schema(instrument_id)["properties"][name]["x-past-event"] is True


@pytest.mark.parametrize(("instrument_id", "name"), PAST_EVENTS)
def test_a_past_event_after_the_date_of_scoring_is_refused(instrument_id: str, name: str) -> None:
    later = registry.score(
        instrument_id, without_assessment_date(instrument_id, **{name: NEXT_DAY.isoformat()}), today=AS_OF
    )
    assert (name, "after_assessment_date") in pairs(later)
    title = registry.get(instrument_id).fieldset.by_name[name].title
    message = next(e.message for e in later.errors if e.code == "after_assessment_date")
    assert message.startswith(f"{title} ({long_date(NEXT_DAY)})")
    same_day = registry.score(
        instrument_id, without_assessment_date(instrument_id, **{name: AS_OF.isoformat()}), today=AS_OF
    )
    assert "after_assessment_date" not in {code for _field, code in pairs(same_day)}


@pytest.mark.parametrize("instrument_id", ["osp-dc", "osp-iic", "rm2000-s"])
def test_the_assessment_date_given_is_the_limit(instrument_id: str) -> None:
    example = registry.example_input(instrument_id)
    given = date.fromisoformat(example["assessment_date"]) - timedelta(days=400)
    name = "date_of_most_recent_sexual_offence" if instrument_id != "rm2000-s" else "date_of_birth"
    row = {**example, "assessment_date": given.isoformat(), name: (given + timedelta(days=1)).isoformat()}
    result = registry.score(instrument_id, row, today=AS_OF)
    if name == "date_of_birth":  # a birth after the given assessment date is named on that date
        assert ("assessment_date", "before_date_of_birth") in pairs(result)
    else:
        assert (name, "after_assessment_date") in pairs(result)
        message = next(e.message for e in result.errors if e.code == "after_assessment_date")
        assert f"assessment date ({long_date(given)})" in message


def test_a_date_of_birth_in_the_future_is_refused_where_no_assessment_date_is_asked() -> None:
    row = {
        **registry.example_input("static-99r"),
        "date_of_birth": "2031-01-01",
        "release_date": "2050-01-01",
    }
    result = registry.score("static-99r", row, today=AS_OF)
    assert pairs(result) == {("date_of_birth", "after_assessment_date")}
    assert (
        "Date of birth (1 January 2031) is after the assessment date (1 November 2026)"
        in result.errors[0].message
    )


def test_an_offence_after_the_start_of_follow_up_is_flagged() -> None:
    result = registry.score(
        "osp-dc",
        osp_row(date_of_most_recent_sexual_offence="2024-03-01", date_at_start_of_followup="2023-01-01"),
        today=AS_OF,
    )
    assert pairs(result) == {("date_of_most_recent_sexual_offence", "after_start_of_followup")}
    assert "is after the start of follow-up (1 January 2023)" in result.errors[0].message


def test_the_most_recent_offence_cannot_predate_the_most_recent_sexual_offence() -> None:
    result = registry.score("osp-dc", osp_row(most_recent_offence_date="1993-01-01"), today=AS_OF)
    assert pairs(result) == {("most_recent_offence_date", "inconsistent")}


def test_2018_generation_offence_after_sentence_is_flagged() -> None:
    row = {**registry.example_input("osp-c-2018"), "date_of_most_recent_sexual_offence": "2017-02-01"}
    result = registry.score("osp-c-2018", row, today=AS_OF)
    assert pairs(result) == {("date_of_most_recent_sexual_offence", "after_sentence_date")}


def test_batch_refuses_the_future_date_too() -> None:
    rows = [osp_row(), osp_row(date_of_most_recent_sexual_offence="2026-12-01")]
    out = io.StringIO()
    summary = run_batch("osp-dc", io.StringIO("".join(json.dumps(r) + "\n" for r in rows)), out, today=AS_OF)
    assert summary.rejections == {("date_of_most_recent_sexual_offence", "after_assessment_date"): 1}
    assert summary.rows_scored == 1
