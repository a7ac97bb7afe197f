"""`safeguard schedule`: session dates for weekly schedules, JSON Lines in and out (a contract).

Each input line is one object: `start_date` (YYYY-MM-DD), `weekdays` (a list of `mon` … `sun`),
`sessions` (a whole number from 1 to 200), optional `region` (`england-and-wales`, the default,
`scotland` or `northern-ireland`) and optional `closures` (a list of YYYY-MM-DD dates). A key that is
not one of these is refused, so a misspelt optional key ("closure") cannot be silently ignored; an
optional key given as null counts as left out. Each line gives exactly one output line, in order:
`dates`, `skipped` (`{date, reason}` for every slot between the start and the last session that was
not used, the reason being the bank holiday's name or `closure`) and `errors` (`{field, code,
message}`; empty when the line is valid, and then `dates` and `skipped` are empty). A blank line
is an error line too, so output line N always answers input line N. Each output line is flushed as
soon as it is written, so a service may send one line and wait for its answer.
"""

from __future__ import annotations

import argparse
import difflib
import io
import json
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from safeguard.calendar.bank_holidays import FIRST_YEAR, LAST_YEAR, REGIONS, OutsideKnownYears, Region
from safeguard.calendar.schedules import WEEKDAYS, Schedule, weekly_sessions

EXIT_OK = 0
EXIT_LINES_REFUSED = 1
EXIT_USAGE = 2

MAX_SESSIONS = 200
MAX_CLOSURES = 1000
FIELDS = ("start_date", "weekdays", "sessions", "region", "closures")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


@dataclass(frozen=True, slots=True)
class LineError:
    field: str
    code: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"field": self.field, "code": self.code, "message": self.message}


@dataclass(frozen=True, slots=True)
class ScheduleRequest:
    start: date
    weekdays: tuple[int, ...]
    sessions: int
    region: Region
    closures: frozenset[date]


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return "text"
    return "a list" if isinstance(value, list) else "an object"


def _iso_date(value: object, field: str, errors: list[LineError]) -> date | None:
    if not isinstance(value, str):
        errors.append(LineError(field, "wrong_type", f"{field} must be a date written YYYY-MM-DD, not {_kind(value)}."))
        return None
    try:
        if not _ISO_DATE.fullmatch(value):
            raise ValueError
        day = date.fromisoformat(value)
    except ValueError:
        errors.append(
            LineError(field, "invalid_date", f"{field} must be a real date written YYYY-MM-DD; {value[:40]!r} is not.")
        )
        return None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        errors.append(
            LineError(
                field, "out_of_range",
                f"{field} must fall in {FIRST_YEAR}–{LAST_YEAR}, the years whose bank holidays are known.",
            )
        )
        return None
    return day


def _weekdays(value: object, errors: list[LineError]) -> tuple[int, ...]:
    allowed = ", ".join(WEEKDAYS)
    if not isinstance(value, list):
        errors.append(LineError("weekdays", "wrong_type", f"weekdays must be a list of {allowed}, not {_kind(value)}."))
        return ()
    if not value:
        errors.append(LineError("weekdays", "empty", f"weekdays must name at least one of {allowed}."))
        return ()
    found: list[int] = []
    for index, item in enumerate(value):
        field = f"weekdays[{index}]"
        if not isinstance(item, str):
            errors.append(LineError(field, "wrong_type", f"{field} must be one of {allowed}, not {_kind(item)}."))
        elif item not in WEEKDAYS:
            close = difflib.get_close_matches(item.lower(), WEEKDAYS, n=1)
            hint = f" Did you mean {close[0]}?" if close else ""
            errors.append(LineError(field, "not_allowed", f"{field} is {item[:20]!r}; use one of {allowed}.{hint}"))
        elif WEEKDAYS.index(item) in found:
            errors.append(LineError(field, "duplicate", f"{field} repeats {item}; name each weekday once."))
        else:
            found.append(WEEKDAYS.index(item))
    return tuple(found)


def _sessions(value: object, errors: list[LineError]) -> int:
    wanted = f"a whole number from 1 to {MAX_SESSIONS}"
    if isinstance(value, bool) or not isinstance(value, int):
        errors.append(LineError("sessions", "wrong_type", f"sessions must be {wanted}, not {_kind(value)}."))
        return 0
    if not 1 <= value <= MAX_SESSIONS:
        errors.append(LineError("sessions", "out_of_range", f"sessions must be {wanted}; {value} is not."))
        return 0
    return value


def _region(value: object, errors: list[LineError]) -> Region:
    if value is None:
        return Region.ENGLAND_AND_WALES
    if not isinstance(value, str) or value not in REGIONS:
        shown = repr(value[:40]) if isinstance(value, str) else _kind(value)
        errors.append(LineError("region", "not_allowed", f"region must be one of {', '.join(REGIONS)}, not {shown}."))
        return Region.ENGLAND_AND_WALES
    return Region(value)


