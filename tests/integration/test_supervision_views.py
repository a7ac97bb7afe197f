"""Supervision pages and due items: the caseload in attention order with keyset pages, filters and CSV; the
team view; the person's record behind the police justification; forms that show the service's refusal on
its field; due items at their boundaries and in their scope; query counts independent of the data size."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from safeguard.accounts.choices import SharingBasis
from safeguard.audit.models import AuditEvent
from safeguard.core.due import DueQuery, due_items
from safeguard.people.models import Person, PersonAgencyLink
from safeguard.supervision import config, selectors, services
from safeguard.supervision.models import SupervisionCase, Visit
from tests.conftest import sign_in
from tests.form_data import typed
from tests.integration.supervision_helpers import police_case, requirement
from tests.integration.test_courts_views import text_of
from tests.integration.test_plain_words import Pages, developer_words

TODAY = timezone.localdate()


def make_cases(world, count: int, *, officer: str = "prob_prac", start: int = 0, visited_days_ago: int = 40):
    """`count` persons linked to probation, each supervised by `officer`, visited some days ago."""
    cases = []
    for i in range(start, start + count):
        person = Person.objects.create(reference=f"PSUP{i:04d}", given_name="Testy", family_name=f"Caseload{i:03d}",
                                       date_of_birth=date(1980, 1, 1), owner_agency=world.agencies["probation"])  # fmt: skip
        PersonAgencyLink.objects.create(person=person, agency=world.agencies["probation"], basis=SharingBasis.OWNER,
                                        started_on=date(2020, 1, 1))  # fmt: skip
        case = services.case_open(actor=world.actor(officer), person=person, officer=world.users[officer],
                                  opened_on=TODAY - timedelta(days=400), today=TODAY)  # fmt: skip
        services.plan_save(actor=world.actor(officer), case=case, reviewed_on=TODAY - timedelta(days=10),
                           review_every_months=12, visit_override_months=None, visit_override_reason="", today=TODAY)  # fmt: skip
        services.visit_record(actor=world.actor(officer), case=case, visited_on=TODAY - timedelta(days=visited_days_ago + i),
                              kind="planned", outcome="completed", officers=[world.users[officer]],
                              observations="Synthetic observation.", today=TODAY)  # fmt: skip
        cases.append(SupervisionCase.objects.get(pk=case.pk))
    return cases


# --- caseload -----------------------------------------------------------------------------------------------


def test_the_caseload_lists_the_officers_cases_in_order_of_what_needs_attention(client, world):
    cases = make_cases(world, 3)
    make_cases(world, 1, officer="prob_sup", start=10)
    sign_in(client, world.users["prob_prac"])
    body = text_of(client.get(reverse("supervision:caseload")))
    order = [body.index(c.person.family_name) for c in sorted(cases, key=lambda c: (c.attention_on, c.pk))]
    assert order == sorted(order)
    assert "Caseload010" not in body  # another officer's case
    assert "Overdue" in body  # a month after the last visit: every visit is overdue here
    assert AuditEvent.objects.filter(action="supervision.caseload.view").count() == 1


def test_keyset_pages_forward_and_back_and_a_bad_cursor_starts_again(client, world):
    make_cases(world, config.PAGE_SIZE + 5)
    sign_in(client, world.users["prob_prac"])
    first = client.get(reverse("supervision:caseload"))
    assert text_of(first).count('data-testid="case-row"') == config.PAGE_SIZE
    cursor = parse_qs(urlparse(first.context["page"].next_cursor and "?cursor=" + first.context["page"].next_cursor).query)["cursor"][0]
    second = client.get(reverse("supervision:caseload"), {"cursor": cursor})
    assert text_of(second).count('data-testid="case-row"') == 5
    back = client.get(reverse("supervision:caseload"), {"cursor": second.context["page"].previous_cursor})
    assert [r.case.pk for r in back.context["page"].rows] == [r.case.pk for r in first.context["page"].rows]
    bad = client.get(reverse("supervision:caseload"), {"cursor": "not-a-cursor"})
    assert bad.status_code == 302 and bad["Location"] == reverse("supervision:caseload")


def test_filters_narrow_the_caseload(client, world):
    cases = make_cases(world, 3)
    SupervisionCase.objects.filter(pk=cases[0].pk).update(tier="B")
    sign_in(client, world.users["prob_prac"])
    page = client.get(reverse("supervision:caseload"), {"tier": "B"}).context["page"]
    assert [r.case.pk for r in page.rows] == [cases[0].pk]
    bad = client.get(reverse("supervision:caseload"), {"tier": "Z"})
    assert bad.status_code == 200 and "Select a valid choice" in text_of(bad)


def test_the_caseload_downloads_as_csv_with_the_filters(client, world):
    make_cases(world, 3)
    sign_in(client, world.users["prob_prac"])
    response = client.get(reverse("supervision:caseload-export", args=["csv"]), {"overdue_only": "on"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:3] == ["Reference", "Name", "Officer"]
    assert len(rows) == 4
    event = AuditEvent.objects.get(action="list.export")
    assert event.details["rows"] == 3 and event.details["filters"] == {"overdue_only": "yes"}


def test_the_team_view_is_for_supervisors_and_shows_each_officers_overdue_work(client, world):
    make_cases(world, 2)
    make_cases(world, 1, officer="prob_sup", start=10, visited_days_ago=5)
    sign_in(client, world.users["prob_prac"])
    assert client.get(reverse("supervision:team")).status_code == 403
    sign_in(client, world.users["prob_sup"])
    response = client.get(reverse("supervision:team"))
    body = text_of(response)
    assert "Caseload000" in body and "Caseload010" in body
    loads = {load.officer_id: load.overdue for load in response.context["loads"]}
    assert loads == {world.users["prob_prac"].pk: 2}
    one = client.get(reverse("supervision:team"), {"officer": world.users["prob_sup"].pk}).context["page"]
    assert [r.case.person.family_name for r in one.rows] == ["Caseload010"]


def _queries(client, world, url: str, who: str) -> int:
    sign_in(client, world.users[who])
    client.get(url)  # the session's first request does its own bookkeeping
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _measure(client, world, person_id) -> dict[str, int]:
    with CaptureQueriesContext(connection) as captured:
        selectors.due_items(DueQuery(actor=world.actor("prob_prac"), today=TODAY, limit=8))  # supervision's own
    provider = len(captured)  # counted now: a request made afterwards empties the connection's query log
    return {
        "caseload": _queries(client, world, reverse("supervision:caseload"), "prob_prac"),
        "team": _queries(client, world, reverse("supervision:team"), "prob_sup"),
        "person": _queries(client, world, reverse("supervision:person", args=[person_id]), "prob_prac"),
        "dashboard": _queries(client, world, reverse("core:dashboard"), "prob_prac"),
        "provider": provider,
    }


def test_query_counts_are_the_same_at_3_and_30_cases_and_visits(client, world):
    first = make_cases(world, 3)[0]
    small = _measure(client, world, first.person_id)
    make_cases(world, 27, start=3)
    for days in range(50, 77):
        services.visit_record(actor=world.actor("prob_prac"), case=first, visited_on=TODAY - timedelta(days=days),
                              kind="unannounced", outcome="completed", officers=[world.users["prob_prac"]],
                              observations="Synthetic.", today=TODAY)  # fmt: skip
    assert _measure(client, world, first.person_id) == small
    assert small["provider"] <= 7  # cases, MAPPA actions, and the one audit event (5 statements)


# --- the person's record ------------------------------------------------------------------------------------------


def test_a_police_record_asks_for_the_reason_and_comes_back(client, world):
    police_case(world)
    sign_in(client, world.users["police_prac"])
    url = reverse("supervision:person", args=[world.persons["police"].pk])
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("people:justify", args=[world.persons["police"].pk]))
    back = client.post(response["Location"], {"justification": "Routine review of the register (synthetic)."})
    assert back["Location"] == url
    page = client.get(url)
    assert page.status_code == 200
    event = AuditEvent.objects.filter(action="supervision.record.view").latest("id")
    assert event.justification == "Routine review of the register (synthetic)."


def test_the_reason_page_does_not_send_anyone_elsewhere(client, world):
    sign_in(client, world.users["police_prac"])
    url = reverse("people:justify", args=[world.persons["police"].pk]) + "?next=https://example.org/"
    response = client.post(url, {"justification": "Synthetic reason."})
    assert response["Location"] == reverse("people:detail", args=[world.persons["police"].pk])


def test_probation_reads_the_police_register_record_and_treatment_does_not(client, world):
    police_case(world)
    requirement(world)
    sign_in(client, world.users["prob_prac"])
    url = reverse("supervision:person", args=[world.persons["police"].pk])
    client.post(reverse("people:justify", args=[world.persons["police"].pk]) + "?next=" + url, {"justification": "MAPPA review."})
    body = text_of(client.get(url))
    assert "Notification requirements" in body and "Held by Test police agency" in body
    assert "Record a notification" not in body  # probation reads, police change
    sign_in(client, world.users["treat_prac"])
    assert client.get(reverse("supervision:person", args=[world.persons["probation"].pk])).status_code == 403


def test_a_visit_in_the_future_is_refused_on_its_field_and_a_good_one_clears_the_overdue_item(client, world):
    case = make_cases(world, 1)[0]
    actor = world.actor("prob_prac")
    assert [i.kind for i in due_items(DueQuery(actor=actor, today=TODAY))] == ["supervision.visit"]
    sign_in(client, world.users["prob_prac"])
    url = reverse("supervision:visit-record", args=[case.pk])
    form = {"kind": "planned", "outcome": "completed", "officers": [world.users["prob_prac"].pk],
            "observations": "Synthetic observation."}  # fmt: skip
    refused = client.post(url, typed({**form, "visited_on": (TODAY + timedelta(days=1)).isoformat()}))
    assert refused.status_code == 200
    assert "A visit cannot be recorded as done on a date in the future" in text_of(refused)
    assert Visit.objects.count() == 1
    done = client.post(url, typed({**form, "visited_on": TODAY.isoformat()}))
    assert done.status_code == 302
    assert due_items(DueQuery(actor=actor, today=TODAY)) == []


def test_the_override_pages_follow_the_two_person_rule(client, world):
    case = make_cases(world, 1)[0]
    sign_in(client, world.users["prob_prac"])
    url = reverse("supervision:override-request", args=[case.pk])
    assert "Enter the reason for the override" in text_of(client.post(url, {"level": "high", "reason": ""}))
    assert client.post(url, {"level": "high", "reason": "Synthetic intelligence."}).status_code == 302
    override = case.overrides.get()
    page = text_of(client.get(reverse("supervision:person", args=[case.person_id])))
    assert "Waiting for a supervisor" in page and "Approve" not in page
    assert client.get(reverse("supervision:override-move", args=[override.pk, "approve"])).status_code == 403
    sign_in(client, world.users["prob_sup"])
    approve = reverse("supervision:override-move", args=[override.pk, "approve"])
    assert client.post(approve, {"expected_state": "requested"}).status_code == 302
    assert SupervisionCase.objects.get(pk=case.pk).risk_level == "high"


# --- due items ---------------------------------------------------------------------------------------------------


def _due_on(case: SupervisionCase, day: date) -> None:
    SupervisionCase.objects.filter(pk=case.pk).update(
        next_visit_due=day, attention_on=day, plan_review_due=None, order_end_due=None, next_notification_due=None
    )


@pytest.mark.parametrize(
    ("offset", "status"),
    [(-1, "overdue"), (0, "today"), (config.DUE_LOOKAHEAD_DAYS, "upcoming"), (config.DUE_LOOKAHEAD_DAYS + 1, None)],
)
def test_due_item_boundaries(world, offset, status):
    case = make_cases(world, 1)[0]
    _due_on(case, TODAY + timedelta(days=offset))
    items = due_items(DueQuery(actor=world.actor("prob_prac"), today=TODAY))
    if status is None:
        assert items == []
    else:
        (item,) = items
        assert (item.kind, item.status(TODAY), item.owner_id) == ("supervision.visit", status, world.users["prob_prac"].pk)
        assert item.reference == case.person.reference and case.person.family_name in item.title


def test_due_items_stay_in_their_scope_and_supervisors_see_the_team(world):
    make_cases(world, 2)
    assert due_items(DueQuery(actor=world.actor("police_prac"), today=TODAY)) == []
    assert due_items(DueQuery(actor=world.actor("treat_prac"), today=TODAY)) == []
    assert due_items(DueQuery(actor=world.actor("prob_sup"), today=TODAY)) == []  # not their own cases
    team = due_items(DueQuery(actor=world.actor("prob_sup"), today=TODAY, team=True))
    assert {i.owner_name for i in team} == {world.users["prob_prac"].get_full_name() or "prob_prac"} and len(team) == 2
    practitioner_team = due_items(DueQuery(actor=world.actor("prob_prac"), today=TODAY, team=True))
    assert len(practitioner_team) == 2  # a practitioner asking for the team gets their own


def test_mappa_actions_are_due_for_their_owner(world):
    police_case(world)
    person = world.persons["police"]
    services.mappa_set(actor=world.actor("police_prac"), person=person, category=1, level=2, since=TODAY - timedelta(days=30))
    services.meeting_record(actor=world.actor("police_prac"), person=person, held_on=TODAY - timedelta(days=10),
                            agencies_present="Police", attendees="Synthetic", minutes="Synthetic",
                            actions=[("Synthetic action", world.users["prob_prac"], TODAY - timedelta(days=1))])  # fmt: skip
    items = [i for i in due_items(DueQuery(actor=world.actor("prob_prac"), today=TODAY)) if i.kind == "supervision.mappa-action"]
    assert len(items) == 1 and items[0].status(TODAY) == "overdue"
    assert not [i for i in due_items(DueQuery(actor=world.actor("police_prac"), today=TODAY)) if i.kind == "supervision.mappa-action"]


def test_the_panel_shows_the_officers_overdue_work(client, world):
    make_cases(world, 2)
    sign_in(client, world.users["prob_prac"])
    body = text_of(client.get(reverse("core:dashboard")))
    assert 'data-testid="supervision-panel"' in body and "2 cases with something overdue" in body


def test_the_dashboard_asks_the_supervision_provider_once_for_both_panels(client, world):
    """"Needs attention" and "Your supervision work due" show the same provider's items: one request
    asks it once (one read, one `supervision.due.list` event), and both panels show its items."""
    make_cases(world, 2)
    sign_in(client, world.users["prob_prac"])
    before = AuditEvent.objects.filter(action="supervision.due.list").count()
    body = text_of(client.get(reverse("core:dashboard")))
    assert AuditEvent.objects.filter(action="supervision.due.list").count() == before + 1
    assert 'data-testid="supervision-panel"' in body and "2 cases with something overdue" in body
    assert "Supervision in the community" in body  # the attention panel asked it too


def test_the_panel_is_hidden_for_roles_without_supervision(client, world):
    sign_in(client, world.users["treat_prac"])
    assert 'data-testid="supervision-panel"' not in text_of(client.get(reverse("core:dashboard")))


# --- plain words -----------------------------------------------------------------------------------------------


def test_supervision_pages_show_no_codes_iso_dates_or_literals(client, world):
    case = make_cases(world, 1)[0]
    police = police_case(world)
    req = requirement(world)
    pages = Pages(client, world).as_user("prob_prac")
    pages.get("caseload", reverse("supervision:caseload"))
    pages.get("person", reverse("supervision:person", args=[case.person_id]))
    for name in ("case-edit", "case-close", "case-transfer", "case-management", "plan-edit", "plan-item-add",
                 "override-request", "visit-schedule", "visit-record", "trigger-record"):  # fmt: skip
        pages.get(name, reverse(f"supervision:{name}", args=[case.pk]))
    pages.post("visit refused", reverse("supervision:visit-record", args=[case.pk]), {"visited_on": "2031-02-30"})
    pages.post("transfer refused", reverse("supervision:case-transfer", args=[case.pk]), {"reason": ""})
    pages.as_user("prob_sup").get("team", reverse("supervision:team"))
    pages.get("settings", reverse("supervision:settings"))
    pages.as_user("police_prac")
    client.post(reverse("people:justify", args=[police.person_id]), {"justification": "Synthetic."})
    pages.get("register", reverse("supervision:person", args=[police.person_id]))
    pages.get("requirement form", reverse("supervision:requirement-create", args=[police.person_id]))
    pages.get("notification kind", reverse("supervision:notification-record", args=[req.pk]))
    pages.get("travel form", reverse("supervision:notification-record", args=[req.pk]), kind="travel")
    pages.get("mappa", reverse("supervision:mappa-set", args=[police.person_id]))
    pages.get("dashboard", reverse("core:dashboard"))
    names = frozenset(world.users) | {"other_probation"}  # the test world's names are data, not codes
    problems = {label: found for label, text in pages.shown.items() if (found := developer_words(text, names))}
    assert problems == {}, problems


def test_caseload_rows_name_the_person_not_the_code(world):
    make_cases(world, 1)
    page = selectors.caseload(actor=world.actor("prob_prac"), today=TODAY)
    assert [a.label for a in page.rows[0].attention][:1] == ["Home visit"]
