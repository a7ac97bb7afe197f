"""The `safeguard sentence` and `safeguard notification` command-line front ends."""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path

from safeguard.guidelines.cli import (
    add_notification_arguments,
    add_sentence_arguments,
    run_notification,
    run_sentence,
)

from .helpers import custody, images_request


def _sentence_args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="safeguard sentence")
    add_sentence_arguments(parser)
    return parser.parse_args(list(argv))


def _notification_args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="safeguard notification")
    add_notification_arguments(parser)
    return parser.parse_args(list(argv))


def test_sentence_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "request.json"
    path.write_text(json.dumps(images_request(sentence_before_plea=custody("12m"))), encoding="utf-8")
    out = io.StringIO()
    assert run_sentence(_sentence_args(str(path)), stdout=out) == 0
    result = json.loads(out.getvalue())
    assert result["sentence"]["text"] == "12 months' custody"
    assert result["status"] == "unverified transcription"
    assert result["warnings"]


def test_sentence_from_stdin_one_line() -> None:
    out = io.StringIO()
    code = run_sentence(
        _sentence_args("--indent", "0"), stdin=io.StringIO(json.dumps(images_request())), stdout=out
    )
    assert code == 0
    assert out.getvalue().count("\n") == 1


def test_sentence_refusal_exits_2_with_errors_json() -> None:
    out = io.StringIO()
    bad = images_request(
        sentence_before_plea=custody("4y"), suspension={"suspend": True, "operational_period": "1y"}
    )
    assert run_sentence(_sentence_args("-"), stdin=io.StringIO(json.dumps(bad)), stdout=out) == 2
    errors = json.loads(out.getvalue())["errors"]
    assert {"field", "code", "message"} == set(errors[0])
    assert "term_too_long_to_suspend" in [e["code"] for e in errors]


def test_sentence_invalid_json_and_missing_file(tmp_path: Path) -> None:
    out = io.StringIO()
    assert run_sentence(_sentence_args("-"), stdin=io.StringIO("{not json"), stdout=out) == 2
    assert json.loads(out.getvalue())["errors"][0]["code"] == "invalid_json"
    out = io.StringIO()
    assert run_sentence(_sentence_args(str(tmp_path / "missing.json")), stdout=out) == 2
    assert json.loads(out.getvalue())["errors"][0]["code"] == "unreadable_input"


def test_sentence_schema_and_guideline_list() -> None:
    out = io.StringIO()
    assert run_sentence(_sentence_args("--schema"), stdout=out) == 0
    schema = json.loads(out.getvalue())
    assert [option["title"] for option in schema["oneOf"]] == [
        "Sentencing calculation request",
        "Sentencing case of one or more offences",
    ]
    out = io.StringIO()
    assert run_sentence(_sentence_args("--list-guidelines"), stdout=out) == 0
    assert len(json.loads(out.getvalue())) == 4


def test_notification_with_flags() -> None:
    out = io.StringIO()
    args = _notification_args(
        "--disposal", "custody", "--length", "18m", "--age-at-conviction", "17", "--date", "2025-03-01"
    )
    assert run_notification(args, stdout=out) == 0
    result = json.loads(out.getvalue())
    assert result["period_months"] == 60
    assert result["end_date"] == "2030-02-28"
    assert result["errors"] == []
    assert result["warnings"]  # the under-18 halving is a candidate rule


def test_notification_flags_with_bad_input_exit_2() -> None:
    out = io.StringIO()
    args = _notification_args("--disposal", "imprisonment", "--age", "30", "--date", "2025-03-01")
    assert run_notification(args, stdout=out) == 2
    assert json.loads(out.getvalue())["errors"][0]["field"] == "custody_months"


def test_notification_flags_check_the_image_threshold() -> None:
    """Schedule 3 paras 13/15: 12 months' imprisonment is not enough unless a child under 16 was shown."""
    base = ("--disposal", "custody", "--length", "12m", "--age", "30", "--date", "2025-03-01",
            "--offence", "pca1978-s1", "--age-at-offence", "30")  # fmt: skip
    out = io.StringIO()
    assert run_notification(_notification_args(*base, "--youngest-age-shown", "16"), stdout=out) == 0
    result = json.loads(out.getvalue())
    assert (result["schedule_3"]["applies"], result["period_months"]) == ("no", None)
    out = io.StringIO()
    assert run_notification(_notification_args(*base), stdout=out) == 0
    assert json.loads(out.getvalue())["schedule_3"]["needs"] == ["youngest_age_shown"]


