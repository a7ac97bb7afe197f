"""Browser journey: one administrator asks for the auditor role for a user, a second approves."""

from __future__ import annotations

from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from safeguard.accounts.models import Membership, User
from tests.conftest import password_hash
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_journeys import sign_in

REASON = "Covering the probation audit duties while the usual auditor is away."


def test_one_administrator_asks_for_the_auditor_role_and_another_approves(
    live_server, e2e_world, watched_page, axe
):
    second = User.objects.create(username="admin2", password=password_hash(), first_name="Second", last_name="Admin")
    TOTPDevice.objects.create(user=second, name="test", confirmed=True)
    Membership.objects.create(user=second, agency=e2e_world.agencies["admin"], role="administrator")
    page = watched_page

    # Administrator A asks.
    sign_in(page, axe, live_server.url, "admin")
    expect(page.get_by_role("heading", name="Administrator dashboard")).to_be_visible()
    page.get_by_role("link", name="Users", exact=True).click()
    page.get_by_role("link", name="prob_prac", exact=True).click()
    expect(page.get_by_role("heading", name="Prob_Prac")).to_be_visible()
    axe.check(page)
    page.screenshot(path=str(ARTIFACTS / "user-detail.png"), full_page=True)
    page.get_by_role("link", name="Change role in Test probation agency").click()
    page.get_by_label("Auditor", exact=True).check()
    page.get_by_role("button", name="Change role").click()
    expect(page.get_by_test_id("approval-needed")).to_be_visible()
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    axe.check(page)
    page.screenshot(path=str(ARTIFACTS / "role-reason-step.png"), full_page=True)
    page.get_by_label("Why is this change needed?").fill(REASON)
    page.get_by_role("button", name="Ask for approval").click()
    expect(page.get_by_test_id("request-state")).to_have_text("Waiting for a decision")
    expect(page.get_by_test_id("own-request")).to_contain_text("Another administrator must approve or refuse it")
    expect(page.get_by_role("button", name="Approve")).to_have_count(0)
    axe.check(page)
    page.get_by_role("button", name="Sign out").click()

    # Administrator B approves from their dashboard.
    sign_in(page, axe, live_server.url, "admin2")
    waiting = page.get_by_test_id("approvals-waiting")
    expect(waiting).to_contain_text("from Practitioner to Auditor")
    axe.check(page)
    waiting.get_by_role("link").first.click()
    expect(page.get_by_test_id("request-summary")).to_contain_text(REASON)
    axe.check(page)
    page.screenshot(path=str(ARTIFACTS / "approval-request.png"), full_page=True)
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_test_id("request-state")).to_have_text("Approved")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Approved")
    page.get_by_role("link", name="prob_prac").click()
    expect(page.get_by_test_id("roles")).to_contain_text("Auditor")
    axe.check(page)
    assert page.problems == []
    assert Membership.objects.get(pk=e2e_world.memberships["prob_prac"].pk).role == "auditor"
