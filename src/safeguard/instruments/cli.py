"""The `safeguard score` command: batch-score a JSON Lines or CSV file with one instrument."""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from collections.abc import Callable, Iterator
from datetime import date
from typing import TextIO, cast

from safeguard.instruments import registry
from safeguard.instruments.batch import FORMATS, BatchInputError, BatchSummary, Format, run_batch

EXIT_OK = 0
EXIT_REJECTED_ROWS = 1
EXIT_USAGE = 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Score every row of FILE (or standard input) with INSTRUMENT and write one result per row, in order. "
        "Exit status: 0 all rows scored, 1 some rows rejected (their records carry errors), 2 bad "
        "usage or file."
    )
    parser.add_argument(
        "instrument", metavar="INSTRUMENT", help=f"instrument id: {', '.join(registry.instrument_ids())}"
    )
    parser.add_argument(
        "file", metavar="FILE", nargs="?", default="-", help="input file (default: standard input)"
    )
    parser.add_argument(
        "--format",
        dest="format",
        choices=FORMATS,
        default="jsonl",
        help="format of the output, and of the input unless --input-format is given (default: jsonl)",
    )
    parser.add_argument(
        "--input-format",
        dest="input_format",
        choices=FORMATS,
        default=None,
        help="format of the input (default: the --format value)",
    )
    parser.add_argument(
        "--output", "-o", dest="output", default="-", help="output file (default: standard output)"
    )
    parser.add_argument(
        "--as-of",
        dest="as_of",
        default=None,
        metavar="YYYY-MM-DD",
        help="date used where a row leaves out its assessment date (default: today, UTC)",
    )


@contextlib.contextmanager
def _open(path: str, mode: str, default: TextIO) -> Iterator[TextIO]:
    if path == "-":
        yield default
        return
    # Undecodable bytes become U+FFFD so that one bad row is rejected rather than ending the run.
    with open(
        path, mode, encoding="utf-8", errors="replace" if "r" in mode else "strict", newline=""
    ) as handle:
        yield cast(TextIO, handle)


@contextlib.contextmanager
def _progress_bar(instrument_id: str) -> Iterator[Callable[[int], None] | None]:
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(
        SpinnerColumn(),
        TextColumn(f"scoring {instrument_id}"),
        TextColumn("{task.completed:,} rows"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("score", total=None)
        yield lambda done: bar.update(task, completed=done)


def run(args: argparse.Namespace) -> int:
    """Run `safeguard score` from parsed arguments; returns the exit status."""
    try:
        registry.get(args.instrument)
    except registry.UnknownInstrumentError as exc:
        print(f"safeguard score: {exc}", file=sys.stderr)
        return EXIT_USAGE
    out_format: Format = args.format
    in_format: Format = args.input_format or out_format
    as_of = None
    if args.as_of:
        try:
            as_of = date.fromisoformat(args.as_of)
        except ValueError:
            print(
                f"safeguard score: --as-of must be a date written YYYY-MM-DD, got {args.as_of!r}",
                file=sys.stderr,
            )
            return EXIT_USAGE

    started = time.perf_counter()
    try:
        with (
            _open(args.file, "r", sys.stdin) as infile,
            _open(args.output, "w", sys.stdout) as outfile,
            _progress_bar(args.instrument) as progress,
        ):
            summary: BatchSummary = run_batch(
                args.instrument,
                infile,
                outfile,
                in_format=in_format,
                out_format=out_format,
                progress=progress,
                today=as_of,
            )
            outfile.flush()
    except OSError as exc:
        print(f"safeguard score: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BatchInputError as exc:
        print(f"safeguard score: {exc}", file=sys.stderr)
        return EXIT_USAGE
    elapsed = time.perf_counter() - started
    print(f"safeguard score {args.instrument}: {summary.describe()} in {elapsed:.1f} s", file=sys.stderr)
    return EXIT_REJECTED_ROWS if summary.rows_rejected else EXIT_OK
