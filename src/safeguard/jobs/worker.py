"""`safeguard worker`: django-tasks-db's own worker loop, with a heartbeat and the scheduler beside it.

The main thread runs the library's `Worker` unchanged (claiming with `SELECT … FOR UPDATE SKIP
LOCKED` on PostgreSQL, an exclusive transaction on SQLite). A background thread of the same process
writes this worker's heartbeat and, every `SCHEDULER_SECONDS`, gives lost tasks back to the queue
and enqueues the periodic runs that are due. Any number of workers may run against one database.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from safeguard.jobs import services
from safeguard.jobs.services import LeaseSettings

logger = logging.getLogger(__name__)


def new_worker_id() -> str:
    """Unique across machines: host, process and a random tail (django-tasks-db allows 64 chars)."""
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{get_random_string(8)}"[:64]


def tick(*, now: datetime, lease: LeaseSettings) -> None:
    """One round of the scheduler: lost tasks back to the queue, then due periodic runs."""
    services.recover_lost_tasks(now=now, lease=lease)
    services.schedule_due(now=now)


class Beside(threading.Thread):
    """The heartbeat, and the scheduler unless turned off, on their own database connection."""

    def __init__(self, *, worker_id: str, lease: LeaseSettings, scheduler: bool) -> None:
        super().__init__(name="safeguard-worker-heartbeat", daemon=True)
        self.worker_id = worker_id
        self.lease = lease
        self.scheduler = scheduler
        self.stopping = threading.Event()

    def run(self) -> None:
        next_tick = 0.0
        try:
            while not self.stopping.is_set():
                try:
                    services.beat(worker_id=self.worker_id, now=timezone.now())
                    if self.scheduler and time.monotonic() >= next_tick:
                        next_tick = time.monotonic() + self.lease.scheduler.total_seconds()
                        tick(now=timezone.now(), lease=self.lease)
                except Exception:  # a locked or lost database must not stop the heartbeat for good
                    logger.exception("Worker %s: heartbeat or scheduler round failed", self.worker_id)
                self.stopping.wait(self.lease.heartbeat.total_seconds())
        finally:
            connection.close()

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=10)


def run_worker(
    *,
    queues: list[str],
    interval: float = 1.0,
    scheduler: bool = True,
    once: bool = False,
    worker_id: str | None = None,
) -> str:
    """Run until stopped (SIGINT or SIGTERM: the running task finishes first; a second signal stops
    at once), or with `once` until the queue is empty. Returns the worker id."""
    lease = LeaseSettings.from_settings()
    worker_id = worker_id or new_worker_id()
    # The heartbeat exists before the first claim: a task is never held by a worker nobody can see.
    services.beat(worker_id=worker_id, now=timezone.now(), hostname=socket.gethostname(), pid=os.getpid())
    if once and scheduler:
        tick(now=timezone.now(), lease=lease)
    beside = Beside(worker_id=worker_id, lease=lease, scheduler=scheduler and not once)
    beside.start()
    worker = Worker(
        queue_names=queues,
        interval=interval,
        batch=once,
        backend_name=DEFAULT_TASK_BACKEND_ALIAS,
        startup_delay=not once,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )
    try:
        worker.configure_signals()
        worker.run()
    finally:
        beside.stop()
        services.forget_worker(worker_id=worker_id)
    return worker_id


def run_pending(*, worker_id: str = "in-process", limit: int = 1000) -> int:
    """Run the ready tasks in this process, one by one, with the library's claim and run code.
    For tests and the shell; unlike the worker loop it never closes the database connection."""
    worker = Worker(
        queue_names=["*"], interval=0, batch=True, backend_name=DEFAULT_TASK_BACKEND_ALIAS,
        startup_delay=False, max_tasks=None, worker_id=worker_id, excluded_queue_names=[],
    )
    done = 0
    while done < limit:
        with transaction.atomic():
            claimed = DBTaskResult.objects.ready().filter(backend_name=DEFAULT_TASK_BACKEND_ALIAS).get_locked()
            if claimed is None:
                break
            claimed.claim(worker_id)
        worker.run_task(claimed)
        done += 1
    return done
