"""Measures the list-export writers (CSV streamed, XLSX constant-memory) and `safeguard schedule`.

Usage: .venv/bin/python benchmarks/bench_exports.py [--rows N] [--schedule-lines N]

Rows are synthetic tuples of six columns (text, reference, number, name, two datetimes), the shape
of the sentencing case list, so the figure is the writer's cost without the database. Peak memory
is the growth of the process's resident set while writing (ru_maxrss), which constant-memory
writing should keep flat as rows grow.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import sys
import time
from datetime import UTC, datetime, timedelta

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguard.site.settings")
os.environ.setdefault("SAFEGUARD_ENV", "test")


def _rows(n: int):
    start = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
    for i in range(n):
        yield (f"Testy Testington{i}: scenario {i}", f"PTEST{i:04d}", i % 7, "Probation Officer Testington",
               start + timedelta(minutes=i), start + timedelta(minutes=2 * i))


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 50_000])
    parser.add_argument("--schedule-lines", type=int, default=5_000)
    args = parser.parse_args()
    import django

    django.setup()
    from safeguard.calendar.cli import run_stream
    from safeguard.core.exports import Column, _csv_lines, _xlsx_file

    columns = [Column(label, lambda r, i=i: r[i]) for i, label in
               enumerate(["Case", "Person reference", "Scenarios", "Started by", "Started", "Last changed"])]
    print("| format | rows | seconds | rows/s | bytes | peak RSS growth (MiB) |")
    print("|---|---:|---:|---:|---:|---:|")
    for n in args.rows:
        for fmt in ("csv", "xlsx"):
            before = _rss_mib()
            began = time.perf_counter()
            if fmt == "csv":
                size = sum(len(line.encode()) for line in _csv_lines(iter(_rows(n)), columns))
            else:
                handle = _xlsx_file(iter(_rows(n)), columns, "bench")
                size = handle.seek(0, io.SEEK_END)
                handle.close()
            took = time.perf_counter() - began
            print(f"| {fmt} | {n:,} | {took:.2f} | {n / took:,.0f} | {size:,} | {_rss_mib() - before:.1f} |")

    lines = [json.dumps({"start_date": f"20{20 + i % 10}-0{1 + i % 9}-1{i % 10}", "weekdays": ["mon", "thu"],
                         "sessions": 12, "region": ["england-and-wales", "scotland", "northern-ireland"][i % 3]})
             for i in range(args.schedule_lines)]
    began = time.perf_counter()
    answered, refused = run_stream(io.StringIO("\n".join(lines) + "\n"), io.StringIO())
    took = time.perf_counter() - began
    print(f"\nsafeguard schedule: {answered:,} lines of 12 sessions ({refused} refused) in {took:.2f} s, "
          f"{answered / took:,.0f} lines/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
