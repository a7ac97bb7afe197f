"""The platform's own tasks: the runner of periodic jobs, and the first periodic job, housekeeping."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django_tasks import task

from safeguard.jobs import services
from safeguard.jobs.registry import periodic


@task()
def run_periodic_job(run_id: int) -> str:
    """One attempt of one periodic job run (enqueued by the scheduler, or by a retry)."""
    return services.execute_run(run_id=run_id, clock=timezone.now)


@periodic("jobs.housekeeping", "daily at 02:30", title="Remove expired sessions, sign-in attempts and old job records")
def housekeeping(*, now: datetime, due_at: datetime) -> str:
    counts = services.housekeeping(now=now)
    return (
        f"Removed {counts.get('sessions', 0)} expired sessions, "
        f"{counts.get('sign_in_attempts', 0)} old sign-in attempts, "
        f"{counts['task_results']} finished tasks, {counts['job_runs']} job runs, "
        f"{counts['progress']} progress records, {counts['steps']} step keys "
        f"and {counts['workers']} stopped workers."
    )
