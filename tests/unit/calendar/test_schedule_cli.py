"""`safeguard schedule`: the JSON Lines contract of issue 10 (other services rely on it)."""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safeguard.calendar.bank_holidays import Region, holiday_name
from safeguard.calendar.cli import EXIT_LINES_REFUSED, EXIT_OK, EXIT_USAGE, add_arguments, run, schedule_line
from safeguard.calendar.schedules import WEEKDAYS


def _run(text: str) -> tuple[int, list[dict]]:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    out = io.StringIO()
    status = run(parser.parse_args([]), stdin=io.StringIO(text), stdout=out)
    return status, [json.loads(line) for line in out.getvalue().splitlines()]


def _line(**fields: object) -> dict:
    return schedule_line(json.dumps(fields))


def _codes(result: dict) -> list[tuple[str, str]]:
    return [(e["field"], e["code"]) for e in result["errors"]]


def test_a_valid_line_gives_dates_skipped_and_no_errors() -> None:
    result = _line(start_date="2022-12-19", weekdays=["mon", "tue"], sessions=6)
    assert result == {
        "dates": ["2022-12-19", "2022-12-20", "2023-01-03", "2023-01-09", "2023-01-10", "2023-01-16"],
        "skipped": [
            {"date": "2022-12-26", "reason": "Boxing Day"},
            {"date": "2022-12-27", "reason": "Christmas Day (observed)"},
            {"date": "2023-01-02", "reason": "New Year's Day (observed)"},
        ],
        "errors": [],
    }


@pytest.mark.parametrize("region", ["england-and-wales", "scotland", "northern-ireland"])
def test_one_off_days_and_closures_in_every_region(region: str) -> None:
    result = _line(start_date="2022-09-12", weekdays=["mon"], sessions=3, region=region, closures=["2022-09-26"])
    assert result["dates"] == ["2022-09-12", "2022-10-03", "2022-10-10"]
    assert result["skipped"] == [
        {"date": "2022-09-19", "reason": "State Funeral of Queen Elizabeth II"},
        {"date": "2022-09-26", "reason": "closure"},
    ]
    coronation = _line(start_date="2023-05-08", weekdays=["mon"], sessions=1, region=region)
    assert coronation["skipped"] == [{"date": "2023-05-08", "reason": "Coronation of Charles III"}]


def test_region_specific_days_by_line() -> None:
    scotland = _line(start_date="2023-11-30", weekdays=["thu"], sessions=1, region="scotland")
    assert scotland["skipped"] == [{"date": "2023-11-30", "reason": "Saint Andrew's Day"}]
    assert _line(start_date="2024-01-02", weekdays=["tue"], sessions=1, region="scotland")["dates"] == ["2024-01-09"]
    ni = _line(start_date="2023-03-13", weekdays=["fri", "wed"], sessions=2, region="northern-ireland")
    assert ni["dates"] == ["2023-03-15", "2023-03-22"]
    assert ni["skipped"] == [{"date": "2023-03-17", "reason": "Saint Patrick's Day"}]
    boyne = _line(start_date="2023-07-12", weekdays=["wed"], sessions=1, region="northern-ireland")
    assert boyne["skipped"] == [{"date": "2023-07-12", "reason": "Battle of the Boyne"}]


