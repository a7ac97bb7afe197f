"""Background and scheduled work in one process, on a fixed clock: run keys, retries with backoff,
lost tasks, idempotent steps, housekeeping, the administrators' page and task progress.

The same behaviour with real worker processes (SIGKILL, two workers, `safeguard run`) is in
test_jobs_workers.py.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.template import engines
from django.test import RequestFactory
from django.urls import reverse
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from safeguard.jobs import registry, selectors, services
from safeguard.jobs.models import (
    CompletedStep,
    JobRun,
    ProgressStatus,
    RunStatus,
    TaskProgress,
    WorkerHeartbeat,
)
from safeguard.jobs.registry import PeriodicJob
from safeguard.jobs.schedules import DailyAt, Every
from safeguard.jobs.worker import run_pending
from tests.integration import jobs_fixtures

NOW = datetime(2026, 3, 2, 9, 7, 30, tzinfo=UTC)  # a Monday morning, 09:07:30 UTC (GMT)


class FixedClock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def test_job():
    """Register a job of this test's own; the registry is global, so remove it afterwards."""
    made: list[str] = []

    def make(name="test.job", schedule=None, func=None, **options) -> PeriodicJob:
        def default(*, now, due_at):
            return f"ran for {due_at:%H:%M}"

        job = registry.register(
            PeriodicJob(name=name, schedule=schedule or Every(timedelta(minutes=15)), func=func or default,
                        title="A test job", **options)
        )
        made.append(name)
        return job

    yield make
    for name in made:
        registry.unregister(name)


# ---------------------------------------------------------------- run keys


def test_a_due_job_is_enqueued_once_per_due_time(db, test_job):
    job = test_job()
    first = services.schedule_due(now=NOW, jobs=[job])
    assert [(r.job, r.due_at) for r in first] == [("test.job", datetime(2026, 3, 2, 9, 0, tzinfo=UTC))]
    # The same due time again, from this or another worker, a minute later: nothing new.
    assert services.schedule_due(now=NOW, jobs=[job]) == []
    assert services.schedule_due(now=NOW + timedelta(minutes=7), jobs=[job]) == []
    # The next due time (09:15) gets its own run.
    later = services.schedule_due(now=NOW + timedelta(minutes=8), jobs=[job])
    assert [r.due_at for r in later] == [datetime(2026, 3, 2, 9, 15, tzinfo=UTC)]
    assert JobRun.objects.count() == 2
    # Each run key has exactly one task in the queue, linked from the run.
    tasks = DBTaskResult.objects.filter(task_path="safeguard.jobs.tasks.run_periodic_job")
    assert tasks.count() == 2
    assert set(JobRun.objects.values_list("task_result_id", flat=True)) == set(tasks.values_list("id", flat=True))


def test_the_losing_insert_of_a_race_enqueues_nothing(db, test_job):
    # Two workers that both saw no run for 09:00 both try to insert it: the unique key lets one win,
    # and the loser's enqueue is rolled back with its insert.
    job = test_job()
    due = job.latest_due(NOW)
    winner = services._claim_run(job=job, due_at=due, now=NOW)
    loser = services._claim_run(job=job, due_at=due, now=NOW + timedelta(seconds=1))
    assert winner is not None and loser is None
    assert JobRun.objects.count() == 1
    assert DBTaskResult.objects.count() == 1


def test_missed_due_times_collapse_into_one_run(db, test_job):
    job = test_job(name="test.daily", schedule=DailyAt(datetime.strptime("02:00", "%H:%M").time()))
    services.schedule_due(now=datetime(2026, 2, 26, 3, 0, tzinfo=UTC), jobs=[job])
    # The workers were stopped for three days: one run, for the latest due time only.
    runs = services.schedule_due(now=NOW, jobs=[job])
    assert [r.due_at for r in runs] == [datetime(2026, 3, 2, 2, 0, tzinfo=UTC)]
    assert JobRun.objects.filter(job="test.daily").count() == 2


