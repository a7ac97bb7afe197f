"""The adviser's side: inbox by waiting time, replies, notes, assignment, closing, templates, the
contact log, the centre's waiting list and referrals, statistics, due items, and query counts that do
not grow with the data."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from safeguard.core.due import DueQuery, due_items
from safeguard.prevention import selectors, services
from safeguard.prevention.models import CentreReferral, ContactRecord, Conversation, InternalNote
from tests import prevention_fixtures as fx
from tests.conftest import sign_in
from tests.form_data import date_input


def staff(world, who: str = "prev_prac") -> Client:
    client = Client()
    sign_in(client, world.users[who])
    return client


def test_the_inbox_lists_waiting_conversations_longest_wait_first_and_only_this_centres(world):
    now = timezone.now()
    newer = fx.start(world, now=now - timedelta(hours=2))[0]
    older = fx.start(world, now=now - timedelta(days=2))[0]
    fx.start(world, message="")  # nothing written: not waiting
    elsewhere = fx.start(world, centre="other_prevention")[0]  # another centre's
    page = selectors.inbox(actor=world.actor("prev_prac"), show="waiting")
    assert [c.pk for c in page.rows] == [older.pk, newer.pk]
    assert elsewhere.pk not in {c.pk for c in selectors.inbox(actor=world.actor("prev_prac"), show="open").rows}
    assert [c.pk for c in selectors.inbox(actor=world.actor("prev_other"), show="waiting").rows] == [elsewhere.pk]
    html = staff(world).get(reverse("prevention:inbox")).content.decode()
    assert html.index(older.reference) < html.index(newer.reference) and elsewhere.reference not in html


def test_a_reply_is_the_first_reply_clears_the_wait_and_assigns_the_adviser(world):
    conversation = fx.start(world)[0]
    client = staff(world)
    response = client.post(reverse("prevention:reply", kwargs={"pk": conversation.pk}), {"body": "A synthetic reply."})
    assert response.status_code == 302
    conversation.refresh_from_db()
    assert conversation.first_reply_at and conversation.waiting_since is None
    assert conversation.assigned_to == world.users["prev_prac"]
    empty = client.post(reverse("prevention:reply", kwargs={"pk": conversation.pk}), {"body": ""})
    assert empty.status_code == 400 and "Write your reply" in empty.content.decode()


def test_internal_notes_are_encrypted_and_never_shown_to_the_person(world):
    conversation, token, _code = fx.start(world)
    staff(world).post(reverse("prevention:note", kwargs={"pk": conversation.pk}), {"body": "zq-note-4410 synthetic"})
    assert InternalNote.objects.get().body == "zq-note-4410 synthetic"
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM prevention_internalnote")
        assert "zq-note-4410" not in cursor.fetchone()[0]
    person = Client()
    fx.help_cookie(person, token)
    assert "zq-note-4410" not in person.get("/help/en/messages/").content.decode()


def test_assignment_only_to_advisers_of_this_centre(world):
    conversation = fx.start(world)[0]
    client = staff(world)
    ok = client.post(reverse("prevention:assign", kwargs={"pk": conversation.pk}),
                     {"assignee": world.users["prev_sup"].pk})
    assert ok.status_code == 302
    conversation.refresh_from_db()
    assert conversation.assigned_to == world.users["prev_sup"]
    refused = client.post(reverse("prevention:assign", kwargs={"pk": conversation.pk}),
                          {"assignee": world.users["prev_other"].pk})
    assert refused.status_code == 400
    conversation.refresh_from_db()
    assert conversation.assigned_to == world.users["prev_sup"]


def test_closing_records_an_outcome_and_a_new_message_opens_it_again(world):
    conversation, token, _code = fx.start(world)
    client = staff(world)
    missing = client.post(reverse("prevention:close", kwargs={"pk": conversation.pk}), {})
    assert missing.status_code == 400 and "Choose the outcome" in missing.content.decode()
    client.post(reverse("prevention:close", kwargs={"pk": conversation.pk}),
                {"outcome": "self_help", "concern": "own_thoughts"})
    conversation.refresh_from_db()
    assert (conversation.status, conversation.outcome, conversation.concern) == ("closed", "self_help", "own_thoughts")
    person = Client()
    fx.help_cookie(person, token)
    person.post("/help/en/messages/", {"body": "I am writing again."})
    conversation.refresh_from_db()
    assert conversation.status == "open" and conversation.waiting_since is not None and conversation.outcome == ""


def test_a_reply_template_fills_the_reply_box(world):
    conversation = fx.start(world)[0]
    chosen = fx.template(world, body="Thank you for writing to us, zq-template.")
    page = staff(world).get(reverse("prevention:conversation", kwargs={"pk": conversation.pk}),
                            {"template": chosen.pk}).content.decode()
    assert ">Thank you for writing to us, zq-template.</textarea>" in page


def test_supervisors_add_and_retire_templates(world):
    client = staff(world, "prev_sup")
    client.post(reverse("prevention:templates"), {"title": "Opening hours", "language": "de", "body": "Synthetic."})
    template = selectors.templates_all(actor=world.actor("prev_sup"))[0]
    assert (template.title, template.language, template.centre) == ("Opening hours", "de", world.agencies["prevention"])
    client.post(reverse("prevention:template-retire", kwargs={"pk": template.pk}))
    assert selectors.templates_for(actor=world.actor("prev_prac")) == []


def test_the_contact_log_records_no_identity_and_checks_every_field(world):
    client = staff(world)
    bad = client.post(reverse("prevention:contact-create"), {"duration_minutes": "0"})
    text = bad.content.decode()
    assert bad.status_code == 400
    for message in ("Choose the channel", "Duration must be at least 1 minute", "Choose who was contacting",
                    "Choose the concern", "Choose the outcome", "Enter the date of the contact"):
        assert message in text
    assert ContactRecord.objects.count() == 0
    yesterday = timezone.localdate() - timedelta(days=1)
    good = client.post(reverse("prevention:contact-create"), {
        "channel": "phone", **date_input("day", yesterday.isoformat()), "start": "14:30", "duration_minutes": "25",
        "contact_by": "family_or_friend", "concern": "someone_else", "outcome": "safeguarding_advice",
        "interpreter": "on",
    })
    assert good.status_code == 302
    record = ContactRecord.objects.get()
    assert (record.channel, record.duration_minutes, record.interpreter, record.centre) == (
        "phone", 25, True, world.agencies["prevention"])
    names = {f.name for f in ContactRecord._meta.get_fields()}
    assert not names & {"name", "phone", "email", "address", "ip_address", "notes", "summary"}
    page = client.get(reverse("prevention:contacts")).content.decode()
    assert "A family member or friend" in page and "Worried about someone else" in page


def test_the_waiting_list_and_waiting_time_come_from_the_referrals(world):
    now = timezone.now()
    for days in (10, 20, 30):
        fx.referral(world, fx.start(world, message="")[0], days_ago=days)
    listing = {c.profile.agency_id: c for c in selectors.centres_with_waiting_times(now=now)}
    assert listing[world.agencies["prevention"].pk].waiting_days == 20  # the median wait
    assert listing[world.agencies["prevention"].pk].waiting_weeks == 3
    assert listing[world.agencies["other_prevention"].pk].waiting_days is None
    page = Client().get("/help/en/centres").content.decode()
    assert "About 3 weeks" in page and "Nobody is waiting at the moment" in page
    assert "Monday to Tuesday, 09:00 to 17:00" in page and "Turkish" in page
    german = Client().get("/help/de/centres").content.decode()
    assert "Etwa 3 Wochen" in german and "Montag bis Dienstag, 09:00 bis 17:00" in german


def test_a_centre_offers_an_appointment_and_records_attendance(world):
    conversation = fx.start(world)[0]
    referral = fx.referral(world, conversation, centre="other_prevention")
    other = staff(world, "prev_other")
    page = other.get(reverse("prevention:referral", kwargs={"pk": referral.pk})).content.decode()
    assert conversation.reference_code in page and "A synthetic test message." not in page  # code only
    assert other.get(reverse("prevention:conversation", kwargs={"pk": conversation.pk})).status_code == 404
    when = timezone.localdate() + timedelta(days=5)
    past = other.post(reverse("prevention:referral", kwargs={"pk": referral.pk}),
                      {"step": "offer", **date_input("day", (timezone.localdate() - timedelta(days=1)).isoformat()), "at": "10:00",
                       "mode": "in_person"})
    assert past.status_code == 400 and "The appointment must be in the future" in past.content.decode()
    offered = other.post(reverse("prevention:referral", kwargs={"pk": referral.pk}),
                         {"step": "offer", **date_input("day", when.isoformat()), "at": "10:00", "mode": "in_person"})
    assert offered.status_code == 302
    referral.refresh_from_db()
    assert referral.state == "offered" and timezone.localtime(referral.appointment_at).date() == when
    # Attendance is a fact about a past appointment: before it, the page offers no buttons and a
    # forged step is refused, naming the day from which it can be recorded.
    waiting = other.get(reverse("prevention:referral", kwargs={"pk": referral.pk})).content.decode()
    assert 'data-testid="attendance-not-yet"' in waiting and "The person attended" not in waiting
    early = other.post(reverse("prevention:referral", kwargs={"pk": referral.pk}), {"step": "attended"})
    assert early.status_code == 400
    assert f"once the appointment has taken place, on or after {when.day} {when:%B %Y} at 10:00" in early.content.decode()
    referral.refresh_from_db()
    assert referral.state == "offered"
    CentreReferral.objects.filter(pk=referral.pk).update(appointment_at=timezone.now() - timedelta(hours=1))
    held = other.get(reverse("prevention:referral", kwargs={"pk": referral.pk})).content.decode()
    assert "The person attended" in held and "attendance-not-yet" not in held
    other.post(reverse("prevention:referral", kwargs={"pk": referral.pk}), {"step": "attended"})
    referral.refresh_from_db()
    assert referral.state == "attended"
    again = other.post(reverse("prevention:referral", kwargs={"pk": referral.pk}), {"step": "attended"})
    assert again.status_code == 400 and "This is not possible now" in again.content.decode()
    # The conversation's own centre sees the referral's progress but cannot manage it.
    own = staff(world)
    assert "Attended" in own.get(reverse("prevention:referral", kwargs={"pk": referral.pk})).content.decode()
    assert own.post(reverse("prevention:referral", kwargs={"pk": referral.pk}), {"step": "missed"}).status_code == 403


def test_first_replies_are_due_items_for_the_centre(world):
    conversation = fx.start(world, now=timezone.now() - timedelta(days=10))[0]
    fx.start(world, centre="other_prevention")
    query = DueQuery(actor=world.actor("prev_prac"), today=timezone.localdate())
    items = [i for i in due_items(query) if i.kind == "prevention.first-reply"]
    assert [i.reference for i in items] == [conversation.reference]
    assert items[0].status(timezone.localdate()) == "overdue"
    assert items[0].url == reverse("prevention:conversation", kwargs={"pk": conversation.pk})
    assert conversation.reference_code not in str(items)
    assert [i for i in due_items(DueQuery(actor=world.actor("police_prac"), today=timezone.localdate()))
            if i.kind.startswith("prevention")] == []
    services.reply_send(actor=world.actor("prev_prac"), conversation=conversation, body="Reply.", now=timezone.now())
    assert [i for i in due_items(query) if i.kind == "prevention.first-reply"] == []


def test_the_dashboard_shows_what_waits(world):
    fx.start(world)
    page = staff(world).get(reverse("core:dashboard")).content.decode()
    assert 'data-testid="prevention-panel"' in page and "1 waiting for a reply" in page
    assert "not available in Safeguard yet" not in page


def test_statistics_count_per_week_by_channel_and_concern_with_reply_times(world):
    now = timezone.now()
    conversation = fx.start(world, now=now - timedelta(hours=5))[0]
    services.reply_send(actor=world.actor("prev_prac"), conversation=conversation, body="Reply.", now=now)
    services.conversation_close(actor=world.actor("prev_prac"), conversation=conversation, outcome="information",
                                concern="abuse_images", now=now)
    for channel in ("phone", "phone", "live_chat"):
        ContactRecord.objects.create(centre=world.agencies["prevention"], channel=channel, started_at=now,
                                     duration_minutes=10, contact_by="self", concern="own_thoughts",
                                     outcome="information", recorded_at=now)
    figures = selectors.service_statistics(actor=world.actor("prev_prac"), today=timezone.localdate())
    week = figures.weeks[-1]
    assert week.by_channel["phone"] == 2 and week.by_channel["live_chat"] == 1
    assert week.by_channel["secure_messaging"] == 1 and week.by_concern["own_thoughts"] == 3
    assert week.by_concern["abuse_images"] == 1 and week.answered == 1
    assert week.median_hours_to_first_reply == pytest.approx(5.0, abs=0.1)
    assert len(figures.weeks) == 12
    page = staff(world).get(reverse("prevention:statistics")).content.decode()
    assert 'data-testid="by-channel"' in page and "Median hours to first reply" in page


@pytest.mark.parametrize("page", ["prevention:inbox", "prevention:contacts", "prevention:waiting-list"])
def test_list_pages_cost_the_same_number_of_queries_at_3_and_30_records(world, page):
    def fill(count: int) -> None:
        now = timezone.now()
        for index in range(count):
            conversation = Conversation.objects.create(
                centre=world.agencies["prevention"], code_digest=f"{page}-{count}-{index}", reference_code="X",
                passphrase_hash="x", language="en", created_at=now, last_activity_at=now,
                waiting_since=now - timedelta(minutes=index), assigned_to=world.users["prev_prac"],
            )
            ContactRecord.objects.create(centre=world.agencies["prevention"], channel="phone", started_at=now,
                                         duration_minutes=5, contact_by="self", concern="other",
                                         outcome="information", recorded_at=now, recorded_by=world.users["prev_prac"])
            fx.referral(world, conversation)

    client = staff(world)
    client.get(reverse(page))  # the first request of a session reads a few things once
    counts = []
    for count in (3, 27):
        fill(count)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(page)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_a_supervisor_sets_the_centres_public_details(world):
    client = staff(world, "prev_sup")
    refused = client.post(reverse("prevention:centre"), {"public_name": "Centre (test)", "region": "Testshire",
                                                         "languages": ["en"], "open_0": "09:00", "close_0": "08:00",
                                                         "open_1": "10:00"})
    text = refused.content.decode()
    assert refused.status_code == 400
    assert "Monday: the closing time must be after the opening time" in text
    assert "Tuesday: enter both the opening and the closing time, or neither" in text
    saved = client.post(reverse("prevention:centre"), {
        "public_name": "Centre Testwick (test)", "region": "Testshire", "languages": ["en", "pl"],
        "open_0": "09:00", "close_0": "17:00", "open_1": "09:00", "close_1": "17:00", "open_4": "10:00",
        "close_4": "14:00", "answers_messages": "on", "accepts_referrals": "on",
    })
    assert saved.status_code == 302
    page = Client().get("/help/en/centres").content.decode()
    assert "Centre Testwick (test)" in page and "English, Polish" in page
    assert "Monday to Tuesday, 09:00 to 17:00" in page and "Friday, 10:00 to 14:00" in page
    assert staff(world, "prev_prac").get(reverse("prevention:centre")).status_code == 403
