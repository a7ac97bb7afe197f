"""A referral made step by step on the platform's step framework (core.steps, core.step_forms): programme
and provider, kind of referral, reasons, then check the answers and save the draft. The answers travel
with the page, so nothing is saved before the check; an error on an earlier step — the form's or the
service's — returns the user to that step with every other answer kept."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from safeguard.audit.models import AuditEvent
from safeguard.programmes.models import Referral
from tests import programmes_world as pwm
from tests.conftest import sign_in

HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')
PROGRAMME = {"programme_id": "community-image-course", "setting": "community"}


@pytest.fixture
def pw(world):
    return pwm.build(world)


@pytest.fixture
def start(pw, client):
    person = pwm.person(pw)
    sign_in(client, pw.world.users["prob_prac"])
    return reverse("programmes:referral-create", args=[person.pk])


def hidden(page: str) -> list[tuple[str, str]]:
    return [(name, html.unescape(value)) for name, value in HIDDEN.findall(page)]


def send(client, url: str, page: str, fields: dict[str, str] | None = None, go: str = "next") -> str:
    """What a browser sends from `page`: its hidden inputs, the fields filled in and the button pressed."""
    data: dict[str, list[str]] = {}
    for name, value in hidden(page):
        data.setdefault(name, []).append(value)
    for name, value in (fields or {}).items():
        data[name] = [value]
    data["go"] = [go]
    response = client.post(url, data)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def walk_to_check(client, url: str, pw, information: str = "Synthetic reasons.") -> str:
    first = client.get(url).content.decode()
    second = send(client, url, first, {**PROGRAMME, "site": str(pw.site.pk)})
    third = send(client, url, second, {"source": "probation"})
    return send(client, url, third, {"information": information})


def test_the_referral_is_walked_step_by_step_and_saved_only_from_the_check(pw, client, start):
    first = client.get(start).content.decode()
    assert "Programme and provider" in first and "Step 1 of 3" in first
    assert 'aria-current="step"' in first and "Not yet started" in first
    second = send(client, start, first, {**PROGRAMME, "site": str(pw.site.pk)})
    assert "Kind of referral" in second and "Step 2 of 3" in second
    assert ("programme_id", "community-image-course") in hidden(second)
    assert ("site", str(pw.site.pk)) in hidden(second)
    # the step done is a button that goes back with the answers; the step list says where the user is
    assert 'name="go" value="programme"' in second and "Completed" in second
    third = send(client, start, second, {"source": "probation"})
    assert "Why the person is referred" in third and "Step 3 of 3" in third
    check = send(client, start, third, {"information": "Synthetic reasons."})
    assert "Check the referral before you save it" in check
    for answer in ("Weekly community course after an image offence", "Test treatment agency: Test Centre", "In the community",
                   "Probation", "Synthetic reasons."):
        assert answer.lower() in check.lower(), answer
    assert not Referral.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="programmes.referral").exists()
    response = client.post(start, dict(hidden(check)) | {"go": "next"})
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("programmes:referral-detail", args=[referral.pk])
    assert (referral.state, referral.programme_id, referral.site_id, referral.source) == (
        "draft", "community-image-course", pw.site.pk, "probation",
    )  # fmt: skip


def test_a_step_with_an_error_is_shown_again_and_the_next_is_not_reached(pw, client, start):
    first = client.get(start).content.decode()
    second = send(client, start, first, {**PROGRAMME, "site": str(pw.site.pk)})
    again = send(client, start, second, {})  # no kind of referral chosen
    assert "Kind of referral" in again and "Choose the kind of referral" in again
    assert 'href="#id_source_0"' in again  # the error summary links to the field
    assert not Referral.objects.exists()


def test_back_and_change_keep_every_answer(pw, client, start):
    check = walk_to_check(client, start, pw, information="Kept <while> going back.")
    back = send(client, start, check, go="reasons")
    assert "Why the person is referred" in back and "Kept &lt;while&gt; going back." in back
    # "Change" from the check page goes to the step and continues straight back to the check
    change = send(client, start, check, go="programme")
    assert "Programme and provider" in change and ("return", "check") in hidden(change)
    assert ("information", "Kept <while> going back.") in hidden(change)
    assert "Continue to check your answers" in change
    assert f'<option value="{pw.site.pk}" selected>' in change and 'value="community" checked' in change
    returned = send(client, start, change, {**PROGRAMME, "site": str(pw.site.pk)})
    assert "Check the referral before you save it" in returned
    assert not Referral.objects.exists()


def test_an_answer_spoilt_on_an_earlier_step_returns_there_when_saving(pw, client, start):
    check = walk_to_check(client, start, pw)
    data = {name: value for name, value in hidden(check) if name != "site"} | {"go": "next"}
    response = client.post(start, data)
    page = response.content.decode()
    assert response.status_code == 200 and "Programme and provider" in page
    assert "Choose the provider and site" in page
    assert ("information", "Synthetic reasons.") in hidden(page)  # the later answers are kept
    assert not Referral.objects.exists()


def test_a_refusal_of_the_service_returns_to_the_step_that_can_answer_it(pw, client, start):
    first = client.get(start).content.decode()
    # the community course is not run in custody: only the service knows that
    second = send(client, start, first, {**PROGRAMME, "setting": "custody", "site": str(pw.site.pk)})
    third = send(client, start, second, {"source": "probation"})
    check = send(client, start, third, {"information": "Synthetic."})
    page = send(client, start, check)
    assert "Programme and provider" in page and "is delivered in the community only" in page
    assert 'href="#id_setting_0"' in page
    assert not Referral.objects.exists()


def test_a_refusal_named_as_the_service_names_it_lands_on_the_form_field(pw, client):
    # the service's "programme" is the form's programme_id: a second open referral is refused there
    person = pwm.person(pw)
    pwm.referral(pw, person, state="submitted")
    sign_in(client, pw.world.users["prob_prac"])
    url = reverse("programmes:referral-create", args=[person.pk])
    page = send(client, url, walk_to_check(client, url, pw))
    assert "Programme and provider" in page and "already has an open referral" in page
    assert 'href="#id_programme_id"' in page
    assert Referral.objects.count() == 1


def test_a_self_referral_carries_the_date_of_consent_in_its_three_boxes(pw, client):
    person = pwm.person(pw)
    sign_in(client, pw.world.users["treat_prac"])
    url = reverse("programmes:referral-create", args=[person.pk])
    first = client.get(url).content.decode()
    second = send(client, url, first, {**PROGRAMME, "site": str(pw.site.pk)})
    assert "Date the person gave consent" in second
    third = send(client, url, second, {"source": "self", "consent_given_on-day": "2", "consent_given_on-month": "3",
                                       "consent_given_on-year": "2025"})
    assert ("consent_given_on-month", "3") in hidden(third)
    check = send(client, url, third, {"information": ""})
    assert "2 March 2025" in check and "Not given" in check
    response = client.post(url, dict(hidden(check)) | {"go": "next"})
    assert response.status_code == 302
    assert str(Referral.objects.get().consent_given_on) == "2025-03-02"
