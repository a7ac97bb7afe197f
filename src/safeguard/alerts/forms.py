"""The alerts page's acknowledgement form and the team view's filter."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from safeguard.alerts.selectors import TeamMember
from safeguard.core.due import DueItem


class AcknowledgeForm(forms.Form):
    """Which of the actor's current items to acknowledge: only keys of items due now are accepted."""

    items = forms.MultipleChoiceField(
        label="Items to acknowledge",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select at least one item to acknowledge",
            "invalid_choice": "An item you selected is no longer due, or its date has changed. "
            "The list below is up to date: select the items again",
        },
    )

    def __init__(self, *args: Any, items: Sequence[DueItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._items = {item.key: item for item in items}
        self.fields["items"].choices = [(item.key, item.title) for item in items]  # type: ignore[attr-defined]

    def chosen(self) -> list[DueItem]:
        return [self._items[key] for key in self.cleaned_data["items"]]


class TeamFilterForm(forms.Form):
    EVERYONE = "everyone"

    owner = forms.ChoiceField(
        label="Whose items",
        error_messages={
            "required": "Choose someone from your team, or everyone",
            "invalid_choice": "Choose someone from your team, or everyone",
        },
    )

    def __init__(self, *args: Any, members: Sequence[TeamMember], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._members = {str(member.user_id): member for member in members}
        self.fields["owner"].choices = [(self.EVERYONE, "Everyone"), *((str(m.user_id), m.name) for m in members)]  # type: ignore[attr-defined]

    def member(self) -> TeamMember | None:
        return self._members.get(self.cleaned_data.get("owner", self.EVERYONE))
