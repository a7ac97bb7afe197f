"""Forms for cases, the guided steps and guideline administration.

Each step form reads its part of the engine request (`initial_for`) and writes it back (`apply`).
Choices come from the guideline data (factors, requirements), never typed here. The forms check
only what a browser can get wrong (a real date, a whole number); every rule about what may be
combined is the engine's, and its messages are shown on the field they concern (`FIELD_MAP`).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, ClassVar

from django import forms

from safeguard.core.forms import DateInputField, OffenceField
from safeguard.core.wording import date_words
from safeguard.courts.models import VerifiedPart
from safeguard.guidelines import GuidelineLibrary
from safeguard.guidelines.model import Axis, Guideline, Offence
from safeguard.guidelines.offences import offence_label
from safeguard.guidelines.rules import (
    COMMUNITY_REQUIREMENTS,
    SUSPENSION_FACTORS_AGAINST,
    SUSPENSION_FACTORS_FOR,
)

LENGTH_HELP = "A number and a unit, like 9m (months), 2y (years), 26w (weeks) or 14d (days)"
YES_NO = [("", "Not answered"), ("yes", "Yes"), ("no", "No")]


def _date(label: str, required: bool = False, help_text: str = "", **checks: bool) -> DateInputField:
    """A GOV.UK date input; `checks` are `past` or `not_future` (see DateInputField)."""
    return DateInputField(label=label, required=required, help_text=help_text, **checks)


def _age(label: str, help_text: str = "", maximum: int = 120) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=maximum,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": f"{label} must be a whole number, like {min(34, maximum)}",
            "min_value": f"{label} must be 0 or more",
            "max_value": f"{label} must be {maximum} or less",
        },
    )


def _length(label: str, help_text: str = LENGTH_HELP) -> forms.CharField:
    field = forms.CharField(label=label, required=False, max_length=20, help_text=help_text)
    field.is_length = True  # type: ignore[attr-defined]  # shown as "9 months" when answers are checked
    return field


def _text(
    label: str, max_length: int, help_text: str, *, required: str = "", rows: int | None = None
) -> forms.CharField:
    """A free-text box; `required` is the message when it must be filled in (optional when empty)."""
    return forms.CharField(
        label=label,
        required=bool(required),
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}) if rows else forms.Textarea,
        help_text=help_text,
        error_messages={"required": required} if required else None,
    )


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _yes_no(value: bool | None) -> str:
    return {True: "yes", False: "no"}.get(value, "") if value is not None else ""


def _bool(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()][:20]


def _requirements_field(label: str, help_text: str) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=list(COMMUNITY_REQUIREMENTS.items()),
        help_text=help_text,
    )


def _unpaid_work_hours() -> forms.IntegerField:
    return forms.IntegerField(
        label="Unpaid work hours",
        required=False,
        min_value=0,
        max_value=100000,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        help_text="40 to 300 hours, if unpaid work is chosen",
        error_messages={"invalid": "Unpaid work hours must be a whole number, like 120"},
    )


def _requirements_initial(requirements: object) -> dict[str, Any]:
    """The checkboxes and unpaid-work hours of a request's requirements list."""
    items = [r for r in requirements if isinstance(r, dict)] if isinstance(requirements, list) else []
    hours = next((r.get("hours") for r in items if r.get("type") == "unpaid_work"), None)
    return {"requirements": [r.get("type") for r in items], "unpaid_work_hours": hours}


def _requirements_from(cleaned: dict[str, Any], previous: object) -> list[dict[str, Any]]:
    """The request's requirements list from the checkboxes and the unpaid-work hours, keeping the
    details (given through the API; the page does not show them) of a requirement still chosen."""
    details = {
        r.get("type"): r["details"]
        for r in (previous if isinstance(previous, list) else [])
        if isinstance(r, dict) and r.get("details")
    }
    requirements = []
    for kind in cleaned.get("requirements") or []:
        item: dict[str, Any] = {"type": kind}
        if kind == "unpaid_work" and cleaned.get("unpaid_work_hours") is not None:
            item["hours"] = cleaned["unpaid_work_hours"]
        if kind in details:
            item["details"] = details[kind]
        requirements.append(item)
    return requirements


