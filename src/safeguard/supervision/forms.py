"""Forms of the supervision pages: they parse what was typed (GOV.UK date inputs, choices); the rules
(no visit done in the future, no end before its start, a reason for an override) are the services', whose
messages appear on the field they name. Field names are the services' argument names."""

from __future__ import annotations

from typing import Any

from django import forms

from safeguard.accounts.models import Agency, User
from safeguard.core.forms import DateInputField
from safeguard.supervision.choices import (
    DISPOSAL_CHOICES,
    Management,
    MappaCategory,
    MappaLevel,
    NotificationKind,
    PlanItemKind,
    RequirementSource,
    RiskLevel,
    TriggerOutcome,
    VisitKind,
    VisitOutcome,
)
from safeguard.supervision.rules.visits import TRIGGER_WORDS

RADIOS = forms.RadioSelect


def _name(user: User) -> str:
    return user.get_full_name() or user.username


def _text(label: str, *, required: bool = True, help_text: str = "") -> forms.CharField:
    return forms.CharField(label=label, required=required, widget=forms.Textarea, help_text=help_text,
                           error_messages={"required": f"Enter {label[:1].lower()}{label[1:]}"}, max_length=5000)  # fmt: skip


def _months(label: str, *, required: bool = True, help_text: str = "") -> forms.IntegerField:
    return forms.IntegerField(
        label=label, required=required, min_value=1, max_value=24, help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={"invalid": f"{label} must be a whole number", "required": f"Enter {label[:1].lower()}{label[1:]}",
                        "min_value": f"{label} must be 1 or more", "max_value": f"{label} must be 24 or fewer"},
    )  # fmt: skip


class UserChoiceField(forms.ChoiceField):
    """A choice among given users (by id); `clean` gives the User."""

    def __init__(self, *, users: list[User], label: str, **kwargs: Any) -> None:
        self.users = {str(u.pk): u for u in users}
        super().__init__(label=label, choices=[("", "Choose")] + [(k, _name(u)) for k, u in self.users.items()], **kwargs)

    def clean(self, value: Any) -> User | None:
        key = super().clean(value)
        return self.users.get(key) if key else None


