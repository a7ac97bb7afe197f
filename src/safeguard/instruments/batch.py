"""Streaming batch scoring of JSON Lines or CSV: one result per row, in order, and no crash on a bad row."""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal, TextIO

from safeguard.instruments import registry
from safeguard.instruments.base import Instrument
from safeguard.instruments.fields import Field
from safeguard.instruments.result import FieldError, Result
from safeguard.untrusted import (
    BATCH_LINE,
    InputRefused,
    bounded_lines,
    check_json_text,
    csv_rows,
    json_decoder,
    located_json_problem,
)

Format = Literal["jsonl", "csv"]
FORMATS: tuple[Format, ...] = ("jsonl", "csv")

PROGRESS_EVERY = 1000
_FLUSH_EVERY = 512
_TRUE = frozenset({"true", "yes", "1", "y", "t"})
_FALSE = frozenset({"false", "no", "0", "n", "f"})
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
# A CSV cell longer than this is not read as a number (integers in a row have at most 20 digits).
_LONGEST_NUMBER = BATCH_LINE.max_integer_digits + 4


class BatchInputError(ValueError):
    """Raised when the file as a whole cannot be read (for example a CSV header naming a column twice)."""


@dataclass(frozen=True, slots=True)
class BatchSummary:
    """How a batch went: rows scored, rows rejected, and how often each field and code caused a rejection."""

    rows_scored: int
    rows_rejected: int
    rejections: dict[tuple[str, str], int] = field(default_factory=dict)

    @property
    def rows_total(self) -> int:
        return self.rows_scored + self.rows_rejected

    def to_dict(self) -> dict[str, Any]:
        return {
            "rows_scored": self.rows_scored,
            "rows_rejected": self.rows_rejected,
            "rejection_reasons": [
                {"field": f, "code": c, "count": n}
                for (f, c), n in sorted(self.rejections.items(), key=lambda kv: (-kv[1], kv[0]))
            ],
        }

    def describe(self) -> str:
        text = f"{self.rows_scored:,} row(s) scored, {self.rows_rejected:,} rejected"
        if self.rejections:
            reasons = ", ".join(
                f"{f}:{c} x{n:,}"
                for (f, c), n in sorted(self.rejections.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
            )
            more = len(self.rejections) - 10
            text += f" ({reasons}{f', and {more} more' if more > 0 else ''})"
        return text


def run_batch(
    instrument_id: str,
    infile: TextIO,
    outfile: TextIO,
    *,
    in_format: Format = "jsonl",
    out_format: Format = "jsonl",
    progress: Callable[[int], None] | None = None,
    today: date | None = None,
) -> BatchSummary:
    """Score every row of `infile` with one instrument and write one result per row to `outfile`.

    Rows are streamed: memory does not grow with the file. Blank lines are skipped. A row that
    is not valid JSON, is not an object, has the wrong number of CSV cells or fails validation
    gives an error record carrying its line number. `progress` is called with the number of
    rows handled so far every 1,000 rows and once at the end. `today` fixes the date used
    where a row leaves its assessment date out (default: today in UTC), the same for every row.
    Raises UnknownInstrumentError for an unknown id and BatchInputError for an unreadable CSV header.
    """
    if in_format not in FORMATS or out_format not in FORMATS:
        raise ValueError(f"formats must be one of {', '.join(FORMATS)}")
    instrument = registry.get(instrument_id)
    score_row = registry.scorer(instrument_id, today=today)
    if in_format == "jsonl" and out_format == "jsonl":
        return _jsonl_to_jsonl(instrument, score_row, infile, outfile, progress)
    rows = _jsonl_rows(infile, instrument) if in_format == "jsonl" else _csv_rows(infile, instrument)
    writer = _JsonlWriter(outfile) if out_format == "jsonl" else _CsvWriter(outfile, instrument)

    scored = rejected = handled = 0
    rejections: Counter[tuple[str, str]] = Counter()
    for line, row in rows:
        result = row if type(row) is Result else score_row(row)
        if result.errors:
            rejected += 1
            rejections.update({(error.field, error.code) for error in result.errors})
        else:
            scored += 1
        writer.write(result, line)
        handled += 1
        if progress is not None and handled % PROGRESS_EVERY == 0:
            progress(handled)
    writer.close()
    if progress is not None:
        progress(handled)
    return BatchSummary(scored, rejected, dict(rejections))


def _jsonl_to_jsonl(
    instrument: Instrument,
    score_row: Callable[[object], Result],
    infile: TextIO,
    outfile: TextIO,
    progress: Callable[[int], None] | None,
) -> BatchSummary:
    """The common case written as one flat loop: no per-row generator or writer calls."""
    loads = _loads_line
    buffer: list[str] = []
    append = buffer.append
    scored = rejected = 0
    rejections: Counter[tuple[str, str]] = Counter()
    for line_number, line in bounded_lines(infile, BATCH_LINE):
        if type(line) is str:
            try:
                row = loads(line)
            except (ValueError, RecursionError) as exc:
                # Only failed lines pay for the blank-line test.
                if line.isspace():
                    continue
                result = _invalid_json(instrument, line_number, line, exc)
            else:
                result = score_row(row)
        else:
            result = _refused(instrument, line_number, line)  # type: ignore[arg-type]
        if result.errors:
            rejected += 1
            rejections.update({(error.field, error.code) for error in result.errors})
        else:
            scored += 1
        append(result.to_json(line=line_number))
        if len(buffer) >= PROGRESS_EVERY:
            append("")
            outfile.write("\n".join(buffer))
            buffer.clear()
            if progress is not None:
                progress(scored + rejected)
    if buffer:
        append("")
        outfile.write("\n".join(buffer))
    if progress is not None:
        progress(scored + rejected)
    return BatchSummary(scored, rejected, dict(rejections))


# The decoder with the batch limits' hooks (integers of at most 20 digits, no NaN or Infinity), and
# its C scanner (typeshed does not declare the attribute).
_decoder = json_decoder(BATCH_LINE)
_decode = _decoder.decode
_scan_once: Callable[[str, int], tuple[Any, int]] = _decoder.scan_once  # type: ignore[attr-defined]


def _loads_line(line: str) -> object:
    """One line as JSON within `untrusted.BATCH_LINE`, calling the C scanner directly when the line
    is plainly well formed.

    `json.loads` spends about a third of its time in Python-level wrapping around the same
    scanner. Anything unusual (leading space, trailing text, bad JSON) goes to the decoder's own
    `decode`, so results and error messages are exactly the standard ones. The limits the scanner
    hooks do not cover (nesting, keys, strings, NUL) are checked by `check_json_text`, which only
    walks the row when counts on the line show a limit could be exceeded.
    """
    try:
        value, end = _scan_once(line, 0)
    except StopIteration:
        value = _decode(line)
    else:
        if end != len(line) and not line[end:].isspace():
            value = _decode(line)
    check_json_text(value, line, BATCH_LINE, root="$")
    return value


def _invalid_json(instrument: Instrument, line_number: int, line: str, exc: Exception) -> Result:
    if isinstance(exc, InputRefused):
        return _refused(instrument, line_number, exc)
    if isinstance(exc, json.JSONDecodeError):
        detail = f"{exc.msg} at column {exc.colno}"
        return instrument.error_result(
            [FieldError("$", "invalid_json", f"line {line_number} is not valid JSON: {detail}")]
        )
    return _refused(instrument, line_number, located_json_problem(line, BATCH_LINE, "$", exc))


def _refused(instrument: Instrument, line_number: int, refused: InputRefused) -> Result:
    return instrument.error_result(
        [FieldError(refused.field, refused.code, f"line {line_number}: {refused.sentence()}")]
    )


# -- readers ---------------------------------------------------------------------------------------


def _jsonl_rows(infile: TextIO, instrument: Instrument) -> Iterator[tuple[int, object]]:
    loads = _loads_line
    for line_number, line in bounded_lines(infile, BATCH_LINE):
        if isinstance(line, InputRefused):
            yield line_number, _refused(instrument, line_number, line)
            continue
        if not line or line.isspace():
            continue
        try:
            yield line_number, loads(line)
        except (ValueError, RecursionError) as exc:
            yield line_number, _invalid_json(instrument, line_number, line, exc)


def _csv_fields(instrument: Instrument) -> dict[str, Field]:
    """Every field the instrument reads from a row, its components' included, by name."""
    known = {f.name: f for f in instrument.fieldset.fields}
    for feed in instrument.feeds:
        if feed.required:
            for f in registry.get(feed.component).fieldset.fields:
                known.setdefault(f.name, f)
    return known


def _boolean_cell(text: str) -> object:
    lowered = text.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    return text


def _yes_no_or_count_cell(text: str) -> object:
    """Digits are a count (so "1" is one, not yes); words are yes or no."""
    try:
        return int(text)
    except ValueError:
        return _boolean_cell(text)


def _cell_converter(spec: Field | None) -> Callable[[str], object]:
    """Text to a typed value; text that does not fit is passed on unchanged so validation can name it."""
    if spec is None or spec.kind in ("date", "choice"):
        return lambda text: text.strip()
    if spec.yes_no_or_count:
        return _yes_no_or_count_cell
    if spec.kind == "boolean":
        return _boolean_cell
    if spec.kind == "integer":

        def integer(text: str) -> object:
            if len(text) > _LONGEST_NUMBER:
                return text  # validation names the field and the range allowed
            try:
                return int(text)
            except ValueError:
                try:
                    number = float(text)
                except ValueError:
                    return text
                return int(number) if number.is_integer() else number

        return integer

    def number(text: str) -> object:
        try:
            return float(text)
        except ValueError:
            return text

    return number


def _csv_rows(infile: TextIO, instrument: Instrument) -> Iterator[tuple[int, object]]:
    rows = csv_rows(infile, BATCH_LINE)
    first = next(rows, None)
    if first is None:
        return
    if first.cells is None:
        raise BatchInputError(f"the CSV header cannot be read: {first.refused}")
    header = [name.strip().lstrip("\ufeff") for name in first.cells]
    duplicates = sorted({name for name in header if header.count(name) > 1})
    if duplicates:
        raise BatchInputError(f"the CSV header names {', '.join(duplicates)} more than once")
    known = _csv_fields(instrument)
    converters = [(name, _cell_converter(known.get(name))) for name in header]
    width = len(header)
    for row in rows:
        start, cells = row.line, row.cells
        if cells is None:
            yield start, _refused(instrument, start, row.refused)  # type: ignore[arg-type]
            continue
        if not cells or all(not cell.strip() for cell in cells):
            continue
        if len(cells) != width:
            yield (
                start,
                instrument.error_result(
                    [
                        FieldError(
                            "$",
                            "wrong_column_count",
                            f"line {start} has {len(cells)} cells but the header has {width} columns",
                        )
                    ]
                ),
            )
            continue
        yield (
            start,
            {
                name: (None if cell == "" or cell.isspace() else convert(cell))
                for (name, convert), cell in zip(converters, cells, strict=True)
            },
        )


# -- writers ---------------------------------------------------------------------------------------


class _JsonlWriter:
    __slots__ = ("_buffer", "_outfile")

    def __init__(self, outfile: TextIO) -> None:
        self._outfile = outfile
        self._buffer: list[str] = []

    def write(self, result: Result, line: int) -> None:
        self._buffer.append(result.to_json(line=line))
        if len(self._buffer) >= _FLUSH_EVERY:
            self._flush()

    def _flush(self) -> None:
        if self._buffer:
            self._buffer.append("")
            self._outfile.write("\n".join(self._buffer))
            self._buffer.clear()

    def close(self) -> None:
        self._flush()


def csv_columns(instrument: Instrument) -> list[str]:
    """The flattened CSV columns for an instrument's results, in a fixed order."""
    return [
        "line",
        "instrument",
        "model_version",
        "thresholds_version",
        "verified",
        "band",
        "points",
        "probability",
        *instrument.meta.extra_keys,
        "not_applicable_reason",
        "warnings",
        "errors",
        "items",
    ]


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, list | tuple | dict):
        return _encode(value)
    return value


class _CsvWriter:
    __slots__ = ("_columns", "_writer")

    def __init__(self, outfile: TextIO, instrument: Instrument) -> None:
        self._writer = csv.writer(outfile, lineterminator="\n")
        self._columns = csv_columns(instrument)
        self._writer.writerow(self._columns)

    def write(self, result: Result, line: int) -> None:
        record = result.to_dict()
        record["line"] = line
        self._writer.writerow([_cell(record[column]) for column in self._columns])

    def close(self) -> None:
        pass