def _check_hours(form: forms.Form, data: dict[str, Any]) -> None:
    if data.get("unpaid_work_hours") is not None and "unpaid_work" not in (data.get("requirements") or []):
        form.add_error(
            "unpaid_work_hours",
            "Hours apply only to an unpaid work requirement: choose it, or clear the hours",
        )


class StepForm(forms.Form):
    """A step of the guided page: reads and writes its part of the engine request."""

    # engine field path (indices removed) -> form field
    FIELD_MAP: ClassVar[dict[str, str]] = {}
    # (field name, [(group label, [choice values])]) for grouped checkboxes
    groups_spec: dict[str, list[tuple[str, list[str]]]]

    def __init__(self, *args: Any, context: StepContext, **kwargs: Any) -> None:
        self.context = context
        self.groups_spec = {}
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.ChoiceField):  # never echo a submitted code back
                field.error_messages["invalid_choice"] = (
                    f"Choose from the answers listed for {str(field.label or 'this question').lower()}"
                )

    @classmethod
    def initial_for(cls, request: dict[str, Any], context: StepContext) -> dict[str, Any]:
        return {}

    def apply(self, request: dict[str, Any]) -> dict[str, Any]:
        return dict(request)

    def field_for(self, engine_field: str) -> str | None:
        """The form field an engine problem concerns, or None (shown in the summary only)."""
        path = re.sub(r"\[\d+\]", "", engine_field)
        while path:
            if path in self.FIELD_MAP:
                name = self.FIELD_MAP[path]
                return name if name in self.fields else None
            if path in self.fields:
                return path
            path = path.rpartition(".")[0]
        return None

    def groups(self, name: str) -> list[dict[str, Any]]:
        """Checkbox widgets of a field, grouped (e.g. by category) for the template."""
        if name not in self.fields:
            return []
        by_value = {str(w.data["value"]): w for w in self[name].subwidgets}
        spec = self.groups_spec.get(name) or [("", list(by_value))]
        groups = [
            {"label": label, "items": [by_value[v] for v in values if v in by_value]} for label, values in spec
        ]
        # A category with no factors (one that applies when none is selected) has nothing to tick.
        return [group for group in groups if group["items"]]


class StepContext:
    """What a step form needs besides the request: the data in use and the person, if any."""

    def __init__(
        self,
        *,
        library: GuidelineLibrary,
        guideline: Guideline | None,
        offence: Offence | None,
        date_of_birth: date | None = None,
        totality: dict[str, Any] | None = None,
        other: dict[str, Any] | None = None,
    ) -> None:
        self.library = library
        self.guideline = guideline
        self.offence = offence
        self.date_of_birth = date_of_birth
        self.totality = totality  # the court's total, for the "offences" step
        self.other = other  # the further offence being edited (label, relation), if any


