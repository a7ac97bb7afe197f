"""Audit: one event per access, hash chain verification, append-only at the database."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from safeguard.audit.models import AuditChainHead, AuditEvent
from safeguard.audit.verify import verify_chain
from tests.conftest import sign_in
from tests.integration.audit_tampering import raw as _raw
from tests.integration.audit_tampering import views as _events


def test_person_page_writes_exactly_one_event(client, world):
    sign_in(client, world.users["prob_prac"])
    person = world.persons["probation"]
    before = AuditEvent.objects.count()
    response = client.get(reverse("people:detail", kwargs={"pk": person.pk}))
    assert response.status_code == 200
    new = list(AuditEvent.objects.order_by("id")[before:])
    assert [(e.action, e.object_id, e.username, e.role) for e in new] == [
        ("person.view", str(person.pk), "prob_prac", "practitioner")
    ]
    assert new[0].agency_name == world.agencies["probation"].name
    assert new[0].occurred_at.microsecond % 1000 == 0  # millisecond resolution, stored exactly


def test_the_view_event_is_shown_on_the_record(client, world):
    sign_in(client, world.users["prob_prac"])
    response = client.get(reverse("people:detail", kwargs={"pk": world.persons["probation"].pk}))
    history = response.context["record"].access_history
    assert history[0].action == "person.view"
    assert history[0].username == "prob_prac"


def test_denied_access_is_audited_and_answers_404(client, world):
    sign_in(client, world.users["prob_prac"])
    hidden = world.persons["other"]
    response = client.get(reverse("people:detail", kwargs={"pk": hidden.pk}))
    assert response.status_code == 404
    event = AuditEvent.objects.order_by("-id").first()
    assert (event.action, event.outcome, event.object_id) == ("person.view", "denied", str(hidden.pk))


def test_search_writes_one_event_listing_what_was_shown(client, world):
    sign_in(client, world.users["prob_prac"])
    before = AuditEvent.objects.count()
    client.get(reverse("people:list"), {"q": "PersonPTEST001"})
    new = list(AuditEvent.objects.order_by("id")[before:])
    assert len(new) == 1 and new[0].action == "person.search"
    assert new[0].details["shown"] == [str(world.persons["probation"].pk)]


def test_police_record_requires_and_records_a_justification(client, world):
    sign_in(client, world.users["prob_prac"])
    person = world.persons["police"]
    url = reverse("people:detail", kwargs={"pk": person.pk})
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == reverse("people:justify", kwargs={"pk": person.pk}) + "?" + urlencode({"next": url})
    assert not AuditEvent.objects.filter(action="person.view", object_id=str(person.pk), outcome="success").exists()
    response = client.post(response.url, {"justification": "short"})
    assert "Reason must be at least 10 characters" in response.content.decode()
    client.post(reverse("people:justify", kwargs={"pk": person.pk}), {"justification": "Planning the home visit this week"})
    assert client.get(url).status_code == 200
    event = AuditEvent.objects.filter(action="person.view", object_id=str(person.pk)).latest("id")
    assert event.justification == "Planning the home visit this week"


def test_a_form_sent_without_the_reason_returns_to_the_form_page_after_it_and_never_off_site(client, world):
    sign_in(client, world.users["police_prac"])
    person = world.persons["police"]
    form_page = reverse("people:note-create", kwargs={"pk": person.pk})
    reason_page = reverse("people:justify", kwargs={"pk": person.pk})
    sent = client.post(form_page, {"body": "Synthetic note."}, HTTP_REFERER=f"http://testserver{form_page}?from=list")
    assert sent.status_code == 302 and sent.url == reason_page + "?" + urlencode({"next": f"{form_page}?from=list"})
    assert not person.notes.exists()  # nothing saved before the reason
    elsewhere = client.post(form_page, {"body": "Synthetic note."}, HTTP_REFERER="https://example.org/page")
    assert elsewhere.status_code == 302 and elsewhere.url == reason_page
    malformed = client.post(form_page, {"body": "Synthetic note."}, HTTP_REFERER="http://[testserver/x")
    assert malformed.status_code == 302 and malformed.url == reason_page
    back = client.post(sent.url, {"justification": "Recording the synthetic visit outcome."})
    assert back.url == f"{form_page}?from=list"


def test_verify_passes_on_an_untouched_chain(world):
    _events(world)
    result = verify_chain()
    assert result.ok and result.checked == AuditEvent.objects.count()


@pytest.mark.parametrize("column", ["username", "action", "justification", "object_id"])
def test_verify_names_an_edited_event(world, column):
    events = _events(world)
    target = events[2]
    _raw(f"UPDATE audit_auditevent SET {column} = %s WHERE id = %s", ["tampered", target.pk])  # noqa: S608
    result = verify_chain()
    assert not result.ok
    assert result.first_broken_id == target.pk
    assert "content" in result.problem


def test_verify_names_the_event_after_a_deleted_one(world):
    events = _events(world)
    _raw("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
    result = verify_chain()
    assert (result.ok, result.first_broken_id) == (False, events[2].pk)


def test_verify_detects_removal_of_the_newest_events(world):
    events = _events(world)
    _raw("DELETE FROM audit_auditevent WHERE id = %s", [events[-1].pk])
    result = verify_chain()
    assert not result.ok and "removed" in result.problem


def test_verify_detects_reordering(world):
    events = _events(world)
    a, b = events[1], events[2]
    # Swap the two events' contents, keeping ids, hashes and links where they were.
    _raw("UPDATE audit_auditevent SET details = %s WHERE id = %s", ['{"n": 2}', a.pk])
    _raw("UPDATE audit_auditevent SET details = %s WHERE id = %s", ['{"n": 1}', b.pk])
    result = verify_chain()
    assert (result.ok, result.first_broken_id) == (False, a.pk)


def test_verify_detects_an_inserted_event(world):
    events = _events(world, 3)
    forged = AuditEvent.objects.get(pk=events[1].pk)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_auditevent (occurred_at, user_id, username, agency_id, agency_name, role, action, "
            "object_type, object_id, outcome, endpoint, justification, details, key_id, prev_hash, hash) "
            "VALUES (%s, NULL, 'forger', NULL, '', '', 'person.view', '', '', 'success', '', '', %s, 'x', %s, %s)",
            [forged.occurred_at, "{}", forged.hash, "f" * 64],
        )
    result = verify_chain()
    assert not result.ok
    assert result.first_broken_id > events[-1].pk


def test_database_refuses_update_and_delete(world):
    event = _events(world, 1)[0]
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(username="changed")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).username == "prob_prac"


def test_chain_head_counts_every_event(world):
    _events(world, 4)
    assert AuditChainHead.objects.get(partition="general").event_count == AuditEvent.objects.count()


def test_auditor_sees_and_filters_the_log(client, world):
    _events(world, 3)
    sign_in(client, world.users["auditor"])
    response = client.get(reverse("audit:list"), {"username": "prob_prac", "action": "person.view"})
    assert response.status_code == 200
    shown = response.context["events"]
    assert len(shown) == 3 and {e.username for e in shown} == {"prob_prac"}


def test_audit_log_pages_by_keyset(client, world):
    events = _events(world, 60)
    sign_in(client, world.users["auditor"])
    first = client.get(reverse("audit:list"), {"action": "person.view"})
    assert len(first.context["events"]) == 50
    older = first.context["older_than"]
    second = client.get(reverse("audit:list"), {"action": "person.view", "before": older})
    ids = [e.pk for e in second.context["events"]]
    assert ids == sorted((e.pk for e in events[:10]), reverse=True)
    assert second.context["older_than"] is None


def test_audit_filter_reports_a_bad_date(client, world):
    sign_in(client, world.users["auditor"])
    response = client.get(reverse("audit:list"), {"date_from": "2026-13-45"})
    assert response.status_code == 200
    assert "From must be a real date" in response.content.decode()
