"""Forms for person records, with messages that name what is allowed."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone

from safeguard.core.forms import DateInputField, OffenceField
from safeguard.people.choices import Disposal, offence_choices
from safeguard.people.models import Person
from safeguard.people.validators import normalise_pnc, validate_postcode


def _date_field(label: str, required: bool = True) -> DateInputField:
    """A GOV.UK date input for a past event: today or earlier."""
    return DateInputField(label=label, required=required, not_future=True)


class PersonForm(forms.ModelForm):  # type: ignore[type-arg]
    date_of_birth = _date_field("Date of birth")

    class Meta:
        model = Person
        fields = ("given_name", "family_name", "date_of_birth", "sex", "pnc_number")
        error_messages = {
            "given_name": {"required": "Enter the person's given name"},
            "family_name": {"required": "Enter the person's family name"},
            "pnc_number": {"unique": "Another record already has this PNC number"},
        }

    def clean_pnc_number(self) -> str:
        return normalise_pnc(self.cleaned_data.get("pnc_number", ""))

    def clean_date_of_birth(self) -> date:
        value: date = self.cleaned_data["date_of_birth"]
        if value >= timezone.localdate():
            raise forms.ValidationError("Date of birth must be in the past")
        return value


class ConvictionForm(forms.Form):
    offence_code = OffenceField(
        label="Offence",
        choices=offence_choices,
        error_messages={
            "required": "Choose the offence",
            "invalid_choice": "Choose one of the offences in the list, or Other offence",
        },
    )
    offence_date = _date_field("Offence date")
    conviction_date = _date_field("Conviction date")
    court = forms.CharField(max_length=200, error_messages={"required": "Enter the court"})
    disposal = forms.ChoiceField(choices=Disposal.choices)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        offence, conviction = data.get("offence_date"), data.get("conviction_date")
        if offence and conviction and conviction < offence:
            self.add_error("conviction_date", "Conviction date must be the same as or after the offence date")
        if conviction and conviction > timezone.localdate():
            self.add_error("conviction_date", "Conviction date must be today or in the past")
        return data


class NoteForm(forms.Form):
    body = forms.CharField(
        label="Case note",
        max_length=10000,
        widget=forms.Textarea,
        help_text="Notes are encrypted and every reading of them is recorded.",
        error_messages={
            "required": "Enter the note",
            "max_length": "Note must be 10,000 characters or fewer",
        },
    )


class AddressForm(forms.Form):
    line1 = forms.CharField(label="Address line 1", max_length=200, error_messages={"required": "Enter address line 1"})
    town = forms.CharField(label="Town or city", max_length=100, error_messages={"required": "Enter the town or city"})
    postcode = forms.CharField(
        max_length=8, validators=[validate_postcode], error_messages={"required": "Enter the postcode"}
    )

    def clean_postcode(self) -> str:
        return str(self.cleaned_data["postcode"]).upper()
    from_date = _date_field("Date moved in")