class OffenceStepForm(StepForm):
    offence = OffenceField(
        label="Offence", widget=forms.RadioSelect, error_messages={"required": "Choose the offence"}
    )
    sentencing_court = forms.ChoiceField(
        label="Sentencing court",
        required=False,
        widget=forms.RadioSelect,
        choices=[
            ("crown_court", "Crown Court"),
            ("magistrates_court", "Magistrates' court"),
            ("", "Not stated (the maximum on indictment is used)"),
        ],
    )
    offence_date = _date("Offence date", required=True, not_future=True)
    conviction_date = _date("Conviction date", help_text="The relevant date for notification", not_future=True)
    sentencing_date = _date("Sentencing date", required=True, help_text="It chooses the guideline version")
    offender_date_of_birth = _date("Date of birth", help_text="Or give both ages below", past=True)
    offender_age_at_offence = _age("Age at the offence")
    offender_age_at_conviction = _age("Age at conviction")
    victim_age = _age("Age of the child at the offence")
    youngest_age_shown = _age(
        "Age of the youngest child shown in the images",
        help_text="Image offences only: notification applies only if the images showed a child under 16",
        maximum=17,
    )

    DATES = ("offence_date", "conviction_date", "sentencing_date", "offender_date_of_birth")
    NUMBERS = ("offender_age_at_offence", "offender_age_at_conviction", "victim_age", "youngest_age_shown")

    def __init__(self, *args: Any, context: StepContext, **kwargs: Any) -> None:
        super().__init__(*args, context=context, **kwargs)
        library = context.library
        self.fields["offence"].choices = [  # type: ignore[attr-defined]
            (o.id, offence_label(o))
            for o in library.offences.values()
            if library.versions_for(o.id)
        ]

    @classmethod
    def initial_for(cls, request: dict[str, Any], context: StepContext) -> dict[str, Any]:
        initial = {k: request.get(k) for k in ("offence", "sentencing_court", *cls.DATES, *cls.NUMBERS)}
        if (
            not initial["offender_date_of_birth"]
            and context.date_of_birth
            and not request.get("offender_age_at_offence")
        ):
            initial["offender_date_of_birth"] = context.date_of_birth.isoformat()
        return {k: v for k, v in initial.items() if v is not None}

    def apply(self, request: dict[str, Any]) -> dict[str, Any]:
        data = dict(request)
        cleaned = self.cleaned_data
        if data.get("offence") and data["offence"] != cleaned["offence"]:
            # Factors belong to the offence's guideline: a new offence starts them afresh.
            for key in (
                "harm_factors",
                "culpability_factors",
                "aggravating_factors",
                "mitigating_factors",
                "penetrative",
            ):
                data.pop(key, None)
        data["offence"] = cleaned["offence"]
        data["sentencing_court"] = cleaned["sentencing_court"] or None
        for key in self.DATES:
            data[key] = _iso(cleaned[key])
        for key in self.NUMBERS:
            data[key] = cleaned[key]
        return data


def _axis_choices(axis: Axis) -> tuple[list[tuple[str, str]], list[tuple[str, list[str]]]]:
    choices = [(f.id, f.label) for c in axis.categories for f in c.factors]
    groups = [(c.label, [f.id for f in c.factors]) for c in axis.categories]
    return choices, groups


class FactorsStepForm(StepForm):
    harm_factors = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)
    culpability_factors = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)
    penetrative = forms.ChoiceField(
        label="Was the activity penetrative?",
        required=False,
        widget=forms.RadioSelect,
        choices=[("", "Not stated: taken from the harm factors"), ("yes", "Yes"), ("no", "No")],
        help_text="The statutory maximum and the mode of trial depend on it for this offence",
    )

    def __init__(self, *args: Any, context: StepContext, **kwargs: Any) -> None:
        super().__init__(*args, context=context, **kwargs)
        guideline = context.guideline
        for name, axis in (
            ("harm_factors", guideline.harm if guideline else None),
            ("culpability_factors", guideline.culpability if guideline else None),
        ):
            if axis is None:
                del self.fields[name]
                continue
            choices, groups = _axis_choices(axis)
            field = self.fields[name]
            field.choices = choices  # type: ignore[attr-defined]
            field.label = f"{axis.label} factors"
            # Without a category that applies when nothing is selected, a factor must be chosen.
            field.required = not axis.residual
            field.error_messages["required"] = f"Select at least one {axis.label.lower()} factor"
            if axis.residual:
                residual = axis.category(axis.residual)
                name = residual.label if residual else axis.residual
                field.help_text = f"Select all that apply. With none selected, {name} applies."
            elif axis.selection == "single":
                field.help_text = "Select the factors of one category only."
            else:
                field.help_text = (
                    "Select all that apply: the most serious category with a selected factor applies."
                )
            self.groups_spec[name] = groups
        if context.offence is None or not context.offence.has_penetration_condition:
            del self.fields["penetrative"]

    @classmethod
    def initial_for(cls, request: dict[str, Any], context: StepContext) -> dict[str, Any]:
        return {
            "harm_factors": request.get("harm_factors") or [],
            "culpability_factors": request.get("culpability_factors") or [],
            "penetrative": _yes_no(request.get("penetrative")),
        }

    def apply(self, request: dict[str, Any]) -> dict[str, Any]:
        data = dict(request)
        for name in ("harm_factors", "culpability_factors"):
            data[name] = list(self.cleaned_data.get(name) or []) if name in self.fields else None
        data["penetrative"] = (
            _bool(self.cleaned_data.get("penetrative", "")) if "penetrative" in self.fields else None
        )
        return data