def test_every_app_job_is_declared_in_the_registry_with_a_schedule():
    housekeeping = registry.get("jobs.housekeeping")
    assert housekeeping is not None
    assert housekeeping.schedule.describe() == "Every day at 02:30 (UK time)"
    assert housekeeping.title


def test_a_name_cannot_be_registered_twice_for_different_code(test_job):
    test_job(name="test.twice")
    with pytest.raises(ValueError, match="already registered"):
        registry.register(PeriodicJob(name="test.twice", schedule=Every(timedelta(hours=1)), func=lambda **_: ""))


# ---------------------------------------------------------------- running, failures and retries


def test_the_worker_runs_a_due_run_and_records_its_summary(db, test_job):
    test_job()
    services.schedule_due(now=NOW, jobs=[registry.get("test.job")])
    assert run_pending() == 1
    run = JobRun.objects.get()
    assert (run.status, run.attempts, run.summary, run.error) == (RunStatus.SUCCEEDED, 1, "ran for 09:00", "")
    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL
    # Run again (a lost worker's attempt given back): a run that succeeded does nothing more.
    assert services.execute_run(run_id=run.pk, clock=FixedClock(NOW)) == "ran for 09:00"
    assert JobRun.objects.get().attempts == 1


def test_a_failing_job_is_retried_with_backoff_then_shown_as_failed(db, test_job, client, world):
    calls: list[datetime] = []

    def broken(*, now, due_at):
        calls.append(now)
        raise ValueError("the test register is unavailable\nDETAIL: a second line with values")

    job = test_job(func=broken, max_attempts=3, retry_base=timedelta(minutes=1))
    (run,) = services.schedule_due(now=NOW, jobs=[job])
    clock = FixedClock(NOW)
    expected_waits = [timedelta(minutes=1), timedelta(minutes=2)]
    for attempt, wait in enumerate(expected_waits, start=1):
        with pytest.raises(ValueError):
            services.execute_run(run_id=run.pk, clock=clock)
        run.refresh_from_db()
        assert run.status == RunStatus.RETRYING
        assert run.attempts == attempt
        assert run.next_attempt_at == clock.now + wait
        # Only the first line of the message: databases put the values involved in the next lines.
        assert run.error == "ValueError: the test register is unavailable"
        retry = DBTaskResult.objects.get(pk=run.task_result_id)
        assert (retry.status, retry.run_after) == (TaskResultStatus.READY, run.next_attempt_at)
        clock.now = run.next_attempt_at
    with pytest.raises(ValueError):
        services.execute_run(run_id=run.pk, clock=clock)
    run.refresh_from_db()
    assert (run.status, run.attempts, run.next_attempt_at) == (RunStatus.FAILED, 3, None)
    assert len(calls) == 3
    # The first task and one per retry; none is queued after the last attempt.
    assert DBTaskResult.objects.count() == 3

    # The failure is on the administrators' page (which shows the last 7 days), with its error.
    from django.utils import timezone

    from tests.conftest import sign_in

    JobRun.objects.filter(pk=run.pk).update(created_at=timezone.now())

    sign_in(client, world.users["admin"])
    page = client.get(reverse("jobs:overview")).content.decode()
    assert "Failed</strong> after 3 attempts" in page
    assert "ValueError: the test register is unavailable" in page
    assert "a second line with values" not in page


def test_the_worker_records_a_failed_attempt_and_queues_the_next(db, test_job):
    def broken(*, now, due_at):
        raise RuntimeError("test failure")

    test_job(func=broken, max_attempts=2, retry_base=timedelta(minutes=5))
    services.schedule_due(now=NOW, jobs=[registry.get("test.job")])
    run_pending()
    run = JobRun.objects.get()
    assert run.status == RunStatus.RETRYING
    first_task = DBTaskResult.objects.get(status=TaskResultStatus.FAILED)
    assert first_task.exception_class_path == "builtins.RuntimeError"
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY, pk=run.task_result_id).exists()


