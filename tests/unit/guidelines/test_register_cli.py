"""`safeguard notification-due`: the JSON Lines contract of issue 12 (scripts and services rely on it)."""

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

from safeguard.guidelines.register import (
    change_notification_due,
    initial_notification_due,
    review_qualifying_date,
    travel_notification_due,
)
from safeguard.guidelines.register_cli import (
    EXIT_LINES_REFUSED,
    EXIT_OK,
    EXIT_USAGE,
    add_arguments,
    due_line,
    run,
)


def _run(text: str) -> tuple[int, list[dict]]:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    out = io.StringIO()
    status = run(parser.parse_args([]), stdin=io.StringIO(text), stdout=out)
    return status, [json.loads(line) for line in out.getvalue().splitlines()]


def _line(**fields: object) -> dict:
    return due_line(json.dumps(fields))


def _codes(result: dict) -> list[tuple[str, str]]:
    return [(e["field"], e["code"]) for e in result["errors"]]


@pytest.mark.parametrize(
    ("fields", "due", "section"),
    [
        ({"event": "initial", "relevant_date": "2025-12-30"}, "2026-01-01", "s.83(1)"),
        ({"event": "change", "change_date": "2024-02-28"}, "2024-03-01", "s.84(1)"),
        ({"event": "travel", "departure_date": "2024-03-07"}, "2024-02-29", "secondary"),
        ({"event": "review", "first_notification_date": "2024-02-29", "under_18_on_relevant_date": False},
         "2039-03-01", "s.91B(2)"),
        ({"event": "review", "first_notification_date": "2024-02-29", "under_18_on_relevant_date": True},
         "2032-02-29", "s.91B(2)"),
    ],
)
def test_each_event_gives_its_due_date_and_the_rule_in_words(fields: dict, due: str, section: str) -> None:
    result = _line(**fields)
    assert list(result) == ["due_date", "basis", "errors"]
    assert result["due_date"] == due
    assert section in result["basis"]
    assert result["errors"] == []


def test_the_unverified_travel_rule_says_so() -> None:
    assert "unverified" in _line(event="travel", departure_date="2025-05-01")["basis"]
    assert "unverified" not in _line(event="initial", relevant_date="2025-05-01")["basis"]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"event": "holiday", "relevant_date": "2025-01-01"}, [("event", "not_allowed")]),
        ({"relevant_date": "2025-01-01"}, [("event", "required")]),
        ({"event": None, "relevant_date": "2025-01-01"}, [("event", "required")]),
        ({"event": 3}, [("event", "not_a_string")]),
        ({"event": "initial", "relevant_date": "2025-02-30"}, [("relevant_date", "not_a_date")]),  # impossible
        ({"event": "initial", "relevant_date": "2023-02-29"}, [("relevant_date", "not_a_date")]),  # not a leap year
        ({"event": "initial", "relevant_date": "2025-13-01"}, [("relevant_date", "not_a_date")]),
        ({"event": "initial", "relevant_date": "1 March 2025"}, [("relevant_date", "not_a_date")]),
        ({"event": "initial", "relevant_date": "1899-12-31"}, [("relevant_date", "out_of_range")]),
        ({"event": "initial"}, [("relevant_date", "required")]),
        ({"event": "change", "relevant_date": "2025-01-01"},
         [("relevant_date", "not_applicable"), ("change_date", "required")]),
        ({"event": "travel", "departure_date": "2025-01-01", "under_18_on_relevant_date": True},
         [("under_18_on_relevant_date", "not_applicable")]),
        ({"event": "review", "first_notification_date": "2025-01-01"}, [("under_18_on_relevant_date", "required")]),
        ({"event": "review", "first_notification_date": "2025-01-01", "under_18_on_relevant_date": "no"},
         [("under_18_on_relevant_date", "not_a_boolean")]),
        ({"event": "initial", "relevant_date": "2025-01-01", "relevnt_date": "x"}, [("relevnt_date", "unknown_field")]),
    ],
)
def test_bad_input_is_named_with_a_stable_code_and_no_due_date(fields: dict, expected: list[tuple[str, str]]) -> None:
    result = _line(**fields)
    assert _codes(result) == expected
    assert result["due_date"] is None and result["basis"] is None


