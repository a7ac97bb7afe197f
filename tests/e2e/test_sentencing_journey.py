"""Browser journey: a legal adviser walks a case from the offence to the notification period, sees a
refusal that says what is allowed, and opens the pre-sentence report. axe on every page."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_journeys import sign_in


def save(page, axe, button: str = "Save and continue") -> None:
    page.get_by_role("button", name=button).click()
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    axe.check(page)


def test_legal_adviser_walks_a_case_to_the_notification_period_and_prints_the_report(
    live_server, e2e_world, watched_page, axe
):
    page = watched_page
    sign_in(page, axe, live_server.url, "court_prac")
    page.get_by_role("link", name="Sentencing", exact=True).click()
    expect(page.get_by_role("heading", name="Sentencing cases")).to_be_visible()
    axe.check(page)

    page.get_by_role("link", name="Start a case").click()
    axe.check(page)
    page.get_by_label("Title").fill("Image offence, worked example")
    page.get_by_role("button", name="Start the case").click()

    # 1. Offence and dates: first with nothing filled in, which is refused field by field.
    expect(page.get_by_role("heading", name="Offence and dates")).to_be_visible()
    axe.check(page)
    page.get_by_role("button", name="Save and continue").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Choose the offence")
    expect(summary).to_contain_text("Enter the offence date")
    axe.check(page)
    page.get_by_label(
        "Possession of indecent photographs of children (Criminal Justice Act 1988, s.160)"
    ).check()
    page.get_by_label("Magistrates' court").check()
    page.get_by_label("Offence date").fill("2023-06-01")
    page.get_by_label("Conviction date").fill("2024-01-10")
    page.get_by_label("Sentencing date").fill("2024-02-01")
    page.get_by_label("Age at the offence").fill("40")
    page.get_by_label("Age at conviction").fill("40")
    save(page, axe)

    # 2. Harm and culpability: the choices come from the guideline data.
    expect(page.get_by_role("heading", name="Harm and culpability")).to_be_visible()
    page.get_by_label("Images involving penetrative sexual activity").check()
    page.get_by_label("Possession", exact=True).check()
    save(page, axe)

    # 3. Category, starting point and range, with reasons (provisional until the plea here).
    expect(page.get_by_test_id("category-figures")).to_contain_text("Starting point 1 year's custody")
    expect(page.get_by_test_id("category-figures")).to_contain_text("Category A")
    save(page, axe, "Continue")

    # 4. Position within the range.
    expect(page.get_by_test_id("range")).to_contain_text("26 weeks' custody to 3 years' custody")
    page.get_by_label("Custody", exact=True).check()
    page.get_by_label("Length (custody, community order or conditional discharge)").fill("9m")
    save(page, axe)

    # 5. Guilty plea.
    page.get_by_label("At the first stage of proceedings").check()
    page.get_by_label("First hearing date").fill("2024-01-10")
    save(page, axe)
    expect(page.get_by_test_id("running-result")).to_contain_text(
        "9 months' custody reduced by one-third = 6 months' custody"
    )

    # 6. Other offences and the total: one offence here.
    expect(page.get_by_test_id("offence-lines")).to_contain_text("6 months' custody")
    save(page, axe)

    # 7. Custody threshold.
    page.locator("#id_threshold_passed_1").check()
    page.locator("#id_custody_unavoidable_1").check()
    save(page, axe)

    # 8. Suspension: an operational period outside 6 months to 2 years is refused, saying so.
    page.get_by_label("Yes, suspend it").check()
    page.get_by_label("Operational period").fill("3y")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("allowed: 6 months to 2 years")
    axe.check(page)
    page.get_by_label("Operational period").fill("2y")
    page.get_by_label("Programme requirement (accredited programme)").check()
    # Unpaid work on the suspended sentence order needs 40 to 300 hours: the engine says so on the field.
    page.get_by_label("Unpaid work requirement").check()
    page.get_by_label("Unpaid work hours").fill("20")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Unpaid work must be 40 to 300 hours; given: 20"
    )
    expect(page.locator("#id_unpaid_work_hours-error")).to_be_visible()
    axe.check(page)
    page.get_by_label("Unpaid work requirement").uncheck()
    page.get_by_label("Unpaid work hours").fill("")
    save(page, axe)
    expect(page.get_by_test_id("running-result")).to_contain_text(
        "Requirements: Programme requirement (accredited programme)"
    )

    # 9. Community requirements (not a community order here), 10. notification period.
    save(page, axe)
    expect(page.get_by_test_id("notification-panel")).to_contain_text("7 years (to 9 January 2031)")
    expect(page.get_by_test_id("unverified-warning").first).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "sentencing-notification.png"), full_page=True)
    save(page, axe, "Save and check the result")

    expect(page.get_by_test_id("headline")).to_contain_text("6 months' custody, suspended for 2 years")
    expect(page.get_by_test_id("figures")).to_contain_text("Reduction in Sentence for a Guilty Plea")

    # The report: every section, the unverified banner, print and PDF controls.
    page.get_by_role("link", name="Pre-sentence report").click()
    report = page.get_by_test_id("report")
    expect(report).to_contain_text("1. Offence analysis")
    expect(report).to_contain_text("3. Risk assessment results")
    expect(report).to_contain_text("No risk assessments recorded")
    expect(page.get_by_test_id("report-banner")).to_be_visible()
    expect(page.get_by_role("button", name="Print this report")).to_be_visible()
    axe.check(page)
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Print this report")).to_be_hidden()
    page.screenshot(path=str(ARTIFACTS / "sentencing-report-print.png"), full_page=True)
    page.emulate_media(media="screen")
    href = page.get_by_role("link", name="Download as PDF").get_attribute("href")
    pdf = page.request.get(f"{live_server.url}{href}")
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
    assert re.search(r"/sentencing/\d+/report/$", page.url)

    # The case, another scenario started from this one, and the comparison.
    page.get_by_role("link", name="Back to the case").click()
    expect(page.get_by_role("heading", name="Image offence, worked example")).to_be_visible()
    axe.check(page)
    page.get_by_role("link", name="Add a scenario").click()
    axe.check(page)
    page.get_by_label("Name of the scenario").fill("Community order with treatment")
    page.get_by_label("Start from").select_option(label="Scenario 1")
    page.get_by_role("button", name="Add the scenario").click()
    expect(page.get_by_role("heading", name="Position within the range")).to_be_visible()
    page.get_by_label("Community order", exact=True).check()
    page.get_by_label("High").check()
    page.get_by_label("Length (custody, community order or conditional discharge)").fill("")
    page.get_by_label("Reason for going outside the range").fill("Synthetic: treatment available now")
    save(page, axe)
    save(page, axe)  # plea as before
    save(page, axe)  # one offence
    page.locator("#id_threshold_passed_1").check()
    page.locator("#id_custody_unavoidable_2").check()
    save(page, axe)
    page.get_by_label("Not decided, or not a custodial sentence").check()
    save(page, axe)
    page.get_by_label("Length of the community order").fill("3y")
    page.get_by_label("Programme requirement (accredited programme)").check()
    save(page, axe)
    save(page, axe, "Save and check the result")
    page.get_by_role("link", name="Compare scenarios").click()
    table = page.get_by_test_id("comparison")
    expect(table).to_contain_text("6 months' custody, suspended for 2 years")
    expect(table).to_contain_text("high-level community order")
    expect(table).to_contain_text("Programme requirement (accredited programme) (suspended sentence order)")
    expect(table).to_contain_text("Not known: Safeguard holds no programme waiting times yet")
    axe.check(page)
    page.screenshot(path=str(ARTIFACTS / "sentencing-compare.png"), full_page=True)
    assert page.problems == []


def test_guideline_editor_records_a_verification_and_sees_the_upload_checks(
    live_server, e2e_world, watched_page, axe
):
    page = watched_page
    sign_in(page, axe, live_server.url, "guide_editor")
    page.get_by_role("link", name="Guidelines", exact=True).click()
    expect(page.get_by_role("heading", name="Guideline data")).to_be_visible()
    expect(page.get_by_test_id("guideline-version").first).to_be_visible()
    axe.check(page)
    page.get_by_role(
        "link", name=re.compile("Record a verification of Indecent photographs of children")
    ).click()
    axe.check(page)
    page.get_by_role("button", name="Record the verification").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the source you checked against")
    expect(summary).to_contain_text("Confirm that you checked every figure")
    axe.check(page)
    page.get_by_label("Starting points and ranges (the table)").check()
    page.get_by_label("Verified against").fill("Sentencing Council guideline, synthetic test reference")
    page.get_by_label("I have checked every figure").check()
    page.get_by_role("button", name="Record the verification").click()
    expect(page.get_by_text("Verification recorded.")).to_be_visible()
    expect(page.locator("main")).to_contain_text(
        "against “Sentencing Council guideline, synthetic test reference”"
    )
    axe.check(page)
    page.get_by_role("link", name="Load a guideline file").click()
    axe.check(page)
    page.get_by_role("button", name="Check and load the file").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose a guideline data file")
    axe.check(page)
    page.screenshot(path=str(ARTIFACTS / "guideline-upload.png"), full_page=True)
    assert page.problems == []


def test_legal_adviser_adds_a_consecutive_offence_and_sees_the_total(
    live_server, e2e_world, watched_page, axe
):
    from safeguard.courts import services
    from tests.integration.test_courts_offences import CROWN_LEAD

    actor = e2e_world.actor("court_prac")
    case = services.case_create(actor=actor, title="Two offences, worked example")
    scenario = case.scenarios.get()
    services.scenario_save_step(
        actor=actor, case=case, scenario=scenario, step="notification", request=CROWN_LEAD
    )

    page = watched_page
    sign_in(page, axe, live_server.url, "court_prac")
    page.goto(f"{live_server.url}/sentencing/{case.pk}/scenarios/{scenario.pk}/offences/")
    expect(page.get_by_role("heading", name="Other offences and the total")).to_be_visible()
    axe.check(page)
    page.get_by_role("button", name="Add another offence").click()

    expect(page.get_by_role("heading", name="Offence and dates")).to_be_visible()
    expect(page.get_by_text("Offence 2 (offence 2 of 2)")).to_be_visible()
    # The hearing details come from the lead offence.
    expect(page.get_by_label("Sentencing date")).to_have_value("2024-02-01")
    axe.check(page)
    page.get_by_label(
        "Possession of indecent photographs of children (Criminal Justice Act 1988, s.160)"
    ).check()
    page.get_by_label("Offence date").fill("2023-05-01")
    page.get_by_label("Age at the offence").fill("40")
    save(page, axe)
    page.get_by_label("Images involving non-penetrative sexual activity").check()
    page.get_by_label("Possession", exact=True).check()
    save(page, axe)
    save(page, axe, "Continue")
    page.get_by_label("Custody", exact=True).check()
    page.get_by_label("Length (custody, community order or conditional discharge)").fill("6m")
    save(page, axe)
    page.get_by_label("At the first stage of proceedings").check()
    page.get_by_label("First hearing date").fill("2024-01-10")
    save(page, axe)

    expect(page.get_by_role("heading", name="Relation to the lead sentence")).to_be_visible()
    page.get_by_label("Name of this offence").fill("Count 2")
    page.get_by_label("Consecutive: a custodial term served after the lead term").check()
    save(page, axe, "Save and return to all offences")

    expect(page.get_by_role("heading", name="Other offences and the total")).to_be_visible()
    expect(page.get_by_test_id("offence-lines")).to_contain_text("Count 2")
    expect(page.get_by_test_id("case-total")).to_contain_text("10 months' custody, suspended for 2 years")
    page.screenshot(path=str(ARTIFACTS / "sentencing-two-offences.png"), full_page=True)
    # A total longer than the arithmetic one is refused on its field.
    page.get_by_label("Total custodial term the court settles on").fill("2y")
    page.get_by_label("Reason for this total").fill("Synthetic example")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "is longer than the arithmetic total of 10 months"
    )
    axe.check(page)

    page.goto(f"{live_server.url}/sentencing/{case.pk}/scenarios/{scenario.pk}/")
    expect(page.get_by_test_id("headline")).to_contain_text("10 months' custody, suspended for 2 years")
    expect(page.get_by_test_id("offence-lines")).to_contain_text("Consecutive")
    axe.check(page)
