"""`safeguard score`: files and standard streams, formats, exit status and the closing summary."""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path

import pytest

from safeguard.instruments import cli

from .conftest import osp_row, static_row


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="safeguard score")
    cli.add_arguments(parser)
    return parser.parse_args(argv)


def test_file_to_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps(osp_row()) + "\n" + json.dumps(osp_row(sex="x")) + "\n", encoding="utf-8")
    target = tmp_path / "out.jsonl"
    status = cli.run(parse("osp-dc", str(source), "--output", str(target), "--as-of", "2026-11-01"))
    records = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert [r["band"] for r in records] == ["medium", None]
    assert status == cli.EXIT_REJECTED_ROWS
    err = capsys.readouterr().err
    assert "1 row(s) scored, 1 rejected" in err
    assert "sex:not_allowed" in err


def test_stdin_to_stdout(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(static_row()) + "\n"))
    assert cli.run(parse("static-99r")) == cli.EXIT_OK
    captured = capsys.readouterr()
    assert json.loads(captured.out)["band"] == "average"
    assert "1 row(s) scored" in captured.err


def test_csv_format_reads_and_writes_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "in.csv"
    row = static_row()
    source.write_text(
        ",".join(row) + "\n" + ",".join(str(v).lower() for v in row.values()) + "\n", encoding="utf-8"
    )
    assert cli.run(parse("static-99r", str(source), "--format", "csv")) == cli.EXIT_OK
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("line,instrument,")
    assert ",average," in out


def test_input_format_overrides(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps(static_row()) + "\n", encoding="utf-8")
    assert cli.run(parse("static-99r", str(source), "--format", "csv", "--input-format", "jsonl")) == 0
    assert capsys.readouterr().out.startswith("line,instrument,")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("static-2002",), "unknown instrument"),
        (("rm2000-v",), "not available"),
        (("osp-dc", "/nonexistent/file.jsonl"), "No such file"),
        (("osp-dc", "--as-of", "1/1/2026"), "--as-of"),
    ],
)
def test_usage_errors_exit_2(argv: tuple[str, ...], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.run(parse(*argv)) == cli.EXIT_USAGE
    assert message in capsys.readouterr().err


def test_undecodable_bytes_reject_the_row_not_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "in.jsonl"
    source.write_bytes(json.dumps(static_row()).encode() + b"\n" + b'{"sex": "\xff"}\n')
    assert cli.run(parse("static-99r", str(source))) == cli.EXIT_REJECTED_ROWS
    assert "1 row(s) scored, 1 rejected" in capsys.readouterr().err