def test_a_run_of_a_job_that_no_longer_exists_fails_clearly(db, test_job):
    job = test_job(name="test.gone")
    (run,) = services.schedule_due(now=NOW, jobs=[job])
    registry.unregister("test.gone")
    with pytest.raises(LookupError, match=r"no periodic job named 'test\.gone'"):
        services.execute_run(run_id=run.pk, clock=FixedClock(NOW))
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert "test.gone" in run.error


# ---------------------------------------------------------------- lost workers


def _claimed_task(worker_id: str, started_at: datetime) -> DBTaskResult:
    result = jobs_fixtures.two_part_import.enqueue(key="lost")
    row = DBTaskResult.objects.get(pk=result.id)
    row.claim(worker_id)
    DBTaskResult.objects.filter(pk=row.pk).update(started_at=started_at)
    row.refresh_from_db()
    return row


def test_a_task_whose_worker_stopped_beating_goes_back_to_the_queue(db, settings):
    settings.SAFEGUARD_JOBS = {**settings.SAFEGUARD_JOBS, "LEASE_SECONDS": 60, "LOST_TASK_RETRY_SECONDS": 30}
    lease = services.LeaseSettings.from_settings()
    services.beat(worker_id="gone", now=NOW - timedelta(minutes=5))
    services.beat(worker_id="alive", now=NOW - timedelta(seconds=10))
    lost = _claimed_task("gone", NOW - timedelta(minutes=4))
    busy = _claimed_task("alive", NOW - timedelta(minutes=4))
    fresh = _claimed_task("gone", NOW - timedelta(seconds=30))  # started within the lease: wait
    assert services.recover_lost_tasks(now=NOW, lease=lease) == [str(lost.pk)]
    lost.refresh_from_db()
    assert (lost.status, lost.run_after) == (TaskResultStatus.READY, NOW + timedelta(seconds=30))
    for row in (busy, fresh):
        row.refresh_from_db()
        assert row.status == TaskResultStatus.RUNNING
    # A second sweep (another worker, same moment) finds nothing more to do.
    assert services.recover_lost_tasks(now=NOW, lease=lease) == []


def test_a_task_lost_too_often_fails_and_says_why(db, settings, world):
    settings.SAFEGUARD_JOBS = {**settings.SAFEGUARD_JOBS, "LOST_TASK_ATTEMPTS": 2, "LOST_TASK_RETRY_SECONDS": 0}
    lease = services.LeaseSettings.from_settings()
    row = _claimed_task("gone-1", NOW - timedelta(hours=1))
    run = JobRun.objects.create(job="test.job", due_at=NOW, created_at=NOW, task_result_id=row.pk,
                                status=RunStatus.RUNNING, attempts=1)
    progress = TaskProgress.objects.create(
        user=world.users["prob_prac"], membership=world.memberships["prob_prac"], title="Test export",
        task_result_id=row.pk, status=ProgressStatus.RUNNING, created_at=NOW, updated_at=NOW,
    )
    services.recover_lost_tasks(now=NOW, lease=lease)
    run.refresh_from_db()
    assert run.status == RunStatus.RETRYING and run.error == services.LOST_MESSAGE
    # Claimed again by another worker, which is lost too: that was the last attempt.
    row.refresh_from_db()
    row.claim("gone-2")
    DBTaskResult.objects.filter(pk=row.pk).update(started_at=NOW - timedelta(minutes=30))
    services.recover_lost_tasks(now=NOW, lease=lease)
    row.refresh_from_db()
    assert row.status == TaskResultStatus.FAILED
    assert row.exception_class_path == "safeguard.jobs.services.WorkerLost"
    run.refresh_from_db()
    progress.refresh_from_db()
    assert (run.status, run.error) == (RunStatus.FAILED, services.LOST_FINAL_MESSAGE)
    assert progress.status == ProgressStatus.FAILED


