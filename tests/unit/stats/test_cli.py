"""The `safeguard stats` command-line contract: output shapes, hand-worked values, bad files."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from safeguard.cli import main

CSV = "t,e,g,s\n1,1,a,0.9\n2,1,a,0.8\n2,0,b,0.1\n3,1,b,0.5\n4,0,a,0.4\n5,1,b,0.2\n"


def run(capsys, tmp_path, argv, content=CSV):
    path = tmp_path / "cohort.csv"
    path.write_text(content, encoding="utf-8")
    argv = [a.replace("FILE", str(path)) for a in argv]
    status = main(["stats", *argv])
    out = capsys.readouterr()
    assert out.err == ""
    return status, json.loads(out.out)


def test_km_without_groups(capsys, tmp_path):
    status, out = run(capsys, tmp_path, ["km", "--input", "FILE", "--time", "t", "--event", "e", "--at", "1,2.5,3,6"])
    assert status == 0
    group = out["groups"]["all"]
    assert (group["n"], group["events"]) == (6, 4)
    assert group["survival_at"] == {"1": pytest.approx(5 / 6, abs=1e-6), "2.5": pytest.approx(2 / 3, abs=1e-6),
                                    "3": pytest.approx(4 / 9, abs=1e-6), "6": None}
    assert group["ci_at"]["3"] == pytest.approx([0.066187, 0.784908], abs=1e-6)
    assert group["ci_at"]["6"] is None
    assert list(out) == ["groups"]


def test_km_with_groups(capsys, tmp_path):
    status, out = run(capsys, tmp_path, ["km", "--input", "FILE", "--time", "t", "--event", "e", "--group", "g", "--at", "1,2"])
    assert status == 0
    assert list(out["groups"]) == ["a", "b"]
    a = out["groups"]["a"]
    # Group a: events at 1 and 2, censored at 4: S(1) = 2/3, S(2) = 1/3.
    assert a["survival_at"] == {"1": pytest.approx(2 / 3, abs=1e-6), "2": pytest.approx(1 / 3, abs=1e-6)}
    assert set(a) == {"n", "events", "survival_at", "ci_at"}


def test_auc(capsys, tmp_path):
    status, out = run(capsys, tmp_path, ["auc", "--input", "FILE", "--time", "t", "--event", "e", "--score", "s", "--horizon", "3"])
    assert status == 0
    # Positives (event by 3): 0.9, 0.8, 0.5; negatives (followed to 3+): 0.4, 0.2; excluded: censored at 2.
    assert out == {"auc": 1.0, "ci_low": 1.0, "ci_high": 1.0, "n": 5, "events": 3, "excluded": 1}


def test_auc_with_only_one_positive_has_no_interval(capsys, tmp_path):
    content = "t,e,s\n1,1,0.5\n4,0,0.7\n5,0,0.1\n"
    status, out = run(capsys, tmp_path, ["auc", "--input", "FILE", "--time", "t", "--event", "e", "--score", "s", "--horizon", "3"], content)
    assert status == 0
    assert out == {"auc": 0.5, "ci_low": None, "ci_high": None, "n": 3, "events": 1, "excluded": 0}


@pytest.mark.parametrize(
    ("content", "line", "column", "code"),
    [
        ("time,e\n1,1\n", 1, "t", "missing_column"),
        ("t,e\n1,1\nabc,0\n", 3, "t", "not_a_number"),
        ("t,e\n1,1\n2,yes\n", 3, "e", "not_0_or_1"),
        ("t,e\n1,2\n", 2, "e", "not_0_or_1"),
        ("t,e\n-1,0\n", 2, "t", "negative"),
        ("t,e\n1,1\ninf,0\n", 3, "t", "not_a_number"),
        ("t,e\n1\n", 2, None, "short_row"),
        ("t,e\n", 2, None, "no_rows"),
        ("", 1, None, "no_header"),
    ],
)
def test_bad_files_name_the_line_and_column(capsys, tmp_path, content, line, column, code):
    status, out = run(capsys, tmp_path, ["km", "--input", "FILE", "--time", "t", "--event", "e", "--at", "1"], content)
    assert status == 1
    first = out["errors"][0]
    assert (first["line"], first["column"], first["code"]) == (line, column, code)
    assert first["message"]


def test_every_bad_row_is_reported(capsys, tmp_path):
    content = "t,e,s\n1,1,x\n-2,1,0.3\n3,7,0.1\n"
    status, out = run(capsys, tmp_path, ["auc", "--input", "FILE", "--time", "t", "--event", "e", "--score", "s", "--horizon", "2"], content)
    assert status == 1
    assert [(e["line"], e["column"]) for e in out["errors"]] == [(2, "s"), (3, "t"), (4, "e")]


def test_bad_options_and_missing_files_are_json_too(capsys, tmp_path):
    status, out = run(capsys, tmp_path, ["km", "--input", "FILE", "--time", "t", "--event", "e", "--at", "1,soon"])
    assert status == 2 and out["errors"][0]["column"] == "--at"
    status, out = run(capsys, tmp_path, ["auc", "--input", "FILE", "--time", "t", "--event", "e", "--score", "s", "--horizon", "0"])
    assert status == 2 and out["errors"][0]["column"] == "--horizon"
    status, out = run(capsys, tmp_path, ["km", "--input", str(tmp_path / "none.csv"), "--time", "t", "--event", "e", "--at", "1"])
    assert status == 2 and out["errors"][0]["code"] == "unreadable"
    with pytest.raises(SystemExit) as stopped:
        main(["stats", "km", "--input", "x.csv"])
    assert stopped.value.code == 2
    assert json.loads(capsys.readouterr().out)["errors"][0]["code"] == "bad_option"


def test_a_byte_order_mark_and_blank_lines_are_fine(capsys, tmp_path):
    status, out = run(capsys, tmp_path, ["km", "--input", "FILE", "--time", "t", "--event", "e", "--at", "1"], "\ufefft,e\n1,1\n2,0\n\n")
    assert status == 0 and out["groups"]["all"]["n"] == 2


def test_the_installed_command_prints_no_traceback(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(b"t,e\n\xff\xfe,1\n")
    done = subprocess.run(  # noqa: S603 - our own command, from this interpreter
        [sys.executable, "-m", "safeguard.cli", "stats", "km", "--input", str(path), "--time", "t", "--event", "e", "--at", "1"],
        capture_output=True, text=True, check=False,
    )
    assert done.returncode in (1, 2)
    assert "Traceback" not in done.stderr
    assert json.loads(done.stdout)["errors"][0]["code"] == "unreadable"
