"""A form for one transition: the reason (from the transition's list) and the reason in words."""

from __future__ import annotations

from typing import Any

from django import forms

from safeguard.workflows.definitions import Transition
from safeguard.workflows.services import MAX_REASON_TEXT


class TransitionForm(forms.Form):
    """Pass `expected_state` (the state shown on the page) on to `apply_transition`: a page that
    has gone stale is then refused with a clear message instead of acting on a changed record."""

    expected_state = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, transition: Transition, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.transition = transition
        if transition.reasons:
            self.fields["reason_code"] = forms.ChoiceField(
                label="Reason",
                choices=[(r.code, r.label) for r in transition.reasons],
                widget=forms.RadioSelect,
                error_messages={"required": "Choose a reason"},
            )
        explain = transition.requires_text or any(r.needs_text for r in transition.reasons)
        self.fields["reason_text"] = forms.CharField(
            label="Reason in words",
            required=transition.requires_text,
            max_length=MAX_REASON_TEXT,
            widget=forms.Textarea,
            help_text="Needed when the reason is “Other”." if explain and not transition.requires_text else "",
            error_messages={
                "required": "Explain the reason in a few words",
                "max_length": f"Keep the reason to {MAX_REASON_TEXT} characters or fewer",
            },
        )