def test_heartbeats_are_one_row_per_worker(db):
    services.beat(worker_id="w1", now=NOW, hostname="test-host", pid=123)
    services.beat(worker_id="w1", now=NOW + timedelta(seconds=10))
    beat = WorkerHeartbeat.objects.get()
    assert (beat.hostname, beat.pid, beat.started_at, beat.last_seen_at) == (
        "test-host", 123, NOW, NOW + timedelta(seconds=10)
    )
    services.forget_worker(worker_id="w1")
    assert not WorkerHeartbeat.objects.exists()


# ---------------------------------------------------------------- idempotent steps


def test_a_step_is_done_once_however_often_its_task_runs(db):
    done: list[int] = []
    for attempt in range(3):
        with services.once("test:step", now=NOW) as first_time:
            if first_time:
                done.append(attempt)
    assert done == [0]
    assert CompletedStep.objects.filter(key="test:step").count() == 1


def test_a_step_that_fails_inside_is_not_marked_done(db):
    with pytest.raises(RuntimeError), services.once("test:failing", now=NOW) as first_time:
        assert first_time
        raise RuntimeError("test failure inside the step")
    assert not CompletedStep.objects.filter(key="test:failing").exists()
    with services.once("test:failing", now=NOW) as first_time:
        assert first_time


# ---------------------------------------------------------------- housekeeping


def test_housekeeping_removes_only_what_has_expired(db, settings):
    from axes.models import AccessAttempt
    from django.contrib.sessions.models import Session

    Session.objects.create(session_key="expired-test-session", session_data="", expire_date=NOW - timedelta(seconds=1))
    Session.objects.create(session_key="current-test-session", session_data="", expire_date=NOW + timedelta(minutes=5))
    old = AccessAttempt.objects.create(username="test-old", failures_since_start=1, get_data="", post_data="")
    recent = AccessAttempt.objects.create(username="test-recent", failures_since_start=1, get_data="", post_data="")
    AccessAttempt.objects.filter(pk=old.pk).update(attempt_time=NOW - settings.AXES_COOLOFF_TIME - timedelta(seconds=1))
    AccessAttempt.objects.filter(pk=recent.pk).update(attempt_time=NOW - timedelta(minutes=1))
    CompletedStep.objects.create(key="test:old", completed_at=NOW - timedelta(days=31))
    CompletedStep.objects.create(key="test:new", completed_at=NOW - timedelta(days=1))
    services.beat(worker_id="stopped-long-ago", now=NOW - timedelta(days=2))

    counts = services.housekeeping(now=NOW)

    assert counts["sessions"] == 1 and counts["sign_in_attempts"] == 1 and counts["steps"] == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == ["current-test-session"]
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["test-recent"]
    assert list(CompletedStep.objects.values_list("key", flat=True)) == ["test:new"]
    assert not WorkerHeartbeat.objects.exists()


# ---------------------------------------------------------------- the administrators' page and panel


def test_the_jobs_page_lists_schedules_workers_and_runs(db, world, as_user):
    client = as_user("admin")
    page = client.get(reverse("jobs:overview")).content.decode()
    assert "No worker is running" in page
    assert "Remove expired sessions" in page and "Every day at 02:30 (UK time)" in page
    assert "jobs.housekeeping" not in page  # the title, never the code name
    from django.utils import timezone

    services.beat(worker_id="test-worker", now=timezone.now(), hostname="test-host-zz", pid=4242)
    page = client.get(reverse("jobs:overview")).content.decode()
    assert "No worker is running" not in page
    assert "test-host-zz" in page


def _render_panel(actor) -> str:
    template = engines["django"].from_string('{% include "jobs/includes/admin_panel.html" %}')
    return template.render({"actor": actor}, RequestFactory().get("/"))