def test_the_region_defaults_to_england_and_wales_and_null_optionals_count_as_absent() -> None:
    result = _line(start_date="2023-04-10", weekdays=["mon"], sessions=1, region=None, closures=None)
    assert result["skipped"] == [{"date": "2023-04-10", "reason": "Easter Monday"}]
    assert result["errors"] == []


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"weekdays": ["mon"], "sessions": 1}, [("start_date", "missing")]),
        ({"start_date": "2023-02-30", "weekdays": ["mon"], "sessions": 1}, [("start_date", "invalid_date")]),
        ({"start_date": "2023-2-3", "weekdays": ["mon"], "sessions": 1}, [("start_date", "invalid_date")]),
        ({"start_date": "20230203", "weekdays": ["mon"], "sessions": 1}, [("start_date", "invalid_date")]),
        ({"start_date": 20230203, "weekdays": ["mon"], "sessions": 1}, [("start_date", "wrong_type")]),
        ({"start_date": "1066-10-14", "weekdays": ["mon"], "sessions": 1}, [("start_date", "out_of_range")]),
        ({"start_date": "2023-01-02", "weekdays": ["mon", "tues"], "sessions": 1}, [("weekdays[1]", "not_allowed")]),
        ({"start_date": "2023-01-02", "weekdays": ["Mon"], "sessions": 1}, [("weekdays[0]", "not_allowed")]),
        ({"start_date": "2023-01-02", "weekdays": ["mon", "mon"], "sessions": 1}, [("weekdays[1]", "duplicate")]),
        ({"start_date": "2023-01-02", "weekdays": [], "sessions": 1}, [("weekdays", "empty")]),
        ({"start_date": "2023-01-02", "weekdays": "mon", "sessions": 1}, [("weekdays", "wrong_type")]),
        ({"start_date": "2023-01-02", "weekdays": [0], "sessions": 1}, [("weekdays[0]", "wrong_type")]),
        ({"start_date": "2023-01-02", "weekdays": ["mon"], "sessions": 0}, [("sessions", "out_of_range")]),
        ({"start_date": "2023-01-02", "weekdays": ["mon"], "sessions": 201}, [("sessions", "out_of_range")]),
        ({"start_date": "2023-01-02", "weekdays": ["mon"], "sessions": True}, [("sessions", "wrong_type")]),
        ({"start_date": "2023-01-02", "weekdays": ["mon"], "sessions": 2.0}, [("sessions", "wrong_type")]),
        ({"start_date": "2023-01-02", "weekdays": ["mon"], "sessions": "2"}, [("sessions", "wrong_type")]),
        ({"start_date": "2023-01-02", "weekdays": ["mon"]}, [("sessions", "missing")]),
        ({"start_date": "2023-01-02", "weekdays": ["mon"], "sessions": 1, "region": "wales"}, [("region", "not_allowed")]),
        ({"start_date": "2023-01-02", "weekdays": ["mon"], "sessions": 1, "closures": "2023-01-09"}, [("closures", "wrong_type")]),
        ({"start_date": "2023-01-02", "weekdays": ["mon"], "sessions": 1, "closures": ["2023-01-09", "2023-13-01"]}, [("closures[1]", "invalid_date")]),
        ({"start_date": "2023-01-02", "weekdays": ["mon"], "sessions": 1, "closure": ["2023-01-09"]}, [("closure", "unknown_field")]),
        ({"start_date": "2100-12-01", "weekdays": ["mon"], "sessions": 200}, [("sessions", "beyond_known_years")]),
    ],
)
def test_bad_fields_are_named_with_a_stable_code(fields: dict, expected: list[tuple[str, str]]) -> None:
    result = _line(**fields)
    assert _codes(result) == expected
    assert result["dates"] == [] and result["skipped"] == []
    assert all(e["message"] for e in result["errors"])


def test_a_typo_suggests_the_weekday_and_lists_the_allowed_ones() -> None:
    message = _line(start_date="2023-01-02", weekdays=["tues"], sessions=1)["errors"][0]["message"]
    assert "tue" in message and "mon, tue, wed, thu, fri, sat, sun" in message
    unknown = _line(start_date="2023-01-02", weekdays=["mon"], sessions=1, session=3)["errors"][0]["message"]
    assert "Did you mean sessions?" in unknown


def test_every_problem_of_a_line_is_reported_at_once() -> None:
    result = _line(start_date="nope", weekdays=["mon", "xyz"], sessions=-1, region=3, closures=[1], colour="red")
    assert {f for f, _ in _codes(result)} == {"colour", "start_date", "weekdays[1]", "sessions", "region", "closures[0]"}


@pytest.mark.parametrize(
    ("text", "code"),
    [("not json", "invalid_json"), ("[1, 2]", "not_an_object"), ('"text"', "not_an_object"), ("", "empty_line"),
     ("   ", "empty_line"), ("[" * 100_000, "invalid_json"), ('{"start_date": "2023-01-02"', "invalid_json")],
)
def test_lines_that_are_not_objects(text: str, code: str) -> None:
    assert _codes(schedule_line(text)) == [("$", code)]


