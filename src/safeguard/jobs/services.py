"""Writes of the background-work platform: scheduling periodic runs, running them with retries,
worker heartbeats, recovering tasks whose worker was lost, idempotent steps, and task progress.

Every function takes the time (`now`) or a clock from its caller; nothing below reads the clock on
its own, so tests run schedules on a fixed clock.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from safeguard.jobs import registry
from safeguard.jobs.models import (
    CompletedStep,
    JobRun,
    ProgressStatus,
    RunStatus,
    TaskProgress,
    WorkerHeartbeat,
)

if TYPE_CHECKING:
    from django_tasks.base import Task

    from safeguard.policy import Actor

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]
LOST_MESSAGE = "The worker running this stopped before it finished; it will be tried again."
LOST_FINAL_MESSAGE = "The worker running this stopped before it finished, too many times; it was not tried again."


class WorkerLost(Exception):
    """The worker running a task stopped (killed, out of memory, machine lost) before it finished."""


@dataclass(frozen=True)
class LeaseSettings:
    """How workers prove they are alive, and what happens to a task whose worker is not."""

    heartbeat: timedelta
    lease: timedelta
    scheduler: timedelta
    lost_task_attempts: int
    lost_task_retry: timedelta

    @classmethod
    def from_settings(cls) -> LeaseSettings:
        conf: dict[str, Any] = getattr(settings, "SAFEGUARD_JOBS", {})
        lease = cls(
            heartbeat=timedelta(seconds=float(conf.get("HEARTBEAT_SECONDS", 10))),
            lease=timedelta(seconds=float(conf.get("LEASE_SECONDS", 60))),
            scheduler=timedelta(seconds=float(conf.get("SCHEDULER_SECONDS", 15))),
            lost_task_attempts=int(conf.get("LOST_TASK_ATTEMPTS", 3)),
            lost_task_retry=timedelta(seconds=float(conf.get("LOST_TASK_RETRY_SECONDS", 30))),
        )
        if lease.lease < 2 * lease.heartbeat:
            raise ValueError("SAFEGUARD_JOBS: LEASE_SECONDS must be at least twice HEARTBEAT_SECONDS")
        return lease

    def lost_retry_delay(self, attempts: int) -> timedelta:
        return min(self.lost_task_retry * int(2 ** max(attempts - 1, 0)), timedelta(minutes=15))


def describe_error(exc: BaseException) -> str:
    """The exception's type and the first line of its message: enough for an administrator, and
    it keeps out the detail lines where databases echo the values involved."""
    first_line = (str(exc).strip().splitlines() or [""])[0]
    text = type(exc).__name__ + (f": {first_line}" if first_line else "")
    return text[:500]


# ---------------------------------------------------------------- periodic runs


def schedule_due(*, now: datetime, jobs: Iterable[registry.PeriodicJob] | None = None) -> list[JobRun]:
    """Enqueue each job whose latest due time has no run yet. Safe with any number of workers:
    the unique (job, due_at) key lets exactly one insert win; the others roll back quietly."""
    candidates = list(registry.all_jobs() if jobs is None else jobs)
    due = {job.name: job.latest_due(now) for job in candidates}
    if not due:
        return []
    existing = set(
        JobRun.objects.filter(job__in=list(due), due_at__in=set(due.values())).values_list("job", "due_at")
    )
    created = []
    for job in candidates:
        if (job.name, due[job.name]) in existing:
            continue
        run = _claim_run(job=job, due_at=due[job.name], now=now)
        if run is not None:
            created.append(run)
    return created


def _claim_run(*, job: registry.PeriodicJob, due_at: datetime, now: datetime) -> JobRun | None:
    from safeguard.jobs.tasks import run_periodic_job

    try:
        with transaction.atomic():
            run = JobRun.objects.create(job=job.name, due_at=due_at, created_at=now)
            # The queue row is written in the same transaction: a run key never exists without
            # its task, and a rolled-back key leaves no task behind.
            result = run_periodic_job.enqueue(run.pk)
            run.task_result_id = result.id
            run.save(update_fields=["task_result_id"])
    except IntegrityError:
        return None
    return run


def execute_run(*, run_id: int, clock: Clock) -> str:
    """Run one attempt of a periodic job run. A failure schedules the next attempt with backoff
    (in one transaction with the failure record) and re-raises, so the task row says FAILED too."""
    run = JobRun.objects.filter(pk=run_id).first()
    if run is None:
        raise LookupError(f"periodic job run {run_id} does not exist")
    if run.status == RunStatus.SUCCEEDED:
        # An attempt that finished just before its worker was declared lost: nothing to do.
        return run.summary
    attempt = run.attempts + 1
    started = clock()
    JobRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING, attempts=attempt, started_at=started, finished_at=None, next_attempt_at=None
    )
    job = registry.get(run.job)
    if job is None:
        error = LookupError(f"no periodic job named {run.job!r} is registered any more")
        JobRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, error=describe_error(error), finished_at=clock()
        )
        raise error
    try:
        summary = job.func(now=started, due_at=run.due_at) or ""
    except Exception as exc:
        _after_failure(job=job, run=run, attempt=attempt, exc=exc, now=clock())
        raise
    JobRun.objects.filter(pk=run.pk).update(
        status=RunStatus.SUCCEEDED, summary=str(summary)[:300], error="", finished_at=clock()
    )
    return str(summary)


def _after_failure(
    *, job: registry.PeriodicJob, run: JobRun, attempt: int, exc: BaseException, now: datetime
) -> None:
    from safeguard.jobs.tasks import run_periodic_job

    error = describe_error(exc)
    logger.warning("Periodic job %s (due %s) failed on attempt %d: %s", job.name, run.due_at, attempt, error)
    with transaction.atomic():
        if attempt < job.max_attempts:
            retry_at = now + job.retry_delay(attempt)
            result = run_periodic_job.using(run_after=retry_at).enqueue(run.pk)
            JobRun.objects.filter(pk=run.pk).update(
                status=RunStatus.RETRYING, error=error, finished_at=now, next_attempt_at=retry_at,
                task_result_id=result.id,
            )
        else:
            JobRun.objects.filter(pk=run.pk).update(status=RunStatus.FAILED, error=error, finished_at=now)


# ---------------------------------------------------------------- workers and lost tasks


def beat(*, worker_id: str, now: datetime, hostname: str = "", pid: int = 0) -> None:
    """Record that this worker is alive (one UPDATE; the first beat inserts the row)."""
    if not WorkerHeartbeat.objects.filter(pk=worker_id).update(last_seen_at=now):
        WorkerHeartbeat.objects.create(
            worker_id=worker_id, hostname=hostname[:255], pid=pid, started_at=now, last_seen_at=now
        )


def forget_worker(*, worker_id: str) -> None:
    WorkerHeartbeat.objects.filter(pk=worker_id).delete()


def recover_lost_tasks(*, now: datetime, lease: LeaseSettings) -> list[str]:
    """Give back to the queue each RUNNING task whose worker has stopped beating.

    django-tasks-db marks a claimed task RUNNING and has nothing that notices when the worker
    dies: the row would stay RUNNING for ever. Here such a task becomes READY again after a
    backoff, until it has been started `lost_task_attempts` times; then it is FAILED with
    `WorkerLost`. Each change is a conditional UPDATE (still RUNNING, same start), so of several
    workers sweeping at once exactly one makes it.
    """
    live = set(
        WorkerHeartbeat.objects.filter(last_seen_at__gte=now - lease.lease).values_list("worker_id", flat=True)
    )
    suspects = DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=now - lease.lease
    ).only("id", "worker_ids", "started_at")
    recovered = []
    for row in suspects:
        last_worker = row.worker_ids[-1] if row.worker_ids else ""
        if last_worker in live:
            continue
        attempts = len(row.worker_ids)
        still_running = DBTaskResult.objects.filter(
            pk=row.pk, status=TaskResultStatus.RUNNING, started_at=row.started_at
        )
        with transaction.atomic():
            if attempts < lease.lost_task_attempts:
                retry_at = now + lease.lost_retry_delay(attempts)
                changed = still_running.update(status=TaskResultStatus.READY, run_after=retry_at)
                if changed:
                    JobRun.objects.filter(task_result_id=row.pk).exclude(status=RunStatus.SUCCEEDED).update(
                        status=RunStatus.RETRYING, error=LOST_MESSAGE, next_attempt_at=retry_at
                    )
                    TaskProgress.objects.filter(task_result_id=row.pk, status=ProgressStatus.RUNNING).update(
                        message="Interrupted: it will carry on shortly.", updated_at=now
                    )
            else:
                changed = still_running.update(
                    status=TaskResultStatus.FAILED,
                    finished_at=now,
                    exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
                    traceback=f"WorkerLost: worker {last_worker or '(unknown)'} stopped during attempt "
                    f"{attempts}; no attempts left.\n",
                )
                if changed:
                    JobRun.objects.filter(task_result_id=row.pk).exclude(status=RunStatus.SUCCEEDED).update(
                        status=RunStatus.FAILED, error=LOST_FINAL_MESSAGE, finished_at=now
                    )
                    TaskProgress.objects.filter(task_result_id=row.pk).exclude(
                        status=ProgressStatus.SUCCEEDED
                    ).update(status=ProgressStatus.FAILED, message="It stopped and could not be finished.",
                             updated_at=now)
        if changed:
            logger.warning("Task %s lost with worker %s after %d attempt(s)", row.pk, last_worker, attempts)
            recovered.append(str(row.pk))
    return recovered


# ---------------------------------------------------------------- idempotent steps


@contextmanager
def once(key: str, *, now: datetime) -> Iterator[bool]:
    """Do a step of a task at most once, however often the task runs:

        with once(f"alerts:{item.pk}:{day}", now=now) as first_time:
            if first_time:
                ...write the step's effect...

    The key and the effect commit in one transaction: if the task dies inside, neither is kept and
    the retry does the step; if it dies after, the retry skips it. Keys are kept 30 days.
    """
    if not key or len(key) > 200:
        raise ValueError("a step key is 1 to 200 characters")
    with transaction.atomic():
        try:
            with transaction.atomic():
                CompletedStep.objects.create(key=key, completed_at=now)
            first_time = True
        except IntegrityError:
            first_time = False
        yield first_time


# ---------------------------------------------------------------- progress of tasks started from a page


def progress_start(
    *,
    actor: Actor,
    task: Task[Any, Any],
    title: str,
    now: datetime,
    total: int | None = None,
    args: tuple[Any, ...] = (),
    kwargs: dict[str, Any] | None = None,
) -> TaskProgress:
    """Enqueue `task` with a `progress_id` keyword argument and a progress record for the actor."""
    with transaction.atomic():
        progress = TaskProgress.objects.create(
            user=actor.user, membership=actor.membership, title=title[:200], total=total,
            created_at=now, updated_at=now,
        )
        result = task.enqueue(*args, progress_id=str(progress.pk), **(kwargs or {}))
        progress.task_result_id = result.id
        progress.save(update_fields=["task_result_id"])
    return progress


class Progress:
    """What a task writes as it goes. Writes only when the whole percentage changes."""

    def __init__(self, progress_id: str, *, clock: Clock) -> None:
        self.progress_id = progress_id
        self.clock = clock
        self.total: int | None = None
        self._percent: int | None = None

    def _update(self, **fields: Any) -> None:
        TaskProgress.objects.filter(pk=self.progress_id).update(updated_at=self.clock(), **fields)

    def start(self, *, total: int | None = None, message: str = "") -> None:
        self.total = total
        self._percent = 0
        self._update(status=ProgressStatus.RUNNING, total=total, done=0, message=message[:300])

    def advance(self, done: int, *, message: str | None = None) -> None:
        percent = done * 100 // self.total if self.total else None
        if percent is not None and percent == self._percent and message is None:
            return
        self._percent = percent
        fields: dict[str, Any] = {"done": done}
        if message is not None:
            fields["message"] = message[:300]
        self._update(**fields)

    def succeed(self, *, message: str = "", result_url: str = "", result_label: str = "") -> None:
        fields: dict[str, Any] = {
            "status": ProgressStatus.SUCCEEDED, "message": message[:300],
            "result_url": result_url[:500], "result_label": result_label[:200],
        }
        if self.total is not None:
            fields["done"] = self.total
        self._update(**fields)

    def fail(self, *, message: str = "It could not be finished.") -> None:
        self._update(status=ProgressStatus.FAILED, message=message[:300])


@contextmanager
def tracked(progress_id: str, *, clock: Clock) -> Iterator[Progress]:
    """`with tracked(progress_id, clock=timezone.now) as progress:` — an exception marks it failed."""
    progress = Progress(progress_id, clock=clock)
    try:
        yield progress
    except Exception:
        progress.fail()
        raise


# ---------------------------------------------------------------- housekeeping


def housekeeping(*, now: datetime) -> dict[str, int]:
    """Delete what has expired: sessions past their expiry, sign-in attempts that no longer count
    towards a lockout (django-axes' own cool-off), and the platform's old task bookkeeping."""
    from axes.models import AccessAttempt
    from django.contrib.sessions.models import Session

    counts: dict[str, int] = {}
    if settings.SESSION_ENGINE == "django.contrib.sessions.backends.db":
        counts["sessions"] = Session.objects.filter(expire_date__lt=now).delete()[0]
    cool_off = getattr(settings, "AXES_COOLOFF_TIME", None)
    if isinstance(cool_off, timedelta):
        counts["sign_in_attempts"] = AccessAttempt.objects.filter(attempt_time__lte=now - cool_off).delete()[0]
    counts["task_results"] = DBTaskResult.objects.filter(
        status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED], finished_at__lt=now - timedelta(days=30)
    ).delete()[0]
    counts["job_runs"] = JobRun.objects.filter(
        status__in=[RunStatus.SUCCEEDED, RunStatus.FAILED], created_at__lt=now - timedelta(days=90)
    ).delete()[0]
    counts["progress"] = TaskProgress.objects.filter(created_at__lt=now - timedelta(days=30)).delete()[0]
    counts["steps"] = CompletedStep.objects.filter(completed_at__lt=now - timedelta(days=30)).delete()[0]
    counts["workers"] = WorkerHeartbeat.objects.filter(last_seen_at__lt=now - timedelta(days=1)).delete()[0]
    return counts
