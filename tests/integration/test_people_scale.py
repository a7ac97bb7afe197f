"""Person lists at scale (issue 14): a fixed number of queries whatever the data's size, keyset pages
that walk the whole list once, bounded counts, exact identifier lookups, reads outside transactions."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from safeguard.audit.models import AuditEvent
from safeguard.people import selectors
from safeguard.people.models import Person, PersonAgencyLink
from safeguard.policy import Actor
from tests.conftest import sign_in


def _add(world, count: int, *, start: int = 0, agency: str = "probation") -> list[Person]:
    owner = world.agencies[agency]
    persons = Person.objects.bulk_create(
        Person(reference=f"PSCALE{start + n:04d}", given_name=f"Given{n % 7}", family_name=f"Scaleton{(start + n) % 11:02d}",
               date_of_birth=date(1980, 1, 1), owner_agency=owner)
        for n in range(count)
    )  # fmt: skip
    PersonAgencyLink.objects.bulk_create(
        PersonAgencyLink(person=p, agency=owner, basis="owner", started_on=date(2026, 1, 1)) for p in persons
    )
    # Links of other agencies to the same persons must not repeat a row or change the count.
    PersonAgencyLink.objects.bulk_create(
        PersonAgencyLink(person=p, agency=world.agencies["police"], basis="statutory", started_on=date(2026, 1, 1))
        for p in persons
    )
    return persons


def _actor(world, name: str = "prob_prac") -> Actor:
    return Actor(user=world.users[name], membership=world.memberships[name], endpoint="test")


def _queries(client, url: str, **params: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured)


@pytest.mark.parametrize("path", ["people:list", "core:dashboard"])
def test_list_pages_and_dashboard_cost_the_same_queries_at_3_and_30_persons(client, world, path):
    sign_in(client, world.users["prob_prac"])
    _add(world, 3)
    client.get(reverse(path))  # warm: session, actor
    small = _queries(client, reverse(path))
    _add(world, 27, start=3)
    assert _queries(client, reverse(path)) == small


def test_api_list_and_search_cost_the_same_queries_at_3_and_30_persons(world, token_client):
    client = token_client("prob_prac")
    _add(world, 3)
    client.get("/api/v1/persons")
    small = (_queries(client, "/api/v1/persons"), _queries(client, "/api/v1/persons", q="Scaleton"))
    _add(world, 27, start=3)
    assert (_queries(client, "/api/v1/persons"), _queries(client, "/api/v1/persons", q="Scaleton")) == small


def test_cursor_pages_walk_the_whole_list_once_in_name_order_and_back(world, token_client):
    _add(world, 60)
    client = token_client("prob_prac")
    expected = list(
        Person.objects.filter(agency_links__agency=world.agencies["probation"], agency_links__ended_on__isnull=True)
        .order_by("family_name_key", "given_name_key", "id")
        .values_list("reference", flat=True)
    )
    seen, pages, cursor = [], [], ""
    while True:
        data = client.get("/api/v1/persons", {"cursor": cursor} if cursor else {}).json()
        assert set(data) >= {"count", "page", "pages", "results", "next", "previous", "count_exact"}
        assert data["count"] == len(expected) and data["count_exact"] is True
        pages.append(data)
        seen += [p["reference"] for p in data["results"]]
        if not data["next"]:
            break
        cursor = data["next"]
    assert seen == expected and len(pages) == 3
    back = client.get("/api/v1/persons", {"cursor": pages[-1]["previous"]}).json()
    assert [p["reference"] for p in back["results"]] == [p["reference"] for p in pages[1]["results"]]


def test_page_numbers_still_work_and_a_bad_cursor_names_the_field(world, token_client):
    _add(world, 30)
    client = token_client("prob_prac")
    second = client.get("/api/v1/persons", {"page": 2}).json()
    assert second["page"] == 2 and second["pages"] == 2 and len(second["results"]) == 32 - 25
    refused = client.get("/api/v1/persons", {"cursor": "not-a-cursor"})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "cursor"


def test_pages_by_number_are_the_list_in_name_order_with_ties_on_names_split_by_id(world, token_client):
    _add(world, 60)  # 11 family names and 7 given names: many people share both
    client = token_client("prob_prac")
    expected = list(
        Person.objects.filter(agency_links__agency=world.agencies["probation"], agency_links__ended_on__isnull=True)
        .order_by("family_name_key", "given_name_key", "id")
        .values_list("reference", flat=True)
    )
    pages = [client.get("/api/v1/persons", {"page": n}).json() for n in (1, 2, 3)]
    assert [p["page"] for p in pages] == [1, 2, 3]
    assert [r["reference"] for p in pages for r in p["results"]] == expected
    assert (pages[1]["previous"] is not None, pages[2]["next"]) == (True, None)
    after = client.get("/api/v1/persons", {"cursor": pages[1]["next"]}).json()
    assert after["results"] == pages[2]["results"]


def test_page_numbers_stop_where_the_count_does(world, token_client):
    client = token_client("prob_prac")
    last = client.get("/api/v1/persons", {"page": selectors.MAX_PAGE_NUMBER})
    assert last.status_code == 200
    refused = client.get("/api/v1/persons", {"page": selectors.MAX_PAGE_NUMBER + 1})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "page"
    with pytest.raises(ValidationError) as deep:
        selectors.person_search(actor=_actor(world), page=selectors.MAX_PAGE_NUMBER + 1)
    assert "follow the next-page cursor" in str(deep.value.message_dict["page"])


def test_a_bad_cursor_on_the_page_goes_back_to_the_first_page(client, world):
    sign_in(client, world.users["prob_prac"])
    response = client.get(reverse("people:list"), {"cursor": "%%%"})
    assert response.status_code == 302 and response.url == reverse("people:list")


def test_counts_stop_at_the_limit_and_say_so(world, monkeypatch):
    monkeypatch.setattr(selectors, "COUNT_LIMIT", 10)
    _add(world, 12)
    page = selectors.person_search(actor=_actor(world))
    assert (page.count, page.count_exact, page.count_text) == (10, False, "More than 10")
    assert selectors.visible_person_count(actor=_actor(world)) == (10, False)
    with CaptureQueriesContext(connection) as saturated:  # past the limit: kept, not counted again
        assert selectors.visible_person_count(actor=_actor(world)) == (10, False)
    assert not [q for q in saturated.captured_queries if "people_personagencylink" in q["sql"]]


def test_a_count_below_the_limit_is_read_every_time(world):
    actor = _actor(world)
    before, exact = selectors.visible_person_count(actor=actor)
    _add(world, 2)
    assert exact and selectors.visible_person_count(actor=actor) == (before + 2, True)


def test_a_reference_or_pnc_is_found_exactly_and_only_when_visible(world):
    Person.objects.filter(pk=world.persons["probation"].pk).update(pnc_number="2019/0012345X")
    found = selectors.person_search(actor=_actor(world), query="ptest001")
    assert [p.reference for p in found.object_list] == ["PTEST001"]
    assert [p.reference for p in selectors.person_search(actor=_actor(world), query="2019/0012345x").object_list] == ["PTEST001"]
    assert selectors.person_search(actor=_actor(world, "treat_prac"), query="PTEST002").object_list == []


def test_name_search_matches_the_start_of_either_name_in_any_case(world):
    _add(world, 22)
    found = selectors.person_search(actor=_actor(world), query="scaleTON03").object_list
    assert {p.family_name for p in found} == {"Scaleton03"} and len(found) == 2
    assert len(selectors.person_search(actor=_actor(world), query="given6").object_list) == 3
    assert selectors.person_search(actor=_actor(world), query="caleton").object_list == []  # a prefix, not a substring


def test_the_list_reads_outside_any_transaction_and_audits_after(world, monkeypatch):
    depths = []
    from safeguard.people import selectors as module

    real = module.record_event

    def spy(**kwargs):
        depths.append(len(connection.savepoint_ids))
        return real(**kwargs)

    monkeypatch.setattr(module, "record_event", spy)
    before = AuditEvent.objects.count()
    selectors.person_search(actor=_actor(world))
    # The test's own transaction wraps everything; the selector adds no block of its own around the read.
    assert depths == [len(connection.savepoint_ids)]
    assert AuditEvent.objects.count() == before + 1


def test_a_person_another_agency_holds_answers_404(client, world):
    sign_in(client, world.users["treat_prac"])
    assert client.get(reverse("people:detail", kwargs={"pk": world.persons["police"].pk})).status_code == 404


# --- where pages by number begin, kept for a short while (settings.PAGE_ENDS_KEPT_SECONDS) ----------


@pytest.fixture
def kept_ends(settings):
    from django.core.cache import cache

    settings.PAGE_ENDS_KEPT_SECONDS = 30
    cache.clear()
    yield
    cache.clear()


def _in_order(world) -> list[str]:
    return list(
        Person.objects.filter(agency_links__agency=world.agencies["probation"], agency_links__ended_on__isnull=True)
        .order_by("family_name_key", "given_name_key", "id")
        .values_list("reference", flat=True)
    )


def _page(actor: Actor, number: int) -> tuple[list[str], list[str]]:
    """The references on page `number` and the queries that read the list (not the audit write)."""
    with CaptureQueriesContext(connection) as captured:
        page = selectors.person_search(actor=actor, page=number)
    reads = [q["sql"] for q in captured.captured_queries if "people_person" in q["sql"] and "INSERT" not in q["sql"]]
    return [p.reference for p in page.object_list], reads


def _steps(reads: list[str]) -> list[str]:
    """The OFFSET of each step over the index among a page's reads."""
    return [sql[sql.index("OFFSET") :].split()[1] for sql in reads if "OFFSET" in sql]


