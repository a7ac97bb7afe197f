"""The self-assessment: suggestions follow from answers by stated rules; it is not a risk score."""

from __future__ import annotations

import pytest
from django.utils import translation

from safeguard.prevention import triage
from safeguard.prevention.modules import MODULES

CALM = {"reasons": ["thoughts"], "danger_now": ["no"], "images_now": ["never"], "time_with_children": ["never"],
        "coping": ["well"], "self_harm": ["no"], "talk": ["no"]}


def test_calm_answers_suggest_modules_but_no_appointment_or_urgent_guidance():
    result = triage.suggest(CALM)
    assert result.module_slugs == ["understanding-thoughts", "good-life"]
    assert result.offer_appointment is None and result.show_urgent is None


@pytest.mark.parametrize(("changed", "urgent", "appointment"), [
    ({"danger_now": ["yes"]}, True, True),
    ({"danger_now": ["not_sure"]}, True, True),
    ({"self_harm": ["yes"]}, True, False),
    ({"coping": ["struggling"]}, False, True),
    ({"talk": ["maybe"]}, False, True),
    ({"images_now": ["often"]}, False, True),
    ({"images_now": ["sometimes"]}, False, False),
])
def test_each_rule_and_its_reason(changed, urgent, appointment):
    result = triage.suggest({**CALM, **changed})
    assert (result.show_urgent is not None, result.offer_appointment is not None) == (urgent, appointment)
    for suggestion in (result.show_urgent, result.offer_appointment):
        if suggestion is not None:
            assert suggestion.because  # every suggestion says which answer led to it


def test_worried_about_someone_else_only_gets_that_module():
    result = triage.suggest({**CALM, "reasons": ["someone_else"]})
    assert result.module_slugs == ["worried-about-someone"]


def test_missing_or_unknown_answers_are_named():
    with pytest.raises(triage.InvalidAnswers) as problems:
        triage.suggest({**CALM, "reasons": [], "talk": ["perhaps"], "coping": ["well", "struggling"]})
    assert problems.value.errors == {"reasons": "Choose at least one answer", "talk": "Choose one of the answers offered",
                                     "coping": "Choose one of the answers offered"}


def test_every_question_option_and_module_is_translated_into_german():
    words = [q.text for q in triage.QUESTIONS] + [label for q in triage.QUESTIONS for _c, label in q.options]
    words += [m.title for m in MODULES] + [m.summary for m in MODULES]
    for text in words:
        english = str(text)
        with translation.override("de"):
            assert str(text) != english or english in {"Region"}, english
