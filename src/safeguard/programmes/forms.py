"""Forms of the programmes pages, in GOV.UK markup through the `govuk` tags. They check what a form
can check (a date is a date, a choice is offered); the services decide everything else and their
refusals come back on the field they name."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import time
from typing import Any

from django import forms
from django.db.models import Exists, OuterRef, QuerySet

from safeguard.accounts.choices import AgencyKind, Role
from safeguard.accounts.models import Agency, Membership, User
from safeguard.core.forms import DateInputField
from safeguard.core.steps import Step, Steps
from safeguard.programmes import catalogue, domains
from safeguard.programmes.choices import Cohort, HomeworkStatus, Outcome, Setting, Source, Weekday
from safeguard.programmes.models import GroupMember, Room, Site

TIME_HELP = "24-hour clock, for example 18:30"


def _programme_choices(*, referable: bool = True) -> list[tuple[str, str]]:
    found = [(t.id, t.name) for t in catalogue.catalogue() if not referable or t.audience != "prevention"]
    return [("", "Choose a programme"), *dict(found).items()]


def set_choices(field: forms.Field, choices: list[Any]) -> None:
    field.choices = choices  # type: ignore[attr-defined]


def staff_of(agency: Agency) -> QuerySet[User]:
    """Practitioners and supervisors of an agency (facilitators, managers, responsible officers)."""
    working = Membership.objects.filter(
        user=OuterRef("pk"), agency=agency, is_active=True, role__in=(Role.PRACTITIONER, Role.SUPERVISOR)
    )
    return User.objects.filter(Exists(working), is_active=True).order_by("last_name", "first_name", "pk")


class UserChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.get_username())


class UserMultipleChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.get_username())


class SiteChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.agency.name}: {obj.name}"


class ReferralForm(forms.Form):
    programme_id = forms.ChoiceField(label="Programme", error_messages={"required": "Choose a programme"})
    site = SiteChoiceField(
        label="Provider and site", queryset=Site.objects.none(), empty_label="Choose where it is delivered",
        error_messages={"required": "Choose the provider and site"},
    )
    setting = forms.ChoiceField(
        label="Where will the person take part?", widget=forms.RadioSelect,
        choices=[(Setting.COMMUNITY, Setting.COMMUNITY.label), (Setting.CUSTODY, Setting.CUSTODY.label)],
        error_messages={"required": "Choose in custody or in the community"},
    )
    source = forms.ChoiceField(label="Kind of referral", widget=forms.RadioSelect,
                               error_messages={"required": "Choose the kind of referral"})
    court_case = forms.TypedChoiceField(
        label="Sentencing case with the programme requirement", required=False, coerce=int, empty_value=None,
        help_text="Only for a court order's programme requirement",
    )
    consent_given_on = DateInputField(label="Date the person gave consent", not_future=True,
                                      help_text="Only for a self-referral")
    information = forms.CharField(
        label="Why the person is referred", required=False, widget=forms.Textarea, max_length=4000,
        help_text="What the programme team should know. Kept encrypted.",
    )

    def __init__(self, *args: Any, agency: Agency, court_cases: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from safeguard.programmes.services import SOURCES_BY_KIND

        set_choices(self.fields["programme_id"], _programme_choices())
        self.fields["site"].queryset = Site.objects.filter(  # type: ignore[attr-defined]
            agency__kind__in=(AgencyKind.TREATMENT, AgencyKind.PRISON)
        ).select_related("agency").order_by("agency__name", "name")
        set_choices(self.fields["source"], [(s, Source(s).label) for s in SOURCES_BY_KIND.get(agency.kind, ())])
        set_choices(self.fields["court_case"], [("", "No court order"), *court_cases])
        if len(self.fields["source"].choices) == 1:  # type: ignore[attr-defined]
            self.fields["source"].initial = self.fields["source"].choices[0][0]  # type: ignore[attr-defined]
        if not court_cases:
            del self.fields["court_case"]
        if Source.SELF not in dict(self.fields["source"].choices):  # type: ignore[attr-defined]
            del self.fields["consent_given_on"]


    @classmethod
    def for_step(
        cls, step: Step, data: Any, initial: Mapping[str, Any] | None, *, agency: Agency,
        court_cases: list[tuple[int, str]],
    ) -> ReferralForm:  # fmt: skip
        """The questions of one step of the referral (REFERRAL_STEPS)."""
        form = cls(data, initial=initial, agency=agency, court_cases=court_cases)
        for name in [name for name in form.fields if name not in step.fields]:
            del form.fields[name]
        return form


# A referral is made in three steps and a check of the answers; nothing is saved before the check
# (core.step_forms carries the answers in the page). The service names two fields differently.
REFERRAL_STEPS = Steps(
    Step(
        "programme", "Programme and provider", ("programme_id", "site", "setting"),
        "The programme, the provider and site that deliver it, and whether the person takes part in "
        "custody or in the community.",
    ),
    Step(
        "basis", "Kind of referral", ("source", "court_case", "consent_given_on"),
        "Where the referral comes from: a court order's programme requirement, a referral by your agency, "
        "or the person's own request with their consent.",
    ),
    Step(
        "reasons", "Why the person is referred", ("information",),
        "What the programme team should know before they assess the person.",
    ),
)  # fmt: skip
REFERRAL_SERVICE_FIELDS = {"programme": "programme_id", "provider": "site"}


class InvitationForm(forms.Form):
    programme_id = forms.ChoiceField(label="Course the person is invited to", error_messages={"required": "Choose a course"})
    provider = forms.ModelChoiceField(
        label="Treatment provider", queryset=Agency.objects.filter(kind=AgencyKind.TREATMENT).order_by("name"),
        empty_label="Choose the provider", error_messages={"required": "Choose the treatment provider"},
    )
    invited_on = DateInputField(label="Date of the invitation", required=True, not_future=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self.fields["programme_id"], [("", "Choose a course")] + [
            (t.id, t.name) for t in catalogue.catalogue() if t.audience != "prevention" and t.setting != "custody"
        ])


class TakeUpForm(forms.Form):
    taken_up_on = DateInputField(label="Date the person took the invitation up", required=True, not_future=True)
    consent_given_on = DateInputField(label="Date the person gave consent to the referral", required=True, not_future=True)
    site = forms.ModelChoiceField(label="Site", queryset=Site.objects.none(), empty_label="Choose a site",
                                  error_messages={"required": "Choose the site"})

    def __init__(self, *args: Any, provider: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = Site.objects.filter(agency=provider).order_by("name")  # type: ignore[attr-defined]


class CompletionSummaryForm(forms.Form):
    summary = forms.CharField(
        label="Summary for the end-of-programme report", widget=forms.Textarea, max_length=4000, required=False,
        help_text="What the person achieved and what their supervisor should know. Kept encrypted.",
    )


class DaysField(forms.TypedMultipleChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=Weekday.choices, coerce=int, widget=forms.CheckboxSelectMultiple, **kwargs)


class GroupForm(forms.Form):
    programme_id = forms.ChoiceField(label="Programme", error_messages={"required": "Choose a programme"})
    site = forms.ModelChoiceField(label="Site", queryset=Site.objects.none(), empty_label="Choose a site",
                                  error_messages={"required": "Choose the site"})
    room = forms.ModelChoiceField(label="Room", queryset=Room.objects.none(), empty_label="Choose a room",
                                  error_messages={"required": "Choose the room"})
    start_date = DateInputField(label="Start date", required=True)
    days = DaysField(label="Days the group meets", error_messages={"required": "Choose at least one day"})
    start_time = forms.TimeField(label="Start time", help_text=TIME_HELP,
                                 error_messages={"required": "Enter the start time", "invalid": "Enter a time like 18:30"})
    facilitators = UserMultipleChoiceField(label="Facilitators", queryset=User.objects.none(),
                                           widget=forms.CheckboxSelectMultiple,
                                           error_messages={"required": "Choose at least one facilitator"})
    cohort = forms.ChoiceField(label="Cohort", choices=Cohort.choices, widget=forms.RadioSelect,
                               error_messages={"required": "Choose the cohort"})
    learning_needs_adapted = forms.BooleanField(label="Adapted for learning disabilities or challenges", required=False)
    max_size = forms.IntegerField(label="Places", min_value=1, max_value=30, required=False,
                                  help_text="Leave empty for the programme's largest group")
    partner_agency = forms.ModelChoiceField(
        label="Prevention centre (prevention course only)", required=False,
        queryset=Agency.objects.filter(kind=AgencyKind.PREVENTION).order_by("name"), empty_label="Not a prevention course",
    )

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self.fields["programme_id"], _programme_choices(referable=False))
        sites = Site.objects.filter(agency=agency).order_by("name")
        self.fields["site"].queryset = sites  # type: ignore[attr-defined]
        self.fields["room"].queryset = Room.objects.filter(site__in=sites).select_related("site").order_by("site__name", "name")  # type: ignore[attr-defined]
        self.fields["facilitators"].queryset = staff_of(agency)  # type: ignore[attr-defined]


class RescheduleForm(forms.Form):
    from_date = DateInputField(label="Reschedule from", required=True,
                               help_text="Sessions before this day, and every session with a register, keep their dates")
    days = DaysField(label="New days (leave empty to keep the days)", required=False)
    start_time = forms.TimeField(label="New start time", required=False, help_text=TIME_HELP,
                                 error_messages={"invalid": "Enter a time like 18:30"})

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if bool(cleaned.get("days")) != bool(cleaned.get("start_time")):
            raise forms.ValidationError("Give both new days and a new start time, or neither")
        return cleaned


class AllocateForm(forms.Form):
    referral = forms.TypedChoiceField(label="Person", coerce=int, widget=forms.RadioSelect,
                                      error_messages={"required": "Choose the person to allocate"})
    joined_on = DateInputField(label="Date they join", required=True)

    def __init__(self, *args: Any, referrals: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self.fields["referral"], referrals)


class SessionTimeForm(forms.Form):
    """A day and start time for one member's one-to-one or catch-up."""

    member = forms.TypedChoiceField(label="Member", coerce=int, error_messages={"required": "Choose the member"})
    day = DateInputField(label="Day", required=True)
    start_time = forms.TimeField(label="Start time", help_text=TIME_HELP,
                                 error_messages={"required": "Enter the start time", "invalid": "Enter a time like 18:30"})

    def __init__(self, *args: Any, members: list[GroupMember], numbers: list[tuple[int, str]] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self.fields["member"], [("", "Choose a member")] + [(m.pk, m.display_name) for m in members])
        if numbers is not None:
            self.fields["number"] = forms.TypedChoiceField(
                label="Session to catch up", coerce=int, choices=[("", "Choose a session"), *numbers],
                error_messages={"required": "Choose the session to catch up"},
            )
            self.order_fields(["number", "member", "day", "start_time"])


