"""Browser journeys of the programmes app (Debian's Chromium, axe on every page):

- a facilitator takes a twelve-person register with the keyboard alone, and the dashboard's
  "registers to take" and the due items drop it at once;
- issue 10's "done when": a programme manager sets up a group and allocates a person, the
  facilitator runs it and records completion, the referrer reads the end-of-programme report, and the
  prison's dashboard shows who is due for release without treatment.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from safeguard.assessments.ports import record_completed
from safeguard.core.due import DueQuery, due_items
from safeguard.instruments import registry
from safeguard.programmes.models import Attendance, CustodyPeriod, EndOfProgrammeReport, Referral
from tests import programmes_world as pwm
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_journeys import sign_in


def registers_due(pw) -> list:
    query = DueQuery(actor=pw.actor("treat_prac"), today=timezone.localdate())
    return [item for item in due_items(query) if item.kind == "programmes.register"]


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in to Safeguard")).to_be_visible()


def test_a_facilitator_takes_a_twelve_person_register_with_the_keyboard(live_server, e2e_world, watched_page, axe):
    pw = pwm.build(e2e_world)
    group = pwm.group(pw, start=pwm.past_start(2))
    members = pwm.members(pw, group, 12)
    due_before = registers_due(pw)
    assert len(due_before) >= 2
    page = watched_page
    sign_in(page, axe, live_server.url, "treat_prac")
    panel = page.get_by_test_id("facilitator-panel")
    expect(panel.get_by_test_id("registers-to-take")).to_contain_text(f"{len(due_before)} sessions without a register")
    axe.check(page)

    first = group.sessions.order_by("day").first()
    panel.get_by_role("link", name=f"{group.code}, session 1").click()
    expect(page.get_by_role("heading", name=f"Register: session 1, {first.name}")).to_be_visible()
    expect(page.get_by_test_id("register").locator("tbody tr")).to_have_count(12)
    axe.check(page)

    # Keyboard only: Space chooses "Attended – complied" for the row in focus, the arrow keys move to
    # another outcome, Tab goes on to the next person and finally to the button.
    rows = page.get_by_test_id("register").locator("tbody tr")
    rows.nth(0).locator("input").first.focus()
    keys = 0
    for index in range(12):
        page.keyboard.press("Space")
        keys += 1
        if index == 0:
            for _ in range(3):  # to "Absent, unacceptable"
                page.keyboard.press("ArrowRight")
                keys += 1
        page.keyboard.press("Tab")
        keys += 1
    expect(page.get_by_role("button", name="Save the register")).to_be_focused()
    page.screenshot(path=str(ARTIFACTS / "programmes-register.png"), full_page=True)
    page.keyboard.press("Enter")
    keys += 1
    assert keys == 28  # 12 people: about two keys each

    expect(page.get_by_text(f"Register saved for {group.code}, session 1.")).to_be_visible()
    expect(page.get_by_test_id("register-taken")).to_be_visible()
    axe.check(page)
    outcomes = dict(Attendance.objects.filter(session=first).values_list("member_id", "outcome"))
    assert len(outcomes) == 12
    assert set(outcomes) == {m.pk for m in members}
    assert sorted(outcomes.values()).count("unacceptable_absence") == 1
    assert sorted(outcomes.values()).count("attended_complied") == 11

    page.get_by_role("link", name="Dashboard", exact=True).click()
    expect(page.get_by_test_id("registers-to-take")).to_contain_text(f"{len(due_before) - 1} session")
    expect(page.get_by_test_id("homework-to-review")).to_be_visible()
    axe.check(page)
    assert [i.key for i in registers_due(pw)] == [i.key for i in due_before if i.key != f"programmes.register:{first.pk}"]
    assert page.problems == []


def test_done_when_a_group_runs_to_completion_and_the_prison_sees_who_leaves_untreated(
    live_server, e2e_world, watched_page, axe
):
    pw = pwm.build(e2e_world)
    referral = pwm.referral(pw, state="assessed_suitable")
    page = watched_page
    base = live_server.url

    # The programme manager sets up a group (from today) and allocates the person.
    sign_in(page, axe, base, "treat_sup")
    expect(page.get_by_test_id("manager-panel")).to_be_visible()
    axe.check(page)
    page.goto(f"{base}/programmes/groups/new/")
    axe.check(page)
    page.get_by_label("Programme", exact=True).select_option("community-image-course")
    page.get_by_label("Site").select_option(label="Test Centre")
    page.get_by_label("Room").select_option(label="Test Centre, Room A")
    start = timezone.localdate()
    page.get_by_label("Day", exact=True).fill(str(start.day))
    page.get_by_label("Month", exact=True).fill(str(start.month))
    page.get_by_label("Year", exact=True).fill(str(start.year))
    page.get_by_label(start.strftime("%A")).check()
    page.get_by_label("Start time").fill("00:00")
    page.get_by_label("Treat_Prac", exact=True).check()
    page.get_by_label("Sexual offence", exact=True).check()
    page.get_by_role("button", name="Set up and plan the sessions").click()
    expect(page.get_by_text("and its sessions planned")).to_be_visible()
    axe.check(page)
    page.get_by_role("link", name="Allocate a person").click()
    page.get_by_label(referral.person.full_name, exact=False).check()
    page.get_by_label("Day", exact=True).fill(str(start.day))
    page.get_by_label("Month", exact=True).fill(str(start.month))
    page.get_by_label("Year", exact=True).fill(str(start.year))
    page.get_by_role("button", name="Allocate").click()
    expect(page.get_by_test_id("group-places")).to_contain_text("1 of 12 taken")
    page.screenshot(path=str(ARTIFACTS / "programmes-group.png"), full_page=True)
    sign_out(page)

    # The facilitator starts the programme, takes the first register and records completion.
    sign_in(page, axe, base, "treat_prac")
    page.goto(f"{base}/programmes/referrals/{referral.pk}/")
    page.get_by_role("link", name="Start the programme").click()
    page.get_by_role("button", name="Start the programme").click()
    expect(page.get_by_test_id("referral-state")).to_have_text("On programme")
    page.get_by_role("link", name="Dashboard", exact=True).click()
    page.get_by_test_id("registers-to-take").get_by_role("link").first.click()
    page.get_by_label("Attended, complied").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Save the register").click()
    expect(page.get_by_test_id("register-taken")).to_be_visible()
    page.goto(f"{base}/programmes/referrals/{referral.pk}/")
    page.get_by_role("link", name="Record completion").click()
    page.get_by_label("Summary for the end-of-programme report").fill("Synthetic: attended and engaged.")
    axe.check(page)
    page.get_by_role("button", name="Record completion").click()
    expect(page.get_by_test_id("referral-state")).to_have_text("Programme complete")
    assert EndOfProgrammeReport.objects.filter(referral=referral).exists()
    sign_out(page)

    # The referrer receives the report.
    sign_in(page, axe, base, "prob_prac")
    reports = page.get_by_test_id("reports-to-read")
    expect(reports).to_contain_text(referral.person.full_name)
    reports.get_by_role("link").click()
    expect(page.get_by_test_id("report-outcome")).to_contain_text("Completed the programme")
    expect(page.get_by_test_id("report")).to_contain_text("OFFICIAL-SENSITIVE")
    axe.check(page)
    page.screenshot(path=str(ARTIFACTS / "programmes-report.png"), full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as PDF").click()
    assert download.value.suggested_filename.startswith(f"end-of-programme-report-{Referral.objects.get(pk=referral.pk).reference}")
    page.get_by_role("link", name="Dashboard", exact=True).click()
    expect(page.get_by_test_id("reports-to-read")).not_to_contain_text(referral.person.full_name)
    sign_out(page)

    # The prison's dashboard shows who is due for release without the programme their pathway calls for.
    held = pwm.person(pw, owner="prison", linked=("prison",))
    CustodyPeriod.objects.create(person=held, prison=pw.agencies["prison"], recorded_by=pw.world.users["prison_prac"],
                                 expected_release_on=timezone.localdate() + timedelta(days=45))
    record_completed(actor=pw.actor("prison_prac"), person=held, instrument_id="pni",
                     inputs={**registry.example_input("pni"), "supervision_status": "custody", "sara_risk_to_others": "medium"})
    sign_in(page, axe, base, "prison_prac")
    panel = page.get_by_test_id("release-panel")
    expect(panel).to_contain_text(held.full_name)
    expect(panel).to_contain_text("Moderate intensity")
    expect(panel).to_contain_text("Not referred")
    axe.check(page)
    page.screenshot(path=str(ARTIFACTS / "programmes-prison-dashboard.png"), full_page=True)
    assert page.problems == []