class CategoryStepForm(StepForm):
    """Nothing to choose: the page shows what follows from the factors."""


KIND_CHOICES = [
    ("", "Use the starting point"),
    ("custody", "Custody"),
    ("community_order", "Community order"),
    ("fine", "Fine"),
    ("conditional_discharge", "Conditional discharge"),
]


class PositionStepForm(StepForm):
    position_kind = forms.ChoiceField(
        label="Sentence before any guilty-plea reduction",
        required=False,
        widget=forms.RadioSelect,
        choices=KIND_CHOICES,
        help_text="The position within the range after weighing aggravating and mitigating factors",
    )
    length = _length("Length (custody, community order or conditional discharge)")
    level = forms.ChoiceField(
        label="Community order level",
        required=False,
        widget=forms.RadioSelect,
        choices=[("", "No level"), ("low", "Low"), ("medium", "Medium"), ("high", "High")],
        help_text="Levels are labels only: the table of what each level contains is not in the data",
    )
    aggravating_factors = forms.MultipleChoiceField(
        label="Aggravating factors", required=False, widget=forms.CheckboxSelectMultiple
    )
    mitigating_factors = forms.MultipleChoiceField(
        label="Mitigating factors", required=False, widget=forms.CheckboxSelectMultiple
    )
    other_factors = _text(
        "Other aggravating and mitigating factors",
        2000,
        "One a line. They are recorded with the result; the engine does not weigh them",
    )
    departure_reason = _text(
        "Reason for going outside the range",
        1000,
        "Only if the position is outside the category range or the offence range",
    )

    FIELD_MAP: ClassVar[dict[str, str]] = {
        "sentence_before_plea": "position_kind",
        "sentence_before_plea.kind": "position_kind",
        "sentence_before_plea.length": "length",
        "sentence_before_plea.level": "level",
    }

    def __init__(self, *args: Any, context: StepContext, **kwargs: Any) -> None:
        super().__init__(*args, context=context, **kwargs)
        guideline = context.guideline
        for name, defined in (
            ("aggravating_factors", guideline.aggravating if guideline else ()),
            ("mitigating_factors", guideline.mitigating if guideline else ()),
        ):
            if not defined:
                del self.fields[name]
            else:
                self.fields[name].choices = [(f.id, f.label) for f in defined]  # type: ignore[attr-defined]

    @classmethod
    def initial_for(cls, request: dict[str, Any], context: StepContext) -> dict[str, Any]:
        sentence = request.get("sentence_before_plea") or {}
        return {
            "position_kind": sentence.get("kind", ""),
            "length": sentence.get("length", ""),
            "level": sentence.get("level", ""),
            "aggravating_factors": request.get("aggravating_factors") or [],
            "mitigating_factors": request.get("mitigating_factors") or [],
            "other_factors": "\n".join(request.get("other_factors") or []),
            "departure_reason": request.get("departure_reason", ""),
        }

    def apply(self, request: dict[str, Any]) -> dict[str, Any]:
        data = dict(request)
        cleaned = self.cleaned_data
        kind = cleaned["position_kind"]
        if kind:
            sentence: dict[str, Any] = {"kind": kind}
            if cleaned["length"].strip():
                sentence["length"] = cleaned["length"].strip()
            if cleaned["level"]:
                sentence["level"] = cleaned["level"]
            data["sentence_before_plea"] = sentence
        else:
            data["sentence_before_plea"] = None
        for name in ("aggravating_factors", "mitigating_factors"):
            data[name] = list(cleaned.get(name) or []) if name in self.fields else None
        data["other_factors"] = _lines(cleaned["other_factors"])
        data["departure_reason"] = cleaned["departure_reason"].strip() or None
        return data

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("position_kind") and (data.get("length") or data.get("level")):
            self.add_error("position_kind", "Choose the kind of sentence the length or level belongs to")
        return data