class HomeworkForm(forms.Form):
    status = forms.ChoiceField(label="Status", widget=forms.RadioSelect,
                               choices=[(HomeworkStatus.SUBMITTED, "Handed in"), (HomeworkStatus.REVIEWED, "Reviewed, with feedback")],
                               error_messages={"required": "Choose handed in or reviewed"})
    feedback = forms.CharField(label="Feedback", widget=forms.Textarea, required=False, max_length=4000,
                               help_text="Needed when reviewed. Kept encrypted.")


class ReviewForm(forms.Form):
    notes = forms.CharField(label="Notes", widget=forms.Textarea, required=False, max_length=4000,
                            help_text="What you saw in the sessions and homework. Kept encrypted.")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for domain in domains.DOMAINS:
            self.fields[domain.code] = forms.TypedChoiceField(
                label=domain.label, coerce=int, widget=forms.RadioSelect, help_text=domain.question,
                choices=[(value, f"{value} – {domains.SCALE[value]}: {domain.anchors[value]}") for value in domains.SCALE],
                error_messages={"required": f"Rate “{domain.label}”"},
            )
        self.order_fields([*domains.CODES, "notes"])


class CustodyForm(forms.Form):
    received_on = DateInputField(label="Date received into custody", not_future=True)
    expected_release_on = DateInputField(label="Expected release date", required=True)


