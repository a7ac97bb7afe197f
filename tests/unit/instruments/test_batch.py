"""Batch scoring: JSON Lines and CSV in and out, bad rows as error records, order and the summary."""

from __future__ import annotations

import csv
import io
import json
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safeguard.instruments import registry
from safeguard.instruments.batch import BatchInputError, _loads_line, csv_columns, run_batch

from .conftest import AS_OF, osp_row, static_row


def jsonl(*rows: Any) -> io.StringIO:
    return io.StringIO("".join((row if isinstance(row, str) else json.dumps(row)) + "\n" for row in rows))


def test_jsonl_results_in_input_order_with_line_numbers() -> None:
    rows = [static_row(prior_sentencing_dates=n) for n in range(6)]
    out = io.StringIO()
    summary = run_batch("static-99r", jsonl(*rows), out, today=AS_OF)
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r["line"] for r in records] == [1, 2, 3, 4, 5, 6]
    assert [r["items"][5]["answer"] for r in records] == [0, 1, 2, 3, 4, 5]
    assert [r["points"] for r in records] == [1, 1, 1, 1, 2, 2]
    for record, row in zip(records, rows, strict=True):
        expected = registry.score("static-99r", row, today=AS_OF).to_dict()
        assert record == {"line": record["line"], **expected}
    assert (summary.rows_scored, summary.rows_rejected, summary.rejections) == (6, 0, {})


def test_bad_lines_become_error_records_and_are_counted() -> None:
    source = jsonl(
        osp_row(),
        "{not json",
        "[1, 2]",
        "",
        osp_row(total_sanctions=None),
        osp_row(total_sanctions="x", sex="M"),
        osp_row(),
    )
    out = io.StringIO()
    summary = run_batch("osp-dc", source, out, today=AS_OF)
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r["line"] for r in records] == [1, 2, 3, 5, 6, 7]
    assert [r["band"] for r in records] == ["medium", None, None, None, None, "medium"]
    assert records[1]["errors"][0]["code"] == "invalid_json"
    assert "line 2" in records[1]["errors"][0]["message"]
    assert records[2]["errors"][0]["code"] == "not_an_object"
    assert summary.rows_scored == 2
    assert summary.rows_rejected == 4
    assert summary.rejections == {
        ("$", "invalid_json"): 1,
        ("$", "not_an_object"): 1,
        ("total_sanctions", "missing"): 1,
        ("total_sanctions", "wrong_type"): 1,
        ("sex", "not_allowed"): 1,
    }
    assert summary.to_dict()["rejection_reasons"][0]["count"] == 1
    assert "4 rejected" in summary.describe()


def test_csv_in_with_text_conversions() -> None:
    text = (
        "sex,has_ever_committed_sexual_offence,date_of_birth,contact_adult_sexual_sanctions,"
        "contact_child_sexual_sanctions,non_contact_sexual_offences,indecent_image_sanctions,total_sanctions,"
        "date_of_most_recent_sexual_offence,current_offence_against_stranger,supervision_status,"
        "date_at_start_of_followup,most_recent_offence_date,assessment_date\n"
        "male,yes,1980-01-01,1,2,3,4,11,1994-06-01,no,community,2027-01-01,,2026-11-01\n"
        "male,TRUE,1980-01-01,1,2,3,4,11.0,1994-06-01,,community,2027-01-01,,2026-11-01\n"
        "male,1,1980-01-01,1,2,3,4,eleven,1994-06-01,0,community,2027-01-01,,2026-11-01\n"
        "male,true,1980-01-01,1,2\n"
        "\n"
        "female,maybe,,,,,,,,,,,,\n"
    )
    out = io.StringIO()
    summary = run_batch("osp-dc", io.StringIO(text), out, in_format="csv", today=AS_OF)
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r["line"] for r in records] == [2, 3, 4, 5, 7]
    assert [r["points"] for r in records[:2]] == [28, 28]
    assert [(e["field"], e["code"]) for e in records[2]["errors"]] == [("total_sanctions", "wrong_type")]
    assert records[3]["errors"][0]["code"] == "wrong_column_count"
    assert [(e["field"], e["code"]) for e in records[4]["errors"]] == [
        ("has_ever_committed_sexual_offence", "wrong_type")
    ]
    assert (summary.rows_scored, summary.rows_rejected) == (2, 3)


