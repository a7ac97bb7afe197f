"""Tasks and periodic jobs for the worker tests, importable by worker subprocesses as well.

A subprocess worker is started as `python -c "django.setup(); ...; jobs_fixtures.main(argv)"`:
`main` registers the test periodic jobs the environment asks for, then runs the `safeguard` command.
Effects are appended to the file named by SAFEGUARD_TEST_LOG, one short line per write (O_APPEND
keeps each whole), so a test can count how often each piece of code really ran.
"""

from __future__ import annotations

import os
import time
from datetime import datetime, timedelta

from django.utils import timezone
from django_tasks import TaskContext, task

from safeguard.jobs import registry, services
from safeguard.jobs.registry import PeriodicJob
from safeguard.jobs.schedules import Every


def log(line: str) -> None:
    with open(os.environ["SAFEGUARD_TEST_LOG"], "a", encoding="utf-8") as handle:
        handle.write(line + "\n")


def read_log(path) -> list[str]:
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read().splitlines()
    except FileNotFoundError:
        return []


@task(takes_context=True)
def two_part_import(context: TaskContext, key: str) -> str:
    """Test import in two parts; on its first attempt it stops between them until it is killed."""
    log(f"attempt {context.attempt} {key} {os.getpid()}")
    with services.once(f"{key}:part-1", now=timezone.now()) as first_time:
        if first_time:
            log(f"part-1 {key}")
    if context.attempt == 1:
        log(f"waiting {key}")
        while True:  # the test kills the worker here
            time.sleep(0.05)
    with services.once(f"{key}:part-2", now=timezone.now()) as first_time:
        if first_time:
            log(f"part-2 {key}")
    return "done"


@task()
def count_to(total: int, *, progress_id: str, fail_at: int | None = None) -> str:
    """Test export of a few rows, reporting its progress."""
    with services.tracked(progress_id, clock=timezone.now) as progress:
        progress.start(total=total)
        for done in range(1, total + 1):
            if done == fail_at:
                raise RuntimeError("test rows could not be read")
            progress.advance(done)
        progress.succeed(message="All test rows counted.", result_url="/dashboard/", result_label="See the test result")
    return f"counted {total}"


def minute_job(name: str) -> PeriodicJob:
    def run(*, now: datetime, due_at: datetime) -> str:
        log(f"ran {name} {due_at.isoformat()} {os.getpid()}")
        return f"{name} ran."

    return PeriodicJob(name=name, schedule=Every(timedelta(minutes=1)), func=run, title=f"Test job {name}")


def main(argv: list[str]) -> int:
    """Run a `safeguard` command with the test jobs registered (Django is already set up)."""
    for index in range(int(os.environ.get("SAFEGUARD_TEST_MINUTE_JOBS", "0"))):
        registry.register(minute_job(f"test.minute-{index}"))
    from safeguard.cli import main as safeguard

    return safeguard(argv)

