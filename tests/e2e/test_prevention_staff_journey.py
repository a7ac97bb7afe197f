"""Prevention staff in Chromium: the contact log, statistics, templates and the centre's details; a
centre offers an appointment from its waiting list; a supervisor asks for a safeguarding disclosure,
a second supervisor approves and records the release; the auditor reads the register; the centre
records the attended appointment and enrols the person on the prevention course under a pseudonym.
Axe on every page."""

from __future__ import annotations

from datetime import time, timedelta

from django.utils import timezone
from playwright.sync_api import expect

from safeguard.prevention.models import CentreReferral
from safeguard.programmes.models import GroupMember
from safeguard.programmes.scheduling import Slot
from tests import prevention_fixtures as fx
from tests import programmes_world as pwm
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_journeys import sign_in


def second_supervisor(world):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from safeguard.accounts.models import Membership, User
    from tests.conftest import password_hash

    user = User.objects.create(username="prev_sup2", password=password_hash(), first_name="Second")
    TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    Membership.objects.create(user=user, agency=world.agencies["prevention"], role="supervisor")


def test_staff_pages_waiting_list_and_the_disclosure_procedure(live_server, e2e_world, browser, axe):
    base = live_server.url
    conversation = fx.start(e2e_world, message="A synthetic message about a synthetic risk.")[0]
    referral = fx.referral(e2e_world, fx.start(e2e_world)[0], centre="other_prevention", days_ago=12)
    second_supervisor(e2e_world)

    supervisor = browser.new_context().new_page()
    sign_in(supervisor, axe, base, "prev_sup")
    expect(supervisor.get_by_test_id("prevention-panel")).to_contain_text("waiting for a reply")
    axe.check(supervisor)
    supervisor.get_by_role("link", name="Contact log").click()
    supervisor.get_by_role("link", name="Record a contact").click()
    supervisor.get_by_role("button", name="Save the contact").click()
    expect(supervisor.locator(".govuk-error-summary")).to_contain_text("Choose the channel")
    axe.check(supervisor)
    supervisor.get_by_label("Phone").check()
    today = timezone.localdate()
    supervisor.get_by_label("Day").fill(str(today.day))
    supervisor.get_by_label("Month").fill(str(today.month))
    supervisor.get_by_label("Year").fill(str(today.year))
    supervisor.get_by_label("Time it started").fill("00:00")
    supervisor.get_by_label("Duration in minutes").fill("15")
    supervisor.get_by_label("A professional").check()
    supervisor.get_by_label("Worried about someone else").check()
    supervisor.get_by_label("Safeguarding advice given").check()
    supervisor.get_by_role("button", name="Save the contact").click()
    expect(supervisor.get_by_test_id("contacts")).to_contain_text("A professional")
    axe.check(supervisor)
    for name in ("Statistics", "Disclosures"):
        supervisor.get_by_role("link", name=name, exact=True).click()
        axe.check(supervisor)
    for address in ("/prevention/templates/", "/prevention/centre/"):
        supervisor.goto(f"{base}{address}")
        axe.check(supervisor)

    supervisor.goto(f"{base}/prevention/conversations/{conversation.pk}/")
    axe.check(supervisor)
    supervisor.get_by_role("link", name="Ask for a safeguarding disclosure").click()
    axe.check(supervisor)
    supervisor.get_by_label("The imminent risk to an identified child").fill("A synthetic imminent risk.")
    supervisor.get_by_label("Receiving agency").fill("Testshire Police (test)")
    supervisor.get_by_label("Excerpt to release").fill("The synthetic excerpt.")
    supervisor.get_by_role("button", name="Ask for the disclosure").click()
    expect(supervisor.get_by_test_id("needs-second-supervisor")).to_be_visible()
    axe.check(supervisor)

    deciding = browser.new_context().new_page()
    sign_in(deciding, axe, base, "prev_sup2")
    deciding.get_by_role("link", name="Disclosures", exact=True).click()
    deciding.get_by_test_id("disclosure-register").get_by_role("link").first.click()
    deciding.get_by_role("button", name="Approve").click()
    expect(deciding.get_by_test_id("disclosure-summary")).to_contain_text("Approved, not yet released")
    deciding.get_by_role("button", name="Record the release").click()
    expect(deciding.get_by_test_id("disclosure-summary")).to_contain_text("Released")
    expect(deciding.get_by_test_id("excerpt")).to_have_text("The synthetic excerpt.")
    axe.check(deciding)
    deciding.screenshot(path=str(ARTIFACTS / "prevention-disclosure.png"), full_page=True)

    auditor = browser.new_context().new_page()
    sign_in(auditor, axe, base, "auditor")
    auditor.get_by_role("link", name="Disclosures", exact=True).click()
    register = auditor.get_by_test_id("disclosure-register")
    expect(register).to_contain_text("Testshire Police (test)")
    expect(register).not_to_contain_text("The synthetic excerpt.")
    axe.check(auditor)

    centre = browser.new_context().new_page()
    sign_in(centre, axe, base, "prev_other")
    centre.get_by_role("link", name="Waiting list").click()
    expect(centre.get_by_test_id("waiting-list")).to_contain_text(referral.reference)
    axe.check(centre)
    centre.get_by_role("link", name=referral.reference).click()
    soon = timezone.localdate() + timedelta(days=7)
    centre.get_by_label("Day").fill(str(soon.day))
    centre.get_by_label("Month").fill(str(soon.month))
    centre.get_by_label("Year").fill(str(soon.year))
    centre.get_by_label("Time of the appointment").fill("10:30")
    centre.get_by_label("Video call").check()
    centre.get_by_role("button", name="Offer the appointment").click()
    expect(centre.get_by_test_id("referral-summary")).to_contain_text("Appointment offered")
    axe.check(centre)
    centre.screenshot(path=str(ARTIFACTS / "prevention-referral.png"), full_page=True)

    # The person came to the appointment: the centre records it and enrols them on the centre's course.
    pw = pwm.build(e2e_world)
    course = pwm.group(pw, start=pwm.past_start(1), programme="prevention-course",
                       partner=e2e_world.agencies["other_prevention"], slots=(Slot(2, time(18, 30)),), max_size=4)
    expect(centre.get_by_test_id("attendance-not-yet")).to_be_visible()  # no attendance before the day
    CentreReferral.objects.filter(pk=referral.pk).update(appointment_at=timezone.now() - timedelta(hours=1))
    centre.reload()
    centre.get_by_role("button", name="The person attended").click()
    expect(centre.get_by_test_id("referral-summary")).to_contain_text("Attended")
    centre.get_by_role("button", name="Enrol on the prevention course").click()
    expect(centre.get_by_role("main")).to_contain_text(f"Enrolled on the prevention course {course.code} as PC-")
    axe.check(centre)
    [member] = GroupMember.objects.filter(group=course)
    referral.refresh_from_db()
    assert member.pseudonym == referral.course_pseudonym and member.person_id is None
    assert referral.conversation.reference_code not in member.pseudonym
