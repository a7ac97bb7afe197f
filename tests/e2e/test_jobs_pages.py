"""In Chromium: a task's progress is polled by htmx until it finishes, announced in a live region,
then polling stops; the administrators' "Background jobs" page. axe on both."""

from __future__ import annotations

from django.utils import timezone
from playwright.sync_api import expect

from safeguard.jobs import services
from safeguard.jobs.worker import run_pending
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_journeys import sign_in
from tests.integration import jobs_fixtures


def test_progress_is_followed_until_the_result_link_appears(live_server, e2e_world, watched_page, axe):
    page = watched_page
    progress = services.progress_start(
        actor=e2e_world.actor("prob_prac"), task=jobs_fixtures.count_to, title="Counting test rows",
        now=timezone.now(), total=5, args=(5,),
    )
    polls: list[str] = []
    page.on("request", lambda r: "/jobs/progress/" in r.url and r.headers.get("hx-request") and polls.append(r.url))
    sign_in(page, axe, live_server.url, "prob_prac")
    page.goto(f"{live_server.url}/jobs/progress/{progress.pk}/")
    status = page.get_by_role("status")
    expect(status).to_have_text("Waiting to start.")
    expect(page.locator("progress")).to_have_count(1)
    axe.check(page)
    for _ in range(100):  # the page asks again every second while the task waits
        if polls:
            break
        page.wait_for_timeout(200)
    assert polls, "the page did not poll for progress"

    assert run_pending() == 1  # the worker, in this process: the page finds out by polling
    expect(page.get_by_role("link", name="See the test result")).to_be_visible(timeout=15000)
    expect(status).to_have_text("Finished. All test rows counted.")
    expect(page.locator("progress")).to_have_count(0)
    axe.check(page)
    page.screenshot(path=str(ARTIFACTS / "task-progress.png"), full_page=True)
    seen = len(polls)
    page.wait_for_timeout(2500)  # two and a half polling periods
    assert len(polls) == seen, "polling went on after the task finished"
    assert page.problems == []


def test_administrator_sees_background_jobs(live_server, e2e_world, watched_page, axe):
    page = watched_page
    sign_in(page, axe, live_server.url, "admin")
    page.goto(f"{live_server.url}/jobs/")
    expect(page.get_by_role("heading", name="Background jobs", level=1)).to_be_visible()
    expect(page.get_by_test_id("scheduled")).to_contain_text("Every day at 02:30 (UK time)")
    expect(page.get_by_text("No worker is running.")).to_be_visible()
    axe.check(page)
    assert page.problems == []