class PleaStepForm(StepForm):
    stage = forms.ChoiceField(
        label="Guilty plea",
        required=False,
        widget=forms.RadioSelect,
        choices=[
            ("", "No guilty plea"),
            ("first_stage", "At the first stage of proceedings"),
            ("after_first_stage", "After the first stage"),
            ("first_day_of_trial", "On the first day of trial"),
            ("during_trial", "During the trial"),
        ],
    )
    first_hearing_date = _date(
        "First hearing date", help_text="It chooses the guilty-plea guideline (2007 or 2017)"
    )
    reduction = forms.CharField(
        label="Reduction",
        required=False,
        max_length=10,
        help_text="Leave empty for the maximum for the stage; or a fraction such as 1/4",
    )
    FIELD_MAP: ClassVar[dict[str, str]] = {
        "plea": "stage",
        "plea.stage": "stage",
        "plea.first_hearing_date": "first_hearing_date",
        "plea.reduction": "reduction",
    }

    @classmethod
    def initial_for(cls, request: dict[str, Any], context: StepContext) -> dict[str, Any]:
        plea = request.get("plea") or {}
        return {
            "stage": plea.get("stage", ""),
            "first_hearing_date": plea.get("first_hearing_date"),
            "reduction": plea.get("reduction", ""),
        }

    def apply(self, request: dict[str, Any]) -> dict[str, Any]:
        data = dict(request)
        cleaned = self.cleaned_data
        if not cleaned["stage"]:
            data["plea"] = None
            return data
        plea: dict[str, Any] = {"stage": cleaned["stage"]}
        if cleaned["first_hearing_date"]:
            plea["first_hearing_date"] = cleaned["first_hearing_date"].isoformat()
        if cleaned["reduction"].strip():
            plea["reduction"] = cleaned["reduction"].strip()
        data["plea"] = plea
        return data

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("stage") and (data.get("first_hearing_date") or data.get("reduction")):
            self.add_error(
                "stage", "Choose when the guilty plea was indicated, or clear the hearing date and reduction"
            )
        return data


class ThresholdStepForm(StepForm):
    threshold_passed = forms.ChoiceField(
        label="Has the custody threshold been passed?",
        required=False,
        widget=forms.RadioSelect,
        choices=YES_NO,
    )
    custody_unavoidable = forms.ChoiceField(
        label="Is custody unavoidable?", required=False, widget=forms.RadioSelect, choices=YES_NO
    )
    FIELD_MAP: ClassVar[dict[str, str]] = {
        "custody_threshold.threshold_passed": "threshold_passed",
        "custody_threshold.custody_unavoidable": "custody_unavoidable",
    }

    @classmethod
    def initial_for(cls, request: dict[str, Any], context: StepContext) -> dict[str, Any]:
        answers = request.get("custody_threshold") or {}
        return {k: _yes_no(answers.get(k)) for k in ("threshold_passed", "custody_unavoidable")}

    def apply(self, request: dict[str, Any]) -> dict[str, Any]:
        data = dict(request)
        answers = {
            k: _bool(self.cleaned_data[k])
            for k in ("threshold_passed", "custody_unavoidable")
            if _bool(self.cleaned_data[k]) is not None
        }
        data["custody_threshold"] = answers or None
        return data


