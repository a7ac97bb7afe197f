"""Browser journey: a probation officer's overdue home visit is on their dashboard and their supervisor's;
the officer finds it, records the visit, and it is gone from both dashboards.

The supervisor stays signed in in a second browser context (a security code is accepted once, so each
person signs in once), and reloads after the officer's visit is recorded.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from safeguard.supervision import services
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_journeys import sign_in


def _overdue_case(world):
    today = timezone.localdate()
    actor = world.actor("prob_prac")
    case = services.case_open(actor=actor, person=world.persons["probation"], officer=world.users["prob_prac"],
                              opened_on=today - timedelta(days=200), today=today)  # fmt: skip
    services.plan_save(actor=actor, case=case, reviewed_on=today - timedelta(days=20), review_every_months=12,
                       visit_override_months=None, visit_override_reason="", today=today)  # fmt: skip
    services.visit_record(actor=actor, case=case, visited_on=today - timedelta(days=45), kind="planned",
                          outcome="completed", officers=[world.users["prob_prac"]],
                          observations="Synthetic earlier visit.", today=today)  # fmt: skip
    return case


def test_an_officer_records_a_visit_and_the_overdue_item_leaves_both_dashboards(live_server, e2e_world, watched_page, axe):
    _overdue_case(e2e_world)
    person = e2e_world.persons["probation"]
    item = f"Home visit: {person.full_name}"

    supervisor = watched_page.context.browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(supervisor, axe, live_server.url, "prob_sup")
    team_panel = supervisor.get_by_test_id("supervision-panel")
    expect(team_panel).to_contain_text("Your team's supervision work due")
    expect(team_panel).to_contain_text(item)
    expect(team_panel).to_contain_text("Prob_Prac")  # the team view names the officer
    axe.check(supervisor)
    supervisor.get_by_role("link", name="The team's caseload").click()
    expect(supervisor.get_by_test_id("team-overdue")).to_contain_text("Prob_Prac")
    axe.check(supervisor)

    page = watched_page
    sign_in(page, axe, live_server.url, "prob_prac")
    panel = page.get_by_test_id("supervision-panel")
    expect(panel.get_by_test_id("supervision-overdue")).to_have_text("1 case with something overdue")
    expect(panel).to_contain_text(item)
    axe.check(page)
    page.screenshot(path=str(ARTIFACTS / "supervision-dashboard-before.png"), full_page=True)

    page.get_by_role("link", name="Caseload", exact=True).click()
    expect(page.get_by_test_id("caseload")).to_contain_text(person.full_name)
    axe.check(page)
    page.get_by_test_id("caseload").get_by_role("link", name=person.full_name).click()
    expect(page.get_by_test_id("next-visit")).to_contain_text("Overdue")
    axe.check(page)
    page.screenshot(path=str(ARTIFACTS / "supervision-person.png"), full_page=True)

    page.get_by_role("link", name="Record a visit").click()
    expect(page.get_by_role("heading", name="Record a home visit")).to_be_visible()
    tomorrow = timezone.localdate() + timedelta(days=1)
    date_boxes = page.get_by_role("group", name="Date of the visit")
    for label, value in (("Day", tomorrow.day), ("Month", tomorrow.month), ("Year", tomorrow.year)):
        date_boxes.get_by_label(label).fill(str(value))
    page.get_by_label("Unannounced").check()
    page.get_by_label("What you observed").fill("Synthetic: at home, new job confirmed.")
    page.get_by_role("button", name="Record the visit").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("A visit cannot be recorded as done on a date in the future")
    axe.check(page)
    today = timezone.localdate()
    for label, value in (("Day", today.day), ("Month", today.month), ("Year", today.year)):
        date_boxes.get_by_label(label).fill(str(value))
    page.get_by_role("button", name="Record the visit").click()
    expect(page.get_by_text("Visit recorded.")).to_be_visible()
    expect(page.get_by_test_id("next-visit")).not_to_contain_text("Overdue")
    expect(page.get_by_test_id("visits")).to_contain_text("Synthetic: at home, new job confirmed.")

    page.get_by_role("link", name="Dashboard", exact=True).click()
    expect(page.get_by_test_id("supervision-panel")).not_to_contain_text(item)
    expect(page.get_by_test_id("supervision-overdue")).to_have_count(0)
    axe.check(page)
    page.screenshot(path=str(ARTIFACTS / "supervision-dashboard-after.png"), full_page=True)

    supervisor.goto(f"{live_server.url}/dashboard/")
    expect(supervisor.get_by_test_id("supervision-panel")).not_to_contain_text(item)
    supervisor.goto(f"{live_server.url}/supervision/team/")
    expect(supervisor.get_by_test_id("team-overdue")).to_contain_text("No case of your team has anything overdue")
    supervisor.context.close()
    assert page.problems == [], page.problems