def test_a_misspelt_key_suggests_the_right_one() -> None:
    message = _line(event="initial", relevant_date="2025-01-01", relevnt_date="x")["errors"][0]["message"]
    assert "did you mean relevant_date?" in message


@pytest.mark.parametrize(
    ("text", "code"), [("", "empty_line"), ("   ", "empty_line"), ("{", "invalid_json"), ("[1]", "not_an_object"),
                       ('"initial"', "not_an_object")],
)
def test_lines_that_are_not_objects(text: str, code: str) -> None:
    assert _codes(due_line(text)) == [("(input)", code)]


def test_a_run_answers_every_line_in_order_and_a_bad_line_does_not_stop_it() -> None:
    status, results = _run(
        '{"event":"initial","relevant_date":"2025-03-01"}\n'
        "not json\n"
        '{"event":"unknown"}\n'
        "\n"
        '{"event":"travel","departure_date":"2025-03-08"}\r\n'
    )
    assert status == EXIT_LINES_REFUSED
    assert [r["due_date"] for r in results] == ["2025-03-03", None, None, None, "2025-03-01"]


def test_all_valid_lines_exit_0() -> None:
    status, results = _run('{"event":"change","change_date":"2025-01-01"}\n')
    assert status == EXIT_OK and results[0]["due_date"] == "2025-01-03"


def test_a_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    assert run(parser.parse_args([str(tmp_path / "absent.jsonl")]), stdout=io.StringIO()) == EXIT_USAGE


def test_the_installed_command_answers_line_by_line(tmp_path: Path) -> None:
    """Through the real entry point, with undecodable bytes in one line."""
    path = tmp_path / "in.jsonl"
    path.write_bytes(
        b'{"event":"review","first_notification_date":"2012-07-30","under_18_on_relevant_date":false}\n'
        b'{"event":"initi\xff","relevant_date":"2025-01-01"}\n'
    )
    done = subprocess.run(  # noqa: S603 - our own entry point, run by the interpreter running the tests
        [sys.executable, "-m", "safeguard.cli", "notification-due", str(path)], capture_output=True, check=False
    )
    assert done.returncode == EXIT_LINES_REFUSED
    first, second = (json.loads(line) for line in done.stdout.decode().splitlines())
    assert first["due_date"] == "2027-07-30"
    assert _codes(second) == [("event", "not_allowed")]


_DAYS = st.dates(min_value=date(1900, 1, 1), max_value=date(2999, 12, 31))


@settings(max_examples=100)
@given(day=_DAYS, under_18=st.booleans(), event=st.sampled_from(["initial", "change", "travel", "review"]))
def test_the_command_gives_exactly_what_the_app_computes(day: date, under_18: bool, event: str) -> None:
    """One code: the command's answer is the register module's, which the supervision app uses too."""
    key = {"initial": "relevant_date", "change": "change_date", "travel": "departure_date",
           "review": "first_notification_date"}[event]
    fields: dict[str, object] = {"event": event, key: day.isoformat()}
    if event == "review":
        fields["under_18_on_relevant_date"] = under_18
    expected = {
        "initial": lambda: initial_notification_due(day),
        "change": lambda: change_notification_due(day),
        "travel": lambda: travel_notification_due(day),
        "review": lambda: review_qualifying_date(day, under_18_on_relevant_date=under_18),
    }[event]()
    result = _line(**fields)
    assert result == {"due_date": expected.due_date.isoformat(), "basis": expected.basis, "errors": []}


@settings(max_examples=200)
@given(st.one_of(st.text(max_size=80), st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["event", "relevant_date", "change_date", "departure_date", "first_notification_date",
                         "under_18_on_relevant_date", "x"]), inner, max_size=5),
    max_leaves=12,
).map(json.dumps)))
def test_no_line_crashes_the_run(text: str) -> None:
    result = due_line(text)
    assert list(result) == ["due_date", "basis", "errors"]
    assert (result["due_date"] is None) == bool(result["errors"])
