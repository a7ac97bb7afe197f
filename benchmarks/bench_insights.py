"""Measures the evidence analyses: the statistics for 100,000 people, and analysis pages served from cache.

Usage: .venv/bin/python benchmarks/bench_insights.py [--people 100000] [--page-people 100000] [--repeat 20]

Part 1, the pure core (no database): a synthetic cohort of --people (OSP/DC-like whole points,
programme status confounded by risk, censoring; times in whole days, as the platform counts them), then the survival analysis the page runs
(Kaplan–Meier by programme status with numbers at risk and the log-rank test, Cox adjusted for the
score with the proportional-hazards check, an overall curve) and the validation (AUC with DeLong's
interval at 2 years, calibration by band, subgroups by age band, sex and ethnic group). Generating
the cohort is not timed.

Part 2, the pages: a throwaway SQLite database with --page-people synthetic persons, their
follow-ups and outcome events; each analysis page is computed once (timed: the cost of a cache
miss, which for so many people runs as a background task) and then requested --repeat times in
process through Django's test client, signed in as an analyst (median and 95th percentile: a hit
reads the kept result, draws the page and writes its audit event).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path


def _stats_core(people: int) -> None:
    import numpy as np

    from safeguard.insights.analysis import PREDICTED, Dataset, survival_analysis, validation_analysis
    from safeguard.stats import synthetic

    cohort = synthetic.generate(synthetic.CohortSpec(
        size=people, seed=1, score_mean=30, score_sd=6, whole_points=True, score_min=0, score_max=64,
        intercept=-2.0 - 0.16 * 30, slope=0.16, referral_slope=0.3,
    ))
    bands = np.where(cohort.score >= 36, "very_high", np.where(cohort.score >= 30, "high", np.where(cohort.score >= 22, "medium", "low")))
    # Follow-up is counted in whole days on the platform (selectors.cohort_dataset), so times tie.
    days = np.maximum(np.round(cohort.time * 365.25), 1) / 365.25
    data = Dataset(days, cohort.event, cohort.cohort, cohort.score.astype(float), cohort.expected_by(2.0),
                   bands.astype(np.str_), cohort.sex, cohort.age_band, cohort.ethnicity)
    print(f"Synthetic cohort: {people:,} people, {int(cohort.event.sum()):,} events.")
    print("| step | seconds |")
    print("|---|---:|")
    total = 0.0
    for name, run in (
        ("survival (Kaplan–Meier by group, log-rank, Cox adjusted and not, PH check)", lambda: survival_analysis(data)),
        ("validation (AUC with DeLong CI, calibration by band, subgroups)",
         lambda: validation_analysis(data, horizon=2.0, band_order=["low", "medium", "high", "very_high"],
                                     predicted=PREDICTED["osp-dc"])),
    ):
        began = time.perf_counter()
        run()
        took = time.perf_counter() - began
        total += took
        print(f"| {name} | {took:.2f} |")
    print(f"| **both** | **{total:.2f}** |")


def _pages(people: int, repeat: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="bench-insights-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{work / 'insights.sqlite3'}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguard.site.settings")
    os.environ.setdefault("SAFEGUARD_ENV", "test")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    settings.ALLOWED_HOSTS.append("testserver")
    call_command("migrate", verbosity=0)
    from tests.conftest import World, sign_in
    from tests.integration.insights_fixtures import synthetic_cohort

    from safeguard import demo
    from safeguard.accounts.models import User

    agencies = demo.ensure_agencies()
    demo.ensure_users(agencies)
    users = {u.username: u for u in User.objects.all()}
    world = World(
        agencies={"probation": agencies["Demo Probation Region"]},
        users={"prob_prac": users["probation.officer"]}, memberships={}, persons={},
    )
    began = time.perf_counter()
    synthetic_cohort(world, people, seed=9, today=timezone.localdate())
    print(f"\nDatabase: {people:,} synthetic persons with follow-ups and events loaded in {time.perf_counter() - began:.0f} s.")
    client = Client()
    sign_in(client, users["analyst"])
    print("| page | first (computed) ms | cached median ms | cached p95 ms |")
    print("|---|---:|---:|---:|")
    from safeguard.accounts.models import Membership
    from safeguard.insights import services
    from safeguard.insights.analysis import Filters
    from safeguard.policy import Actor

    membership = Membership.objects.get(user=users["analyst"])
    actor = Actor(user=users["analyst"], membership=membership)
    for name, path, kind in (("Reoffending by programme", "/insights/survival/", "survival"),
                             ("Local validation", "/insights/validation/", "validation")):
        began = time.perf_counter()
        services.compute(actor=actor, kind=kind, filters=Filters(), today=timezone.localdate())
        first = (time.perf_counter() - began) * 1000
        times = []
        for _ in range(repeat):
            began = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200 and b"kept from an earlier run" in response.content
        times.sort()
        p95 = times[max(0, round(0.95 * len(times)) - 1)]
        print(f"| {name} | {first:,.0f} | {statistics.median(times):.0f} | {p95:.0f} |")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--page-people", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    _stats_core(args.people)
    if args.page_people:
        _pages(args.page_people, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
