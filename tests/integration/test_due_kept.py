"""Kept due-item answers (core.due.kept_answers, ADR 0025): a dashboard may show a provider's answer worked
out by the same user's previous page, for at most DUE_KEPT_SECONDS and never past their own write; the
audit events the provider wrote are written again each time the kept answer is shown."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from safeguard.audit.models import AuditEvent
from safeguard.audit.services import record_event
from safeguard.core import due
from safeguard.core.due import DueItem, DueProvider, DueQuery
from safeguard.core.middleware import writes_records
from safeguard.policy import Action
from tests.conftest import sign_in
from tests.integration.test_alerts import VISIT, Visits, _people, page_of

pytestmark = pytest.mark.django_db


class AuditedVisits(Visits):
    """The test provider, which also records what it listed (as the supervision provider does)."""

    def __call__(self, query: DueQuery) -> list[DueItem]:
        found = super().__call__(query)
        if found:
            record_event(action="supervision.due.list", actor=query.actor, object_type="people.Person",
                         details={"shown": [item.reference for item in found]})  # fmt: skip
        return found


@pytest.fixture
def visits(monkeypatch, world) -> AuditedVisits:
    provider = AuditedVisits(world)
    monkeypatch.setattr(due, "_PROVIDERS", {})
    due.register(DueProvider(VISIT, "Home visit due", Action.PERSON_VIEW, provider, in_feed=True))
    return provider


def today():
    return timezone.localdate()


@override_settings(DUE_KEPT_SECONDS=30)
def test_a_second_dashboard_shows_the_kept_answer_and_audits_it_again(world, visits, client):
    visits.dates = {"PTEST001": today() - timedelta(days=2)}
    sign_in(client, world.users["prob_prac"])
    first = page_of(client, "core:dashboard")
    second = page_of(client, "core:dashboard")
    assert visits.calls == 1
    assert "Home visit: Testy PersonPTEST001" in first and "Home visit: Testy PersonPTEST001" in second
    assert "Overdue by 2 days" in second and "Checked at " in second
    listed = list(AuditEvent.objects.filter(action="supervision.due.list").order_by("id"))
    assert len(listed) == 2  # shown twice, read twice
    assert [e.details for e in listed] == [{"shown": ["PTEST001"]}] * 2
    assert {e.user_id for e in listed} == {world.users["prob_prac"].pk}
    assert AuditEvent.objects.filter(action="alerts.view").count() == 2


@override_settings(DUE_KEPT_SECONDS=30)
def test_the_users_own_write_works_everything_out_afresh(world, visits, client):
    [other] = _people(world, 1)
    visits.dates = {"PTEST001": today() - timedelta(days=1)}
    sign_in(client, world.users["prob_prac"])
    page_of(client, "core:dashboard")
    visits.dates = {"PTEST001": today() - timedelta(days=1), other: today() + timedelta(days=1)}
    kept = page_of(client, "core:dashboard")
    assert visits.calls == 1 and f"Testington{other}" not in kept  # a colleague's change shows within seconds
    [item] = [i for i in visits(DueQuery(actor=world.actor("prob_prac"), today=today())) if i.reference == "PTEST001"]
    assert client.post(reverse("alerts:list"), {"items": [item.key]}).status_code == 302  # a write
    fresh = page_of(client, "core:dashboard")
    assert f"Home visit: Testy Testington{other}" in fresh and "1 acknowledged" in fresh


@override_settings(DUE_KEPT_SECONDS=30)
def test_answers_are_kept_for_one_user_in_one_membership(world, visits, client):
    visits.dates = {"PTEST001": today()}
    sign_in(client, world.users["prob_prac"])
    page_of(client, "core:dashboard")
    sign_in(client, world.users["prob_sup"])
    page_of(client, "core:dashboard")
    assert visits.calls == 2


@override_settings(DUE_KEPT_SECONDS=30)
def test_a_new_role_works_everything_out_afresh_even_before_any_write(world, visits, client):
    visits.dates = {"PTEST001": today()}
    sign_in(client, world.users["prob_prac"])
    page_of(client, "core:dashboard")
    membership = world.memberships["prob_prac"]
    membership.role = "supervisor"  # as accounts.services does, which also renews the security stamp
    membership.save(update_fields=["role"])
    sign_in(client, world.users["prob_prac"])
    page_of(client, "core:dashboard")
    assert visits.calls == 2


@override_settings(DUE_KEPT_SECONDS=0)
def test_nothing_is_kept_when_the_setting_is_zero(world, visits, client):
    visits.dates = {"PTEST001": today()}
    sign_in(client, world.users["prob_prac"])
    page_of(client, "core:dashboard")
    page_of(client, "core:dashboard")
    assert visits.calls == 2


@override_settings(DUE_KEPT_SECONDS=30)
def test_nothing_is_kept_outside_a_signed_in_page(world, visits):
    visits.dates = {"PTEST001": today()}
    for _ in range(2):  # a job or a token API call: no page stamp, always asked afresh
        due.collect(DueQuery(actor=world.actor("prob_prac"), today=today()), once=True)
    assert visits.calls == 2


@override_settings(DUE_KEPT_SECONDS=30)
def test_signing_out_leaves_no_session_behind(world, visits, client):
    sign_in(client, world.users["prob_prac"])
    page_of(client, "core:dashboard")
    client.post(reverse("accounts:sign-out"))
    assert not Session.objects.exists()


@pytest.mark.parametrize(
    ("sql", "writes"),
    [
        ('INSERT INTO "alerts_acknowledgement" ("user_id") VALUES (%s)', True),
        ('INSERT OR IGNORE INTO "alerts_acknowledgement" ("user_id") VALUES (%s)', True),  # SQLite, ignore_conflicts
        ('UPDATE "supervision_supervisioncase" SET "tier" = %s', True),
        ("delete from people_personagencylink where id = 1", True),
        ('INSERT INTO "audit_auditevent" ("action") VALUES (%s)', False),
        ('UPDATE "audit_auditchainhead" SET "last_hash" = %s', False),
        ('UPDATE "django_session" SET "session_data" = %s', False),
        ('INSERT INTO "axes_accessattempt" ("username") VALUES (%s)', False),
        ('SELECT "people_person"."id" FROM "people_person" FOR UPDATE', False),
    ],
)
def test_which_statements_count_as_the_users_writes(sql, writes):
    assert writes_records(sql) is writes
