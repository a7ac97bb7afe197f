"""Forms for sign-in, MFA and account administration."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import RegexValidator

from safeguard.accounts.approvals import REASON_MAX, REASON_MIN
from safeguard.accounts.choices import Role


class SignInForm(forms.Form):
    username = forms.CharField(
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
        error_messages={"required": "Enter your username"},
    )
    password = forms.CharField(
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password"},
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Security code",
        max_length=20,
        help_text="The 6-digit code from your authenticator app, or one of your recovery codes.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
        error_messages={"required": "Enter the security code"},
    )

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split())


class EnrolForm(forms.Form):
    code = forms.CharField(
        label="Security code",
        max_length=6,
        help_text="Enter the 6-digit code your authenticator app shows for Safeguard.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        error_messages={"required": "Enter the 6-digit security code"},
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError("Security code must be 6 digits")
        return code


class ChooseRoleForm(forms.Form):
    membership = forms.TypedChoiceField(
        label="Which role are you working in?",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the role you are working in"},
    )

    def __init__(self, *args: Any, memberships: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["membership"].choices = [(m.pk, str(m)) for m in memberships]  # type: ignore[attr-defined]


ROLE_HINT = "Auditor and Administrator need a second administrator's approval: you will be asked why."


def _role_field(label: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=Role.choices,
        widget=forms.RadioSelect,
        help_text=ROLE_HINT,
        error_messages={"required": "Select a role", "invalid_choice": "Select a role from the list"},
    )


def _job_title_field() -> forms.CharField:
    return forms.CharField(
        label="Job title",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
        error_messages={"max_length": "Job title must be 100 characters or fewer"},
    )


class _AgencyChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


def _agency_field() -> _AgencyChoice:
    return _AgencyChoice(
        label="Agency",
        queryset=None,
        empty_label="Choose an agency",
        error_messages={"required": "Select an agency", "invalid_choice": "Select an agency from the list"},
    )


class RoleChangeForm(forms.Form):
    role = _role_field("New role")


class NewUserForm(forms.Form):
    username = forms.CharField(
        label="Username",
        max_length=150,
        help_text="Lower-case letters, numbers, dots, hyphens and underscores, for example pat.example",
        validators=[
            RegexValidator(
                r"^[a-z0-9][a-z0-9._-]*$",
                "Username must use only lower-case letters, numbers, dots, hyphens and underscores, "
                "and start with a letter or number",
            )
        ],
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"required": "Enter a username", "max_length": "Username must be 150 characters or fewer"},
    )
    first_name = forms.CharField(
        label="First name",
        max_length=150,
        error_messages={"required": "Enter a first name", "max_length": "First name must be 150 characters or fewer"},
    )
    last_name = forms.CharField(
        label="Last name",
        max_length=150,
        error_messages={"required": "Enter a last name", "max_length": "Last name must be 150 characters or fewer"},
    )
    agency = _agency_field()
    role = _role_field("Role")
    job_title = _job_title_field()

    def __init__(self, *args: Any, agencies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]


class MembershipAddForm(forms.Form):
    agency = _agency_field()
    role = _role_field("Role")
    job_title = _job_title_field()

    def __init__(self, *args: Any, agencies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]


def _reason_field(label: str, hint: str, required_message: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        min_length=REASON_MIN,
        max_length=REASON_MAX,
        help_text=hint,
        widget=forms.Textarea,
        error_messages={
            "required": required_message,
            "min_length": f"Reason must be at least {REASON_MIN} characters",
            "max_length": f"Reason must be {REASON_MAX} characters or fewer",
        },
    )


class ApprovalReasonForm(forms.Form):
    """Why a change needs doing: read by the second administrator who approves or refuses it."""

    reason = _reason_field(
        "Why is this change needed?",
        "A second administrator reads this before they approve or refuse the change. It is kept in the audit log.",
        "Enter why this change is needed",
    )


class RefusalForm(forms.Form):
    reason = _reason_field(
        "Why are you refusing?",
        "The administrator who asked will see this. It is kept in the audit log.",
        "Enter why you are refusing",
    )


class SetUpForm(forms.Form):
    password = forms.CharField(
        label="Password",
        max_length=128,
        strip=False,
        help_text="At least 12 characters. A few unrelated words make a password that is long and easy to remember.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Enter a password", "max_length": "Password must be 128 characters or fewer"},
    )
    confirm = forms.CharField(
        label="Confirm password",
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Enter the password again", "max_length": "Password must be 128 characters or fewer"},
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("password") and cleaned.get("confirm") and cleaned["password"] != cleaned["confirm"]:
            self.add_error("confirm", "The passwords do not match")
        return cleaned


class JustificationForm(forms.Form):
    justification = forms.CharField(
        label="Why do you need to see this record?",
        min_length=10,
        max_length=500,
        help_text="This record is owned by a police force. Your reason is kept in the audit log "
        "with every access (Data Protection Act 2018 s.62).",
        widget=forms.Textarea,
        error_messages={
            "required": "Enter why you need to see this record",
            "min_length": "Reason must be at least 10 characters",
            "max_length": "Reason must be 500 characters or fewer",
        },
    )