class SiteForm(forms.Form):
    name = forms.CharField(label="Site name", max_length=120, error_messages={"required": "Enter the site's name"})
    region = forms.ChoiceField(label="Bank holidays of", widget=forms.RadioSelect,
                               choices=Site._meta.get_field("region").choices)  # type: ignore[arg-type]
    rooms = forms.CharField(label="Rooms", max_length=400, help_text="Their names, separated by commas",
                            error_messages={"required": "Name at least one room"})

    def room_names(self) -> list[str]:
        return [r.strip() for r in self.cleaned_data["rooms"].split(",") if r.strip()]


class ClosureForm(forms.Form):
    day = DateInputField(label="Day the site is closed", required=True)
    reason = forms.CharField(label="Reason", max_length=200, error_messages={"required": "Say why the site is closed"})


def outcome_field_name(member_id: int) -> str:
    return f"outcome-{member_id}"


def outcomes_from(data: Any, member_ids: list[int]) -> dict[int, str]:
    """The register's answers: `outcome-<member id>` for every row given (blank rows left out, so the
    service names who still needs an outcome); any other `outcome-<id>` is kept for the service to refuse."""
    found: dict[int, str] = {}
    for key, value in data.items():
        if key.startswith("outcome-") and value:
            try:
                found[int(key.removeprefix("outcome-"))] = str(value)
            except ValueError:
                continue
    return found


def member_choices_for_referrals(rows: list[Any]) -> list[tuple[int, str]]:
    return [(r.pk, f"{r.person.full_name} ({r.person.reference}), waiting since {r.submitted_on:%-d %B %Y}") for r in rows]


def slot_list(days: list[int], start: time) -> tuple[Any, ...]:
    from safeguard.programmes.scheduling import Slot

    return tuple(Slot(d, start) for d in sorted(days))


OUTCOME_SHORT = {
    Outcome.ATTENDED_COMPLIED: "Attended, complied",
    Outcome.ATTENDED_FAILED_TO_COMPLY: "Attended, did not comply",
    Outcome.ACCEPTABLE_ABSENCE: "Absent, acceptable",
    Outcome.UNACCEPTABLE_ABSENCE: "Absent, unacceptable",
}
