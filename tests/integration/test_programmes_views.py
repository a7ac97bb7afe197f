"""Programme pages through the browser's requests: a referral made and moved on the pages, a group
set up and its register taken from the form, the report as a page and an OFFICIAL-SENSITIVE PDF, the
person page's section — and every page in plain words (no codes, ISO dates or true/false)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from safeguard.audit.models import AuditEvent
from safeguard.programmes import services
from safeguard.programmes.models import Attendance, Closure, Group, Referral, Site
from tests import programmes_world as pwm
from tests.conftest import sign_in
from tests.form_data import typed
from tests.integration.test_plain_words import Pages, developer_words
from tests.pdf import pdf_pages


@pytest.fixture
def pw(world):
    return pwm.build(world)


def test_a_referral_is_made_submitted_and_moved_on_the_pages(pw, client):
    person = pwm.person(pw)
    sign_in(client, pw.world.users["prob_prac"])
    page = client.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert 'data-testid="person-programmes"' in page and "Refer to a programme" in page
    url = reverse("programmes:referral-create", args=[person.pk])
    refused = client.post(url, {"programme_id": "community-image-course"})
    assert refused.status_code == 200 and "Choose the provider and site" in refused.content.decode()
    assert not Referral.objects.exists()
    made = client.post(url, {"programme_id": "community-image-course", "site": pw.site.pk, "setting": "community",
                             "source": "probation", "information": "Synthetic."})
    referral = Referral.objects.get()
    assert made.status_code == 302 and made["Location"] == reverse("programmes:referral-detail", args=[referral.pk])
    detail = client.get(made["Location"]).content.decode()
    assert "Submit the referral" in detail and "Not assessed" in detail
    step = reverse("programmes:referral-transition", args=[referral.pk, "submit"])
    assert client.post(step, {"expected_state": "draft"}).status_code == 302
    referral.refresh_from_db()
    assert referral.state == "submitted"
    # The programme team's step is not offered to the referrer: the address answers 404.
    assert client.get(reverse("programmes:referral-transition", args=[referral.pk, "accept"])).status_code == 404


def test_a_stale_page_is_refused_with_the_reason_on_the_form(pw, client):
    referral = pwm.referral(pw, state="submitted")
    sign_in(client, pw.world.users["treat_prac"])
    response = client.post(reverse("programmes:referral-transition", args=[referral.pk, "accept"]),
                           {"expected_state": "draft"})
    assert response.status_code == 200 and "check it and try again" in response.content.decode()


def test_a_register_taken_on_the_page_for_every_member(pw, client):
    group = pwm.group(pw, start=pwm.past_start(2))
    members = pwm.members(pw, group, 4)
    session = group.sessions.order_by("day").first()
    sign_in(client, pw.world.users["treat_prac"])
    url = reverse("programmes:register", args=[session.pk])
    page = client.get(url).content.decode()
    assert page.count('type="radio"') == 16 and 'role="radiogroup"' in page
    partial = {f"outcome-{m.pk}": "attended_complied" for m in members[1:]}
    refused = client.post(url, partial)
    assert refused.status_code == 422 and members[0].person.family_name in refused.content.decode()
    assert not Attendance.objects.exists()
    done = client.post(url, {**partial, f"outcome-{members[0].pk}": "unacceptable_absence"})
    assert done.status_code == 302 and Attendance.objects.count() == 4
    again = client.get(url).content.decode()
    assert "Taken" in again and again.count("checked") == 4


def test_a_manager_sets_up_a_site_a_closure_and_a_group_on_the_pages(pw, client):
    sign_in(client, pw.world.users["treat_sup"])
    added = client.post(reverse("programmes:sites"), {"name": "North Centre", "region": "scotland", "rooms": "Blue, Green"})
    assert added.status_code == 302
    site = Site.objects.get(name="North Centre")
    assert sorted(site.rooms.values_list("name", flat=True)) == ["Blue", "Green"]
    start = timezone.localdate() + timedelta(days=7)
    closed = client.post(reverse("programmes:closure-create", args=[site.pk]),
                         typed({"day": (start + timedelta(days=7)).isoformat(), "reason": "Synthetic: decorating"}))
    assert closed.status_code == 302 and Closure.objects.filter(site=site).count() == 1
    form = {"programme_id": "community-image-course", "site": site.pk, "room": site.rooms.get(name="Blue").pk,
            "start_date": start.isoformat(), "days": [str(start.weekday())], "start_time": "18:00",
            "facilitators": [pw.world.users["treat_prac"].pk], "cohort": "sexual_offence"}
    created = client.post(reverse("programmes:group-create"), typed(form))
    assert created.status_code == 302, created.content.decode()[:2000]
    group = Group.objects.get(site=site)
    days = list(group.sessions.values_list("day", flat=True))
    assert start + timedelta(days=7) not in days and len(days) == 12
    page = client.get(created["Location"]).content.decode()
    assert "site closed" in page
    twice = client.post(reverse("programmes:group-create"), typed({**form, "facilitators": [pw.world.users["treat_prac2"].pk]}))
    assert twice.status_code == 200 and "is already booked" in twice.content.decode()


def test_the_report_page_and_pdf_are_marked_official_sensitive_on_every_page(pw, client):
    group = pwm.group(pw, start=pwm.past_start(3))
    [member] = pwm.members(pw, group, 1)
    services.referral_transition(actor=pw.actor("treat_prac"), referral=member.referral, transition="complete",
                                 summary="Synthetic summary.\n" * 80, now=timezone.now())
    sign_in(client, pw.world.users["prob_prac"])
    page = client.get(reverse("programmes:report", args=[member.referral_id])).content.decode()
    assert page.count("OFFICIAL-SENSITIVE") == 2 and "Completed the programme" in page
    response = client.get(reverse("programmes:report-pdf", args=[member.referral_id]))
    assert response["Content-Disposition"].startswith(f'attachment; filename="end-of-programme-report-{member.referral.reference}-')
    assert member.person.family_name not in response["Content-Disposition"]
    pages = pdf_pages(response.content)
    assert len(pages) >= 2
    for text in pages:
        lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
        assert lines[0] == "OFFICIAL-SENSITIVE" and "OFFICIAL-SENSITIVE" in lines[-1]
    assert AuditEvent.objects.filter(action="programmes.report.pdf", object_id=str(member.referral_id)).count() == 1


def test_the_programmes_pages_speak_in_plain_words(pw, client):
    group = pwm.group(pw, start=pwm.past_start(3))
    members = pwm.members(pw, group, 3)
    first = group.sessions.order_by("day").first()
    services.register_take(actor=pw.actor("treat_prac"), session=first,
                           outcomes={m.pk: "attended_complied" for m in members}, now=timezone.now())
    services.module_review_save(actor=pw.actor("treat_prac"), member=members[0], module=1, today=timezone.localdate(),
                                ratings=dict.fromkeys(("engagement", "understanding", "victim_empathy", "regret",
                                                       "reflective_capacity", "self_management"), 2), notes="Synthetic.")
    services.referral_transition(actor=pw.actor("treat_prac"), referral=members[1].referral, transition="deselect",
                                 reason_code="missed_sessions", now=timezone.now())
    waiting = pwm.referral(pw, state="on_hold_submitted")
    pages = Pages(client, pw.world)
    pages.as_user("treat_prac")
    for label, url in [
        ("home", reverse("programmes:home")), ("template", reverse("programmes:template", args=["building-choices-moderate"])),
        ("referrals", reverse("programmes:referral-list")), ("states", reverse("programmes:referral-states")),
        ("referral", reverse("programmes:referral-detail", args=[waiting.pk])),
        ("deselected", reverse("programmes:referral-detail", args=[members[1].referral_id])),
        ("waiting", reverse("programmes:waiting-list")), ("groups", reverse("programmes:group-list")),
        ("group", reverse("programmes:group-detail", args=[group.pk])),
        ("register", reverse("programmes:register", args=[first.pk])),
        ("member", reverse("programmes:member", args=[members[0].pk])),
        ("review", reverse("programmes:review", args=[members[0].pk, 1])),
        ("catch-up", reverse("programmes:catch-up", args=[group.pk])), ("dashboard", reverse("core:dashboard")),
        ("person", reverse("people:detail", args=[members[0].person_id])),
    ]:
        pages.get(label, url)
    pages.as_user("treat_sup")
    pages.get("manager dashboard", reverse("core:dashboard"))
    pages.get("sites", reverse("programmes:sites"))
    pages.get("new group", reverse("programmes:group-create"))
    pages.as_user("prob_prac")
    pages.get("report", reverse("programmes:report", args=[members[1].referral_id]))
    pages.pdf("report PDF", reverse("programmes:report-pdf", args=[members[1].referral_id]))
    pages.get("release", reverse("programmes:release-gap"))
    pages.get("referrer dashboard", reverse("core:dashboard"))
    names = frozenset(pw.world.users) | {group.code}
    problems = {label: developer_words(text, names) for label, text in pages.shown.items()}
    assert {label: found for label, found in problems.items() if found} == {}
    assert not re.search(r"\b(ATTC|AFTC|UAAB)\b", " ".join(pages.shown.values()))
