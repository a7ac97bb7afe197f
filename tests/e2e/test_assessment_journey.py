"""Browser journey: a probation officer completes a STABLE-2007 assessment through the generated form,
watching the live preview, then reads the result, the history chart and the comparison."""

from __future__ import annotations

from datetime import date

from playwright.sync_api import expect

from safeguard.assessments import services
from safeguard.assessments.forms import questions_for
from safeguard.instruments import registry
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_journeys import sign_in

STABLE = "stable-2007"


def answer(page, question, value) -> None:
    """Tick the radio the form shows for this answer (the form's own labels)."""
    wanted = "unknown" if value is None else ("true" if value is True else "false" if value is False else str(value))
    label = dict(question.choices)[wanted]
    page.get_by_role("group", name=question.title, exact=True).get_by_label(label, exact=True).check()


def test_probation_officer_completes_stable_2007_with_the_live_preview(live_server, e2e_world, watched_page, axe):
    page = watched_page
    person = e2e_world.persons["probation"]
    earlier = registry.example_input(STABLE)
    for day, coping in ((date(2025, 5, 6), 2), (date(2025, 11, 4), 1)):  # the last one is now overdue
        services.assessment_record(
            actor=e2e_world.actor("prob_prac"), person=person, instrument_id=STABLE, assessment_date=day,
            inputs={**earlier, "sex_as_coping": coping, "impulsive_acts": coping},
        )
    sign_in(page, axe, live_server.url, "prob_prac")
    due = page.get_by_test_id("needs-attention")
    expect(due).to_contain_text("1 overdue")
    expect(due).to_contain_text(person.full_name)
    axe.check(page)

    page.goto(f"{live_server.url}/people/{person.pk}/")
    expect(page.get_by_role("heading", name="Assessments", exact=True)).to_be_visible()
    axe.check(page)
    page.get_by_role("link", name="Start an assessment").click()
    expect(page.get_by_role("heading", name="Which instrument?")).to_be_visible()
    axe.check(page)
    page.get_by_role("button", name="Start").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose an instrument")
    axe.check(page)
    page.get_by_label("STABLE-2007").check()
    page.get_by_role("button", name="Start").click()

    expect(page.get_by_role("heading", name="STABLE-2007", exact=True)).to_be_visible()
    preview = page.get_by_test_id("preview")
    expect(preview).to_contain_text("No score yet: 1 of 15 questions answered")  # the previous total, prefilled
    expect(page.get_by_label("Previous STABLE-2007 total")).to_have_value("11")
    axe.check(page)

    questions = {q.name: q for q in questions_for(STABLE)}
    answers = registry.example_input(STABLE)
    items = [name for name in answers if questions[name].choices]
    first, rest = items[0], items[1:]
    answer(page, questions[first], answers[first])
    expect(preview).to_contain_text(f"2 of {len(questions)} questions answered")  # htmx live preview
    for name in rest:
        answer(page, questions[name], answers[name])
    expected = registry.score(STABLE, answers).points
    expect(page.get_by_test_id("preview-headline")).to_have_text(f"{expected} points")
    expect(preview.get_by_test_id("unverified-warning")).to_be_visible()
    axe.check(page)
    page.screenshot(path=str(ARTIFACTS / "assessment-form.png"), full_page=True)

    page.get_by_role("button", name="Complete assessment").click()
    expect(page.get_by_text("STABLE-2007 assessment completed.")).to_be_visible()
    expect(page.get_by_test_id("unverified-warning")).to_be_visible()
    expect(page.get_by_test_id("result-points")).to_contain_text(str(expected))
    expect(page.get_by_test_id("item-breakdown")).to_contain_text("Sex as coping")
    expect(page.get_by_test_id("source")).to_contain_text("Public Safety Canada")
    axe.check(page)
    page.screenshot(path=str(ARTIFACTS / "assessment-result.png"), full_page=True)

    page.get_by_role("link", name=f"Back to {person.full_name}'s assessments").click()
    expect(page.get_by_role("heading", name="Assessment history")).to_be_visible()
    expect(page.get_by_test_id("timeline")).to_contain_text("STABLE-2007")
    expect(page.get_by_test_id(f"chart-{STABLE}").locator("svg")).to_be_visible()
    axe.check(page)
    expect(page.get_by_test_id("timeline").locator(".moj-timeline__item")).to_have_count(3)
    page.screenshot(path=str(ARTIFACTS / "assessment-history.png"), full_page=True)
    page.get_by_role("link", name="Compare the latest results").click()
    expect(page.get_by_test_id("compare")).to_contain_text("STABLE-2007")
    axe.check(page)
    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_test_id("needs-attention")).to_contain_text("Nothing needs your attention now.")
    assert page.problems == []