class SuspensionStepForm(StepForm):
    suspend = forms.ChoiceField(
        label="Suspend the custodial term?",
        required=False,
        widget=forms.RadioSelect,
        choices=[("", "Not decided, or not a custodial sentence"), ("yes", "Yes, suspend it"), ("no", "No")],
    )
    operational_period = _length("Operational period", help_text="6 months to 2 years, like 2y or 18m")
    supervision_period = _length(
        "Supervision period",
        help_text="Optional; 6 months to 2 years, not longer than the operational period",
    )
    factors_for = forms.MultipleChoiceField(
        label="Factors for suspension",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=list(SUSPENSION_FACTORS_FOR.items()),
    )
    factors_against = forms.MultipleChoiceField(
        label="Factors against suspension",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=list(SUSPENSION_FACTORS_AGAINST.items()),
    )
    requirements = _requirements_field(
        "Requirements of the suspended sentence order",
        "From the Sentencing Code s.201 list of community-order requirements. Safeguard's sources do "
        "not say which of them a suspended sentence order may carry, so a result with them is marked "
        "unverified",
    )
    unpaid_work_hours = _unpaid_work_hours()
    FIELD_MAP: ClassVar[dict[str, str]] = {
        "suspension": "suspend",
        "suspension.suspend": "suspend",
        "suspension.operational_period": "operational_period",
        "suspension.supervision_period": "supervision_period",
        "suspension.factors_for": "factors_for",
        "suspension.factors_against": "factors_against",
        "suspension.requirements": "requirements",
        "suspension.requirements.type": "requirements",
        "suspension.requirements.hours": "unpaid_work_hours",
    }

    @classmethod
    def initial_for(cls, request: dict[str, Any], context: StepContext) -> dict[str, Any]:
        suspension = request.get("suspension") or {}
        return {
            "suspend": _yes_no(suspension.get("suspend")) if suspension else "",
            "operational_period": suspension.get("operational_period", ""),
            "supervision_period": suspension.get("supervision_period", ""),
            "factors_for": suspension.get("factors_for") or [],
            "factors_against": suspension.get("factors_against") or [],
            **_requirements_initial(suspension.get("requirements")),
        }

    def apply(self, request: dict[str, Any]) -> dict[str, Any]:
        data = dict(request)
        cleaned = self.cleaned_data
        suspend = _bool(cleaned["suspend"])
        if suspend is None:
            data["suspension"] = None
            return data
        suspension: dict[str, Any] = {"suspend": suspend}
        for key in ("operational_period", "supervision_period"):
            if cleaned[key].strip():
                suspension[key] = cleaned[key].strip()
        for key in ("factors_for", "factors_against"):
            if cleaned[key]:
                suspension[key] = list(cleaned[key])
        requirements = _requirements_from(cleaned, (request.get("suspension") or {}).get("requirements"))
        if requirements:
            suspension["requirements"] = requirements
        data["suspension"] = suspension
        return data

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _check_hours(self, data)
        return data


class CommunityStepForm(StepForm):
    length = _length("Length of the community order", help_text="Up to 3 years, like 24m or 2y")
    requirements = _requirements_field("Requirements", "From the Sentencing Code s.201 list")
    unpaid_work_hours = _unpaid_work_hours()
    FIELD_MAP: ClassVar[dict[str, str]] = {
        "community_order": "requirements",
        "community_order.length": "length",
        "community_order.requirements": "requirements",
        "community_order.requirements.hours": "unpaid_work_hours",
    }

    @classmethod
    def initial_for(cls, request: dict[str, Any], context: StepContext) -> dict[str, Any]:
        order = request.get("community_order") or {}
        return {"length": order.get("length", ""), **_requirements_initial(order.get("requirements"))}

    def apply(self, request: dict[str, Any]) -> dict[str, Any]:
        data = dict(request)
        cleaned = self.cleaned_data
        requirements = _requirements_from(cleaned, (request.get("community_order") or {}).get("requirements"))
        order: dict[str, Any] = {}
        if cleaned["length"].strip():
            order["length"] = cleaned["length"].strip()
        if requirements:
            order["requirements"] = requirements
        data["community_order"] = order or None
        return data

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _check_hours(self, data)
        return data


