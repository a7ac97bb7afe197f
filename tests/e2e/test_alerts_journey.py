"""Browser journey: a probation officer sees an overdue reassessment on the dashboard, acknowledges
it on the alerts page, and their supervisor sees it acknowledged in the team view."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from safeguard.assessments import services
from safeguard.calendar.dates import add_months
from safeguard.core.due import describe_due
from safeguard.instruments import registry
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_journeys import sign_in

STABLE = "stable-2007"


def test_overdue_item_on_the_dashboard_acknowledged_on_the_alerts_page(live_server, e2e_world, watched_page, axe):
    page = watched_page
    person = e2e_world.persons["probation"]
    today = timezone.localdate()
    done = today - timedelta(days=190)
    services.assessment_record(
        actor=e2e_world.actor("prob_prac"), person=person, instrument_id=STABLE,
        inputs=registry.example_input(STABLE), assessment_date=done,
    )
    overdue = describe_due(add_months(done, 6), today)
    title = f"STABLE-2007 reassessment: {person.full_name}"

    sign_in(page, axe, live_server.url, "prob_prac")
    panel = page.get_by_test_id("needs-attention")
    expect(panel).to_contain_text("1 item waiting, 1 overdue")
    expect(panel.get_by_role("link", name=title)).to_be_visible()
    expect(panel).to_contain_text(overdue)
    expect(panel).to_contain_text("STABLE-2007 is repeated every 6 months")
    axe.check(page)
    page.screenshot(path=str(ARTIFACTS / "alerts-dashboard.png"), full_page=True)

    page.get_by_role("link", name="Alerts", exact=True).click()
    expect(page.get_by_role("heading", name="Your alerts")).to_be_visible()
    axe.check(page)
    page.get_by_role("button", name="Acknowledge selected").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select at least one item to acknowledge")
    axe.check(page)
    page.get_by_label(title).check()
    page.get_by_role("button", name="Acknowledge selected").click()
    expect(page.get_by_text("1 item acknowledged.")).to_be_visible()
    acknowledged = page.get_by_test_id("alerts-acknowledged")
    expect(acknowledged).to_contain_text(title)
    expect(acknowledged).to_contain_text(overdue)
    expect(acknowledged).to_contain_text("You acknowledged it on")
    expect(page.get_by_text("Nothing needs your attention now.")).to_be_visible()
    axe.check(page)
    page.screenshot(path=str(ARTIFACTS / "alerts-page.png"), full_page=True)

    page.get_by_role("link", name="Dashboard", exact=True).click()
    panel = page.get_by_test_id("needs-attention")
    expect(panel).to_contain_text("Nothing needs your attention now.")
    expect(panel).to_contain_text("(1 acknowledged)")
    assert page.problems == []


def test_supervisor_sees_the_team_items_by_owner(live_server, e2e_world, watched_page, axe):
    page = watched_page
    person = e2e_world.persons["probation"]
    today = timezone.localdate()
    services.assessment_record(
        actor=e2e_world.actor("prob_prac"), person=person, instrument_id=STABLE,
        inputs=registry.example_input(STABLE), assessment_date=today - timedelta(days=200),
    )
    sign_in(page, axe, live_server.url, "prob_sup")
    page.get_by_test_id("needs-attention").get_by_role("link", name="Your team's due items").click()
    expect(page.get_by_role("heading", name="Your team's due items")).to_be_visible()
    expect(page.get_by_test_id("team-owners")).to_contain_text("Prob_Prac")
    item = page.get_by_test_id("team-item")
    expect(item).to_contain_text(f"STABLE-2007 reassessment: {person.full_name}")
    expect(item).to_contain_text("Prob_Prac: not acknowledged")
    axe.check(page)
    page.get_by_label("Whose items").select_option(label="Prob_Prac")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", name="Prob_Prac's items, most overdue first")).to_be_visible()
    axe.check(page)
    page.screenshot(path=str(ARTIFACTS / "alerts-team.png"), full_page=True)
    assert page.problems == []
