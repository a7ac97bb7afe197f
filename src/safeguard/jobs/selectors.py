"""Reads for the background-jobs pages: the administrators' overview and a task's progress.

Query counts do not grow with data: one query per registered job (a fixed list in code) and
fixed-size recent lists; the task table is pruned after 30 days by housekeeping.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from django.http import Http404
from django.utils.module_loading import import_string
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from safeguard.jobs import registry
from safeguard.jobs.models import JobRun, ProgressStatus, RunStatus, TaskProgress, WorkerHeartbeat
from safeguard.jobs.services import LeaseSettings, WorkerLost
from safeguard.policy import Actor

PERIODIC_TASK_PATH = "safeguard.jobs.tasks.run_periodic_job"
RECENT_DAYS = 7


def _task_title(task_path: str) -> str:
    """A task's first docstring line, or its function name in words."""
    try:
        func = getattr(import_string(task_path), "func", None)
    except ImportError:
        func = None
    doc = (getattr(func, "__doc__", None) or "").strip().splitlines()
    if doc:
        return doc[0].rstrip(".")
    return task_path.rsplit(".", 1)[-1].replace("_", " ").capitalize()


def _task_error(row: DBTaskResult[..., Any]) -> str:
    if row.exception_class_path == f"{WorkerLost.__module__}.{WorkerLost.__qualname__}":
        return "The worker running it stopped before it finished, too many times."
    lines = [line for line in (row.traceback or "").strip().splitlines() if line.strip()]
    return (lines[-1].strip() if lines else row.exception_class_path.rsplit(".", 1)[-1])[:300]


def overview(*, now: datetime) -> dict[str, Any]:
    lease = LeaseSettings.from_settings()
    since = now - timedelta(days=RECENT_DAYS)
    workers = list(WorkerHeartbeat.objects.filter(last_seen_at__gte=now - lease.lease).order_by("started_at")[:50])
    jobs = []
    for job in registry.all_jobs():
        last = JobRun.objects.filter(job=job.name).order_by("-due_at").first()
        jobs.append({"job": job, "schedule": job.schedule.describe(), "last": last, "next_due": job.next_due(now)})
    titles = {job.name: job.title or job.name for job in registry.all_jobs()}
    problems = list(
        JobRun.objects.filter(status__in=[RunStatus.RETRYING, RunStatus.FAILED], created_at__gte=since).order_by("-id")[:20]
    )
    recent = list(JobRun.objects.order_by("-id")[:30])
    failed_tasks = [
        {"row": row, "title": _task_title(row.task_path), "error": _task_error(row)}
        for row in DBTaskResult.objects.filter(status=TaskResultStatus.FAILED, finished_at__gte=since)
        .exclude(task_path=PERIODIC_TASK_PATH)
        .order_by("-finished_at")
        .only("id", "task_path", "finished_at", "exception_class_path", "traceback", "worker_ids")[:20]
    ]
    waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY).count()
    return {
        "workers": workers,
        "jobs": jobs,
        "titles": titles,
        "problems": [{"run": run, "title": titles.get(run.job, run.job)} for run in problems],
        "recent": [{"run": run, "title": titles.get(run.job, run.job)} for run in recent],
        "failed_tasks": failed_tasks,
        "waiting": waiting,
        "recent_days": RECENT_DAYS,
    }


def panel(*, now: datetime) -> dict[str, Any]:
    """The few figures for the administrator dashboard panel (three queries)."""
    lease = LeaseSettings.from_settings()
    since = now - timedelta(days=RECENT_DAYS)
    failed_runs = JobRun.objects.filter(
        status__in=[RunStatus.RETRYING, RunStatus.FAILED], created_at__gte=since
    ).count()
    failed_tasks = (
        DBTaskResult.objects.filter(status=TaskResultStatus.FAILED, finished_at__gte=since)
        .exclude(task_path=PERIODIC_TASK_PATH)
        .count()
    )
    return {
        "workers": WorkerHeartbeat.objects.filter(last_seen_at__gte=now - lease.lease).count(),
        "failures": failed_runs + failed_tasks,
        "recent_days": RECENT_DAYS,
    }


# ---------------------------------------------------------------- progress


def progress_for(*, actor: Actor, pk: UUID) -> TaskProgress:
    """The actor's own progress record, started in the role they act in now; anything else 404."""
    item = TaskProgress.objects.filter(pk=pk, user_id=actor.user.pk, membership_id=actor.membership.pk).first()
    if item is None:
        raise Http404
    return item


@dataclass(frozen=True)
class ProgressView:
    progress: TaskProgress
    status: str
    finished: bool
    percent: int | None
    announcement: str
    announce_key: str


_QUARTERS = ["Started.", "About a quarter done.", "About half done.", "About three quarters done.", "Nearly done."]


def progress_view(progress: TaskProgress) -> ProgressView:
    """What to show and announce, reconciled with the task row (a lost or failed task that could
    not update its own record still ends the polling)."""
    status = progress.status
    message = progress.message
    if not progress.finished and progress.task_result_id:
        task_status = (
            DBTaskResult.objects.filter(pk=progress.task_result_id).values_list("status", flat=True).first()
        )
        if task_status == TaskResultStatus.FAILED:
            status, message = ProgressStatus.FAILED, message or "It could not be finished."
        elif task_status == TaskResultStatus.SUCCESSFUL and status != ProgressStatus.SUCCEEDED:
            status = ProgressStatus.SUCCEEDED
    percent = progress.percent
    if status == ProgressStatus.SUCCEEDED:
        key, text = "succeeded", f"Finished. {message}".strip()
    elif status == ProgressStatus.FAILED:
        key, text = "failed", f"It could not be finished. {message if message != 'It could not be finished.' else ''}".strip()
    elif status == ProgressStatus.QUEUED:
        key, text = "queued", "Waiting to start."
    elif percent is None:
        key, text = "running", "In progress."
    else:
        quarter = min(percent // 25, 4)
        key, text = f"running-{quarter}", _QUARTERS[quarter]
    return ProgressView(
        progress=progress,
        status=status,
        finished=status in (ProgressStatus.SUCCEEDED, ProgressStatus.FAILED),
        percent=100 if status == ProgressStatus.SUCCEEDED and progress.total else percent,
        announcement=text,
        announce_key=key,
    )