def test_kept_page_ends_give_the_same_pages_as_stepping_over_the_index(world, kept_ends, settings):
    _add(world, 130)
    expected = _in_order(world)
    order = (4, 2, 6, 3, 5, 1, 6, 2)
    kept = [_page(_actor(world), n)[0] for n in order]
    settings.PAGE_ENDS_KEPT_SECONDS = 0
    afresh = [_page(_actor(world), n)[0] for n in order]
    assert kept == afresh
    size = selectors.PAGE_SIZE
    assert kept[0] == expected[3 * size : 4 * size] and kept[2] == expected[5 * size :]


def test_a_page_asked_again_or_the_next_reads_only_its_rows_and_others_step_from_the_nearest_end(world, kept_ends):
    _add(world, 200)
    actor = _actor(world)
    cold = _page(actor, 6)[1]
    assert _steps(cold) == ["124"]  # five pages of 25, to the last row of page 5
    again = _page(actor, 6)[1]
    assert _steps(again) == [] and len(again) == len(cold) - 1
    assert _steps(_page(actor, 7)[1]) == []
    rows, reads = _page(actor, 5)
    assert _steps(reads) == ["24"]  # back over page 5 from its last row
    assert rows == _in_order(world)[4 * selectors.PAGE_SIZE : 5 * selectors.PAGE_SIZE]
    assert _steps(_page(actor, 3)[1]) == ["49"]  # from the start: 2 pages, not 2 back from page 4
    assert _steps(_page(actor, 8)[1]) == []  # page 7 was full: its end is known


