"""Real worker processes: a worker killed with SIGKILL mid-task, two workers sharing periodic
runs, and `safeguard run` (what `make run` starts) stopping both of its processes on Ctrl+C.

The workers need a database another process can open. On PostgreSQL that is the test database
itself (the data is committed: `committed_world`). On SQLite the test database lives in this
process's memory, so it is copied to a file for the workers and copied back afterwards; the
assertions then read it through the ORM as usual. Waits poll with a generous limit and fail with
the processes' output if something hangs; nothing here measures time.
"""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import connection
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from safeguard.jobs.models import CompletedStep, JobRun, RunStatus
from tests.integration import jobs_fixtures
from tests.integration.jobs_fixtures import read_log

ROOT = Path(__file__).resolve().parents[2]
WAIT = 90.0  # seconds before a wait gives up; only a hang ever gets near it


class SharedDatabase:
    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.file = tmp_path / "shared.sqlite3"
        self.vendor = connection.vendor

    def url(self) -> str:
        if self.vendor == "sqlite":
            return f"sqlite:///{self.file}"
        s = connection.settings_dict
        return f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"

    def publish(self) -> None:
        """Before the workers start: make what this process wrote visible to them."""
        if self.vendor == "sqlite":
            connection.ensure_connection()
            target = sqlite3.connect(self.file)
            connection.connection.backup(target)
            # In WAL mode already, as `migrate` leaves a real database before any worker starts: two workers
            # each turning a rollback-journal file into WAL at once can deadlock, and one gets "locked".
            target.execute("PRAGMA journal_mode=WAL")
            target.close()

    def collect(self) -> None:
        """After the workers stopped: make what they wrote visible to this process."""
        if self.vendor == "sqlite":
            source = sqlite3.connect(self.file)
            source.backup(connection.connection)
            source.close()


@pytest.fixture
def shared_db(committed_world, tmp_path) -> SharedDatabase:
    return SharedDatabase(tmp_path)


class Processes:
    """Subprocesses of one test, each writing its output to a file; all stopped at the end."""

    def __init__(self, tmp_path: Path, env: dict[str, str]) -> None:
        self.tmp_path = tmp_path
        self.env = env
        self.started: list[tuple[str, subprocess.Popen[bytes], Path]] = []

    def start(self, label: str, argv: list[str], **options) -> subprocess.Popen[bytes]:
        out = self.tmp_path / f"{label}.out"
        with out.open("wb") as handle:  # the child keeps its own copy of the descriptor
            process = subprocess.Popen(  # noqa: S603
                argv, cwd=ROOT, env=self.env, stdout=handle, stderr=subprocess.STDOUT, **options
            )
        self.started.append((label, process, out))
        return process

    def worker(self, label: str, *args: str) -> subprocess.Popen[bytes]:
        code = (
            "import os, sys, django; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'safeguard.site.settings'); "
            "django.setup(); from tests.integration import jobs_fixtures; sys.exit(jobs_fixtures.main(sys.argv[1:]))"
        )
        return self.start(label, [sys.executable, "-c", code, "worker", "--interval", "0.1", *args])

    def output(self, label: str) -> str:
        for name, _, out in self.started:
            if name == label:
                return out.read_text(errors="replace")
        return ""

    def report(self) -> str:
        return "\n".join(f"--- {name} (exit {p.poll()}):\n{out.read_text(errors='replace')[-3000:]}"
                         for name, p, out in self.started)

    def wait_for(self, what: str, check: Callable[[], bool], alive: tuple[subprocess.Popen[bytes], ...] = ()) -> None:
        deadline = time.monotonic() + WAIT
        while not check():
            if time.monotonic() > deadline or any(p.poll() is not None for p in alive):
                pytest.fail(f"gave up waiting for {what}\n{self.report()}")
            time.sleep(0.1)

    def stop(self, process: subprocess.Popen[bytes]) -> int:
        process.terminate()
        return process.wait(timeout=WAIT)

    def close(self) -> None:
        for _, process, _ in self.started:
            if process.poll() is None:
                process.kill()
                process.wait()


@pytest.fixture
def processes(tmp_path, shared_db):
    env = {
        **os.environ,
        "SAFEGUARD_ENV": "test",
        "SAFEGUARD_HOME": str(ROOT),
        "DATABASE_URL": shared_db.url(),
        "PYTHONPATH": str(ROOT),
        "SAFEGUARD_TEST_LOG": str(tmp_path / "effects.log"),
        # Short heartbeats and lease, so a lost worker is noticed within a second or two.
        "JOBS_HEARTBEAT_SECONDS": "0.2",
        "JOBS_LEASE_SECONDS": "1.5",
        "JOBS_SCHEDULER_SECONDS": "0.3",
        "JOBS_LOST_TASK_RETRY_SECONDS": "0",
    }
    running = Processes(tmp_path, env)
    yield running
    running.close()


