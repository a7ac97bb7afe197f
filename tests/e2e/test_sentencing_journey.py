"""Browser journey: a legal adviser walks a case from the offence to the notification period, sees a
refusal that says what is allowed, and opens the pre-sentence report. axe on every page."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, assert_no_horizontal_scroll
from tests.e2e.test_journeys import sign_in


def fill_date(page, label: str, iso: str) -> None:
    """Type a date into the GOV.UK date input (day, month and year boxes) named by its legend."""
    year, month, day = iso.split("-")
    group = page.get_by_role("group", name=re.compile(rf"^{re.escape(label)}"))
    group.get_by_label("Day").fill(str(int(day)))
    group.get_by_label("Month").fill(str(int(month)))
    group.get_by_label("Year").fill(year)


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
    fill_date(page, "Offence date", "2023-06-01")
    fill_date(page, "Conviction date", "2024-01-10")
    fill_date(page, "Sentencing date", "2024-02-01")
    page.get_by_label("Age at the offence").fill("40")
    page.get_by_label("Age at conviction").fill("40")
    save(page, axe)

    # 2. Harm and culpability: the choices come from the guideline data.
    expect(page.get_by_role("heading", name="Harm and culpability")).to_be_visible()
    page.get_by_label("Images involving penetrative sexual activity").check()
    page.get_by_label("Possession", exact=True).check()
    save(page, axe)

    # 3. Category, starting point and range, with reasons. In a magistrates' court the starting point
    # is above the 6-month maximum: the figures stand and the sentence waits for a position.
    expect(page.get_by_test_id("category-figures")).to_contain_text("Starting point 1 year's custody")
    expect(page.get_by_test_id("category-figures")).to_contain_text("Category A")
    expect(page.get_by_test_id("category-not-determined")).to_be_visible()
    expect(page.get_by_test_id("outstanding")).to_contain_text("is above the maximum of 6 months")
    save(page, axe, "Continue")

    # 4. Position within the range.
    expect(page.get_by_test_id("range")).to_contain_text("26 weeks' custody to 3 years' custody")
    page.get_by_label("Custody", exact=True).check()
    page.get_by_label("Length (custody, community order or conditional discharge)").fill("9m")
    save(page, axe)

    # 5. Guilty plea.
    page.get_by_label("At the first stage of proceedings").check()
    fill_date(page, "First hearing date", "2024-01-10")
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
    save(page, axe, "Save and check your answers")

    # Check your answers: every answer with a link to change it, which comes back here.
    expect(page.get_by_role("heading", name="Check your answers")).to_be_visible()
    expect(page.get_by_test_id("answers-1-offence")).to_contain_text("1 June 2023")
    axe.check(page)
    page.get_by_role("link", name="Change length (custody, community order or conditional discharge)").click()
    expect(page.get_by_role("heading", name="Position within the range")).to_be_visible()
    save(page, axe, "Save and return to your answers")
    expect(page.get_by_role("heading", name="Check your answers")).to_be_visible()
    page.get_by_role("link", name="See the result with every figure").click()

    # The scenario: its steps as a task list, and the result.
    expect(page.get_by_test_id("task-list-lead")).to_contain_text("Completed")
    expect(page.get_by_test_id("headline")).to_contain_text("6 months' custody, suspended for 2 years")
    expect(page.get_by_test_id("figures")).to_contain_text("Reduction in Sentence for a Guilty Plea")

    # The court's decision support summary (a pre-sentence report is probation's): every section, the
    # unverified banner, print and PDF controls.
    page.get_by_role("link", name="Decision support summary").click()
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
    save(page, axe, "Save and check your answers")
    page.get_by_role("link", name="Compare scenarios").click()
    table = page.get_by_test_id("comparison")
    expect(table).to_contain_text("6 months' custody, suspended for 2 years")
    expect(table).to_contain_text("High-level community order")
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
    dates = page.get_by_role("group", name=re.compile("^Sentencing date"))
    expect(dates.get_by_label("Day")).to_have_value("1")
    expect(dates.get_by_label("Year")).to_have_value("2024")
    axe.check(page)
    page.get_by_label(
        "Possession of indecent photographs of children (Criminal Justice Act 1988, s.160)"
    ).check()
    fill_date(page, "Offence date", "2023-05-01")
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
    fill_date(page, "First hearing date", "2024-01-10")
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


def test_probation_officer_finds_the_person_prepares_signs_and_downloads_the_report(
    live_server, e2e_world, watched_page, axe
):
    from safeguard.courts import services
    from safeguard.courts.models import SentencingCase
    from tests.integration.test_courts_services import PUBLISHED

    person = e2e_world.persons["probation"]
    page = watched_page
    sign_in(page, axe, live_server.url, "prob_prac")
    page.get_by_role("link", name="Start a case").click()
    expect(page.get_by_role("heading", name="Start a sentencing case")).to_be_visible()
    axe.check(page)
    # The search lists people as you type (htmx); it also works as a plain form without JavaScript.
    page.get_by_label("Search for the person").fill(person.reference)
    results = page.get_by_test_id("person-results-count")
    expect(results).to_contain_text("1 person matches")
    axe.check(page)
    page.get_by_label(re.compile(rf"{person.family_name}, {person.given_name} \({person.reference}\)")).check()
    page.get_by_role("button", name="Start the case").click()
    expect(page.get_by_role("heading", name="Offence and dates")).to_be_visible()
    case = SentencingCase.objects.get(person=person)
    scenario = case.scenarios.get()
    services.scenario_save_step(
        actor=e2e_world.actor("prob_prac"), case=case, scenario=scenario, step="notification", request=PUBLISHED
    )

    page.goto(f"{live_server.url}/sentencing/{case.pk}/")
    page.get_by_role("link", name="Edit the report details").click()
    axe.check(page)
    page.get_by_label("Suitability for community treatment").fill("Synthetic: ready for a group programme.")
    page.get_by_label("Proposal").fill("Synthetic: a suspended sentence order with a programme requirement.")
    page.get_by_label("Scenario 1").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("report-signature")).to_contain_text("Not signed yet")
    page.get_by_role("link", name="Pre-sentence report").click()
    expect(page.get_by_test_id("report-marking")).to_have_text("OFFICIAL-SENSITIVE")
    expect(page.get_by_test_id("report-signature")).to_contain_text("Not signed yet")
    axe.check(page)
    page.get_by_role("link", name="Sign the report").click()
    page.get_by_role("button", name="Sign the report").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Confirm that you have read the report")
    assert page.title().startswith("Error: ")
    axe.check(page)
    page.get_by_label("I have read this report and it is ready for the court").check()
    page.get_by_role("button", name="Sign the report").click()
    expect(page.get_by_test_id("report-signature")).to_contain_text("Practitioner, Test probation agency; signed")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as PDF").click()
    name = download.value.suggested_filename
    assert re.fullmatch(rf"pre-sentence-report-case-{case.pk}-\d{{4}}-\d{{2}}-\d{{2}}\.pdf", name), name
    assert person.family_name not in name and person.reference not in name
    page.screenshot(path=str(ARTIFACTS / "sentencing-report-signed.png"), full_page=True)
    assert page.problems == []


def test_step_two_running_result_names_the_factors_and_fits_the_window(live_server, e2e_world, watched_page, axe):
    """The running result beside step 2 once listed the allowed factor codes as one unbroken line
    wider than the page at 1280 px; it now names the factors as the form does and wraps."""
    from safeguard.courts import services

    actor = e2e_world.actor("court_prac")
    case = services.case_create(actor=actor, title="Layout check")
    scenario = case.scenarios.get()
    services.scenario_save_step(actor=actor, case=case, scenario=scenario, step="offence", request={
        "offence": "soa2003-s9", "offence_date": "2023-01-10", "conviction_date": "2023-09-01",
        "sentencing_date": "2023-10-02", "offender_age_at_offence": 30, "offender_age_at_conviction": 30,
        "victim_age": 14,
    })  # fmt: skip
    page = watched_page
    sign_in(page, axe, live_server.url, "court_prac")
    page.goto(f"{live_server.url}/sentencing/{case.pk}/scenarios/{scenario.pk}/factors/")
    running = page.get_by_test_id("running-result")
    expect(running).to_contain_text("Touching, or exposure, of naked genitalia or naked breasts")
    expect(running).not_to_contain_text("touching_or_exposure")
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 800})
        assert_no_horizontal_scroll(page)
    axe.check(page)
    assert page.problems == []
