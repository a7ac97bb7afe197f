"""Measures batch scoring of OSP/DC and Static-99R against plain JSON read-parse-dump-write, with peak memory.

Usage: .venv/bin/python benchmarks/bench_batch.py [--rows N] [--seed S] [--check]

The target (issue 3) is a scoring run no slower than twice the baseline pass over the same
file, with peak resident memory under 1 GiB. `--check` exits 1 when either is missed.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from safeguard.instruments.batch import run_batch

AS_OF = date(2026, 11, 1)
MAX_RATIO = 2.0
MAX_RSS_MIB = 1024
BAD_ROW_EVERY = 1000  # one row in a thousand is broken, so the error path is measured too


def _day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randrange(max(1, (end - start).days)))


def osp_dc_rows(rng: random.Random, n: int) -> Iterator[dict[str, Any]]:
    for i in range(n):
        dob = _day(rng, date(1940, 1, 1), date(2004, 1, 1))
        adult, child, non_contact, images = (rng.choice((0, 0, 0, 1, 1, 2, 3)) for _ in range(4))
        if adult + child + non_contact + images == 0:
            child = 1
        total = adult + child + non_contact + images + rng.randrange(0, 30)
        last_sexual = _day(rng, dob + timedelta(days=16 * 366), AS_OF)
        row: dict[str, Any] = {
            "sex": "male",
            "has_ever_committed_sexual_offence": True,
            "date_of_birth": dob.isoformat(),
            "contact_adult_sexual_sanctions": adult,
            "contact_child_sexual_sanctions": child,
            "non_contact_sexual_offences": non_contact,
            "indecent_image_sanctions": images,
            "total_sanctions": total,
            "date_of_most_recent_sexual_offence": last_sexual.isoformat(),
            "current_offence_against_stranger": rng.random() < 0.2,
            "supervision_status": rng.choice(("custody", "community", "community", "remand")),
            "date_at_start_of_followup": _day(rng, last_sexual, AS_OF + timedelta(days=900)).isoformat(),
            "assessment_date": AS_OF.isoformat(),
        }
        if i % BAD_ROW_EVERY == 7:
            row["total_sanctions"] = 0
        yield row


def static_99r_rows(rng: random.Random, n: int) -> Iterator[dict[str, Any]]:
    for i in range(n):
        dob = _day(rng, date(1940, 1, 1), date(2004, 1, 1))
        charges = rng.choice((0, 0, 1, 2, 3, 6))
        row: dict[str, Any] = {
            "date_of_birth": dob.isoformat(),
            "release_date": _day(
                rng, dob + timedelta(days=18 * 366), AS_OF + timedelta(days=2000)
            ).isoformat(),
            "ever_lived_with_intimate_partner_2_years": rng.random() < 0.5,
            "index_non_sexual_violence": rng.random() < 0.2,
            "prior_non_sexual_violence": rng.random() < 0.3,
            "prior_sex_offence_charges": charges,
            "prior_sex_offence_convictions": min(charges, rng.choice((0, 1, 2, 4))),
            "prior_sentencing_dates": rng.randrange(0, 8),
            "non_contact_sex_offence_convictions": rng.choice((0, 0, 0, 1)),
            "unrelated_victims": rng.random() < 0.6,
            "stranger_victims": rng.random() < 0.3,
            "male_victims": rng.random() < 0.2,
        }
        if i % BAD_ROW_EVERY == 7:
            row["prior_sentencing_dates"] = "four"
        yield row


GENERATORS: dict[str, Callable[[random.Random, int], Iterator[dict[str, Any]]]] = {
    "osp-dc": osp_dc_rows,
    "static-99r": static_99r_rows,
}


def write_input(path: Path, rows: Iterator[dict[str, Any]]) -> int:
    size = 0
    with path.open("w", encoding="utf-8") as out:
        for row in rows:
            size += out.write(json.dumps(row) + "\n")
    return size


class Timing:
    """Wall-clock and CPU seconds (user + system) of one pass; CPU time is steadier on a shared machine."""

    def __init__(self) -> None:
        self.wall = self.cpu = 0.0

    def __enter__(self) -> Timing:
        self._wall, self._cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self._wall
        self.cpu = time.process_time() - self._cpu


def baseline(src: Path, dst: Path) -> Timing:
    """Read, parse, re-serialise and write every line: the floor any scorer must pay."""
    loads, dumps = json.loads, json.dumps
    with Timing() as timing, src.open(encoding="utf-8") as infile, dst.open("w", encoding="utf-8") as outfile:
        for line in infile:
            outfile.write(dumps(loads(line)) + "\n")
    return timing


def scored(instrument: str, src: Path, dst: Path) -> tuple[Timing, int, int]:
    with Timing() as timing, src.open(encoding="utf-8") as infile, dst.open("w", encoding="utf-8") as outfile:
        summary = run_batch(instrument, infile, outfile, today=AS_OF)
    return timing, summary.rows_scored, summary.rows_rejected


def peak_rss_mib() -> float:
    # ru_maxrss is in kibibytes on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows per instrument (default 1,000,000)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--instrument",
        choices=sorted(GENERATORS),
        action="append",
        help="measure only this instrument (repeatable; default: all)",
    )
    parser.add_argument(
        "--repeat", type=int, default=1, help="passes of each kind; the fastest is kept (default 1)"
    )
    parser.add_argument(
        "--check", action="store_true", help=f"exit 1 if the CPU-time ratio exceeds {MAX_RATIO}"
    )
    args = parser.parse_args(argv)

    lines = []
    ok = True
    with tempfile.TemporaryDirectory(prefix="safeguard-bench-") as tmp:
        for instrument, generate in GENERATORS.items():
            if args.instrument and instrument not in args.instrument:
                continue
            src = Path(tmp) / f"{instrument}.jsonl"
            size = write_input(src, generate(random.Random(args.seed), args.rows))
            base_runs, score_runs = [], []
            for _ in range(max(1, args.repeat)):
                # Alternate the two passes so that a busy spell on the machine hits both alike.
                base_runs.append(baseline(src, Path(tmp) / f"{instrument}.baseline.jsonl"))
                took, good, bad = scored(instrument, src, Path(tmp) / f"{instrument}.scored.jsonl")
                score_runs.append(took)
            base = min(base_runs, key=lambda t: t.cpu)
            took = min(score_runs, key=lambda t: t.cpu)
            out_size = (Path(tmp) / f"{instrument}.scored.jsonl").stat().st_size
            ratio_cpu, ratio_wall = took.cpu / base.cpu, took.wall / base.wall
            rss = peak_rss_mib()
            ok = ok and ratio_cpu <= MAX_RATIO and rss < MAX_RSS_MIB
            lines.append(
                f"| {instrument} | {args.rows:,} | {size / 2**20:,.0f} | {out_size / 2**20:,.0f} | "
                f"{base.cpu:.2f} / {base.wall:.2f} | {took.cpu:.2f} / {took.wall:.2f} | "
                f"**{ratio_cpu:.2f}** / {ratio_wall:.2f} | {took.cpu / args.rows * 1e6:.1f} | "
                f"{good:,} / {bad:,} | "
                f"{rss:,.0f} |"
            )
            print(
                f"{instrument}: baseline {base.cpu:.2f} s CPU ({base.wall:.2f} s wall), run_batch "
                f"{took.cpu:.2f} s "
                f"CPU ({took.wall:.2f} s wall), ratio {ratio_cpu:.2f} CPU / {ratio_wall:.2f} wall",
                file=sys.stderr,
            )
            # Free the disk and page cache before the next instrument, so it does not pay for ours.
            for leftover in Path(tmp).glob(f"{instrument}*"):
                leftover.unlink()

    print(f"Python {sys.version.split()[0]}, {args.rows:,} rows per instrument, seed {args.seed}\n")
    print(
        "| instrument | rows | input MiB | output MiB | baseline s (CPU / wall) | run_batch s (CPU / wall) "
        "| ratio (CPU / wall) | CPU µs/row | scored / rejected | peak RSS MiB |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    print("\n".join(lines))
    if args.check and not ok:
        print(
            f"\nTarget missed: ratio must be <= {MAX_RATIO} and peak RSS < {MAX_RSS_MIB} MiB", file=sys.stderr
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
