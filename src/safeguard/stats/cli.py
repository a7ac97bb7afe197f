"""`safeguard stats km` and `safeguard stats auc`: survival and discrimination from a CSV file (a contract).

    safeguard stats km  --input FILE.csv --time COLUMN --event COLUMN [--group COLUMN] --at 1,2,5
    safeguard stats auc --input FILE.csv --time COLUMN --event COLUMN --score COLUMN --horizon H

`km` prints one JSON object `{"groups": {NAME: {"n", "events", "survival_at": {"1": S}, "ci_at":
{"1": [low, high]}}}}` — one group named `all` without `--group`, groups in alphabetical order. Times
are in the file's unit, and `--at` in the same unit; each key of `survival_at` is the `--at` value
as written. S(t) is the Kaplan–Meier step value at t (at an event time it includes that time's
drop; between event times it keeps the earlier value), with lifelines' log(−log) Greenwood 95%
interval; beyond the group's longest follow-up it is `null` (and so is its interval).

`auc` prints `{"auc", "ci_low", "ci_high", "n", "events", "excluded"}`: positives had the event at
or before H, negatives were followed to at least H without an event by then, people censored
before H are excluded (`excluded` counts them); `n` = positives + negatives, `events` = positives.
The interval is DeLong's, cut to 0–1; `null` when there are fewer than two positives or negatives,
and `auc` is `null` when there is no positive or no negative at all.

The file is CSV with a header line (UTF-8, a byte-order mark is allowed). Every data row is
checked: time a number ≥ 0, event 0 or 1, score a number, group not empty. A bad file prints
`{"errors": [{"line", "column", "code", "message"}]}` (line 1 is the header) and exits 1; an
unreadable file or a bad option exits 2 the same way. No traceback is ever printed.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_BAD_FILE, EXIT_USAGE = 0, 1, 2
MAX_ERRORS = 100


@dataclass(frozen=True, slots=True)
class CellError:
    line: int | None
    column: str | None
    code: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"line": self.line, "column": self.column, "code": self.code, "message": self.message}


class BadInput(Exception):
    def __init__(self, errors: list[CellError], status: int = EXIT_BAD_FILE) -> None:
        super().__init__(errors[0].message if errors else "bad input")
        self.errors = errors
        self.status = status


@dataclass(frozen=True, slots=True)
class Columns:
    time: list[float]
    event: list[int]
    score: list[float]
    group: list[str]


def _number(text: str) -> float | None:
    try:
        value = float(text.strip())
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _rows(path: Path) -> Iterator[list[str]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        yield from csv.reader(handle)


def read_columns(path: Path, *, time: str, event: str, score: str | None = None, group: str | None = None) -> Columns:
    """The named columns of a CSV file, every row checked; BadInput lists every problem found."""
    try:
        rows = _rows(path)
        header = next(rows, None)
    except (OSError, UnicodeDecodeError) as exc:
        reason = "it is not UTF-8 text" if isinstance(exc, UnicodeDecodeError) else (exc.strerror or str(exc))
        raise BadInput([CellError(None, None, "unreadable", f"Cannot read {path}: {reason}.")], EXIT_USAGE) from None
    if not header:
        raise BadInput([CellError(1, None, "no_header", "The file is empty: the first line must name the columns.")])
    names = [name.strip() for name in header]
    wanted = {"time": time, "event": event, "score": score, "group": group}
    errors: list[CellError] = []
    index: dict[str, int] = {}
    for role, column in wanted.items():
        if column is None:
            continue
        if column not in names:
            known = ", ".join(names)
            errors.append(CellError(1, column, "missing_column", f"There is no column {column!r} (the {role} column); the file has: {known}."))
        else:
            index[role] = names.index(column)
    if errors:
        raise BadInput(errors)
    out = Columns([], [], [], [])
    count = 0
    try:
        for line, row in enumerate(rows, start=2):
            if not row or all(not cell.strip() for cell in row):
                continue  # a blank line, e.g. at the end of the file
            count += 1
            if len(row) < len(names):
                errors.append(CellError(line, None, "short_row", f"Line {line} has {len(row)} values; the header names {len(names)}."))
                continue
            cells = {role: row[i] for role, i in index.items()}
            t = _number(cells["time"])
            if t is None:
                errors.append(CellError(line, time, "not_a_number", f"Line {line}, {time}: {cells['time']!r} is not a number."))
            elif t < 0:
                errors.append(CellError(line, time, "negative", f"Line {line}, {time}: a time cannot be negative ({cells['time']})."))
            else:
                out.time.append(t)
            e = cells["event"].strip()
            if e not in ("0", "1"):
                errors.append(CellError(line, event, "not_0_or_1", f"Line {line}, {event}: the event must be 0 or 1, not {cells['event']!r}."))
            else:
                out.event.append(int(e))
            if score is not None:
                s = _number(cells["score"])
                if s is None:
                    errors.append(CellError(line, score, "not_a_number", f"Line {line}, {score}: {cells['score']!r} is not a number."))
                else:
                    out.score.append(s)
            if group is not None:
                g = cells["group"].strip()
                if not g:
                    errors.append(CellError(line, group, "empty", f"Line {line}, {group}: the group is empty."))
                else:
                    out.group.append(g)
            if len(errors) >= MAX_ERRORS:
                errors.append(CellError(None, None, "too_many_errors", f"Stopped after {MAX_ERRORS} errors."))
                break
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        errors.append(CellError(None, None, "unreadable", f"The file could not be read to the end: {exc}."))
    if errors:
        raise BadInput(errors)
    if count == 0:
        raise BadInput([CellError(2, None, "no_rows", "The file has a header but no data rows.")])
    return out


def _times(text: str, option: str) -> list[tuple[str, float]]:
    parts = [part.strip() for part in text.split(",")]
    out: list[tuple[str, float]] = []
    for part in parts:
        value = _number(part)
        if value is None or value < 0:
            raise BadInput(
                [CellError(None, option, "bad_option", f"{option} must be numbers ≥ 0 separated by commas, e.g. 1,2,5; got {text!r}.")],
                EXIT_USAGE,
            )
        out.append((part, value))
    return out


def run_km(args: argparse.Namespace) -> dict[str, Any]:
    import numpy as np

    from safeguard.stats.survival import kaplan_meier

    at = _times(args.at, "--at")
    data = read_columns(Path(args.input), time=args.time, event=args.event, group=args.group)
    t, e = np.asarray(data.time), np.asarray(data.event, dtype=np.bool_)
    labels = np.asarray(data.group if args.group else ["all"] * len(t))
    groups: dict[str, Any] = {}
    for name in sorted(set(labels.tolist())):
        mask = labels == name
        curve = kaplan_meier(t[mask], e[mask], label=name)
        survival_at: dict[str, float | None] = {}
        ci_at: dict[str, list[float | None] | None] = {}
        for key, value in at:
            s, ci = curve.survival_at(value), curve.ci_at(value)
            survival_at[key] = None if s is None else round(s, 6)
            ci_at[key] = None if ci is None else [None if v is None else round(v, 6) for v in ci.as_list()]
        groups[name] = {"n": curve.n, "events": curve.events, "survival_at": survival_at, "ci_at": ci_at}
    return {"groups": groups}


def run_auc(args: argparse.Namespace) -> dict[str, Any]:
    import numpy as np

    from safeguard.stats.discrimination import delong, split_at_horizon
    from safeguard.stats.results import Z_95

    horizon = _number(args.horizon)
    if horizon is None or horizon <= 0:
        raise BadInput(
            [CellError(None, "--horizon", "bad_option", f"--horizon must be a number above 0; got {args.horizon!r}.")],
            EXIT_USAGE,
        )
    data = read_columns(Path(args.input), time=args.time, event=args.event, score=args.score)
    t, e, s = np.asarray(data.time), np.asarray(data.event, dtype=np.bool_), np.asarray(data.score)
    split = split_at_horizon(t, e, horizon)
    pos, neg = int(split.positive.sum()), int(split.negative.sum())
    auc = low = high = None
    if pos and neg:
        value, se = delong(s[split.positive], s[split.negative])
        auc = round(value, 6)
        if se is not None:
            low, high = round(max(0.0, value - Z_95 * se), 6), round(min(1.0, value + Z_95 * se), 6)
    return {"auc": auc, "ci_low": low, "ci_high": high, "n": pos + neg, "events": pos, "excluded": split.excluded}


class _Parser(argparse.ArgumentParser):
    """Option errors as the contract's JSON, not argparse's usage text."""

    def error(self, message: str) -> Any:
        _print({"errors": [CellError(None, None, "bad_option", f"safeguard stats: {message}").to_dict()]})
        raise SystemExit(EXIT_USAGE)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="stats_command", required=True, parser_class=_Parser)
    km = sub.add_parser("km", help="Kaplan–Meier survival at given times, per group (JSON)")
    auc = sub.add_parser("auc", help="AUC with DeLong's 95%% interval at a horizon (JSON)")
    for p in (km, auc):
        p.add_argument("--input", required=True, metavar="FILE.csv")
        p.add_argument("--time", required=True, metavar="COLUMN")
        p.add_argument("--event", required=True, metavar="COLUMN", help="0 = censored, 1 = event")
    km.add_argument("--group", metavar="COLUMN")
    km.add_argument("--at", required=True, metavar="T1,T2,…", help="times in the file's unit, e.g. 1,2,5")
    auc.add_argument("--score", required=True, metavar="COLUMN")
    auc.add_argument("--horizon", required=True, metavar="H")


def _print(payload: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(payload, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def run(args: argparse.Namespace) -> int:
    try:
        payload = run_km(args) if args.stats_command == "km" else run_auc(args)
    except BadInput as exc:
        _print({"errors": [e.to_dict() for e in exc.errors]})
        return exc.status
    _print(payload)
    return EXIT_OK
