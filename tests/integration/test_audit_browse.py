"""The auditor's log: refusals recorded once, filters by person, record and action (each on an
index), the full record id with a link to its events, and the CSV export."""

from __future__ import annotations

import csv
import io
import re
import uuid
from contextlib import contextmanager
from datetime import date

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from safeguard import policy
from safeguard.audit import selectors
from safeguard.audit.actions import AuditAction, RecordType
from safeguard.audit.models import AuditEvent
from safeguard.audit.refusals import record_refusal
from safeguard.audit.services import AuditEntry, record_event, record_events
from safeguard.audit.views import export
from safeguard.core.views import permission_denied
from tests.conftest import sign_in


def _new_events(since: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(pk__gt=since).order_by("id"))


def _last_id() -> int:
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


@contextmanager
def _keeping_the_test_connection():
    """Request signals without closing the test's database connection (as the test client does)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


# --- refused requests (403) ----------------------------------------------------------------------


def test_a_refused_page_is_recorded_once_with_the_action_and_endpoint(client, world):
    sign_in(client, world.users["prob_prac"])
    before = _last_id()
    response = client.get(reverse("audit:list"))
    assert response.status_code == 403
    new = _new_events(before)
    assert [(e.action, e.outcome, e.endpoint, e.username, e.role, e.details) for e in new] == [
        ("audit.view", "denied", "GET /audit/", "prob_prac", "practitioner", {"status": 403})
    ]


def test_a_refused_change_to_a_visible_record_names_the_record(client, world):
    from safeguard.people.models import PersonAgencyLink

    person = world.persons["probation"]
    PersonAgencyLink.objects.create(person=person, agency=world.agencies["court"], basis="statutory",
                                    started_on=date(2026, 1, 1))
    sign_in(client, world.users["court_prac"])
    before = _last_id()
    response = client.get(reverse("people:note-create", kwargs={"pk": person.pk}))
    assert response.status_code == 403
    new = _new_events(before)
    assert [(e.action, e.outcome, e.object_type, e.object_id) for e in new] == [
        ("person.note.add", "denied", "people.Person", str(person.pk))
    ]


def test_a_refused_api_call_is_recorded_once(client, world):
    sign_in(client, world.users["auditor"])
    before = _last_id()
    response = client.get("/api/v1/persons")
    assert response.status_code == 403
    new = _new_events(before)
    assert [(e.action, e.outcome, e.endpoint, e.username) for e in new] == [
        ("person.view", "denied", "GET /api/v1/persons", "auditor")
    ]


def test_recording_the_same_refusal_twice_writes_one_event(world):
    request = RequestFactory().get("/audit/")
    request.user = world.users["prob_prac"]
    request.actor = world.actor("prob_prac")
    policy.allows(request.actor, policy.Action.AUDIT_VIEW)
    before = _last_id()
    record_refusal(request)
    record_refusal(request)
    assert [e.action for e in _new_events(before)] == ["audit.view"]


def test_a_refusal_from_an_earlier_request_is_never_recorded_against_a_later_one(world):
    policy.allows(world.actor("prob_prac"), policy.Action.USERS_MANAGE)  # noted in "an earlier request"
    with _keeping_the_test_connection():
        request_started.send(sender=None)
    request = RequestFactory().get("/somewhere/")
    request.user = world.users["prob_prac"]
    request.actor = world.actor("prob_prac")
    before = _last_id()
    assert permission_denied(request).status_code == 403
    assert [e.action for e in _new_events(before)] == [AuditAction.REQUEST_REFUSED]


# --- filters -------------------------------------------------------------------------------------


@pytest.fixture
def two_people(world):
    actor = world.actor("prob_prac")
    first, second = world.persons["probation"], world.persons["police"]
    for person in (first, second, first):
        record_event(action="person.view", actor=actor, obj=person)
    record_event(action="person.search", actor=actor, object_type="people.Person")
    record_event(action="user.view", actor=world.actor("admin"), obj=world.users["prob_prac"])
    return first, second


def _shown(client, **params) -> list[AuditEvent]:
    response = client.get(reverse("audit:list"), params)
    assert response.status_code == 200
    return response.context["events"]


def test_filter_by_person_id_or_its_start(client, world, two_people):
    first, _ = two_people
    sign_in(client, world.users["auditor"])
    whole = _shown(client, person=str(first.pk))
    start = _shown(client, person=str(first.pk)[:8].upper())
    assert [e.object_id for e in whole] == [str(first.pk)] * 2
    assert [e.pk for e in start] == [e.pk for e in whole]


def test_filter_by_record_type_and_id(client, world, two_people):
    sign_in(client, world.users["auditor"])
    user = world.users["prob_prac"]
    shown = _shown(client, record_type=RecordType.USER, object_id=str(user.pk))
    assert [(e.action, e.object_id) for e in shown] == [("user.view", str(user.pk))]
    # A number is a whole id, not the start of one: user 1 is not user 10.
    assert _shown(client, record_type=RecordType.USER, object_id=f"{user.pk}0") == []


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"person": "abc"}, "Enter the whole person id, or at least its first 6 characters"),
        ({"object_id": "1"}, "Choose the record type for the record id"),
        ({"object_id": "abc123", "record_type": RecordType.USER}, "Enter the whole id of the user account: a number"),
        ({"object_id": "abc12", "record_type": RecordType.ASSESSMENT}, "Enter the whole record id, or at least its first 6 characters"),
        ({"record_type": RecordType.PERSON}, "Enter the record id, or its first characters, for this record type"),
        ({"person": "123456", "object_id": "2", "record_type": RecordType.USER}, "Filter by a person or by another record, not both"),
        ({"action": "person.vi"}, "Select a valid choice"),
    ],
)
def test_filters_explain_what_is_wrong(client, world, params, message):
    sign_in(client, world.users["auditor"])
    response = client.get(reverse("audit:list"), params)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["events"] == []


def test_the_action_filter_offers_every_known_action_by_name(client, world, two_people):
    sign_in(client, world.users["auditor"])
    page = client.get(reverse("audit:list")).content.decode()
    assert '<option value="person.view">View a person&#x27;s record</option>' in page
    assert '<option value="audit.export">Export the audit log</option>' in page
    assert [e.action for e in _shown(client, action="person.search")] == ["person.search"]


def test_each_row_shows_the_full_record_id_and_a_link_to_its_events(client, world, two_people):
    first, _ = two_people
    sign_in(client, world.users["auditor"])
    page = client.get(reverse("audit:list")).content.decode()
    assert f'<span class="govuk-body-s sg-audit-id" data-testid="record-id">{first.pk}</span>' in page
    assert f'href="?record_type=people.Person&amp;object_id={first.pk}"' in page
    assert "View a person&#x27;s record" in page and "Practitioner" in page


def test_the_list_costs_the_same_number_of_queries_at_any_size(client, world):
    sign_in(client, world.users["auditor"])
    person = world.persons["probation"]
    params = {"person": str(person.pk), "action": "person.view"}
    client.get(reverse("audit:list"), params)  # warm the session and the user
    counts = []
    for n in (3, 60):
        for _ in range(n):
            record_event(action="person.view", actor=world.actor("prob_prac"), obj=person)
        with CaptureQueriesContext(connection) as captured:
            shown = client.get(reverse("audit:list"), params).context["events"]
        counts.append(len(captured.captured_queries))
        assert len(shown) == min(n + (3 if n == 60 else 0), 50)
    assert counts[0] == counts[1]


# --- every record filter is an index lookup ---------------------------------------------------


def _index_search(queryset) -> str:
    """The plan's lines that read the audit table through an index, with the columns they search.

    PostgreSQL is made to show which index can serve the query (a tiny test table would otherwise
    be read in id order): no sequential scan, no plain index scan, so only an index whose
    condition covers the filter can be used (a bitmap scan)."""
    if connection.vendor == "sqlite":
        lines = [line for line in queryset.explain().splitlines() if "audit_auditevent" in line]
        return next((line for line in lines if "SEARCH" in line and "INDEX" in line), "\n".join(lines))
    with connection.cursor() as cursor:
        # Statistics, as a live table has them (without, every index looks alike to the planner).
        cursor.execute("ANALYZE audit_auditevent")
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("SET enable_indexscan = off")
    try:
        plan = queryset.explain()
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET enable_seqscan")
            cursor.execute("RESET enable_indexscan")
    # Every index the bitmap reads, with its condition.
    lines = plan.splitlines()
    found = [f"{line} {lines[i + 1]}" for i, line in enumerate(lines[:-1]) if "Bitmap Index Scan" in line]
    return " | ".join(found) if found else plan


@pytest.mark.parametrize(
    "object_id",
    [str(uuid.UUID(int=7 << 96)), "0000000"],  # a whole id; the start of one (the first 16 of them)
)
def test_the_record_filter_is_an_index_search_on_type_and_id(world, object_id):
    for i in range(30):
        record_event(action="person.view", actor=world.actor("prob_prac"), object_type="people.Person",
                     object_id=str(uuid.UUID(int=i << 96)))
    # Many more events of other people (ids from 01… on), so that the start of an id is as selective
    # as it is in a real log.
    record_events(action="person.view", actor=world.actor("prob_prac"), entries=[
        AuditEntry(object_type="people.Person", object_id=str(uuid.UUID(int=(i + 1) << 120))) for i in range(150)
    ])
    events = selectors.event_list(
        actor=world.actor("auditor"), filters=selectors.AuditFilter(person=object_id)
    )[:51]
    search = _index_search(events)
    assert re.search(r"audit_object_(prefix_)?idx", search), search
    assert "object_type" in search and "object_id" in search, search
    assert "DISTINCT" not in str(events.query)
    assert [e.object_id for e in events] == (
        [object_id] if len(object_id) == 36 else [str(uuid.UUID(int=i << 96)) for i in reversed(range(16))]
    )


def test_who_accessed_this_record_is_an_index_search(world):
    person = world.persons["probation"]
    for i in range(30):  # other records' events around it, as in any log
        record_event(action="person.view", actor=world.actor("prob_prac"), object_type="people.Person",
                     object_id=str(uuid.UUID(int=i << 96)))
    record_event(action="person.view", actor=world.actor("prob_prac"), obj=person)
    history = AuditEvent.objects.filter(
        object_type="people.Person", object_id=str(person.pk), partition="general"
    ).order_by("-id")[:20]
    search = _index_search(history)
    assert re.search(r"audit_object_(prefix_)?idx", search), search
    assert "object_type" in search and "object_id" in search, search
    assert [e.action for e in selectors.access_history(object_type="people.Person", object_id=str(person.pk))] == [
        "person.view"
    ]


# --- export --------------------------------------------------------------------------------------


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_export_streams_the_filtered_events_and_is_audited(client, world, two_people):
    first, _ = two_people
    sign_in(client, world.users["auditor"])
    response = client.get(reverse("audit:export"), {"person": str(first.pk)})
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = _csv(response)
    assert rows[0][:4] == ["Event", "Time (UTC)", "Username", "User id"]
    assert [(r[7], r[9]) for r in rows[1:]] == [("person.view", str(first.pk))] * 2
    assert rows[1][6] == "View a person's record" and rows[1][10] == "Success"
    event = AuditEvent.objects.order_by("-id").first()
    assert (event.action, event.username) == ("audit.export", "auditor")
    assert event.details == {"filters": {"person": str(first.pk)}, "rows": 2, "complete": True}


def test_export_neutralises_spreadsheet_formulas(client, world):
    actor = world.actor("prob_prac")
    dangerous = ["=HYPERLINK(\"http://example.invalid\")", "+1+1", "-2", "@SUM(A1)", "\tTab", "\rReturn"]
    for text in dangerous:
        record_event(action="person.view", actor=actor, justification=text)
    sign_in(client, world.users["auditor"])
    reasons = [row[11] for row in _csv(client.get(reverse("audit:export"), {"action": "person.view"}))[1:]]
    assert reasons == [f"'{text}" for text in reversed(dangerous)]


def test_an_interrupted_export_is_audited_as_incomplete(world, two_people):
    request = RequestFactory().get(reverse("audit:export"))
    request.user, request.actor = world.users["auditor"], world.actor("auditor")
    response = export(request)
    next(iter(response.streaming_content))  # the header, then the client goes away
    with _keeping_the_test_connection():
        response.close()  # what the server does when the client goes away
    event = AuditEvent.objects.order_by("-id").first()
    assert event.action == "audit.export"
    assert event.details == {"filters": {}, "rows": 0, "complete": False}


def test_export_with_a_bad_filter_goes_back_to_the_form(client, world):
    sign_in(client, world.users["auditor"])
    response = client.get(reverse("audit:export"), {"person": "ab"})
    assert response.status_code == 302 and response.url == f"{reverse('audit:list')}?person=ab"
