"""Due items and alerts: the registry's collection, the dashboard's "needs attention" panel, the alerts
page with acknowledgement, the supervisor's team view, the menu entry and the calendar feed.

Most tests use a provider defined here ("test.visit": a home visit due for each person the actor's
agency may see, on dates the test sets by reference, owned by the probation practitioner), alone in
the registry, so that other apps' providers cannot change the answers.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from safeguard.alerts.models import Acknowledgement
from safeguard.audit.models import AuditEvent
from safeguard.core import due
from safeguard.core.due import DueItem, DueProvider, DueQuery, describe_due
from safeguard.people.ports import persons_visible_to
from safeguard.policy import Action
from tests.conftest import ROLES, sign_in
from tests.integration.test_due_reassessments import more_people_assessed
from tests.integration.test_plain_words import developer_words, visible_text

VISIT = "test.visit"


class Visits:
    """A test provider computed from records: a visit due for each visible person with a date set."""

    def __init__(self, world) -> None:
        self.world = world
        self.dates: dict[str, date] = {}
        self.calls = 0

    def __call__(self, query: DueQuery) -> list[DueItem]:
        self.calls += 1
        owner = self.world.users["prob_prac"]
        persons = persons_visible_to(query.actor).filter(reference__in=list(self.dates)).order_by("reference")
        found = [
            DueItem(
                key=f"{VISIT}:{person.pk}:{self.dates[person.reference].isoformat()}",
                kind=VISIT,
                title=f"Home visit: {person.given_name} {person.family_name}",
                reason="Home visits are due every 3 months.",
                due_on=self.dates[person.reference],
                url=reverse("people:detail", kwargs={"pk": person.pk}),
                reference=person.reference,
                owner_id=owner.pk,
                owner_name="Pat Testington",
            )
            for person in persons
        ]
        if not query.team:
            found = [item for item in found if item.owner_id == query.actor.user.pk]
        return sorted(found, key=lambda item: item.due_on)[: query.limit]


@pytest.fixture
def visits(monkeypatch, world) -> Visits:
    provider = Visits(world)
    monkeypatch.setattr(due, "_PROVIDERS", {})
    due.register(DueProvider(VISIT, "Home visit due", Action.PERSON_VIEW, provider, in_feed=True))
    return provider


def today() -> date:
    return timezone.localdate()


def page_of(client, name: str, **params) -> str:
    response = client.get(reverse(name), params)
    assert response.status_code == 200, (name, response.status_code)
    return visible_text(response.content.decode())


# --- the registry ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("offset", "words", "status"),
    [(-3, "Overdue by 3 days", "overdue"), (-1, "Overdue by 1 day", "overdue"), (0, "Due today", "today"),
     (1, "Due 15 June 2026", "upcoming"), (-1200, "Overdue by 1,200 days", "overdue")],
)
def test_due_dates_in_words(offset, words, status):
    day = date(2026, 6, 14)
    assert describe_due(day + timedelta(days=offset), day) == words
    item = DueItem("k", "x", "t", "r", day + timedelta(days=offset), "/")
    assert item.status(day) == status


def test_collect_orders_by_urgency_keeps_one_item_per_key_and_says_when_there_is_more(world, visits, monkeypatch):
    day = date(2026, 6, 14)
    visits.dates = {"PTEST001": day + timedelta(days=2), "PTEST002": day - timedelta(days=1)}
    twin = visits(DueQuery(actor=world.actor("prob_prac"), today=day))[0]
    due.register(DueProvider("test.twin", "Twin", Action.PERSON_VIEW, lambda query: [twin]))
    report = due.collect(DueQuery(actor=world.actor("prob_prac"), today=day))
    assert [i.reference for i in report.items] == ["PTEST002", "PTEST001"]  # the twin counted once
    assert report.more is False and report.failed == []
    cut = due.collect(DueQuery(actor=world.actor("prob_prac"), today=day, limit=1))
    assert [i.reference for i in cut.items] == ["PTEST002"] and cut.more is True


def test_a_failing_provider_is_named_and_the_others_still_answer(world, visits, client):
    visits.dates = {"PTEST001": today()}

    def broken(query):
        raise RuntimeError("database unavailable")

    due.register(DueProvider("test.broken", "Programme register", Action.PERSON_VIEW, broken))
    report = due.collect(DueQuery(actor=world.actor("prob_prac"), today=today()))
    assert report.failed == ["Programme register"] and [i.reference for i in report.items] == ["PTEST001"]
    sign_in(client, world.users["prob_prac"])
    text = page_of(client, "alerts:list")
    assert "Could not check Programme register just now, so this list may be incomplete" in text
    assert "Home visit: Testy PersonPTEST001" in text


def test_a_provider_whose_query_fails_leaves_the_request_usable(world, visits):
    def bad_query(query):
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM alerts_no_such_table")
        return []

    due.register(DueProvider("test.bad", "Bad query", Action.PERSON_VIEW, bad_query))
    visits.dates = {"PTEST001": today()}
    report = due.collect(DueQuery(actor=world.actor("prob_prac"), today=today()))
    assert report.failed == ["Bad query"] and len(report.items) == 1
    assert Acknowledgement.objects.count() == 0  # the transaction still answers (PostgreSQL would refuse)


# --- the dashboard panel and the menu ----------------------------------------------------------------


def test_panel_and_menu_are_hidden_when_no_provider_asks_anything_of_the_role(world, client, monkeypatch):
    monkeypatch.setattr(due, "_PROVIDERS", {})
    sign_in(client, world.users["prob_prac"])
    page = client.get(reverse("core:dashboard")).content.decode()
    assert 'data-testid="needs-attention"' not in page and reverse("alerts:list") not in page
    assert client.get(reverse("alerts:list")).status_code == 403
    refusal = AuditEvent.objects.filter(outcome="denied").latest("id")
    assert refusal.action == "alerts.view"  # refused under the page's own action


def test_the_real_providers_give_the_panel_to_roles_that_reassess_only(world, client):
    for who, shown in (("prob_prac", True), ("treat_prac", True), ("court_prac", False), ("auditor", False)):
        sign_in(client, world.users[who])
        page = client.get(reverse("core:dashboard")).content.decode()
        assert ('data-testid="needs-attention"' in page) is shown, who
        assert (f'href="{reverse("alerts:list")}"' in page) is shown, who


def test_with_the_reassessment_provider_alone_the_alerts_page_is_for_those_who_reassess(world, client, monkeypatch):
    from safeguard.assessments.due import PROVIDER

    monkeypatch.setattr(due, "_PROVIDERS", {PROVIDER.kind: PROVIDER})
    answers = {}
    for who in ROLES:
        sign_in(client, world.users[who])
        answers[who] = client.get(reverse("alerts:list")).status_code
    assert {who for who, status in answers.items() if status == 200} == {"prob_prac", "prob_sup", "police_prac", "treat_prac"}
    assert set(answers.values()) == {200, 403}


def test_panel_lists_the_most_urgent_with_reason_words_and_link(world, visits, client):
    people = _people(world, 6)
    day = today()
    offsets = {people[0]: 5, people[1]: -3, people[2]: 0, people[3]: -1, people[4]: 20, people[5]: 2}
    visits.dates = {ref: day + timedelta(days=offset) for ref, offset in offsets.items()}
    sign_in(client, world.users["prob_prac"])
    page = client.get(reverse("core:dashboard")).content.decode()
    panel = page.split('data-testid="needs-attention"')[1].split("All your alerts")[0]
    text = visible_text(panel)
    assert "6 items waiting, 2 overdue" in text
    order = [people[1], people[3], people[2], people[5], people[0]]  # the 5 most urgent, in order
    positions = [text.index(f"Home visit: Testy Testington{ref}") for ref in order]
    assert positions == sorted(positions) and f"Testington{people[4]}" not in text
    assert "Overdue by 3 days" in text and "Overdue by 1 day" in text and "Due today" in text
    assert f"Due {(day + timedelta(days=2)).day} " in text
    assert "Home visits are due every 3 months." in text and "Showing the 5 most urgent." in text
    person = world.persons_by_ref[people[1]]
    assert f'href="{reverse("people:detail", kwargs={"pk": person.pk})}"' in panel
    assert "Looked for: Home visit due." in text
    event = AuditEvent.objects.get(action="alerts.view")
    assert event.details["page"] == "dashboard" and len(event.details["shown"]) == 5
    assert "Testington" not in str(event.details)  # keys carry ids, never names


def test_panel_says_so_when_nothing_needs_attention(world, visits, client):
    sign_in(client, world.users["prob_prac"])
    text = page_of(client, "core:dashboard")
    assert "Nothing needs your attention now." in text
    assert not AuditEvent.objects.filter(action="alerts.view").exists()  # nothing shown, nothing read


def test_another_agencys_user_sees_none_of_them(world, visits, client):
    visits.dates = {"PTEST001": today() - timedelta(days=1), "PTEST003": today()}
    # The police do not see PTEST001; the owner is probation's practitioner, so even their own team
    # view (a police supervisor) would have nothing; the other probation agency's person is not
    # visible to probation.
    assert visits(DueQuery(actor=world.actor("police_prac"), today=today(), team=True)) == []
    assert [i.reference for i in due.due_items(DueQuery(actor=world.actor("prob_sup"), today=today(), team=True))] == [
        "PTEST001"
    ]
    sign_in(client, world.users["police_prac"])
    assert "Testy PersonPTEST001" not in page_of(client, "alerts:list")
    key = visits(DueQuery(actor=world.actor("prob_prac"), today=today()))[0].key
    response = client.post(reverse("alerts:list"), {"items": [key]})
    assert response.status_code == 200 and "no longer due" in visible_text(response.content.decode())
    assert not Acknowledgement.objects.exists()


# --- the alerts page and acknowledgement ---------------------------------------------------------------


def test_acknowledge_several_at_once_audited_and_kept_visible(world, visits, client):
    visits.dates = {"PTEST001": today() - timedelta(days=2), "PTEST002": today() + timedelta(days=3)}
    keys = [i.key for i in visits(DueQuery(actor=world.actor("prob_prac"), today=today()))]
    sign_in(client, world.users["prob_prac"])
    response = client.post(reverse("alerts:list"), {"items": keys})
    assert response.status_code == 302 and response.url == reverse("alerts:list")
    assert Acknowledgement.objects.filter(user=world.users["prob_prac"]).count() == 2
    event = AuditEvent.objects.get(action="alerts.acknowledge")
    assert event.details == {"acknowledged": keys} and event.user_id == world.users["prob_prac"].pk
    page = client.get(reverse("alerts:list")).content.decode()
    text = visible_text(page)
    assert "2 items acknowledged." in text
    acknowledged = visible_text(page.split('data-testid="alerts-acknowledged"')[1])
    assert "Home visit: Testy PersonPTEST001" in acknowledged and "Overdue by 2 days" in acknowledged
    assert f"You acknowledged it on {timezone.localdate().day} " in acknowledged
    assert 'data-testid="alerts-waiting"' not in page and "Nothing needs your attention now." in text
    dashboard = page_of(client, "core:dashboard")
    assert "Nothing needs your attention now." in dashboard and "All your alerts (2 acknowledged)" in dashboard
    # Acknowledging again keeps the first time and writes a second event.
    first = Acknowledgement.objects.order_by("id").first().acknowledged_at
    assert client.post(reverse("alerts:list"), {"items": keys[:1]}).status_code == 302
    assert Acknowledgement.objects.count() == 2 and Acknowledgement.objects.order_by("id").first().acknowledged_at == first
    assert AuditEvent.objects.filter(action="alerts.acknowledge").count() == 2


def test_an_acknowledgement_ends_when_the_obligation_changes_or_is_resolved(world, visits, client):
    visits.dates = {"PTEST001": today() - timedelta(days=1)}
    [item] = visits(DueQuery(actor=world.actor("prob_prac"), today=today()))
    sign_in(client, world.users["prob_prac"])
    client.post(reverse("alerts:list"), {"items": [item.key]})
    assert "All your alerts (1 acknowledged)" in page_of(client, "core:dashboard")
    visits.dates = {"PTEST001": today() + timedelta(days=10)}  # a new due date: a new key
    page = client.get(reverse("alerts:list")).content.decode()
    waiting = visible_text(page.split('data-testid="alerts-waiting"')[1])
    assert "Home visit: Testy PersonPTEST001" in waiting and 'data-testid="alerts-acknowledged"' not in page
    assert "Home visit: Testy PersonPTEST001" in page_of(client, "core:dashboard")
    visits.dates = {}  # resolved: the item is gone, the old acknowledgement matches nothing
    text = page_of(client, "alerts:list")
    assert "PersonPTEST001" not in text and "Nothing needs your attention now." in text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Select at least one item to acknowledge"),
        ({"items": ["not-a-key"]}, "An item you selected is no longer due, or its date has changed"),
        ({"items": ["valid", "not-a-key"]}, "An item you selected is no longer due, or its date has changed"),
    ],
)
def test_bad_acknowledgements_are_refused_and_nothing_is_saved(world, visits, client, data, message):
    visits.dates = {"PTEST001": today()}
    [item] = visits(DueQuery(actor=world.actor("prob_prac"), today=today()))
    data = {"items": [item.key if k == "valid" else k for k in data["items"]]} if data else {}
    sign_in(client, world.users["prob_prac"])
    response = client.post(reverse("alerts:list"), data)
    assert response.status_code == 200
    page = response.content.decode()
    text = visible_text(page)
    assert "There is a problem" in text and message in text and 'href="#id_items_0"' in page
    assert "not-a-key" not in text  # the refused value is not echoed as words
    assert not Acknowledgement.objects.exists() and not AuditEvent.objects.filter(action="alerts.acknowledge").exists()


# --- the supervisor's team view --------------------------------------------------------------------


def test_team_view_for_supervisors_only(world, visits, client):
    visits.dates = {"PTEST001": today()}
    for who in ("prob_prac", "treat_prac", "police_prac", "auditor", "admin"):
        sign_in(client, world.users[who])
        assert client.get(reverse("alerts:team")).status_code == 403, who
    sign_in(client, world.users["prob_sup"])
    assert client.get(reverse("alerts:team")).status_code == 200
    assert "Your team's due items" in page_of(client, "core:dashboard")


def test_team_view_groups_by_owner_most_overdue_first_with_their_acknowledgements(world, visits, client, monkeypatch):
    people = _people(world, 3)
    day = today()
    visits.dates = {people[0]: day + timedelta(days=4), people[1]: day - timedelta(days=9), people[2]: day}
    own = visits(DueQuery(actor=world.actor("prob_prac"), today=day))
    sign_in(client, world.users["prob_prac"])
    client.post(reverse("alerts:list"), {"items": [own[0].key]})  # the most overdue

    sup = world.users["prob_sup"]
    sup_item = DueItem("test.other:1", "test.other", "Plan review: Testy PersonPTEST002", "Plans are reviewed yearly.",
                       day - timedelta(days=1), "/people/", "PTEST002", sup.pk, "Sam Supervisor")
    unowned = DueItem("test.other:2", "test.other", "Register to take", "Group session on Tuesday.", day + timedelta(days=1), "/")
    due.register(DueProvider("test.other", "Other", Action.PERSON_VIEW,
                             lambda q: [sup_item, unowned] if q.team else [i for i in (sup_item,) if q.actor.user.pk == sup.pk]))
    sign_in(client, sup)
    page = client.get(reverse("alerts:team")).content.decode()
    owners = visible_text(page.split('data-testid="team-owners"')[1].split("</table>")[0])
    assert owners.index("Pat Testington 1 1 1") < owners.index("Sam Supervisor 1 0 0") < owners.index("No one 0 0 1")
    items = page.split('data-testid="team-item"')[1:]
    assert [re.search(r'class="govuk-tag[^"]*">([^<]*)<', i).group(1) for i in items] == [
        "Overdue by 9 days", "Overdue by 1 day", "Due today",
        describe_due(day + timedelta(days=1), day), describe_due(day + timedelta(days=4), day),
    ]
    first = visible_text(items[0])
    assert f"Testington{people[1]}" in first and "Pat Testington: acknowledged on" in first
    assert "Pat Testington: not acknowledged" in visible_text(items[2])
    assert "No one: not acknowledged" in visible_text(items[3])
    event = AuditEvent.objects.get(action="alerts.team.view")
    assert len(event.details["shown"]) == 5 and event.details["owner"] is None

    # Filtered by owner: only theirs; someone from another agency, or not a number, is refused.
    text = page_of(client, "alerts:team", owner=world.users["prob_prac"].pk)
    assert "Pat Testington's items, most overdue first" not in text  # the member list's name is used
    assert "Prob_Prac's items, most overdue first" in text and "Plan review" not in text
    assert text.count("Not acknowledged") == 2 and "Acknowledged on" in text
    assert "Everyone's items, most overdue first" in page_of(client, "alerts:team", owner="everyone")
    for wrong in (world.users["police_prac"].pk, "abc", ""):
        text = page_of(client, "alerts:team", owner=wrong)
        assert "There is a problem" in text and "Choose someone from your team, or everyone" in text
        assert "Everyone's items, most overdue first" in text


# --- query counts ----------------------------------------------------------------------------------


def _queries(client, url: str, method: str = "get", data: dict | None = None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(url, data or {})
    assert response.status_code in (200, 302)
    return len(captured)


@pytest.mark.parametrize(
    ("who", "name"), [("prob_prac", "core:dashboard"), ("prob_prac", "alerts:list"), ("prob_sup", "alerts:team")]
)
def test_query_counts_do_not_grow_with_the_number_of_items(world, client, who, name):
    """The real reassessment provider, 3 and then 30 overdue items (and as many acknowledged)."""
    sign_in(client, world.users[who])
    counts = []
    for start, stop in ((0, 3), (3, 30)):
        more_people_assessed(world, start, stop)
        counts.append(_queries(client, reverse(name)))
    assert counts[0] == counts[1], counts
    if name == "alerts:list":
        keys = [key for key, _title in client.get(reverse(name)).context["form"].fields["items"].choices]
        posted = _queries(client, reverse(name), "post", {"items": keys[:3]})
        more = _queries(client, reverse(name), "post", {"items": keys})
        assert posted == more
        assert _queries(client, reverse(name)) == counts[0]  # with 30 acknowledged


# --- the calendar feed -----------------------------------------------------------------------------


def test_the_feed_carries_label_and_reference_never_a_name(world, visits):
    from safeguard.feeds.selectors import feed_events, window_around

    day = today()
    visits.dates = {"PTEST001": day + timedelta(days=3), "PTEST002": day - timedelta(days=60)}  # the second is outside the window
    due.register(DueProvider("test.quiet", "Not in feeds", Action.PERSON_VIEW,
                             lambda q: [DueItem("q", "test.quiet", "Quiet", "r", day, "/", "PQUIET")]))
    events = [e for e in feed_events(actor=world.actor("prob_prac"), window=window_around(day)) if e.uid.startswith("due-")]
    assert [(e.summary, e.start) for e in events] == [("Home visit due: PTEST001", day + timedelta(days=3))]
    text = " ".join(f"{e.uid} {e.summary} {e.location}" for e in events)
    for name in ("Testy", "PersonPTEST001", "Pat Testington", "Home visit:", "every 3 months"):
        assert name not in text
    police = feed_events(actor=world.actor("police_prac"), window=window_around(day))
    assert [e for e in police if e.uid.startswith("due-")] == []  # not theirs


# --- plain words -----------------------------------------------------------------------------------


def test_pages_show_words_not_codes_or_iso_dates(world, visits, client):
    visits.dates = {"PTEST001": today() - timedelta(days=1), "PTEST002": today() + timedelta(days=12)}
    keys = [i.key for i in visits(DueQuery(actor=world.actor("prob_prac"), today=today()))]
    sign_in(client, world.users["prob_prac"])
    client.post(reverse("alerts:list"), {"items": keys[:1]})
    shown = {"dashboard": page_of(client, "core:dashboard"), "alerts": page_of(client, "alerts:list")}
    shown["refused"] = visible_text(client.post(reverse("alerts:list"), {}).content.decode())
    sign_in(client, world.users["prob_sup"])
    shown["team"] = page_of(client, "alerts:team")
    shown["team filtered"] = page_of(client, "alerts:team", owner=world.users["prob_prac"].pk)
    problems = {label: found for label, text in shown.items() if (found := developer_words(text, frozenset({"prob_prac"})))}
    assert problems == {}
    assert all(VISIT not in text for text in shown.values())


# --- helpers ---------------------------------------------------------------------------------------


def _people(world, n: int) -> list[str]:
    """n more probation persons with references "PV001" …, recorded on `world.persons_by_ref`."""
    from safeguard.people.models import Person, PersonAgencyLink

    refs = []
    world.persons_by_ref = getattr(world, "persons_by_ref", {})
    for index in range(n):
        ref = f"PV{index:03d}"
        person = Person.objects.create(reference=ref, given_name="Testy", family_name=f"Testington{ref}",
                                       date_of_birth=date(1980, 1, 1), owner_agency=world.agencies["probation"])
        PersonAgencyLink.objects.create(person=person, agency=world.agencies["probation"], basis="owner",
                                        started_on=date(2025, 1, 1))
        world.persons_by_ref[ref] = person
        refs.append(ref)
    return refs

