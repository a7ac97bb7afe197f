"""Public pages in a real browser: both languages, the switch, axe, no cookie, nothing from elsewhere."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS


def test_about_page_in_english_then_german_sets_no_cookie(live_server, watched_page, axe):
    page = watched_page
    page.goto(f"{live_server.url}/en/about")
    expect(page.get_by_role("heading", level=1)).to_have_text("About this service")
    axe.check(page)
    page.get_by_role("navigation", name="Choose a language").get_by_role("link", name="Deutsch").click()
    expect(page).to_have_url(f"{live_server.url}/de/about")
    expect(page.get_by_role("heading", level=1)).to_have_text("Über diesen Dienst")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    axe.check(page)
    page.screenshot(path=str(ARTIFACTS / "public-about-de.png"), full_page=True)
    assert page.context.cookies() == []
    page.get_by_role("navigation", name="Sprache wählen").get_by_role("link", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("About this service")
    assert page.context.cookies() == []
    assert page.problems == []  # no console error, no failed request, no request to another origin
