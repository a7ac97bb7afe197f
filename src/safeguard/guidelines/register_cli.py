"""`safeguard notification-due`: register deadlines, JSON Lines in and out (a contract of issue 12).

Each input line is one object with `event` and the one date that event counts from:

| event     | date key                  | due_date                                                              |
|-----------|---------------------------|-----------------------------------------------------------------------|
| `initial` | `relevant_date`           | last day of the period of 3 days beginning with the date, s.83(1)      |
| `change`  | `change_date`             | last day of the period of 3 days beginning with the date, s.84(1)      |
| `travel`  | `departure_date`          | last day on which notice is still at least 7 days before departure     |
| `review`  | `first_notification_date` | the s.91B(2) qualifying date; also needs `under_18_on_relevant_date`  |

Each line gives exactly one output line, in order, flushed at once: `due_date` (YYYY-MM-DD, null whenever
there are errors), `basis` (the rule in words, with its section and how sure it is) and `errors` (a list
of `{field, code, message}`). A key that belongs to another event, or to none, is refused, so a misspelt
key is never silently ignored. Exit status 0 when every line was valid, 1 when some line had errors, 2
when the file cannot be read. A bad line never stops the run. The deadlines come from `register.py`,
the code the supervision app uses for its due items.
"""

from __future__ import annotations

import argparse
import difflib
import json
from collections.abc import Callable
from datetime import date
from typing import Any, TextIO

from safeguard.calendar.cli import EXIT_LINES_REFUSED, EXIT_OK, EXIT_USAGE, run_jsonl
from safeguard.guidelines._reader import Reader, listing, show
from safeguard.guidelines.errors import Problem
from safeguard.guidelines.register import (
    Deadline,
    change_notification_due,
    initial_notification_due,
    review_qualifying_date,
    travel_notification_due,
)

__all__ = ["EXIT_LINES_REFUSED", "EXIT_OK", "EXIT_USAGE", "add_arguments", "due_from_dict", "due_line", "run"]

DATE_KEYS = {
    "initial": "relevant_date",
    "change": "change_date",
    "travel": "departure_date",
    "review": "first_notification_date",
}
UNDER_18 = "under_18_on_relevant_date"
ALL_KEYS = ("event", *DATE_KEYS.values(), UNDER_18)


def _keys_for(event: str) -> set[str]:
    keys = {"event", DATE_KEYS[event]}
    if event == "review":
        keys.add(UNDER_18)
    return keys


def _deadline(event: str, day: date, under_18: bool | None) -> Deadline:
    compute: dict[str, Callable[[], Deadline]] = {
        "initial": lambda: initial_notification_due(day),
        "change": lambda: change_notification_due(day),
        "travel": lambda: travel_notification_due(day),
        "review": lambda: review_qualifying_date(day, under_18_on_relevant_date=bool(under_18)),
    }
    return compute[event]()


def due_from_dict(data: object) -> dict[str, Any]:
    """The output object for one decoded input line (never raises for bad input)."""
    reader = Reader()
    mapping = reader.obj(data, "")
    if mapping is None:
        return _refused(reader.problems)
    event = reader.text(mapping, "event", "", required=True, choices=list(DATE_KEYS), max_length=40)
    for key in mapping:
        if key not in ALL_KEYS:
            close = difflib.get_close_matches(key, ALL_KEYS, n=1)
            hint = f"; did you mean {close[0]}?" if close else ""
            reader.add(key[:60], "unknown_field", f"unknown field {show(key)}{hint} Fields: {listing(ALL_KEYS)}")
        elif event is not None and key not in _keys_for(event):
            wanted = " and ".join(sorted(_keys_for(event) - {"event"}))
            reader.add(key, "not_applicable", f"{key} does not belong to an event of kind {event}, which takes {wanted}")
    if event is None:
        return _refused(reader.problems)
    day = reader.iso_date(mapping, DATE_KEYS[event], "", required=True)
    under_18 = reader.boolean(mapping, UNDER_18, "", required=True) if event == "review" else None
    if reader.problems or day is None:
        return _refused(reader.problems)
    deadline = _deadline(event, day, under_18)
    return {"due_date": deadline.due_date.isoformat(), "basis": deadline.basis, "errors": []}


def _refused(problems: list[Problem]) -> dict[str, Any]:
    return {"due_date": None, "basis": None, "errors": [p.to_dict() for p in problems]}


def due_line(text: str) -> dict[str, Any]:
    """The output object for one raw input line."""
    if not text.strip():
        return _refused([Problem("(input)", "empty_line", "the line is blank; each line must be one JSON object")])
    try:
        data: object = json.loads(text)
    except (ValueError, RecursionError) as exc:
        return _refused([Problem("(input)", "invalid_json", f"the line is not valid JSON: {str(exc)[:120]}")])
    return due_from_dict(data)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Register deadlines (Sexual Offences Act 2003 Part 2): initial and change notifications (3 days), "
        "foreign travel notice (7 days before departure) and the review qualifying date of an indefinite "
        "requirement (s.91B(2)). Reads JSON Lines with `event` and its date; writes one JSON object per line, "
        "in order: due_date, basis, errors. Exit status: 0 every line valid, 1 some lines refused, 2 bad file."
    )
    parser.add_argument("file", metavar="FILE", nargs="?", default="-", help="input file (default: standard input)")


def run(args: argparse.Namespace, *, stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    return run_jsonl(args.file, due_line, command="notification-due", stdin=stdin, stdout=stdout)