class CaseOpenForm(forms.Form):
    def __init__(self, *args: Any, officers: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["officer"] = UserChoiceField(users=officers, label="Offender manager",
                                                 error_messages={"required": "Choose the offender manager"})  # fmt: skip
        self.fields["opened_on"] = DateInputField(label="Date supervision started", required=True)
        self.fields["sexual_offence_history"] = forms.BooleanField(label="Has committed a sexual offence", required=False)


class CaseEditForm(forms.Form):
    rosh_level = forms.ChoiceField(label="Risk of serious harm", required=False, widget=RADIOS,
                                   choices=[*RiskLevel.choices, ("", "Not assessed")])  # fmt: skip
    rosh_assessed_on = DateInputField(label="Date risk of serious harm was assessed")
    sexual_offence_history = forms.BooleanField(label="Registration: has committed a sexual offence", required=False)
    child_protection = forms.BooleanField(label="Registration: child protection", required=False)
    domestic_abuse = forms.BooleanField(label="Registration: domestic abuse", required=False)
    release_date = DateInputField(label="Expected release from custody",
                                  help_text="Leave empty when the person is not in custody")  # fmt: skip


class CaseCloseForm(forms.Form):
    closed_on = DateInputField(label="Date supervision ended", required=True)


class TransferForm(forms.Form):
    def __init__(self, *args: Any, agencies: list[Agency], officers: list[tuple[User, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agencies = {str(a.pk): a for a in agencies}
        self.fields["agency"] = forms.ChoiceField(label="Receiving area", choices=[(k, a.name) for k, a in self.agencies.items()],
                                                  error_messages={"required": "Choose the receiving area"})  # fmt: skip
        field = UserChoiceField(users=[u for u, _ in officers], label="Receiving officer",
                                error_messages={"required": "Choose the receiving officer"})  # fmt: skip
        field.choices = [("", "Choose")] + [(str(u.pk), f"{_name(u)} ({where})") for u, where in officers]
        self.fields["officer"] = field
        self.fields["transferred_on"] = DateInputField(label="Date of the transfer", required=True)
        self.fields["reason"] = _text("Reason for the transfer")

    def clean_agency(self) -> Agency:
        return self.agencies[self.cleaned_data["agency"]]


class ManagementForm(forms.Form):
    management = forms.ChoiceField(label="How is the person managed?", choices=Management.choices, widget=RADIOS,
                                   error_messages={"required": "Choose active or reactive management"})  # fmt: skip


class PlanForm(forms.Form):
    reviewed_on = DateInputField(label="Date of the plan's latest review", required=True)
    review_every_months = _months("Review the plan every (months)")
    visit_override_months = _months(
        "Visit every (months), set by this plan", required=False,
        help_text="Leave empty to follow the agency's table for the person's risk level",
    )  # fmt: skip
    visit_override_reason = _text("Reason the plan sets its own visit frequency", required=False)


class PlanItemForm(forms.Form):
    kind = forms.ChoiceField(label="What is it?", choices=PlanItemKind.choices, widget=RADIOS,
                             error_messages={"required": "Choose what kind of entry this is"})  # fmt: skip
    text = _text("Description")
    order = forms.CharField(label="From an order", required=False, max_length=100,
                            help_text="For example, Sexual Harm Prevention Order")  # fmt: skip
    starts_on = DateInputField(label="Starts on")
    ends_on = DateInputField(label="Ends on", help_text="An order's terms: the day they end")


class OverrideRequestForm(forms.Form):
    level = forms.ChoiceField(label="Risk level to use instead", choices=RiskLevel.choices, widget=RADIOS,
                              error_messages={"required": "Choose the risk level"})  # fmt: skip
    reason = forms.CharField(label="Reason for the override", widget=forms.Textarea, required=False, max_length=5000)


class VisitScheduleForm(forms.Form):
    kind = forms.ChoiceField(label="Kind of visit", choices=VisitKind.choices, widget=RADIOS,
                             error_messages={"required": "Choose planned or unannounced"})  # fmt: skip
    planned_for = DateInputField(label="Date of the visit", required=True)


class VisitRecordForm(forms.Form):
    def __init__(self, *args: Any, officers: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.officer_users = {str(u.pk): u for u in officers}
        self.fields["visited_on"] = DateInputField(label="Date of the visit", required=True)
        self.fields["kind"] = forms.ChoiceField(label="Kind of visit", choices=VisitKind.choices, widget=RADIOS,
                                                error_messages={"required": "Choose planned or unannounced"})  # fmt: skip
        self.fields["outcome"] = forms.ChoiceField(label="Did the visit take place?", choices=VisitOutcome.choices,
                                                   widget=RADIOS, error_messages={"required": "Choose whether the visit took place"})  # fmt: skip
        self.fields["officers"] = forms.MultipleChoiceField(
            label="Officers who visited", choices=[(k, _name(u)) for k, u in self.officer_users.items()],
            widget=forms.CheckboxSelectMultiple, required=False,
        )  # fmt: skip
        self.fields["present"] = _text("Who was present", required=False)
        self.fields["observations"] = _text("What you observed", required=False,
                                            help_text="Not only that the visit happened: what you saw, and what has changed")  # fmt: skip
        self.fields["concerns"] = _text("Concerns", required=False)
        self.fields["next_steps"] = _text("Next steps", required=False)

    def clean_officers(self) -> list[User]:
        return [self.officer_users[key] for key in self.cleaned_data["officers"]]


class TriggerForm(forms.Form):
    kind = forms.ChoiceField(label="What happened?", choices=list(TRIGGER_WORDS.items()), widget=RADIOS,
                             error_messages={"required": "Choose what happened"})  # fmt: skip
    occurred_on = DateInputField(label="Date it happened", required=True)
    note = _text("Note", required=False)


class TriggerReviewForm(forms.Form):
    reviewed_on = DateInputField(label="Date of the review", required=True)
    outcome = forms.ChoiceField(label="Outcome of the review", choices=TriggerOutcome.choices, widget=RADIOS,
                                error_messages={"required": "Choose the outcome"})  # fmt: skip


class RequirementForm(forms.Form):
    source = forms.ChoiceField(label="Where does the period come from?", choices=RequirementSource.choices,
                               widget=RADIOS, error_messages={"required": "Choose where the period comes from"})  # fmt: skip
    relevant_date = DateInputField(label="Relevant date", required=True,
                                   help_text="The date of the conviction, caution or finding")  # fmt: skip
    disposal = forms.ChoiceField(label="Disposal (for a computed period)", required=False,
                                 choices=[("", "Choose"), *DISPOSAL_CHOICES])  # fmt: skip
    custody_months = forms.IntegerField(label="Length of the term in months (imprisonment)", required=False, min_value=1,
                                        max_value=1200, widget=forms.TextInput(attrs={"inputmode": "numeric"}))  # fmt: skip
    conditional_discharge_months = forms.IntegerField(
        label="Length of the conditional discharge in months", required=False, min_value=1, max_value=120,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )  # fmt: skip
    suspended = forms.BooleanField(label="The sentence of imprisonment was suspended", required=False)
    indefinite = forms.BooleanField(label="Indefinite (for entered requirements)", required=False)
    end_date = DateInputField(label="End date (for entered requirements)")
    legal_basis = _text("Legal basis (for entered requirements)", required=False,
                        help_text="For example, a notification order made by a named court on a given date")  # fmt: skip
    first_notification_on = DateInputField(label="Date of the initial notification, if already made")


class NotificationForm(forms.Form):
    """One form for every kind: the page shows only the fields of the kind chosen."""

    FIELDS: dict[str, tuple[str, ...]] = {
        "change": ("change_date", "notified_on", "details"),
        NotificationKind.TRAVEL: ("departure_date", "return_date", "destination", "carrier", "accommodation", "notified_on", "details"),
        NotificationKind.ANNUAL: ("notified_on", "details"),
    }  # fmt: skip

    kind = forms.ChoiceField(label="What is being notified?", widget=RADIOS,
                             choices=[(k, label) for k, label in NotificationKind.choices if k != NotificationKind.INITIAL],
                             error_messages={"required": "Choose what is being notified"})  # fmt: skip
    change_date = DateInputField(label="Date of the change")
    departure_date = DateInputField(label="Date of departure")
    return_date = DateInputField(label="Date of return")
    destination = forms.CharField(label="Destination", required=False, max_length=500)
    carrier = forms.CharField(label="Carrier", required=False, max_length=500, help_text="For example, the airline and flight")
    accommodation = forms.CharField(label="Where the person will stay", required=False, max_length=500)
    notified_on = DateInputField(label="Date the person notified", help_text="Leave empty if the notification is still due")
    details = _text("Details", required=False)

    def shown(self, kind: str) -> list[str]:
        group = kind if kind in self.FIELDS else "change"
        return list(self.FIELDS[group])


class NotificationMadeForm(forms.Form):
    notified_on = DateInputField(label="Date the person notified", required=True)


class BreachForm(forms.Form):
    noticed_on = DateInputField(label="Date the breach was noticed", required=True)
    description = _text("What happened")


class MappaForm(forms.Form):
    category = forms.TypedChoiceField(label="MAPPA category", choices=MappaCategory.choices, coerce=int, widget=RADIOS,
                                      error_messages={"required": "Choose a MAPPA category"})  # fmt: skip
    level = forms.TypedChoiceField(label="MAPPA level", choices=MappaLevel.choices, coerce=int, widget=RADIOS,
                                   error_messages={"required": "Choose a MAPPA level"})  # fmt: skip
    since = DateInputField(label="From", required=True)


ACTION_ROWS = 3


class MeetingForm(forms.Form):
    def __init__(self, *args: Any, owners: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["held_on"] = DateInputField(label="Date of the meeting", required=True)
        self.fields["agencies_present"] = _text("Agencies present", help_text="One a line")
        self.fields["attendees"] = _text("Who attended")
        self.fields["minutes"] = _text("Minutes")
        self.fields["next_meeting_on"] = DateInputField(label="Date of the next meeting")
        for index in range(ACTION_ROWS):
            self.fields[f"actions-{index}-description"] = forms.CharField(
                label=f"Action {index + 1}", required=False, max_length=2000, widget=forms.Textarea,
            )  # fmt: skip
            self.fields[f"actions-{index}-owner"] = UserChoiceField(users=owners, label=f"Owner of action {index + 1}", required=False)
            self.fields[f"actions-{index}-due_on"] = DateInputField(label=f"Action {index + 1} due")

    def actions(self) -> list[tuple[str, User, Any]]:
        found = []
        for index in range(ACTION_ROWS):
            description = (self.cleaned_data.get(f"actions-{index}-description") or "").strip()
            owner = self.cleaned_data.get(f"actions-{index}-owner")
            due = self.cleaned_data.get(f"actions-{index}-due_on")
            if not (description or owner or due):
                continue
            missing = [(f"actions-{index}-owner", "Choose the owner of the action", owner),
                       (f"actions-{index}-due_on", "Enter the date the action is due", due)]  # fmt: skip
            for name, message, value in missing:
                if value is None:
                    self.add_error(name, message)
            if not description:
                self.add_error(f"actions-{index}-description", "Describe the action")
            if description and owner is not None and due is not None:
                found.append((description, owner, due))
        return found


class ActionCompleteForm(forms.Form):
    completed_on = DateInputField(label="Date it was done", required=True)


class FrequencyForm(forms.Form):
    months_very_high = _months("Very high risk: visit every (months)")
    months_high = _months("High risk: visit every (months)")
    months_medium = _months("Medium risk: visit every (months)")
    months_low = _months("Low risk: visit every (months)")


class CaseloadFilterForm(forms.Form):
    tier = forms.ChoiceField(label="Tier", required=False, choices=[("", "Any")] + [(t, t) for t in "ABCDEFG"])
    risk_level = forms.ChoiceField(label="Risk level", required=False, choices=[("", "Any"), *RiskLevel.choices])
    management = forms.ChoiceField(label="Management", required=False, choices=[("", "Any"), *Management.choices])
    overdue_only = forms.BooleanField(label="Only cases with something overdue", required=False)

    def __init__(self, *args: Any, officers: list[User] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if officers is not None:
            self.fields["officer"] = forms.TypedChoiceField(
                label="Officer", required=False, coerce=int, empty_value=None,
                choices=[("", "Everyone")] + [(str(u.pk), _name(u)) for u in officers],
            )  # fmt: skip
