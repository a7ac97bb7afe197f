"""Forms: analysis filters (GET), an outcome event, a follow-up, an import with its column mapping."""

from __future__ import annotations

from typing import Any

from django import forms

from safeguard.core.forms import DateInputField
from safeguard.insights.analysis import SPLITS, Filters
from safeguard.insights.choices import (
    CountedKinds,
    EndReason,
    EthnicGroup,
    OffenceType,
    OutcomeKind,
    OutcomeMeasure,
    ProgrammeStatus,
    StartReason,
)
from safeguard.insights.imports import TARGETS
from safeguard.instruments import registry

HORIZONS = [("1", "1 year"), ("2", "2 years"), ("3", "3 years"), ("5", "5 years"), ("10", "10 years")]
SEXES = [("", "Everyone"), ("male", "Men"), ("female", "Women")]
# Instruments whose points a local validation can use (a score in points, and bands).
VALIDATED = ("osp-dc", "osp-iic", "static-99r", "rm2000-s", "stable-2007", "rsr")


def instrument_choices() -> list[tuple[str, str]]:
    known = set(registry.instrument_ids())
    return [(i, registry.metadata(i).name) for i in VALIDATED if i in known]


def band_choices(instrument: str) -> list[tuple[str, str]]:
    try:
        bands = registry.metadata(instrument).bands
    except LookupError:
        bands = ()
    return [("", "Every band")] + [(b, b.replace("_", " ").capitalize()) for b in bands if b != "not_applicable"]


class FilterForm(forms.Form):
    """The analysis parameters. Every field has a default, so an empty query string is a valid analysis."""

    measure = forms.ChoiceField(label="Outcome", choices=OutcomeMeasure.choices, required=False)
    counted = forms.ChoiceField(label="Counted as the outcome", choices=CountedKinds.choices, required=False)
    start_from = DateInputField(label="Follow-up started on or after")
    start_to = DateInputField(label="Follow-up started on or before")
    agency = forms.ChoiceField(label="Agency", required=False)
    programme = forms.ChoiceField(label="Programme", required=False)
    site = forms.ChoiceField(label="Site", required=False)
    sex = forms.ChoiceField(label="Sex", choices=SEXES, required=False)
    instrument = forms.ChoiceField(label="Risk instrument", required=False)
    band = forms.ChoiceField(label="Risk band", required=False)
    horizon = forms.ChoiceField(label="Horizon", choices=HORIZONS, required=False)
    split = forms.ChoiceField(label="Compare by", choices=list(SPLITS.items()), required=False)

    def __init__(self, data: Any, *, choices: dict[str, list[tuple[str, str]]], **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        instrument = (data or {}).get("instrument") or "osp-dc"
        for name, values in (
            ("agency", [("", "Every agency"), *choices["agencies"]]),
            ("programme", [("", "Every programme"), *choices["programmes"]]),
            ("site", [("", "Every site"), *choices["sites"]]),
            ("instrument", instrument_choices()),
            ("band", band_choices(instrument if instrument in dict(instrument_choices()) else "osp-dc")),
        ):
            self.fields[name].choices = values  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_from"), data.get("start_to")
        if start and end and end < start:
            self.add_error("start_to", "The end of the period must be the same as or after its start")
        return data

    def filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(
            measure=data.get("measure") or OutcomeMeasure.SEXUAL.value,
            counted=data.get("counted") or CountedKinds.CHARGE_OR_PROVEN.value,
            start_from=data.get("start_from"), start_to=data.get("start_to"),
            agency=int(data["agency"]) if data.get("agency") else None,
            programme=data.get("programme") or "", site=data.get("site") or "", sex=data.get("sex") or "",
            instrument=data.get("instrument") or "osp-dc", band=data.get("band") or "",
            horizon=float(data.get("horizon") or 2), split=data.get("split") or "status",
        )


class OutcomeEventForm(forms.Form):
    kind = forms.ChoiceField(label="Kind of outcome", choices=OutcomeKind.choices, widget=forms.RadioSelect,
                             error_messages={"required": "Select the kind of outcome"})
    offence_type = forms.ChoiceField(label="Offence type", choices=OffenceType.choices, widget=forms.RadioSelect,
                                     error_messages={"required": "Select the offence type"})
    event_date = DateInputField(label="Date", required=True, not_future=True,
                                help_text="The date of the charge, conviction, caution or recall.")


class FollowUpForm(forms.Form):
    start_date = DateInputField(label="Start of follow-up", required=True, not_future=True)
    start_reason = forms.ChoiceField(label="Follow-up started with", choices=StartReason.choices, widget=forms.RadioSelect,
                                     error_messages={"required": "Select how follow-up started"})
    end_date = DateInputField(label="End of follow-up", not_future=True,
                              help_text="Only if follow-up ended: the date of death or emigration.")
    end_reason = forms.ChoiceField(label="Follow-up ended with", choices=[("", "It has not ended"), *EndReason.choices],
                                   required=False)
    programme_status = forms.ChoiceField(label="Programme", choices=ProgrammeStatus.choices, required=False)
    programme = forms.CharField(label="Programme name", max_length=100, required=False)
    site = forms.CharField(label="Site", max_length=100, required=False)
    ethnic_group = forms.ChoiceField(label="Ethnic group", choices=EthnicGroup.choices, required=False,
                                     help_text="As the person described it, when they did.")


class ImportForm(forms.Form):
    file = forms.FileField(label="CSV file", error_messages={"required": "Choose a CSV file"},
                           help_text="UTF-8 CSV with a first line naming the columns; at most 100,000 rows.")

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for target in TARGETS[kind]:
            self.fields[f"column_{target.name}"] = forms.CharField(
                label=f"Column for: {target.label}" + ("" if target.required else " (optional)"),
                initial=target.default_column, required=False, max_length=100,
            )

    def mapping(self) -> dict[str, str]:
        return {name.removeprefix("column_"): (value or "") for name, value in self.cleaned_data.items() if name.startswith("column_")}


class PublishForm(forms.Form):
    start_from = DateInputField(label="Follow-up started on or after")
    start_to = DateInputField(label="Follow-up started on or before", not_future=True)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_from"), data.get("start_to")
        if start and end and end < start:
            self.add_error("start_to", "The end of the period must be the same as or after its start")
        return data
