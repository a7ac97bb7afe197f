"""The prevention service in Chromium, in English and in German: an anonymous person reads the help
pages (no cookie, nothing from elsewhere), starts a conversation, leaves, comes back with the code and
passphrase and reads the adviser's reply; the adviser finds it in the inbox; then a police officer, a
probation officer and an analyst look everywhere they can and find no trace of it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests import prevention_fixtures as fx
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_journeys import sign_in

WORDS = {
    "en": {
        "home": "Confidential help if you are worried about your sexual thoughts about children",
        "passphrase": "Choose a passphrase", "again": "Type your passphrase again", "first": "Your first message",
        "start": "Start the conversation", "leave": "Leave the conversation", "written": "I have written down my code",
        "code": "Reference code", "secret": "Passphrase", "open": "Open the conversation",
        "show": "Show my suggestions", "yes": "Yes", "no": "No", "left": "You have left the conversation",
        "nav": "Help pages", "module": "Getting through high-risk moments", "centres": "Find a centre",
        "urgent": "A child in danger now",
    },
    "de": {
        "home": "Vertrauliche Hilfe, wenn Sie sich wegen Ihrer sexuellen Gedanken über Kinder sorgen",
        "passphrase": "Wählen Sie eine Passphrase", "again": "Geben Sie Ihre Passphrase noch einmal ein",
        "first": "Ihre erste Nachricht", "start": "Gespräch beginnen", "leave": "Gespräch verlassen",
        "written": "Ich habe meinen Code aufgeschrieben", "code": "Referenzcode", "secret": "Passphrase",
        "open": "Gespräch öffnen", "show": "Meine Vorschläge zeigen", "yes": "Ja", "no": "Nein",
        "left": "Sie haben das Gespräch verlassen", "nav": "Hilfeseiten", "module": "Riskante Momente überstehen",
        "centres": "Ein Zentrum finden", "urgent": "Ein Kind ist jetzt in Gefahr",
    },
}


def watch(page, problems: list[str]) -> None:
    page.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
    page.on("response", lambda r: r.status >= 400 and problems.append(f"{r.status} {r.url}"))
    page.on("request", lambda r: not r.url.startswith(("http://localhost", "http://127.0.0.1", "data:"))
            and problems.append(f"external request: {r.url}"))


def new_page(browser, problems: list[str]):
    context = browser.new_context()
    page = context.new_page()
    watch(page, problems)
    return page


@pytest.mark.parametrize("language", ["en", "de"])
def test_anonymous_conversation_reply_and_no_trace_elsewhere(live_server, e2e_world, browser, axe, language):
    fx.make_centres(e2e_world)
    words = WORDS[language]
    base = live_server.url
    problems: list[str] = []
    phrase = f"{fx.PLANTED} synthetic words from the browser"
    reply_text = "A synthetic reply from the adviser."

    # The public pages: read, switch nothing, leave no cookie.
    person = new_page(browser, problems)
    person.goto(f"{base}/help/{language}/")
    expect(person.get_by_role("heading", level=1)).to_have_text(words["home"])
    axe.check(person)
    nav = person.get_by_role("navigation", name=words["nav"])
    for link in (words["centres"], words["urgent"]):
        nav.get_by_role("link", name=link).click()
        axe.check(person)
    person.goto(f"{base}/help/{language}/self-help/high-risk-moments")
    expect(person.get_by_role("heading", level=1)).to_have_text(words["module"])
    axe.check(person)
    person.goto(f"{base}/help/{language}/self-assessment")
    for index in range(7):  # the first answer of each question
        person.locator(f"#{('reasons', 'danger_now', 'images_now', 'time_with_children', 'coping', 'self_harm', 'talk')[index]}-0").check()
    axe.check(person)
    person.get_by_role("button", name=words["show"]).click()
    expect(person.get_by_test_id("urgent-guidance")).to_be_visible()
    axe.check(person)
    assert person.context.cookies() == []

    # Start a conversation: one cookie, the code shown.
    person.goto(f"{base}/help/{language}/messages/start")
    person.get_by_role("button", name=words["start"]).click()
    expect(person.locator(".govuk-error-summary")).to_be_visible()
    axe.check(person)
    # An empty form is answered 400 with the errors on the page: expected here, and nothing else.
    assert [p for p in problems if "400" not in p] == []
    problems.clear()
    assert person.context.cookies() == []
    person.get_by_label("Testcentre North (test)").check()
    person.get_by_label(words["passphrase"]).fill(fx.PASSPHRASE)
    person.get_by_label(words["again"]).fill(fx.PASSPHRASE)
    person.get_by_label(words["first"]).fill(phrase)
    person.get_by_role("button", name=words["start"]).click()
    code = person.get_by_test_id("reference-code").inner_text()
    cookies = person.context.cookies()
    assert [(c["name"], c["path"], c["httpOnly"], c["sameSite"]) for c in cookies] == [
        ("sg_help", "/help/", True, "Strict")]
    axe.check(person)
    person.screenshot(path=str(ARTIFACTS / f"prevention-code-{language}.png"), full_page=True)
    person.get_by_role("button", name=words["written"]).click()
    person.get_by_role("button", name=words["leave"]).click()
    expect(person.get_by_role("heading", level=1)).to_have_text(words["left"])
    assert person.context.cookies() == []

    # The adviser finds it in the inbox and replies.
    adviser = new_page(browser, problems)
    sign_in(adviser, axe, base, "prev_prac")
    adviser.get_by_role("link", name="Inbox").click()
    expect(adviser.get_by_test_id("inbox")).to_be_visible()
    axe.check(adviser)
    adviser.get_by_test_id("inbox").get_by_role("link").first.click()
    expect(adviser.get_by_test_id("staff-messages")).to_contain_text(phrase)
    axe.check(adviser)
    adviser.get_by_label("Your reply").fill(reply_text)
    adviser.get_by_role("button", name="Send the reply").click()
    expect(adviser.get_by_test_id("staff-messages")).to_contain_text(reply_text)
    adviser.screenshot(path=str(ARTIFACTS / f"prevention-adviser-{language}.png"), full_page=True)

    # The person comes back with the code and passphrase and reads the reply.
    again = new_page(browser, problems)
    again.goto(f"{base}/help/{language}/messages/return")
    axe.check(again)
    again.get_by_label(words["code"]).fill(code)
    again.get_by_label(words["secret"], exact=True).fill(fx.PASSPHRASE)
    again.get_by_role("button", name=words["open"]).click()
    expect(again.get_by_test_id("messages")).to_contain_text(reply_text)
    expect(again.get_by_test_id("messages")).to_contain_text(phrase)
    axe.check(again)
    again.screenshot(path=str(ARTIFACTS / f"prevention-reply-{language}.png"), full_page=True)
    again.get_by_role("button", name=words["leave"]).click()
    assert again.context.cookies() == []

    # Other agencies look everywhere they can go, and search for it: nothing.
    for who in ("police_prac", "prob_prac", "analyst"):
        other = new_page(browser, problems)
        sign_in(other, axe, base, who)
        visited = [other.content()]
        menu = other.get_by_role("navigation", name="Menu")
        for address in [a.get_attribute("href") for a in menu.get_by_role("link").all()]:
            other.goto(f"{base}{address}")
            visited.append(other.content())
            if other.get_by_role("searchbox").count() or other.locator("input[name=q]").count():
                other.goto(f"{base}{address}?q={fx.PLANTED}")
                visited.append(other.content().replace(f'value="{fx.PLANTED}"', ""))
        for address in ("/prevention/", "/api/v1/prevention/conversations", "/prevention/disclosures/"):
            response = other.goto(f"{base}{address}")
            assert response.status == 403, f"{who} {address}"
            visited.append(other.content())
        everything = "\n".join(visited)
        assert len(visited) >= 4
        assert "synthetic words from the browser" not in everything and code not in everything, who
        assert reply_text not in everything, who
        # The refusals asked for above (and the browser's console line about each) are expected.
        problems[:] = [p for p in problems if not p.startswith("403 ") and "status of 403" not in p]
    assert problems == []
