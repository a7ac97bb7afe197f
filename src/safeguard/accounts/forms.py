"""Forms for sign-in, MFA and account administration."""

from __future__ import annotations

from typing import Any

from django import forms

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


class RoleChangeForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices, error_messages={"required": "Select a role"})


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