def test_past_the_end_a_list_longer_than_its_count_is_known_to_end(world, kept_ends, monkeypatch):
    monkeypatch.setattr(selectors, "COUNT_LIMIT", 10)  # the count is not exact: a page number is not capped
    _add(world, 30)
    actor = _actor(world)
    rows, cold = _page(actor, 9)
    assert rows == _in_order(world)[: selectors.PAGE_SIZE]  # past the end: the first page, as before
    assert len(_steps(cold)) == 1
    assert _steps(_page(actor, 12)[1]) == []  # known to be past the end: no step


def test_page_ends_are_kept_for_one_user_and_search_and_not_past_their_own_write(world, kept_ends):
    from safeguard.core import due

    _add(world, 300)
    actor = _actor(world)
    with due.kept_answers("before"):
        assert _steps(_page(actor, 3)[1]) == ["49"]
        assert _steps(_page(actor, 3)[1]) == []
    with due.kept_answers("after-a-write"):
        assert _steps(_page(actor, 3)[1]) == ["49"]
    assert _steps(_page(_actor(world, "prob_sup"), 3)[1]) == ["49"]  # another user of the same agency
    # A search has its own page ends: those of the whole list would begin its page 2 far too early.
    _page(actor, 2)
    searched = [r for r in _in_order(world) if r in set(
        Person.objects.filter(family_name="Scaleton10").values_list("reference", flat=True))]  # fmt: skip
    page = selectors.person_search(actor=actor, query="scaleton1", page=2)
    assert [p.reference for p in page.object_list] == searched[selectors.PAGE_SIZE : 2 * selectors.PAGE_SIZE]


def test_page_ends_are_read_afresh_once_their_time_is_up(world, kept_ends, monkeypatch):
    _add(world, 80)
    actor = _actor(world)
    assert _steps(_page(actor, 3)[1]) == ["49"]
    now = selectors.time.time()
    monkeypatch.setattr(selectors.time, "time", lambda: now + 31)
    assert _steps(_page(actor, 3)[1]) == ["49"]
