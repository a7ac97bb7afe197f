"""The sentencing engine's messages in the words of the step forms.

The engine names request fields and choice codes (`departure_reason`, `crown_court`) because the API
answers in those terms. On pages and in the report the same message names the form's label for the
field and the answer's label for the choice, and dates read "1 June 2025" (`safeguard.core.wording`).
The labels come from the forms and the guideline data in use, so nothing here is typed twice.
"""

from __future__ import annotations

from collections.abc import Iterable

from safeguard.core import wording
from safeguard.courts import library
from safeguard.guidelines import GuidelineLibrary
from safeguard.guidelines.offences import offence_label
from safeguard.guidelines.rules import (
    COMMUNITY_REQUIREMENTS,
    SUSPENSION_FACTORS_AGAINST,
    SUSPENSION_FACTORS_FOR,
)

# Codes whose form label would mislead in a sentence, or that no form field carries.
LABEL_OVERRIDES = {
    "sentence_before_plea": "Sentence before any guilty-plea reduction",
    "shpo.until_further_order": "Until further order",
    "harm_factors": "Harm factors",
    "culpability_factors": "Culpability factors",
    "offender_date_of_birth": "Date of birth",
    "relevant_date": "Conviction date",
    "other_offences": "Other offences",
}
CHOICE_WORDS = {
    "lead": "lead offence",
    "concurrent": "concurrent",
    "consecutive": "consecutive",
    "no_separate_penalty": "no separate penalty",
    "hospital_restriction_order": "hospital order with a restriction order",
    "hospital_order": "hospital order",
    "ipp": "imprisonment for public protection",
}


def _form_labels() -> tuple[dict[str, str], dict[str, str]]:
    from safeguard.courts.forms import STEP_FORMS

    labels: dict[str, str] = {}
    choices: dict[str, str] = {}
    for form_class in STEP_FORMS.values():
        fields = form_class.base_fields
        for name, field in fields.items():
            if field.label:
                labels.setdefault(name, str(field.label))
            for value, label in getattr(field, "choices", ()) or ():
                if value and isinstance(label, str):
                    choices.setdefault(str(value), label)
        for path, name in form_class.FIELD_MAP.items():
            label = fields[name].label if name in fields else None
            if "." in path and label:
                labels.setdefault(path, str(label))
    return labels, choices


_built: dict[str, tuple[dict[str, str], dict[str, str]]] = {}


def _maps(fingerprint: str, guidelines: GuidelineLibrary) -> tuple[dict[str, str], dict[str, str]]:
    """The labels and choices for the guideline data with this fingerprint (built once)."""
    if fingerprint not in _built:
        if len(_built) > 8:
            _built.clear()
        _built[fingerprint] = _build(guidelines)
    return _built[fingerprint]


def _build(guidelines: GuidelineLibrary) -> tuple[dict[str, str], dict[str, str]]:
    labels, choices = _form_labels()
    labels.update(LABEL_OVERRIDES)
    choices.update(COMMUNITY_REQUIREMENTS)
    choices.update(SUSPENSION_FACTORS_FOR)
    choices.update(SUSPENSION_FACTORS_AGAINST)
    for offence in guidelines.offences.values():
        choices[offence.id] = offence_label(offence)
    for guideline in guidelines.guidelines:
        for axis in (guideline.harm, guideline.culpability):
            for category in axis.categories if axis else ():
                for factor in category.factors:
                    choices.setdefault(factor.id, factor.label)
        for step_factor in (*guideline.aggravating, *guideline.mitigating):
            choices.setdefault(step_factor.id, step_factor.label)
    choices.update(CHOICE_WORDS)
    return labels, choices


class Words:
    """Puts engine messages into the forms' words, with the labels of the guideline data in use.
    Build one per page (`Words(state)`) and call it on each message."""

    def __init__(self, state: library.LibraryState | None = None) -> None:
        state = state or library.current()
        self.labels, self.choices = _maps(state.fingerprint, state.library)

    def __call__(self, text: object) -> str:
        return wording.plain_words(text, labels=self.labels, choices=self.choices)

    def all(self, items: Iterable[object] | None) -> list[str]:
        return [self(item) for item in items or ()]