def test_a_task_killed_mid_way_is_retried_and_its_effects_happen_once(shared_db, processes, tmp_path):
    log = tmp_path / "effects.log"
    result = jobs_fixtures.two_part_import.enqueue(key="k1")
    shared_db.publish()

    first = processes.worker("worker-1")
    processes.wait_for("the first attempt to finish part 1", lambda: "waiting k1" in read_log(log), (first,))
    first.send_signal(signal.SIGKILL)
    assert first.wait(timeout=WAIT) == -signal.SIGKILL

    second = processes.worker("worker-2")
    processes.wait_for("the retry to finish part 2", lambda: "part-2 k1" in read_log(log), (second,))
    assert processes.stop(second) == 0, processes.report()
    shared_db.collect()

    lines = read_log(log)
    attempts = [line.split()[:3] for line in lines if line.startswith("attempt")]
    assert attempts == [["attempt", "1", "k1"], ["attempt", "2", "k1"]]
    assert lines.count("part-1 k1") == 1  # done on the first attempt, skipped on the retry
    assert lines.count("part-2 k1") == 1
    assert CompletedStep.objects.filter(key__in=["k1:part-1", "k1:part-2"]).count() == 2

    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == TaskResultStatus.SUCCESSFUL
    assert row.return_value == "done"
    assert len(row.worker_ids) == 2 and row.worker_ids[0] != row.worker_ids[1]


def test_two_workers_run_each_due_periodic_run_exactly_once(shared_db, processes, tmp_path):
    jobs = 12
    processes.env["SAFEGUARD_TEST_MINUTE_JOBS"] = str(jobs)
    log = tmp_path / "effects.log"
    shared_db.publish()

    workers = [processes.worker("worker-a"), processes.worker("worker-b")]
    processes.wait_for("both workers to start",
                       lambda: all("started" in processes.output(n) for n in ("worker-a", "worker-b")), tuple(workers))

    def ran() -> Counter[tuple[str, str]]:
        return Counter(tuple(line.split()[1:3]) for line in read_log(log) if line.startswith("ran test.minute-"))

    processes.wait_for(f"all {jobs} test jobs to run", lambda: len({job for job, _ in ran()}) == jobs, tuple(workers))
    # Let both schedulers go round several more times (every 0.3 s) before stopping them.
    time.sleep(2)
    for worker in workers:
        assert processes.stop(worker) == 0, processes.report()
    shared_db.collect()

    counts = ran()
    assert set(counts.values()) == {1}, f"a run happened more than once: {counts}"
    runs = JobRun.objects.filter(job__startswith="test.minute-")
    # One run per (job, due time) — usually one due time each, two if a minute turned meanwhile.
    assert {(r.job, r.due_at.isoformat()) for r in runs} == set(counts)
    assert {(r.status, r.attempts) for r in runs} == {(RunStatus.SUCCEEDED, 1)}
    # And each run's task was claimed by one worker only.
    tasks = DBTaskResult.objects.filter(pk__in=[r.task_result_id for r in runs])
    assert tasks.count() == runs.count()
    assert {len(t.worker_ids) for t in tasks} == {1}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _children(output: str) -> dict[str, int]:
    found = {}
    for line in output.splitlines():
        if line.startswith("Started the ") and "(process " in line:
            label = line.removeprefix("Started the ").split(" (process ")[0]
            found[label] = int(line.split("(process ")[1].rstrip(").").strip())
    return found


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def _start_run(processes: Processes, port: int) -> tuple[subprocess.Popen[bytes], dict[str, int]]:
    supervisor = processes.start(
        "run", [sys.executable, "-m", "safeguard.cli", "run", "--port", str(port), "--workers", "1"],
        start_new_session=True,  # its own process group, as `make run` is in a terminal
    )
    processes.wait_for("the web server and the worker to start", lambda: (
        len(_children(processes.output("run"))) == 2 and "Worker " in processes.output("run") and _healthy(port)
    ), (supervisor,))
    return supervisor, _children(processes.output("run"))


def test_ctrl_c_stops_the_web_server_and_the_worker(shared_db, processes):
    shared_db.publish()
    port = _free_port()
    supervisor, children = _start_run(processes, port)
    assert set(children) == {"web server", "worker"}

    os.killpg(supervisor.pid, signal.SIGINT)  # what Ctrl+C sends to the terminal's foreground group
    assert supervisor.wait(timeout=WAIT) == 0, processes.report()
    assert all(_gone(pid) for pid in children.values()), processes.report()
    assert not _healthy(port)


def test_if_one_process_stops_the_other_is_stopped_too(shared_db, processes):
    shared_db.publish()
    port = _free_port()
    supervisor, children = _start_run(processes, port)

    os.kill(children["worker"], signal.SIGKILL)
    assert supervisor.wait(timeout=WAIT) != 0
    assert "The worker stopped" in processes.output("run")
    assert _gone(children["web server"]), processes.report()
