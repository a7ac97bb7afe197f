"""A referral made step by step in the browser (the platform's step framework, axe on every page):
Enter in a date box continues rather than going back, "Back" and "Change" keep every answer, and
nothing is saved before the check."""

from __future__ import annotations

from playwright.sync_api import expect

from safeguard.programmes.models import Referral
from tests import programmes_world as pwm
from tests.e2e.conftest import assert_fits_every_width
from tests.e2e.test_journeys import sign_in


def test_a_self_referral_is_made_in_steps_and_checked_before_it_is_saved(live_server, e2e_world, watched_page, axe):
    pw = pwm.build(e2e_world)
    person = pwm.person(pw)
    page = watched_page
    sign_in(page, axe, live_server.url, "treat_prac")
    page.goto(f"{live_server.url}/people/{person.pk}/")
    page.get_by_role("link", name="Refer to a programme").click()

    expect(page.get_by_role("heading", name="Programme and provider")).to_be_visible()
    expect(page.get_by_text("Step 1 of 3")).to_be_visible()
    axe.check(page)
    assert_fits_every_width(page)
    page.get_by_label("Programme", exact=True).select_option("community-image-course")
    page.get_by_label("Provider and site").select_option(label="Test treatment agency: Test Centre")
    page.get_by_label("In the community").check()
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", name="Kind of referral")).to_be_visible()
    axe.check(page)
    page.get_by_label("Day", exact=True).fill("2")
    page.get_by_label("Month", exact=True).fill("3")
    page.get_by_label("Year", exact=True).fill("2025")
    page.get_by_label("Year", exact=True).press("Enter")  # the form's first button is "Continue"

    expect(page.get_by_role("heading", name="Why the person is referred")).to_be_visible()
    axe.check(page)
    page.get_by_label("Why the person is referred").fill("Synthetic reasons for the browser test.")
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", name="Check the referral before you save it")).to_be_visible()
    expect(page.get_by_text("2 March 2025")).to_be_visible()
    axe.check(page)
    assert_fits_every_width(page)
    page.get_by_role("button", name="Back to the previous step").click()
    expect(page.get_by_label("Why the person is referred")).to_have_value("Synthetic reasons for the browser test.")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Change provider and site").click()
    expect(page.get_by_label("Provider and site")).to_have_value(str(pw.site.pk))
    axe.check(page)
    page.get_by_role("button", name="Continue to check your answers").click()
    expect(page.get_by_role("heading", name="Check the referral before you save it")).to_be_visible()
    assert not Referral.objects.exists()

    page.get_by_role("button", name="Save as a draft").click()
    expect(page.get_by_text("Referral saved as a draft")).to_be_visible()
    referral = Referral.objects.get()
    assert (referral.source, str(referral.consent_given_on)) == ("self", "2025-03-02")
