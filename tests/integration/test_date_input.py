"""The GOV.UK date input: three boxes, a message for each way a date can be wrong, the summary
linking to the first wrong box, and only the wrong boxes highlighted. Page titles say "Error:" only
on a form page with errors."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django import forms
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from safeguard.core.forms import DateInputField
from tests.conftest import sign_in
from tests.form_data import date_input
from tests.integration.test_courts_services import new_case


class OffenceForm(forms.Form):
    offence_date = DateInputField(label="Date of offence", required=True, not_future=True)
    date_of_birth = DateInputField(label="Date of birth", past=True)


def _boxes(name: str, day: str, month: str, year: str) -> dict[str, str]:
    return {f"{name}-day": day, f"{name}-month": month, f"{name}-year": year}


@pytest.mark.parametrize(
    ("day", "month", "year", "message", "wrong"),
    [
        ("", "", "", "Enter the date of offence", ("day", "month", "year")),
        ("12", "", "2024", "Date of offence must include a month", ("month",)),
        ("", "6", "", "Date of offence must include a day and year", ("day", "year")),
        ("31", "2", "2024", "Date of offence must be a real date", ("day", "month", "year")),
        ("1", "June", "2024", "Date of offence must be a real date", ("month",)),
        ("1", "6", "24", "Year must include 4 numbers", ("year",)),
    ],
)
def test_each_way_a_date_can_be_wrong_has_its_message(day, month, year, message, wrong):
    form = OffenceForm(_boxes("offence_date", day, month, year))
    assert not form.is_valid()
    assert form.errors["offence_date"] == [message]
    assert form.fields["offence_date"].error_parts == wrong


def test_past_and_not_future_dates():
    tomorrow = timezone.localdate() + timedelta(days=1)
    today = timezone.localdate()
    form = OffenceForm({**date_input("offence_date", tomorrow.isoformat()), **date_input("date_of_birth", today.isoformat())})
    assert not form.is_valid()
    assert form.errors["offence_date"] == ["Date of offence must be today or in the past"]
    assert form.errors["date_of_birth"] == ["Date of birth must be in the past"]
    form = OffenceForm({**date_input("offence_date", today.isoformat()), **date_input("date_of_birth", "1980-01-01")})
    assert form.is_valid() and form.cleaned_data["date_of_birth"].year == 1980


def test_the_boxes_keep_what_was_typed_and_highlight_only_the_wrong_one():
    form = OffenceForm(_boxes("offence_date", "12", "", "2024"))
    form.is_valid()
    page = Template("{% load govuk %}{% govuk_field form.offence_date %}{% govuk_error_summary form %}").render(
        Context({"form": form})
    )
    assert 'name="offence_date-day" type="text" inputmode="numeric" value="12"' in page
    assert 'govuk-input--width-2 govuk-input--error" id="id_offence_date-month"' in page
    assert 'govuk-input--width-2" id="id_offence_date-day"' in page  # not highlighted
    assert '<a href="#id_offence_date-month">Date of offence must include a month</a>' in page
    assert "For example, 27 3 2007" in page and 'role="group"' in page


def test_a_court_step_shows_the_date_messages_and_the_title_says_error(client, world):
    case = new_case(world)
    scenario = case.scenarios.get()
    sign_in(client, world.users["court_prac"])
    url = reverse("courts:scenario-step", args=[case.pk, scenario.pk, "offence"])
    page = client.get(url).content.decode()
    assert "<title>Error:" not in page and 'type="date"' not in page
    response = client.post(url, {"offence": "cja1988-s160", **_boxes("offence_date", "1", "", "2023"),
                                 **_boxes("sentencing_date", "30", "2", "2024")})  # fmt: skip
    page = response.content.decode()
    assert "<title>Error: Offence and dates" in page
    assert "Offence date must include a month" in page and "Sentencing date must be a real date" in page
    assert 'href="#id_offence_date-month"' in page


def test_error_pages_do_not_say_error_in_their_title(client, world):
    sign_in(client, world.users["treat_prac"])
    forbidden = client.get(reverse("courts:case-list"))
    missing = client.get("/people/00000000-0000-0000-0000-000000000000/")
    for response, title in ((forbidden, "You do not have access to this page"), (missing, "Page not found")):
        assert f"<title>{title} – " in response.content.decode()