class NotificationStepForm(StepForm):
    first_notification_date = _date(
        "First notification date", help_text="If known; the review of indefinite requirements counts from it"
    )
    shpo = forms.ChoiceField(
        label="Sexual Harm Prevention Order",
        required=False,
        widget=forms.RadioSelect,
        choices=[
            ("", "Not proposed"),
            ("fixed", "For a fixed period"),
            ("until_further_order", "Until further order"),
        ],
    )
    shpo_length = _length("Length of the order", help_text="At least 5 years, like 5y or 10y")
    foreign_travel_prohibition = forms.BooleanField(
        label="Include a foreign travel prohibition", required=False
    )
    FIELD_MAP: ClassVar[dict[str, str]] = {
        "shpo": "shpo",
        "shpo.length": "shpo_length",
        "shpo.until_further_order": "shpo",
        "shpo.foreign_travel_prohibition": "foreign_travel_prohibition",
    }

    @classmethod
    def initial_for(cls, request: dict[str, Any], context: StepContext) -> dict[str, Any]:
        shpo = request.get("shpo")
        choice = ""
        if shpo is not None:
            choice = "until_further_order" if shpo.get("until_further_order") else "fixed"
        return {
            "first_notification_date": request.get("first_notification_date"),
            "shpo": choice,
            "shpo_length": (shpo or {}).get("length", ""),
            "foreign_travel_prohibition": bool((shpo or {}).get("foreign_travel_prohibition")),
        }

    def apply(self, request: dict[str, Any]) -> dict[str, Any]:
        data = dict(request)
        cleaned = self.cleaned_data
        data["first_notification_date"] = _iso(cleaned["first_notification_date"])
        choice = cleaned["shpo"]
        if not choice:
            data["shpo"] = None
            return data
        shpo: dict[str, Any] = {}
        if choice == "until_further_order":
            shpo["until_further_order"] = True
        if cleaned["shpo_length"].strip():
            shpo["length"] = cleaned["shpo_length"].strip()
        if cleaned["foreign_travel_prohibition"]:
            shpo["foreign_travel_prohibition"] = True
        data["shpo"] = shpo
        return data

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("shpo") and (data.get("shpo_length") or data.get("foreign_travel_prohibition")):
            self.add_error("shpo", "Choose whether the order is for a fixed period or until further order")
        return data


class OffencesStepForm(StepForm):
    """The court's total after reviewing the arithmetic total of several offences (optional)."""

    total = _length(
        "Total custodial term the court settles on",
        "Leave empty to use the arithmetic total. Like 3y or 42m; it may not be longer than the arithmetic total",
    )
    reason = _text(
        "Reason for this total",
        2000,
        "Why the total is just and proportionate to the offending as a whole",
        rows=3,
    )
    FIELD_MAP: ClassVar[dict[str, str]] = {
        "totality": "total",
        "totality.total": "total",
        "totality.reason": "reason",
    }

    @classmethod
    def initial_for(cls, request: dict[str, Any], context: StepContext) -> dict[str, Any]:
        totality = context.totality or {}
        return {"total": totality.get("total", ""), "reason": totality.get("reason", "")}

    def totality(self) -> dict[str, str] | None:
        total, reason = self.cleaned_data["total"].strip(), self.cleaned_data["reason"].strip()
        return {"total": total, "reason": reason} if total else None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("total") or "").strip() and not (data.get("reason") or "").strip():
            self.add_error("reason", "Give the reason for the total the court settles on")
        if not (data.get("total") or "").strip() and (data.get("reason") or "").strip():
            self.add_error("total", "Enter the total the reason is for, or clear the reason")
        return data


RELATION_CHOICES = [
    ("concurrent", "Concurrent: runs at the same time as the lead sentence"),
    ("consecutive", "Consecutive: a custodial term served after the lead term"),
    ("no_separate_penalty", "No separate penalty: recorded, adds nothing to the sentence"),
]


class RelationStepForm(StepForm):
    """How a further offence's sentence relates to the lead sentence, and what to call the offence."""

    label = forms.CharField(
        label="Name of this offence", max_length=60, help_text="For example “Count 2”",
        error_messages={"required": "Enter a name for this offence, like “Count 2”"},
    )  # fmt: skip
    relation = forms.ChoiceField(
        label="How its sentence relates to the lead sentence",
        widget=forms.RadioSelect,
        choices=RELATION_CHOICES,
        error_messages={"required": "Choose concurrent, consecutive or no separate penalty"},
    )
    FIELD_MAP: ClassVar[dict[str, str]] = {"relation": "relation", "label": "label"}

    @classmethod
    def initial_for(cls, request: dict[str, Any], context: StepContext) -> dict[str, Any]:
        other = context.other or {}
        return {"label": other.get("label", ""), "relation": other.get("relation", "concurrent")}


