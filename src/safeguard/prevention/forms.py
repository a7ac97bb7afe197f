"""Forms of the prevention service: the public ones (translated messages, nothing that identifies
anyone) and the staff ones (GOV.UK markup through `govuk_field`)."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safeguard.core.forms import DateInputField
from safeguard.prevention.choices import (
    CENTRE_LANGUAGES,
    CONTACT_LOG_CHANNELS,
    AppointmentMode,
    Concern,
    ContactBy,
    Outcome,
)
from safeguard.prevention.codes import PASSPHRASE_MAX

# --- public -------------------------------------------------------------------------------------


class StartForm(forms.Form):
    centre = forms.TypedChoiceField(coerce=int, widget=forms.RadioSelect,
                                    error_messages={"required": _("Choose a centre"),
                                                    "invalid_choice": _("Choose one of the centres listed")})
    passphrase = forms.CharField(strip=False, max_length=PASSPHRASE_MAX, widget=forms.PasswordInput,
                                 error_messages={"required": _("Choose a passphrase"),
                                                 "max_length": _("Your passphrase must be 200 characters or fewer")})
    confirm = forms.CharField(strip=False, max_length=PASSPHRASE_MAX, widget=forms.PasswordInput,
                              error_messages={"required": _("Type your passphrase again"),
                                              "max_length": _("Your passphrase must be 200 characters or fewer")})
    first_message = forms.CharField(required=False, widget=forms.Textarea)

    def __init__(self, *args: Any, centres: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["centre"].choices = centres  # type: ignore[attr-defined]
        if len(centres) == 1:
            self.fields["centre"].initial = centres[0][0]


class ReturnForm(forms.Form):
    code = forms.CharField(max_length=64, error_messages={"required": _("Enter your reference code")})
    passphrase = forms.CharField(strip=False, max_length=1000, widget=forms.PasswordInput,
                                 error_messages={"required": _("Enter your passphrase")})


class MessageForm(forms.Form):
    body = forms.CharField(widget=forms.Textarea, error_messages={"required": _("Write your message")})


class CentreChoiceForm(forms.Form):
    centre = forms.TypedChoiceField(coerce=int, widget=forms.RadioSelect,
                                    error_messages={"required": _("Choose a centre"),
                                                    "invalid_choice": _("Choose one of the centres listed")})

    def __init__(self, *args: Any, centres: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["centre"].choices = centres  # type: ignore[attr-defined]


# --- staff --------------------------------------------------------------------------------------


def _time_field(label: str) -> forms.TimeField:
    return forms.TimeField(
        label=label, input_formats=["%H:%M", "%H.%M"], help_text="For example, 14:30",
        error_messages={"required": f"Enter the {label.lower()}",
                        "invalid": f"{label} must be a time like 14:30"},
    )


def _at(day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, tzinfo=timezone.get_current_timezone())


class ReplyForm(forms.Form):
    body = forms.CharField(label="Your reply", widget=forms.Textarea,
                           error_messages={"required": "Write your reply"})


class NoteForm(forms.Form):
    body = forms.CharField(label="Internal note", widget=forms.Textarea,
                           help_text="Seen only by the advisers of this centre, never by the person.",
                           error_messages={"required": "Write the note"})


class AssignForm(forms.Form):
    assignee = forms.TypedChoiceField(label="Adviser", coerce=int, required=False, empty_value=None)

    def __init__(self, *args: Any, advisers: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [("", "Nobody yet"), *advisers]  # type: ignore[attr-defined]


class CloseForm(forms.Form):
    concern = forms.ChoiceField(label="What the person was concerned about", choices=Concern.choices,
                                widget=forms.RadioSelect,
                                error_messages={"required": "Choose what the person was concerned about"})
    outcome = forms.ChoiceField(label="Outcome", choices=Outcome.choices, widget=forms.RadioSelect,
                                error_messages={"required": "Choose the outcome"})


class ReferForm(forms.Form):
    centre = forms.TypedChoiceField(label="Centre the person chose", coerce=int,
                                    error_messages={"required": "Choose a centre",
                                                    "invalid_choice": "Choose one of the centres listed"})

    def __init__(self, *args: Any, centres: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["centre"].choices = centres  # type: ignore[attr-defined]


class ContactForm(forms.Form):
    channel = forms.ChoiceField(label="Channel", choices=CONTACT_LOG_CHANNELS, widget=forms.RadioSelect,
                                error_messages={"required": "Choose the channel"})
    day = DateInputField(label="Date of the contact", required=True, not_future=True)
    start = _time_field("Time it started")
    duration_minutes = forms.IntegerField(
        label="Duration in minutes", min_value=1, max_value=600,
        error_messages={"required": "Enter how long the contact lasted, in minutes",
                        "invalid": "Duration must be a whole number of minutes, like 20",
                        "min_value": "Duration must be at least 1 minute",
                        "max_value": "Duration must be 600 minutes (10 hours) or less"},
    )
    contact_by = forms.ChoiceField(label="Who was contacting", choices=ContactBy.choices, widget=forms.RadioSelect,
                                   error_messages={"required": "Choose who was contacting"})
    concern = forms.ChoiceField(label="Concern", choices=Concern.choices, widget=forms.RadioSelect,
                                error_messages={"required": "Choose the concern"})
    outcome = forms.ChoiceField(label="Outcome", choices=Outcome.choices, widget=forms.RadioSelect,
                                error_messages={"required": "Choose the outcome"})
    interpreter = forms.BooleanField(label="An interpreter took part", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("day") and data.get("start"):
            data["started_at"] = _at(data["day"], data["start"])
            if data["started_at"] > timezone.now():
                self.add_error("start", "The contact cannot have started in the future")
        return data


class OfferForm(forms.Form):
    day = DateInputField(label="Date of the appointment", required=True)
    at = _time_field("Time of the appointment")
    mode = forms.ChoiceField(label="How it takes place", choices=AppointmentMode.choices, widget=forms.RadioSelect,
                             error_messages={"required": "Choose how the appointment takes place"})

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("day") and data.get("at"):
            data["appointment_at"] = _at(data["day"], data["at"])
        return data


class TemplateForm(forms.Form):
    title = forms.CharField(label="Title", max_length=100, error_messages={"required": "Enter a title"})
    language = forms.ChoiceField(label="Language", choices=settings.LANGUAGES, widget=forms.RadioSelect,
                                 error_messages={"required": "Choose the language of the reply"})
    body = forms.CharField(label="Reply", max_length=4000, widget=forms.Textarea,
                           error_messages={"required": "Write the reply",
                                           "max_length": "Keep the reply to 4,000 characters or fewer"})


WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class CentreProfileForm(forms.Form):
    public_name = forms.CharField(label="Name shown to the public", max_length=200,
                                  error_messages={"required": "Enter the name shown to the public"})
    region = forms.CharField(label="Region", max_length=100, error_messages={"required": "Enter the region"})
    languages = forms.MultipleChoiceField(
        label="Languages the centre's staff speak", widget=forms.CheckboxSelectMultiple,
        choices=[(code, code) for code in CENTRE_LANGUAGES],
        error_messages={"required": "Choose at least one language"},
    )
    answers_messages = forms.BooleanField(label="Answers secure messages from the public pages", required=False)
    accepts_referrals = forms.BooleanField(label="Takes requests for appointments", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from django.utils.translation import get_language_info

        self.fields["languages"].choices = [  # type: ignore[attr-defined]
            (code, get_language_info(code)["name"]) for code in CENTRE_LANGUAGES
        ]
        for index, day in enumerate(WEEKDAYS):
            for part in ("open", "close"):
                self.fields[f"{part}_{index}"] = forms.TimeField(
                    label=f"{day}: {'opens' if part == 'open' else 'closes'}", required=False,
                    input_formats=["%H:%M"], error_messages={"invalid": f"{day}: use a time like 09:00"},
                )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        hours = []
        for index, day in enumerate(WEEKDAYS):
            opens, closes = data.get(f"open_{index}"), data.get(f"close_{index}")
            if (opens is None) != (closes is None):
                self.add_error(f"open_{index}", f"{day}: enter both the opening and the closing time, or neither")
            elif opens is not None and closes is not None:
                if closes <= opens:
                    self.add_error(f"close_{index}", f"{day}: the closing time must be after the opening time")
                else:
                    hours.append([index, opens.strftime("%H:%M"), closes.strftime("%H:%M")])
        data["contact_hours"] = hours
        return data


class DisclosureRequestForm(forms.Form):
    receiving_agency = forms.CharField(label="Receiving agency", max_length=200,
                                       help_text="The agency the excerpt is to be released to, by name.",
                                       error_messages={"required": "Name the receiving agency"})
    excerpt = forms.CharField(label="Excerpt to release", widget=forms.Textarea, max_length=4000,
                              help_text="Only what the receiving agency needs to protect the child. Nothing "
                                        "else from the conversation is released.",
                              error_messages={"required": "Write the excerpt to be released",
                                              "max_length": "Keep the excerpt to 4,000 characters or fewer"})
    reason = forms.CharField(label="The imminent risk to an identified child", widget=forms.Textarea,
                             max_length=2000,
                             error_messages={"required": "Explain the imminent risk to an identified child",
                                             "max_length": "Keep the reason to 2,000 characters or fewer"})
