"""Browser journeys: MFA sign-in for two roles, their dashboards, a person's record and its audit trail."""

from __future__ import annotations

import re

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.conftest import TEST_PASSWORD
from tests.e2e.conftest import ARTIFACTS


def code_for(username: str) -> str:
    device = TOTPDevice.objects.get(user__username=username, confirmed=True)
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def sign_in(page, axe, base: str, username: str) -> None:
    page.goto(f"{base}/")
    expect(page.get_by_role("heading", name="Sign in to Safeguard")).to_be_visible()
    axe.check(page)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Enter your security code")).to_be_visible()
    axe.check(page)
    page.get_by_label("Security code").fill(code_for(username))
    page.get_by_role("button", name="Sign in").click()


def test_probation_officer_opens_a_record_and_sees_the_access_logged(
    live_server, e2e_world, watched_page, axe
):
    page = watched_page
    person = e2e_world.persons["probation"]
    sign_in(page, axe, live_server.url, "prob_prac")
    expect(page.get_by_role("heading", name="Practitioner dashboard")).to_be_visible()
    expect(page.get_by_test_id("identity")).to_contain_text("Test probation agency")
    expect(page.get_by_test_id("caseload-count")).to_have_text("2")
    expect(page.locator("body")).to_have_class(re.compile("govuk-frontend-supported"))
    axe.check(page)

    page.get_by_role("link", name="People", exact=True).click()
    expect(page.get_by_test_id("result-count")).to_have_text("2 people")
    page.get_by_label("Name, PNC number or reference").fill(person.reference)
    expect(page.get_by_test_id("result-count")).to_contain_text("1 person")  # htmx live search
    axe.check(page)
    page.get_by_role("link", name=f"{person.family_name}, {person.given_name}").click()
    expect(page.get_by_role("heading", name=person.full_name)).to_be_visible()
    log = page.get_by_test_id("access-log")
    expect(log).to_contain_text("prob_prac")
    expect(log).to_contain_text("person.view")
    axe.check(page)
    page.screenshot(path=str(ARTIFACTS / "person-record.png"), full_page=True)

    page.get_by_role("link", name="Add a case note").click()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the note")
    axe.check(page)
    page.get_by_label("Case note").fill("Synthetic note written in the browser test.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Synthetic note written in the browser test.")).to_be_visible()
    assert page.problems == []


def test_auditor_sees_their_dashboard_and_the_log(live_server, e2e_world, watched_page, axe):
    from safeguard.audit.services import record_event

    record_event(action="person.view", actor=e2e_world.actor("prob_prac"), obj=e2e_world.persons["probation"])
    page = watched_page
    sign_in(page, axe, live_server.url, "auditor")
    expect(page.get_by_role("heading", name="Auditor dashboard")).to_be_visible()
    expect(page.get_by_role("link", name="People", exact=True)).to_have_count(0)
    axe.check(page)
    page.get_by_role("link", name="Audit log").first.click()
    page.get_by_label("Action").select_option("person.view")
    page.get_by_role("button", name="Filter").click()
    table = page.get_by_test_id("audit-table")
    expect(table).to_contain_text("prob_prac")
    expect(table).to_contain_text(str(e2e_world.persons["probation"].pk)[:10])
    axe.check(page)
    page.screenshot(path=str(ARTIFACTS / "audit-log.png"), full_page=True)
    assert page.problems == []
    response = page.goto(f"{live_server.url}/people/")
    assert response.status == 403
    expect(page.get_by_role("heading", name="You do not have access to this page")).to_be_visible()
    axe.check(page)


def test_api_documentation_renders_from_local_assets(live_server, e2e_world, watched_page):
    """Swagger UI loads the OpenAPI document and lists the operations, with no console error and no
    external request (both checked by watched_page)."""
    page = watched_page
    page.goto(f"{live_server.url}/api/v1/docs")
    expect(page.get_by_text("/api/v1/sentencing/calculate").first).to_be_visible()
    expect(page.get_by_text("/api/v1/scores/{instrument_id}").first).to_be_visible()
    expect(page.locator(".errors-wrapper")).to_have_count(0)