STEP_FORMS: dict[str, type[StepForm]] = {
    "offence": OffenceStepForm,
    "factors": FactorsStepForm,
    "category": CategoryStepForm,
    "position": PositionStepForm,
    "plea": PleaStepForm,
    "offences": OffencesStepForm,
    "relation": RelationStepForm,
    "threshold": ThresholdStepForm,
    "suspension": SuspensionStepForm,
    "community": CommunityStepForm,
    "notification": NotificationStepForm,
}


# --- cases ------------------------------------------------------------------------------------------


class CaseForm(forms.Form):
    """A new case: a person found by a search (see `courts:case-create`), or an unnamed scenario."""

    person = forms.ChoiceField(label="Person", required=False, widget=forms.RadioSelect)
    title = forms.CharField(
        label="Title",
        required=False,
        max_length=200,
        help_text="Required for an unnamed scenario, like “Worked example: image offences”",
    )

    def __init__(self, *args: Any, persons: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [  # type: ignore[attr-defined]
            (str(p.pk), f"{p.family_name}, {p.given_name} ({p.reference}), born {date_words(p.date_of_birth)}")
            for p in persons
        ] + [("", "No person: an unnamed scenario")]
        self.fields["person"].error_messages["invalid_choice"] = (
            "Search for the person and choose them from the results, or choose an unnamed scenario"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("person") and not (data.get("title") or "").strip():
            self.add_error("title", "Enter a title for the unnamed scenario, or choose a person")
        return data


class ScenarioForm(forms.Form):
    label = forms.CharField(
        label="Name of the scenario",
        max_length=120,
        help_text="Like “Immediate custody”, “Suspended sentence with a programme” or “Community order with treatment”",
        error_messages={"required": "Enter a name for the scenario"},
    )
    copy_from = forms.ChoiceField(
        label="Start from",
        required=False,
        help_text="Copy another scenario's answers and change only what differs",
    )

    def __init__(self, *args: Any, scenarios: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["copy_from"].choices = [("", "An empty scenario")] + [  # type: ignore[attr-defined]
            (str(s.pk), s.label) for s in scenarios
        ]


class ReportDetailsForm(forms.Form):
    suitability = _text(
        "Suitability for community treatment",
        10000,
        "Your assessment of the person's readiness and suitability for treatment in the community. Encrypted at rest",
    )
    proposal = _text("Proposal", 10000, "The proposal to the court and why. Encrypted at rest")
    proposed_scenario = forms.ChoiceField(label="Proposed scenario", required=False, widget=forms.RadioSelect)

    def __init__(self, *args: Any, scenarios: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["proposed_scenario"].choices = [("", "No scenario proposed yet")] + [  # type: ignore[attr-defined]
            (str(s.pk), s.label) for s in scenarios
        ]


class SignReportForm(forms.Form):
    confirm = forms.BooleanField(
        label="I have read this report and it is ready for the court",
        error_messages={"required": "Confirm that you have read the report and it is ready for the court"},
    )


# --- guideline administration ------------------------------------------------------------------------


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Guideline data file (.toml)",
        help_text="One guideline version, in the format of docs/sentencing.md. A file with the name of a "
        "version in use replaces it (a revision); a new version is added",
        error_messages={"required": "Choose a guideline data file", "empty": "The file is empty"},
    )
    notes = _text(
        "What this file is",
        2000,
        "What changed and from which source it was transcribed",
        required="Say what this file is and what changed, with its source",
    )


class VerifyForm(forms.Form):
    part = forms.ChoiceField(
        label="Part verified",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the part you verified"},
    )
    verified_against = _text(
        "Verified against",
        2000,
        "The official source you checked every figure against: title, publisher, date, page",
        required="Enter the source you checked against",
    )
    confirm = forms.BooleanField(
        label="I have checked every figure of this part, as shown on this page, against that source",
        error_messages={"required": "Confirm that you checked every figure shown against the source"},
    )

    def __init__(self, *args: Any, parts: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["part"].choices = [(p, VerifiedPart(p).label) for p in parts]  # type: ignore[attr-defined]