def _closures(value: object, errors: list[LineError]) -> frozenset[date]:
    if value is None:
        return frozenset()
    if not isinstance(value, list):
        errors.append(LineError("closures", "wrong_type", f"closures must be a list of dates YYYY-MM-DD, not {_kind(value)}."))
        return frozenset()
    if len(value) > MAX_CLOSURES:
        errors.append(LineError("closures", "too_many", f"closures may list at most {MAX_CLOSURES} dates."))
        return frozenset()
    days = (_iso_date(item, f"closures[{index}]", errors) for index, item in enumerate(value))
    return frozenset(day for day in days if day is not None)


def parse_request(data: object) -> ScheduleRequest | list[LineError]:
    """A request from one decoded line, or every error found in it (all fields are checked)."""
    if not isinstance(data, dict):
        return [LineError("$", "not_an_object", f"each line must be a JSON object, not {_kind(data)}.")]
    errors: list[LineError] = []
    for key in sorted(str(k) for k in data.keys() - set(FIELDS)):
        close = difflib.get_close_matches(key, FIELDS, n=1)
        hint = f" Did you mean {close[0]}?" if close else ""
        errors.append(
            LineError(key[:60], "unknown_field", f"{key[:60]} is not a schedule field.{hint} Fields: {', '.join(FIELDS)}.")
        )
    for key in ("start_date", "weekdays", "sessions"):
        if key not in data:
            errors.append(LineError(key, "missing", f"{key} is required."))
    start = _iso_date(data["start_date"], "start_date", errors) if "start_date" in data else None
    weekdays = _weekdays(data["weekdays"], errors) if "weekdays" in data else ()
    sessions = _sessions(data["sessions"], errors) if "sessions" in data else 0
    region = _region(data.get("region"), errors)
    closures = _closures(data.get("closures"), errors)
    if errors or start is None:
        return errors
    return ScheduleRequest(start, weekdays, sessions, region, closures)


def _result(schedule: Schedule | None = None, errors: Iterable[LineError] = ()) -> dict[str, Any]:
    if schedule is None:
        return {"dates": [], "skipped": [], "errors": [e.to_dict() for e in errors]}
    return {
        "dates": [d.isoformat() for d in schedule.dates],
        "skipped": [{"date": s.day.isoformat(), "reason": s.reason} for s in schedule.skipped],
        "errors": [],
    }


def schedule_line(text: str) -> dict[str, Any]:
    """The output object for one input line (never raises for bad input)."""
    if not text.strip():
        return _result(errors=[LineError("$", "empty_line", "the line is blank; each line must be one JSON object.")])
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        return _result(errors=[LineError("$", "invalid_json", f"the line is not valid JSON: {str(exc)[:120]}")])
    request = parse_request(data)
    if isinstance(request, list):
        return _result(errors=request)
    try:
        schedule = weekly_sessions(
            start=request.start, weekdays=request.weekdays, sessions=request.sessions,
            region=request.region, closures=request.closures,
        )
    except OutsideKnownYears:
        return _result(
            errors=[
                LineError(
                    "sessions", "beyond_known_years",
                    f"the sessions would run past 31 December {LAST_YEAR}, the last day whose bank holidays are known.",
                )
            ]
        )
    return _result(schedule)


def _lines(stream: TextIO) -> Iterator[str]:
    for line in stream:
        yield line.rstrip("\r\n")


def answer_lines(infile: TextIO, outfile: TextIO, answer: Callable[[str], dict[str, Any]]) -> tuple[int, int]:
    """Any JSON Lines command: one `answer(line)` per input line, written and flushed in order; an
    answer with a non-empty `errors` counts as refused. Returns (lines answered, lines with errors)."""
    answered = refused = 0
    for line in _lines(infile):
        result = answer(line)
        outfile.write(_encode(result) + "\n")
        outfile.flush()
        answered += 1
        refused += bool(result["errors"])
    return answered, refused


def run_jsonl(
    file: str, answer: Callable[[str], dict[str, Any]], *, command: str,
    stdin: TextIO | None = None, stdout: TextIO | None = None,
) -> int:  # fmt: skip
    """Read `file` ('-' for standard input), answer every line; exit 0, 1 (some line refused) or 2 (unreadable)."""
    out = stdout or sys.stdout
    try:
        if file == "-":
            source = stdin or io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")
            _, refused = answer_lines(source, out, answer)
        else:
            with Path(file).open(encoding="utf-8", errors="replace") as handle:
                _, refused = answer_lines(handle, out, answer)
    except OSError as exc:
        print(f"safeguard {command}: cannot read {file}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_LINES_REFUSED if refused else EXIT_OK


def run_stream(infile: TextIO, outfile: TextIO) -> tuple[int, int]:
    """Answer every line of `infile` on `outfile`; returns (lines answered, lines with errors)."""
    return answer_lines(infile, outfile, schedule_line)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Session dates for weekly schedules that skip the region's bank holidays (with substitute and "
        "one-off days) and closures. Reads JSON Lines, writes one JSON object per line, in order. "
        "Exit status: 0 every line valid, 1 some lines refused (their output carries errors), 2 bad usage or file."
    )
    parser.add_argument("file", metavar="FILE", nargs="?", default="-", help="input file (default: standard input)")


def run(args: argparse.Namespace, *, stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    return run_jsonl(args.file, schedule_line, command="schedule", stdin=stdin, stdout=stdout)