def test_csv_out_flattens_results() -> None:
    out = io.StringIO()
    run_batch("static-99r", jsonl(static_row(), "oops"), out, out_format="csv", today=AS_OF)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert list(rows[0]) == csv_columns(registry.get("static-99r"))
    assert rows[0]["band"] == "average"
    assert rows[0]["level"] == "III"
    assert rows[0]["verified"] == "true"
    assert rows[0]["probability"] == ""
    assert rows[0]["percentile_rank"] == "31.7"
    assert json.loads(rows[0]["errors"]) == []
    assert len(json.loads(rows[0]["items"])) == 10
    assert rows[1]["line"] == "2"
    assert rows[1]["band"] == ""
    assert json.loads(rows[1]["errors"])[0]["code"] == "invalid_json"


def test_csv_to_csv_round_trip() -> None:
    source = io.StringIO()
    writer = csv.DictWriter(source, fieldnames=list(static_row()))
    writer.writeheader()
    writer.writerow({k: str(v).lower() for k, v in static_row().items()})
    out = io.StringIO()
    summary = run_batch("static-99r", io.StringIO(source.getvalue()), out, in_format="csv", out_format="csv")
    assert summary.rows_scored == 1
    assert next(iter(csv.DictReader(io.StringIO(out.getvalue()))))["points"] == "1"


def test_duplicate_csv_header_is_a_file_error() -> None:
    with pytest.raises(BatchInputError, match="sex"):
        run_batch("osp-dc", io.StringIO("sex,sex\nmale,male\n"), io.StringIO(), in_format="csv")


def test_empty_input() -> None:
    assert run_batch("osp-dc", io.StringIO(""), io.StringIO(), in_format="csv").rows_total == 0
    assert run_batch("osp-dc", io.StringIO(""), io.StringIO()).rows_total == 0


def test_composite_in_batch() -> None:
    row = {**osp_row(), "serious_non_sexual_violence_percent": 1.0}
    out = io.StringIO()
    run_batch("rsr", jsonl(row), out, today=AS_OF)
    record = json.loads(out.getvalue())
    assert record["instrument"] == "rsr"
    assert record["errors"] == []


def test_progress_reports_running_counts() -> None:
    seen: list[int] = []
    rows = [static_row()] * 2500
    for in_format, out_format in (("jsonl", "jsonl"), ("jsonl", "csv")):
        seen.clear()
        run_batch(
            "static-99r",
            jsonl(*rows),
            io.StringIO(),
            in_format=in_format,
            out_format=out_format,
            progress=seen.append,
        )
        assert seen == [1000, 2000, 2500]


def test_streams_without_holding_rows() -> None:
    """The reader is consumed line by line: results appear before the input is exhausted."""
    out = io.StringIO()

    def lines():  # type: ignore[no-untyped-def]
        for n in range(3000):
            if n == 2500:
                # By now at least the first thousand results must have been written out.
                assert out.getvalue().count("\n") >= 1000
            yield json.dumps(static_row()) + "\n"

    summary = run_batch("static-99r", lines(), out)  # type: ignore[arg-type]
    assert summary.rows_scored == 3000


def test_bad_formats_are_refused() -> None:
    with pytest.raises(ValueError, match="formats"):
        run_batch("osp-dc", io.StringIO(""), io.StringIO(), in_format="xml")  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(
    text=st.one_of(
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
            lambda inner: (
                st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
            ),
            max_leaves=6,
        ).map(json.dumps),
        st.text(max_size=20),
    ),
    before=st.sampled_from(["", " ", "\t"]),
    after=st.sampled_from(["", "\n", " \n", "x", "\r\n", "}"]),
)
def test_fast_line_parser_matches_json_loads(text: str, before: str, after: str) -> None:
    """Exactly `json.loads`, except what the batch limits refuse: NaN and Infinity (not JSON),
    integers of more than 20 digits, and text holding a NUL (as keys or values)."""
    line = before + text + after
    try:
        expected: Any = ("ok", json.loads(line))
    except (ValueError, RecursionError) as exc:
        expected = ("error", str(exc))
    try:
        got: Any = ("ok", _loads_line(line))
    except json.JSONDecodeError as exc:
        got = ("error", str(exc))
    except (ValueError, RecursionError):
        got = ("refused",)  # a limit: the batch reports it with its field (test_limits_per_line)
    if expected[0] == "ok" and not _within_batch_limits(expected[1]):
        assert got == ("refused",)
    elif got == ("refused",):
        # Only a line json.loads refuses too may be refused for a limit before its syntax error.
        assert expected[0] == "error"
    else:
        assert got == expected


def _within_batch_limits(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" not in value
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, int):
        return abs(value) < 10**20
    if isinstance(value, list):
        return all(_within_batch_limits(v) for v in value)
    if isinstance(value, dict):
        return all(_within_batch_limits(k) and _within_batch_limits(v) for k, v in value.items())
    return True