def test_the_dashboard_panel_is_for_platform_administrators_only(db, world):
    panel = _render_panel(world.actor("admin"))
    assert "Background jobs" in panel and "No worker is running" in panel
    assert "Nothing has failed in the last 7 days" in panel
    for name in ("prob_admin", "auditor", "prob_prac"):
        assert _render_panel(world.actor(name)).strip() == ""


def test_the_dashboard_panel_counts_recent_failures(db, world):
    JobRun.objects.create(job="test.job", due_at=NOW, created_at=NOW, status=RunStatus.FAILED, error="Test")
    from django.utils import timezone

    JobRun.objects.filter(job="test.job").update(created_at=timezone.now())
    assert "1 failed</strong> in the last 7 days" in _render_panel(world.actor("admin"))


# ---------------------------------------------------------------- progress of a task started from a page


def _start(world, name="prob_prac", total=4, **kwargs) -> TaskProgress:
    return services.progress_start(
        actor=world.actor(name), task=jobs_fixtures.count_to, title="Counting test rows", now=NOW,
        total=total, args=(total,), kwargs=kwargs,
    )


def test_progress_is_polled_until_done_then_links_to_the_result(db, world, as_user):
    progress = _start(world)
    client = as_user("prob_prac")
    url = reverse("jobs:progress", args=[progress.pk])
    waiting = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 1s"' in waiting
    assert "Waiting to start." in waiting
    # The live region is updated (out of band) only when what it says changes.
    assert 'hx-swap-oob="innerHTML"' in waiting
    again = client.get(url + "?said=queued", headers={"HX-Request": "true"}).content.decode()
    assert "hx-swap-oob" not in again

    assert run_pending() == 1
    done = client.get(url + "?said=queued", headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in done  # polling stops
    assert 'href="/dashboard/"' in done and "See the test result" in done
    assert 'hx-swap-oob="innerHTML">Finished. All test rows counted.' in done
    progress.refresh_from_db()
    assert (progress.status, progress.done) == (ProgressStatus.SUCCEEDED, 4)

    # Opened as a page (no JavaScript): the whole indicator with its live region.
    page = client.get(url).content.decode()
    assert 'role="status"' in page and "See the test result" in page


def test_progress_of_a_failed_task_says_so_and_stops(db, world, as_user):
    progress = _start(world, total=3, fail_at=2)
    run_pending()
    client = as_user("prob_prac")
    body = client.get(reverse("jobs:progress", args=[progress.pk]), headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in body
    assert "It could not be finished." in body
    assert "test rows could not be read" not in body  # the error is for administrators


def test_progress_shows_the_part_done(db, world):
    progress = _start(world, total=8)
    runner = services.Progress(str(progress.pk), clock=FixedClock(NOW))
    runner.start(total=8)
    runner.advance(3)
    view = selectors.progress_view(TaskProgress.objects.get(pk=progress.pk))
    assert (view.percent, view.announcement, view.finished) == (37, "About a quarter done.", False)


def test_progress_belongs_to_whoever_started_it_in_that_role(db, world, as_user, client):
    from safeguard.accounts.middleware import MEMBERSHIP_KEY
    from safeguard.accounts.models import Membership

    progress = _start(world)
    url = reverse("jobs:progress", args=[progress.pk])
    for other in ("prob_sup", "admin", "treat_prac"):
        assert as_user(other).get(url).status_code == 404
    client.logout()
    # The same person acting in another role does not see it either.
    second = Membership.objects.create(user=world.users["prob_prac"], agency=world.agencies["treatment"],
                                       role="practitioner")
    client = as_user("prob_prac")
    session = client.session
    session[MEMBERSHIP_KEY] = second.pk
    session.save()
    assert client.get(url).status_code == 404
    session[MEMBERSHIP_KEY] = world.memberships["prob_prac"].pk
    session.save()
    assert client.get(url).status_code == 200
