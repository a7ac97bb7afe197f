"""Person pages: forms name each bad field, nothing is half-saved, the record shows its parts."""

from __future__ import annotations

from django.urls import reverse

from safeguard.people.models import Conviction, Person, PersonAgencyLink
from tests.conftest import sign_in
from tests.form_data import typed


def test_create_person_with_bad_input_shows_an_error_summary(client, world):
    sign_in(client, world.users["prob_prac"])
    before = Person.objects.count()
    response = client.post(
        reverse("people:create"),
        typed({"given_name": "", "family_name": "", "date_of_birth": "2031-02-30", "sex": "male", "pnc_number": "abc"}),
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in text
    for message in ("Enter the person&#x27;s given name", "Enter the person&#x27;s family name",
                    "Date of birth must be a real date", "Enter a PNC number in the format"):
        assert message in text
    assert Person.objects.count() == before


def test_create_person_links_it_to_the_creating_agency(client, world):
    sign_in(client, world.users["prob_prac"])
    response = client.post(
        reverse("people:create"),
        typed({"given_name": "Testy", "family_name": "Formcase", "date_of_birth": "1985-04-04", "sex": "male", "pnc_number": ""}),
    )
    person = Person.objects.get(family_name="Formcase")
    assert response.status_code == 302 and response.url == reverse("people:detail", kwargs={"pk": person.pk})
    assert list(PersonAgencyLink.objects.filter(person=person).values_list("agency__name", flat=True)) == ["Test probation agency"]


def test_conviction_dates_are_checked_against_each_other(client, world):
    sign_in(client, world.users["prob_prac"])
    url = reverse("people:conviction-create", kwargs={"pk": world.persons["probation"].pk})
    response = client.post(url, typed({"offence_code": "soa2003-s9", "offence_date": "2020-05-01", "conviction_date": "2019-01-01",
                                 "court": "Test court", "disposal": "community_order"}))
    assert "Conviction date must be the same as or after the offence date" in response.content.decode()
    assert not Conviction.objects.exists()
    client.post(url, typed({"offence_code": "soa2003-s9", "offence_date": "2019-05-01", "conviction_date": "2020-01-01",
                      "court": "Test court", "disposal": "community_order"}))
    assert Conviction.objects.get().court == "Test court"


def test_address_history_closes_the_previous_address(client, world):
    sign_in(client, world.users["prob_prac"])
    url = reverse("people:address-create", kwargs={"pk": world.persons["probation"].pk})
    client.post(url, typed({"line1": "1 Test Street", "town": "Testbury", "postcode": "ZZ1 1AA", "from_date": "2024-01-01"}))
    client.post(url, typed({"line1": "2 Test Street", "town": "Testbury", "postcode": "ZZ1 2AA", "from_date": "2025-06-01"}))
    addresses = list(world.persons["probation"].addresses.order_by("from_date").values_list("line1", "to_date"))
    assert addresses[0][0] == "1 Test Street" and str(addresses[0][1]) == "2025-06-01"
    assert addresses[1] == ("2 Test Street", None)
    bad = client.post(url, typed({"line1": "3 Test Street", "town": "Testbury", "postcode": "NOT A CODE", "from_date": "2025-07-01"}))
    assert "Enter a real postcode" in bad.content.decode()


def test_court_user_may_read_but_not_add_to_a_visible_record(client, world):
    from safeguard.people.models import PersonAgencyLink as Link

    person = world.persons["probation"]
    Link.objects.create(person=person, agency=world.agencies["court"], basis="statutory", started_on="2026-01-01")
    sign_in(client, world.users["court_prac"])
    assert client.get(reverse("people:detail", kwargs={"pk": person.pk})).status_code == 200
    assert client.get(reverse("people:note-create", kwargs={"pk": person.pk})).status_code == 403


def test_search_finds_by_reference_and_pages_are_bounded(client, world):
    sign_in(client, world.users["prob_prac"])
    response = client.get(reverse("people:list"), {"q": "PTEST002", "page": "999"})
    assert [p.reference for p in response.context["page"].object_list] == ["PTEST002"]
    assert client.get(reverse("people:list"), {"page": "nonsense"}).status_code == 200


def test_health_endpoints(client, db):
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz").json()
    assert ready["status"] == "ready"


def test_security_headers_on_pages(client, world):
    sign_in(client, world.users["prob_prac"])
    response = client.get(reverse("core:dashboard"))
    csp = response["Content-Security-Policy"]
    for directive in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "default-src 'self'"):
        assert directive in csp
    assert "http" not in csp.replace("https:", "")  # no external origins
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]
    assert response["X-Frame-Options"] == "DENY"


def test_unknown_url_is_404(client, world):
    sign_in(client, world.users["prob_prac"])
    assert client.get("/no-such-page/").status_code == 404


def test_navigation_marks_the_current_section(client, world):
    sign_in(client, world.users["prob_prac"])
    items = client.get(reverse("people:list")).context["nav_items"]
    assert [i["label"] for i in items if i["active"]] == ["People"]
    page = client.get(reverse("core:dashboard"))
    assert [i["label"] for i in page.context["nav_items"] if i["active"]] == ["Dashboard"]
    assert "<title>Dashboard – Safeguard</title>" in page.content.decode()
