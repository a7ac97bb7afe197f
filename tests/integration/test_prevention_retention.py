"""Retention: conversations and contact-log rows inactive past the configured period are deleted from
the database (not hidden) by a scheduled job that records how many, never what."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.utils import timezone

from safeguard.audit.models import AuditEvent
from safeguard.jobs import registry
from safeguard.prevention import services
from safeguard.prevention.models import ContactRecord, Conversation, Disclosure
from tests import prevention_fixtures as fx


def rows(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 - fixed names
        return int(cursor.fetchone()[0])


def contact(world, started):
    return ContactRecord.objects.create(centre=world.agencies["prevention"], channel="phone", started_at=started,
                                        duration_minutes=5, contact_by="self", concern="other", outcome="information",
                                        recorded_at=started)


def test_inactive_conversations_and_old_contacts_are_deleted_and_only_counted(world, settings):
    settings.SAFEGUARD_PREVENTION = {**settings.SAFEGUARD_PREVENTION, "RETENTION_DAYS": 30}
    now = timezone.now()
    old, _token, _code = fx.start(world, message="zq-old-words", now=now - timedelta(days=40))
    fx.referral(world, old, days_ago=40)
    disclosure = fx.disclosure(world, old)
    Conversation.objects.filter(pk=old.pk).update(last_activity_at=now - timedelta(days=31))
    kept, _token, _code = fx.start(world, message="zq-new-words", now=now - timedelta(days=40))
    Conversation.objects.filter(pk=kept.pk).update(last_activity_at=now - timedelta(days=29))  # active since
    contact(world, now - timedelta(days=31))
    recent = contact(world, now - timedelta(days=2))

    job = registry.get("prevention.retention")
    summary = job.func(now=now, due_at=now)
    assert summary == ("Deleted fewer than 10 conversations (fewer than 10 messages) and fewer than 10 contact-log "
                       "rows inactive for 30 days.")
    assert list(Conversation.objects.values_list("pk", flat=True)) == [kept.pk]
    assert rows("prevention_conversation") == 1 and rows("prevention_message") == 1  # gone from the table
    assert rows("prevention_centrereferral") == 0 and rows("prevention_helpseekersession") == 0
    assert list(ContactRecord.objects.values_list("pk", flat=True)) == [recent.pk]
    event = AuditEvent.objects.filter(action="prevention.retention").get()
    assert event.details == {"conversations": 1, "messages": 1, "contacts": 1, "retention_days": 30}
    assert "zq-old-words" not in str(AuditEvent.objects.values_list()) and event.user_id is None
    # The disclosure register keeps its record; its link to the deleted conversation is empty.
    disclosure.refresh_from_db()
    assert disclosure.conversation_id is None and disclosure.conversation_reference == old.reference
    assert Disclosure.objects.count() == 1


def test_a_new_message_keeps_a_conversation(world, settings):
    settings.SAFEGUARD_PREVENTION = {**settings.SAFEGUARD_PREVENTION, "RETENTION_DAYS": 30}
    now = timezone.now()
    conversation, _token, _code = fx.start(world, now=now - timedelta(days=60))
    from safeguard.prevention.help_seekers import HelpSeeker
    from safeguard.prevention.models import HelpSeekerSession

    seeker = HelpSeeker(session=HelpSeekerSession.objects.select_related("conversation").get())
    services.message_send(seeker=seeker, body="Still here.", now=now - timedelta(days=1))
    assert services.retention_purge(now=now)["conversations"] == 0
    assert Conversation.objects.filter(pk=conversation.pk).exists()


def test_the_job_is_scheduled_daily():
    job = registry.get("prevention.retention")
    assert job is not None and "Delete prevention conversations" in job.title