def test_notification_refuses_a_caution_for_a_child_under_10() -> None:
    out = io.StringIO()
    args = _notification_args("--disposal", "caution", "--age", "9", "--date", "2025-03-01")
    assert run_notification(args, stdout=out) == 2
    error = json.loads(out.getvalue())["errors"][0]
    assert error["code"] == "below_age_of_criminal_responsibility"
    assert "was 9" in error["message"]


def test_notification_json_lines_in_order_and_bad_lines_do_not_stop_the_run() -> None:
    lines = [
        json.dumps({"disposal": "caution", "age_at_relevant_date": 30, "relevant_date": "2025-03-01"}),
        "{broken",
        "",
        json.dumps([1, 2]),
        json.dumps({"disposal": "life", "age_at_relevant_date": 30, "relevant_date": "2025-03-01"}),
        json.dumps(
            {
                "disposal": "imprisonment",
                "custody_months": 6,
                "age_at_relevant_date": 30,
                "relevant_date": "2025-03-01",
            }
        ),
    ]
    out = io.StringIO()
    code = run_notification(_notification_args(), stdin=io.StringIO("\n".join(lines) + "\n"), stdout=out)
    results = [json.loads(line) for line in out.getvalue().splitlines()]
    assert code == 2
    assert len(results) == len(lines)
    assert results[0]["period_months"] == 24
    assert results[1]["errors"][0]["code"] == "invalid_json"
    assert results[2]["errors"][0]["code"] == "empty_line"
    assert results[3]["errors"][0]["code"] == "not_an_object"
    assert results[4]["indefinite"] is True and results[4]["review_date"] == "2040-03-01"
    assert results[5]["period_months"] == 84
    for result in results:
        assert {
            "indefinite",
            "period_months",
            "end_date",
            "review_date",
            "basis",
            "warnings",
            "errors",
        } <= set(result)


def test_notification_json_lines_all_good_exit_0(tmp_path: Path) -> None:
    path = tmp_path / "cases.jsonl"
    path.write_text(
        json.dumps({"disposal": "fine", "age_at_relevant_date": 30, "relevant_date": "2025-03-01"}) + "\n",
        encoding="utf-8",
    )
    out = io.StringIO()
    assert run_notification(_notification_args("--input", str(path)), stdout=out) == 0
    assert json.loads(out.getvalue())["period_months"] == 60


def test_notification_flags_and_input_together_are_refused() -> None:
    out = io.StringIO()
    args = _notification_args("--disposal", "fine", "--input", "x.jsonl")
    assert run_notification(args, stdout=out) == 2


def test_notification_schema() -> None:
    out = io.StringIO()
    assert run_notification(_notification_args("--schema"), stdout=out) == 0
    assert "disposal" in json.loads(out.getvalue())["properties"]


def test_sentence_of_a_case_of_two_offences(tmp_path: Path) -> None:
    case = {
        "offences": [
            {"request": images_request(sentence_before_plea=custody("12m"))},
            {
                "relation": "consecutive",
                "label": "Count 2",
                "request": images_request(sentence_before_plea=custody("6m")),
            },
        ]
    }
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case), encoding="utf-8")
    out = io.StringIO()
    assert run_sentence(_sentence_args(str(path)), stdout=out) == 0
    result = json.loads(out.getvalue())
    assert result["total"]["text"] == "18 months' custody"
    assert [o["label"] for o in result["offences"]] == ["Offence 1", "Count 2"]
    assert result["status"] == "unverified transcription"


def test_sentence_of_a_refused_case_names_the_offence(tmp_path: Path) -> None:
    case = {"offences": [{"request": images_request()}, {"relation": "lead", "request": images_request()}]}
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case), encoding="utf-8")
    out = io.StringIO()
    assert run_sentence(_sentence_args(str(path)), stdout=out) == 2
    errors = json.loads(out.getvalue())["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [("offences[1].relation", "one_lead")]
