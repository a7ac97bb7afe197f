"""The auditor's filter form."""

from __future__ import annotations

from datetime import date

from django import forms

from safeguard.audit.models import Outcome


class AuditFilterForm(forms.Form):
    username = forms.CharField(required=False, max_length=150)
    action = forms.CharField(required=False, max_length=40, help_text="For example person.view or sign_in")
    outcome = forms.ChoiceField(required=False, choices=[("", "Any"), *Outcome.choices])
    object_id = forms.CharField(label="Record id", required=False, max_length=64)
    date_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "From must be a real date, like 2026-11-01"},
    )
    date_to = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "To must be a real date, like 2026-11-30"},
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if isinstance(start, date) and isinstance(end, date) and end < start:
            self.add_error("date_to", "To must be the same as or after From")
        return data
