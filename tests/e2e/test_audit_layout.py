"""The audit log fits the page at 1280 px and at 375 px: no horizontal scroll, every column seen."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_journeys import sign_in

LONG_REASON = (
    "Preparing the multi-agency public protection meeting on Thursday with the police offender "
    "manager and the treatment provider's group facilitator"
)


def _fill_the_log(world) -> None:
    """Events with the widest content the table shows: full ids, long names, reasons, refusals."""
    from safeguard.audit.services import record_aggregate, record_event

    actor = world.actor("prob_prac")
    for person in world.persons.values():
        record_event(action="person.view", actor=actor, obj=person, justification=LONG_REASON)
    record_event(action="sentencing.case.person_choices", actor=actor, object_type="courts.SentencingCase",
                 object_id="0f0e0d0c-0b0a-4908-8706-050403020100", outcome="failure")
    record_event(action="audit.view", actor=actor, outcome="denied", endpoint="GET /audit/",
                 details={"status": 403})
    record_event(action="sign_in.password", username="someone-with-a-rather-long-username@example.invalid",
                 outcome="failure")
    record_aggregate(action="list.export", actor=actor, object_type="courts.SentencingCase", description={
        "list": "sentencing.cases", "format": "xlsx", "filters": {"q": "Testington", "status": "open"}, "rows": 48213,
    })


def _page_scrolls_sideways(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth")


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (375, 812)])
def test_the_audit_log_needs_no_horizontal_scroll(live_server, e2e_world, watched_page, axe, width, height):
    _fill_the_log(e2e_world)
    page = watched_page
    page.set_viewport_size({"width": width, "height": height})
    sign_in(page, axe, live_server.url, "auditor")
    expect(page.get_by_role("heading", name="Auditor dashboard")).to_be_visible()
    page.goto(f"{live_server.url}/audit/")
    table = page.get_by_test_id("audit-table")
    expect(table).to_contain_text(str(e2e_world.persons["probation"].pk))
    expect(table).to_contain_text("Refused: the role does not allow it")
    expect(table.get_by_test_id("kind")).to_have_text("Aggregate extract")
    assert not _page_scrolls_sideways(page)
    right = table.evaluate("t => t.getBoundingClientRect().right")
    assert right <= width
    # The last column's content lies within the page's width, not cut off at its right.
    left, right = table.get_by_text("Denied").first.evaluate(
        "e => [e.getBoundingClientRect().left, e.getBoundingClientRect().right]"
    )
    assert 0 <= left < right <= width
    axe.check(page)
    page.screenshot(path=str(ARTIFACTS / f"audit-log-{width}.png"), full_page=True)

    person = e2e_world.persons["probation"]
    page.get_by_role("link", name=f"Events for this record (Person {person.pk})").first.click()
    expect(page.get_by_label("Record type")).to_have_value("people.Person")
    expect(page.get_by_label("Record id")).to_have_value(str(person.pk))
    expect(table.get_by_test_id("record-id")).to_have_text([str(person.pk)])
    assert not _page_scrolls_sideways(page)
    assert page.problems == []
