"""Command-line front ends for `safeguard sentence` and `safeguard notification` (JSON in, JSON out).

The lead's `safeguard` command registers these with `add_*_arguments(subparser)` and dispatches to
`run_*(args)`. Exit codes: 0 success; 2 refused input (the errors are written as JSON on stdout).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TextIO

from safeguard.guidelines.case import calculate_any_from_dict
from safeguard.guidelines.engine import list_guidelines
from safeguard.guidelines.errors import Problem, Problems
from safeguard.guidelines.notification import DISPOSAL_CHOICES, error_output, notification_from_dict
from safeguard.guidelines.schema import calculation_json_schema, notification_request_json_schema
from safeguard.untrusted import API_BODY, BATCH_LINE, InputRefused, Limits, bounded_lines, parse_json

EXIT_OK = 0
EXIT_REFUSED = 2


def _dump(value: object, stream: TextIO, indent: int | None) -> None:
    stream.write(json.dumps(value, indent=indent, ensure_ascii=False, allow_nan=False) + "\n")


def _parse_json(text: str, limits: Limits = API_BODY, where: str = "(input)") -> object | Problems:
    """The request as JSON, within the same limits as the API's request bodies (one line of a JSON
    Lines file: the batch limits), or the problem naming the field and the limit."""
    try:
        return parse_json(text, limits, root=where)
    except InputRefused as refused:
        return Problems((Problem(refused.field, refused.code, refused.sentence()),))


# --- safeguard sentence ------------------------------------------------------------------------


def add_sentence_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Sentencing-guideline calculation. Reads one JSON object (see --schema) and writes the JSON "
        'result: one offence\'s request, or a case {"offences": [...]} of one or more offences '
        "with their total. Figures from unverified data carry warnings."
    )
    parser.add_argument(
        "input", nargs="?", default="-", help="JSON file with the request; '-' or omitted: standard input"
    )
    parser.add_argument("--indent", type=int, default=2, help="JSON indentation (default 2; 0 for one line)")
    parser.add_argument("--schema", action="store_true", help="print the request's JSON Schema and exit")
    parser.add_argument(
        "--list-guidelines", action="store_true", help="print the guideline versions and exit"
    )


def run_sentence(
    args: argparse.Namespace, *, stdin: TextIO | None = None, stdout: TextIO | None = None
) -> int:
    out = stdout or sys.stdout
    indent = args.indent or None
    if args.schema:
        _dump(calculation_json_schema(), out, indent)
        return EXIT_OK
    if args.list_guidelines:
        _dump(list_guidelines(), out, indent)
        return EXIT_OK
    text = _read(args.input, stdin)
    if isinstance(text, Problems):
        _dump(text.to_dict(), out, indent)
        return EXIT_REFUSED
    data = _parse_json(text)
    if isinstance(data, Problems):
        _dump(data.to_dict(), out, indent)
        return EXIT_REFUSED
    result = calculate_any_from_dict(data)
    if isinstance(result, Problems):
        _dump(result.to_dict(), out, indent)
        return EXIT_REFUSED
    _dump(result.to_dict(), out, indent)
    return EXIT_OK


def _read(name: str, stdin: TextIO | None) -> str | Problems:
    # One byte more than the limit is read, so an oversized input is refused without reading it all.
    if name == "-":
        return (stdin or sys.stdin).read(API_BODY.max_bytes + 1)
    try:
        with Path(name).open(encoding="utf-8") as handle:
            return handle.read(API_BODY.max_bytes + 1)
    except (OSError, UnicodeDecodeError) as error:
        return Problems((Problem("(input)", "unreadable_input", f"cannot read {name}: {error}"),))


# --- safeguard notification --------------------------------------------------------------------


def add_notification_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Notification period under the Sexual Offences Act 2003 s.82. Either give one case with "
        "flags (--disposal ...), or pipe JSON Lines in: one request object per line, one result "
        "object per line out, in order."
    )
    parser.add_argument(
        "--input", default=None, help="JSON Lines file ('-' = standard input, the default without --disposal)"
    )
    parser.add_argument(
        "--disposal", choices=DISPOSAL_CHOICES, help="the disposal ('custody' = imprisonment)"
    )
    parser.add_argument("--length", help="custodial term, e.g. 18m, 26w, 2y (imprisonment only)")
    parser.add_argument("--conditional-discharge-length", help="length of a conditional discharge, e.g. 12m")
    parser.add_argument(
        "--age-at-relevant-date",
        "--age-at-conviction",
        "--age",
        dest="age",
        type=int,
        help="age in whole years on the relevant date (usually the date of conviction)",
    )
    parser.add_argument("--date", "--relevant-date", dest="relevant_date", help="relevant date, YYYY-MM-DD")
    parser.add_argument("--suspended", action="store_true", help="the custodial term was suspended")
    parser.add_argument(
        "--first-notification-date", help="date of the first notification (for the review date)"
    )
    parser.add_argument(
        "--offence",
        help="the offence id (e.g. pca1978-s1), to check its Schedule 3 threshold before the period",
    )
    parser.add_argument(
        "--youngest-age-shown",
        type=int,
        help="image offences: age of the youngest child shown in the images (with --offence)",
    )
    parser.add_argument(
        "--age-at-offence", type=int, help="age in whole years at the offence (with --offence)"
    )
    parser.add_argument(
        "--schema", action="store_true", help="print the JSON Schema of one input line and exit"
    )
    parser.add_argument("--pretty", action="store_true", help="indent the output (single case only)")


def run_notification(
    args: argparse.Namespace, *, stdin: TextIO | None = None, stdout: TextIO | None = None
) -> int:
    out = stdout or sys.stdout
    if args.schema:
        _dump(notification_request_json_schema(), out, 2)
        return EXIT_OK
    if args.disposal is not None:
        if args.input is not None:
            problems = Problems(
                (Problem("--input", "conflict", "give either flags (--disposal ...) or --input, not both"),)
            )
            _dump(error_output(problems), out, None)
            return EXIT_REFUSED
        result = notification_from_dict(_flags_to_request(args))
        _dump(result, out, 2 if args.pretty else None)
        return EXIT_REFUSED if result["errors"] else EXIT_OK
    if args.input in (None, "-"):
        return _run_lines(stdin or sys.stdin, out)
    try:
        with Path(args.input).open(encoding="utf-8") as handle:
            return _run_lines(handle, out)
    except (OSError, UnicodeDecodeError) as error:
        problems = Problems((Problem("--input", "unreadable_input", f"cannot read {args.input}: {error}"),))
        _dump(error_output(problems), out, None)
        return EXIT_REFUSED


def _flags_to_request(args: argparse.Namespace) -> dict[str, object]:
    data: dict[str, object] = {"disposal": args.disposal}
    optional = {
        "custody_length": args.length,
        "conditional_discharge_length": args.conditional_discharge_length,
        "age_at_relevant_date": args.age,
        "relevant_date": args.relevant_date,
        "first_notification_date": args.first_notification_date,
        "offence": args.offence,
        "youngest_age_shown": args.youngest_age_shown,
        "age_at_offence": args.age_at_offence,
    }
    data.update({key: value for key, value in optional.items() if value is not None})
    if args.suspended:
        data["suspended"] = True
    return data


def _run_lines(stream: TextIO, out: TextIO) -> int:
    """One output line per input line, in order; a bad line gets an error object, never a crash."""
    status = EXIT_OK
    for number, line in bounded_lines(stream, BATCH_LINE):
        if isinstance(line, InputRefused):
            result = error_output(Problems((Problem(line.field, line.code, line.sentence()),)))
            status = EXIT_REFUSED
            _dump(result, out, None)
            out.flush()
            continue
        text = line.rstrip("\r\n")
        if not text.strip():
            result = error_output(
                Problems(
                    (Problem(f"line {number}", "empty_line", "the line is empty; expected one JSON object"),)
                )
            )
        else:
            data = _parse_json(text, BATCH_LINE, f"line {number}")
            result = error_output(data) if isinstance(data, Problems) else notification_from_dict(data)
        if result["errors"]:
            status = EXIT_REFUSED
        _dump(result, out, None)
        out.flush()
    return status
