"""Calendar feeds: the provider plug-in, the iCalendar document, names kept out, revocation, scoping, audit."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from safeguard.accounts.models import Membership, User
from safeguard.assessments import services as assessment_services
from safeguard.audit.models import AuditEvent, Outcome
from safeguard.feeds import ical, selectors, services
from safeguard.feeds.models import CalendarFeed
from safeguard.feeds.registry import FeedEvent, Window, providers, register
from safeguard.instruments import registry
from safeguard.people.models import Conviction, Person, PersonAgencyLink
from tests.conftest import sign_in

STABLE = "stable-2007"


def complete(world, person: Person, who: str = "prob_prac", days_ago: int = 170, actor=None):
    return assessment_services.assessment_record(
        actor=actor or world.actor(who), person=person, instrument_id=STABLE,
        inputs=registry.example_input(STABLE), assessment_date=timezone.localdate() - timedelta(days=days_ago),
    )


def read(token: str) -> tuple[int, str]:
    """The feed as a calendar app fetches it: no cookie, no session."""
    response = Client().get(reverse("feeds:feed", kwargs={"token": token}))
    return response.status_code, response.content.decode()


def uids(body: str) -> list[str]:
    return [str(event["UID"]) for event in Calendar.from_ical(body).walk("VEVENT")]


# --- the plug-in point --------------------------------------------------------------------------


def test_the_assessments_app_registers_its_provider():
    assert "assessments.reassessments" in providers()


def test_registering_a_different_provider_under_a_taken_name_is_refused():
    existing = providers()["assessments.reassessments"]
    register("assessments.reassessments", existing)  # the same one again: harmless
    with pytest.raises(ValueError, match="already registered"):
        register("assessments.reassessments", lambda actor, window: [])


@pytest.mark.parametrize(
    "fields",
    [
        {"uid": "a", "start": date(2026, 1, 1), "summary": "Line one\nLine two"},
        {"uid": "", "start": date(2026, 1, 1), "summary": "x"},
        {"uid": "a", "start": datetime(2026, 1, 1, 10), "summary": "naive time"},
        {"uid": "a", "start": date(2026, 1, 1), "end": datetime(2026, 1, 1, 10, tzinfo=UTC), "summary": "mixed"},
        {"uid": "a", "start": date(2026, 1, 1), "summary": "x" * 201},
    ],
)
def test_events_refuse_text_a_calendar_could_misread(fields):
    with pytest.raises(ValueError):
        FeedEvent(**fields)


def test_the_document_has_all_day_and_timed_events():
    events = [
        FeedEvent(uid="due-1@safeguard", start=date(2026, 3, 2), summary="Reassessment due: PTEST001 (STABLE-2007)"),
        FeedEvent(
            uid="session-7@safeguard", start=datetime(2026, 3, 3, 18, 30, tzinfo=UTC), summary="Group session 7",
            location="Room 2, Testington Centre",
        ),
    ]
    parsed = Calendar.from_ical(ical.render(events, now=datetime(2026, 3, 1, tzinfo=UTC)))
    assert str(parsed["VERSION"]) == "2.0"
    first, second = parsed.walk("VEVENT")
    assert first.decoded("DTSTART") == date(2026, 3, 2) and first.decoded("DTEND") == date(2026, 3, 3)
    assert second.decoded("DTEND") - second.decoded("DTSTART") == timedelta(hours=1)
    assert str(second["LOCATION"]) == "Room 2, Testington Centre"


# --- the feed through its address ---------------------------------------------------------------


@pytest.fixture
def planted(world):
    """A person with a distinctive name, an offence and an address, and a STABLE-2007 due in about 10 days."""
    person = world.persons["probation"]
    person.given_name, person.family_name = "Zebedee", "Quillfeather-Testington"
    person.save()
    Conviction.objects.create(
        person=person, offence_code="soa2003-s9", offence_date=date(2020, 1, 1),
        conviction_date=date(2021, 1, 1), court="Testington Crown Court", disposal="custody",
    )
    return complete(world, person)


def test_a_new_link_is_shown_once_and_the_feed_has_references_and_no_names(client, world, planted):
    sign_in(client, world.users["prob_prac"])
    page = client.post(reverse("feeds:create")).content.decode()
    token = CalendarFeed.objects.get(membership=world.memberships["prob_prac"], revoked_at__isnull=True)
    url = page.split('data-testid="feed-url"')[0].rsplit('value="', 1)[1].split('"')[0]
    assert url.startswith("http://testserver/feeds/") and url.endswith(".ics")
    secret = url.removeprefix("http://testserver/feeds/").removesuffix(".ics")
    assert len(secret) >= 40 and token.token_hash != secret and secret not in token.token_hash

    status, body = read(secret)
    assert status == 200
    assert "Reassessment due: PTEST001 (STABLE-2007)" in body
    assert uids(body) == ["reassessment-PTEST001-stable-2007@safeguard"]
    event = next(iter(Calendar.from_ical(body).walk("VEVENT")))
    assert event.decoded("DTSTART") == planted.reassessment_due
    for private in ("Zebedee", "Quillfeather", "Testington", "1980", "soa2003", "SOA2003", "s9", "Crown Court"):
        assert private not in body


def test_reading_the_feed_is_audited_without_the_token(world, planted):
    token = services.feed_create(actor=world.actor("prob_prac"))
    before = AuditEvent.objects.count()
    assert read(token)[0] == 200
    event = AuditEvent.objects.get(action="calendar.feed.read")
    assert AuditEvent.objects.count() == before + 1
    assert (event.username, event.outcome) == ("prob_prac", Outcome.SUCCESS)
    assert event.details["events"] == ["reassessment-PTEST001-stable-2007@safeguard"]
    assert token not in event.endpoint and not AuditEvent.objects.filter(details__icontains=token).exists()
    assert CalendarFeed.objects.get().last_read_at is not None


def test_revoked_and_replaced_links_answer_404(client, world, planted):
    actor = world.actor("prob_prac")
    first = services.feed_create(actor=actor)
    second = services.feed_create(actor=actor)  # a new link stops the old one
    assert read(first)[0] == 404 and read(second)[0] == 200
    sign_in(client, world.users["prob_prac"])
    assert client.post(reverse("feeds:revoke")).status_code == 302
    assert read(second)[0] == 404
    assert read("not-a-token-at-all")[0] == 404
    denied = AuditEvent.objects.filter(action="calendar.feed.read", outcome=Outcome.DENIED)
    assert denied.count() == 2  # the two known links still polled; the unknown one names nobody
    assert CalendarFeed.objects.filter(revoked_at__isnull=True).count() == 0


def test_a_deactivated_role_or_user_stops_the_feed(world, planted):
    token = services.feed_create(actor=world.actor("prob_prac"))
    Membership.objects.filter(pk=world.memberships["prob_prac"].pk).update(is_active=False)
    assert read(token)[0] == 404
    Membership.objects.filter(pk=world.memberships["prob_prac"].pk).update(is_active=True)
    User.objects.filter(pk=world.users["prob_prac"].pk).update(locked_at=timezone.now())
    assert read(token)[0] == 404


def test_each_feed_holds_only_what_its_role_may_see(world, planted):
    other_agency = world.agencies["other_probation"]
    other_user = User.objects.create(username="other_prac", first_name="Other")
    other = Membership.objects.create(user=other_user, agency=other_agency, role="practitioner")
    from safeguard.policy import Actor

    other_actor = Actor(user=other_user, membership=other, endpoint="test")
    complete(world, world.persons["other"], actor=other_actor)
    complete(world, world.persons["police"])  # police-owned, shared with probation
    mine = read(services.feed_create(actor=world.actor("prob_prac")))[1]
    theirs = read(services.feed_create(actor=other_actor))[1]
    assert sorted(uids(mine)) == ["reassessment-PTEST001-stable-2007@safeguard", "reassessment-PTEST002-stable-2007@safeguard"]
    assert uids(theirs) == ["reassessment-PTEST003-stable-2007@safeguard"]
    # Treatment sees the probation person only; analysts and prevention staff hold no persons.
    assert uids(read(services.feed_create(actor=world.actor("treat_prac")))[1]) == ["reassessment-PTEST001-stable-2007@safeguard"]
    for name in ("analyst", "prev_prac", "court_prac"):
        assert uids(read(services.feed_create(actor=world.actor(name)))[1]) == []
    # An ended link to the person ends the entry too.
    PersonAgencyLink.objects.filter(person=world.persons["police"], agency=world.agencies["probation"]).update(
        ended_on=date(2026, 2, 1)
    )
    assert uids(read(services.feed_create(actor=world.actor("prob_prac")))[1]) == ["reassessment-PTEST001-stable-2007@safeguard"]


def test_the_window_and_the_latest_assessment_decide_the_entries(world):
    person = world.persons["probation"]
    complete(world, person, days_ago=400)  # due about 220 days ago: outside the window
    window = selectors.window_around(timezone.localdate())
    assert selectors.feed_events(actor=world.actor("prob_prac"), window=window) == []
    newer = complete(world, person, days_ago=10)  # due in about 170 days: replaces the old due date
    events = selectors.feed_events(actor=world.actor("prob_prac"), window=window)
    assert [e.start for e in events] == [newer.reassessment_due]
    assert selectors.feed_events(actor=world.actor("prob_prac"), window=Window(date(2000, 1, 1), date(2000, 2, 1))) == []


def test_the_account_page_offers_the_link_for_the_current_role(client, world):
    sign_in(client, world.users["prob_prac"])
    page = client.get(reverse("accounts:account")).content.decode()
    assert "You have no feed link." in page and reverse("feeds:create") in page
    services.feed_create(actor=world.actor("prob_prac"))
    page = client.get(reverse("accounts:account")).content.decode()
    assert "You have a feed link, created on" in page and reverse("feeds:revoke") in page
    assert AuditEvent.objects.filter(action="calendar.feed.create").count() == 1