def test_a_run_answers_every_line_in_order_and_a_bad_line_does_not_stop_it() -> None:
    lines = [
        json.dumps({"start_date": "2023-04-03", "weekdays": ["mon"], "sessions": 2}),
        "{broken",
        "",
        json.dumps({"start_date": "2023-04-03", "weekdays": ["fri"], "sessions": 1}),
    ]
    status, results = _run("\n".join(lines) + "\n")
    assert status == EXIT_LINES_REFUSED
    assert len(results) == 4
    assert results[0]["dates"] == ["2023-04-03", "2023-04-17"]
    assert _codes(results[1]) == [("$", "invalid_json")]
    assert _codes(results[2]) == [("$", "empty_line")]
    assert results[3]["dates"] == ["2023-04-14"]  # 7 April was Good Friday


def test_all_valid_lines_exit_0_and_windows_line_ends_are_fine() -> None:
    status, results = _run(json.dumps({"start_date": "2023-04-03", "weekdays": ["mon"], "sessions": 1}) + "\r\n")
    assert status == EXIT_OK
    assert results == [{"dates": ["2023-04-03"], "skipped": [], "errors": []}]


def test_a_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    assert run(parser.parse_args([str(tmp_path / "absent.jsonl")]), stdout=io.StringIO()) == EXIT_USAGE


def test_the_installed_command_answers_line_by_line(tmp_path: Path) -> None:
    """Through the real entry point, as a service would call it, with undecodable bytes in one line."""
    path = tmp_path / "in.jsonl"
    path.write_bytes(
        b'{"start_date":"2023-05-01","weekdays":["mon"],"sessions":1}\n'
        b'{"start_date":"2023-05-01","weekdays":["mo\xff"],"sessions":1}\n'
    )
    done = subprocess.run(  # noqa: S603 - our own entry point, run by the interpreter running the tests
        [sys.executable, "-m", "safeguard.cli", "schedule", str(path)], capture_output=True, check=False
    )
    assert done.returncode == EXIT_LINES_REFUSED
    first, second = (json.loads(line) for line in done.stdout.decode().splitlines())
    assert first["dates"] == ["2023-05-15"]
    assert [s["reason"] for s in first["skipped"]] == ["May Day", "Coronation of Charles III"]
    assert _codes(second) == [("weekdays[0]", "not_allowed")]


@settings(max_examples=60)
@given(
    start=st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)),
    weekdays=st.lists(st.sampled_from(WEEKDAYS), min_size=1, max_size=7, unique=True),
    sessions=st.integers(min_value=1, max_value=200),
    region=st.sampled_from([r.value for r in Region]),
    closures=st.lists(st.dates(min_value=date(2000, 1, 1), max_value=date(2095, 12, 31)), max_size=20),
)
def test_valid_lines_keep_the_contract(
    start: date, weekdays: list[str], sessions: int, region: str, closures: list[date]
) -> None:
    result = _line(
        start_date=start.isoformat(), weekdays=weekdays, sessions=sessions, region=region,
        closures=[c.isoformat() for c in closures],
    )
    assert result["errors"] == []
    dates = [date.fromisoformat(d) for d in result["dates"]]
    assert len(dates) == sessions
    assert dates == sorted(set(dates)) and dates[0] >= start
    assert all(WEEKDAYS[d.weekday()] in weekdays for d in dates)
    assert all(holiday_name(region, d) is None and d not in closures for d in dates)
    skipped = [date.fromisoformat(s["date"]) for s in result["skipped"]]
    assert skipped == sorted(skipped) and all(start <= d < dates[-1] for d in skipped)


@settings(max_examples=200)
@given(st.one_of(st.text(max_size=80), st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["start_date", "weekdays", "sessions", "region", "closures", "x"]), inner, max_size=5),
    max_leaves=12,
).map(json.dumps)))
def test_no_line_crashes_the_run(text: str) -> None:
    result = schedule_line(text)
    assert set(result) == {"dates", "skipped", "errors"}
    assert bool(result["errors"]) != bool(result["dates"])
