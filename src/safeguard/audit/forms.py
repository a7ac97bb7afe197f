"""The auditor's filter form."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Any, cast

from django import forms

from safeguard.audit.actions import RecordType, action_choices
from safeguard.audit.models import EventKind, Outcome
from safeguard.audit.selectors import MIN_PREFIX, UUID_RECORDS, is_whole_id

ID_HELP = f"The whole id, or at least its first {MIN_PREFIX} characters"


class AuditFilterForm(forms.Form):
    username = forms.CharField(label="Username", required=False, max_length=150)
    action = forms.ChoiceField(label="Action", required=False)  # choices: per auditor, in __init__
    kind = forms.ChoiceField(label="Kind", required=False, choices=[("", "Any"), *EventKind.choices])
    outcome = forms.ChoiceField(required=False, choices=[("", "Any"), *Outcome.choices])
    person = forms.CharField(label="Person id", required=False, max_length=64, help_text=ID_HELP)
    record_type = forms.ChoiceField(
        label="Record type", required=False, choices=[("", "Any"), *RecordType.choices]
    )
    object_id = forms.CharField(label="Record id", required=False, max_length=64, help_text=ID_HELP)
    date_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "From must be a real date, like 2026-11-01"},
    )
    date_to = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "To must be a real date, like 2026-11-30"},
    )

    def __init__(self, *args: Any, readable: Collection[str] | None = None, **kwargs: Any) -> None:
        """`readable`: the partitions the auditor reads; actions only a sealed partition records are
        offered only to those who read it."""
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["action"]).choices = [("", "Any"), *action_choices(readable)]

    def clean_person(self) -> str:
        value = self.cleaned_data["person"].strip().lower()
        if value and not is_whole_id(RecordType.PERSON, value) and len(value) < MIN_PREFIX:
            raise forms.ValidationError(f"Enter the whole person id, or at least its first {MIN_PREFIX} characters")
        return str(value)

    def clean_object_id(self) -> str:
        return str(self.cleaned_data["object_id"].strip().lower())

    def _check_record_id(self, record_type: str, value: str) -> None:
        if record_type in UUID_RECORDS:
            if not is_whole_id(record_type, value) and len(value) < MIN_PREFIX:
                self.add_error(
                    "object_id", f"Enter the whole record id, or at least its first {MIN_PREFIX} characters"
                )
        elif not value.isdigit():
            label = dict(RecordType.choices)[record_type].lower()
            self.add_error("object_id", f"Enter the whole id of the {label}: a number")

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if isinstance(start, date) and isinstance(end, date) and end < start:
            self.add_error("date_to", "To must be the same as or after From")
        if data.get("person") and (data.get("object_id") or data.get("record_type")):
            self.add_error("person", "Filter by a person or by another record, not both")
        if data.get("object_id") and not data.get("record_type"):
            self.add_error("record_type", "Choose the record type for the record id")
        elif data.get("object_id"):
            self._check_record_id(str(data["record_type"]), str(data["object_id"]))
        if data.get("record_type") and not data.get("object_id") and not self.has_error("object_id"):
            self.add_error("object_id", "Enter the record id, or its first characters, for this record type")
        return data
