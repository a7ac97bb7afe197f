"""What the worker adds around django-tasks-db: periodic runs, worker heartbeats, progress, steps.

The task queue itself is django-tasks-db's `DBTaskResult` table; nothing here copies it.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to run"
    RUNNING = "running", "Running"
    RETRYING = "retrying", "Failed, will be tried again"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class JobRun(models.Model):
    """One run of a periodic job for one due time. The unique (job, due_at) pair is the run key:
    of several workers that find the same run due, only the one whose insert succeeds enqueues it."""

    job = models.CharField(max_length=100)
    due_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    summary = models.CharField(max_length=300, blank=True)
    error = models.CharField(max_length=500, blank=True)
    # The django-tasks-db row of the current (or last) attempt.
    task_result_id = models.UUIDField(null=True, blank=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "due_at"], name="jobs_run_once_per_due_time")]
        indexes = [
            models.Index(fields=["job", "-due_at"], name="jobs_run_job_idx"),
            models.Index(fields=["status", "-id"], name="jobs_run_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.job} due {self.due_at:%Y-%m-%d %H:%M} ({self.status})"


class WorkerHeartbeat(models.Model):
    """A running `safeguard worker`. A task whose worker stopped beating is retried."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    last_seen_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"worker {self.worker_id}"


class CompletedStep(models.Model):
    """An idempotency key: a step of a task that has been done (see `services.once`)."""

    key = models.CharField(max_length=200, unique=True)
    completed_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.key


class ProgressStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "In progress"
    SUCCEEDED = "succeeded", "Finished"
    FAILED = "failed", "Failed"


class TaskProgress(models.Model):
    """How far a task started from a page has got, for the person who started it (only them, in
    the role they started it in). The id is random: it is in the polling URL."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    membership = models.ForeignKey("accounts.Membership", on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=200)
    task_result_id = models.UUIDField(null=True, blank=True, db_index=True)
    status = models.CharField(max_length=10, choices=ProgressStatus.choices, default=ProgressStatus.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(null=True, blank=True)
    message = models.CharField(max_length=300, blank=True)
    result_url = models.CharField(max_length=500, blank=True)
    result_label = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(db_index=True)
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.title} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (ProgressStatus.SUCCEEDED, ProgressStatus.FAILED)

    @property
    def percent(self) -> int | None:
        if not self.total:
            return None
        return min(100, self.done * 100 // self.total)
