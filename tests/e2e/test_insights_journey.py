"""In Chromium: an analyst asks whether the programme reduces sexual reoffending for medium-risk men
and whether OSP/DC predicts as well here for every group — charts, tables, intervals, downloads."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_journeys import sign_in
from tests.integration.insights_fixtures import synthetic_cohort


def test_analyst_answers_the_evaluation_question(live_server, e2e_world, watched_page, axe):
    synthetic_cohort(e2e_world, 1500, seed=6)
    page = watched_page
    sign_in(page, axe, live_server.url, "analyst")
    expect(page.get_by_test_id("insights-panel")).to_contain_text("1500 people are followed up")
    axe.check(page)

    page.get_by_role("link", name="Reoffending by programme (survival analysis)").click()
    expect(page.get_by_role("heading", name="Reoffending by programme", level=1)).to_be_visible()
    page.get_by_text("Filters", exact=True).click()
    page.get_by_label("Risk band").select_option("medium")
    page.get_by_label("Sex").select_option("male")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_test_id("cohort")).to_contain_text("men; medium band on OSP/DC")
    expect(page.get_by_test_id("survival-chart").locator("svg")).to_be_visible()
    expect(page.get_by_test_id("survival-table")).to_contain_text("Completed the programme")
    expect(page.get_by_test_id("cox-adjusted")).to_contain_text("Risk score (per point)")
    axe.check(page)
    page.screenshot(path=str(ARTIFACTS / "insights-survival.png"), full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    assert download.value.suggested_filename.startswith("insights-survival-")

    page.goto(f"{live_server.url}/insights/validation/?horizon=2&measure=sexual_contact&counted=proven")
    expect(page.get_by_test_id("auc")).to_contain_text("AUC")
    expect(page.get_by_test_id("excluded")).to_be_visible()
    expect(page.get_by_test_id("subgroups").first).to_contain_text("By age band")
    axe.check(page)
    page.screenshot(path=str(ARTIFACTS / "insights-validation.png"), full_page=True)
    assert page.problems == []


def test_analyst_publishes_and_the_public_reads_in_german(live_server, e2e_world, watched_page, axe):
    synthetic_cohort(e2e_world, 600, seed=8)
    page = watched_page
    sign_in(page, axe, live_server.url, "analyst")
    page.goto(f"{live_server.url}/insights/publish/")
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_test_id("publish-preview")).to_contain_text("Completed the programme")
    axe.check(page)
    page.get_by_role("button", name="Publish these figures").click()
    expect(page.get_by_test_id("public-table")).to_be_visible()
    page.get_by_role("link", name="Deutsch").click()
    expect(page.get_by_role("heading", name="Veröffentlichte Statistiken", level=1)).to_be_visible()
    expect(page.get_by_test_id("disclosure-note")).to_contain_text("[c] bedeutet")
    axe.check(page)
    page.screenshot(path=str(ARTIFACTS / "insights-public-de.png"), full_page=True)
    assert page.problems == []
