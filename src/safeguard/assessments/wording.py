"""Instrument texts in the words of the assessment form.

Instruments describe their inputs and explain their results in the API's terms (field names,
true/false/null, ISO dates); the form and the result pages use the question titles and the answers
the form offers ("Yes", "No", "Not known"), and dates read "1 June 2025". The API keeps the original.
"""

from __future__ import annotations

from functools import cache

from safeguard.core import wording
from safeguard.instruments import registry

# Whole phrases that read better rewritten than word by word.
PHRASES = {
    "False when not; null when not known (null scores as false).": "No when not; Not known when it is not known (scored as No).",
    "give null when no victim was a child": "answer Not known when no victim was a child",
    "Null if not known": "Not known if it is not known",
    "null if not assessed": "Not known if not assessed",
    # "true" as an adjective, not the answer: reworded so no word reads as a literal.
    "the true total": "the actual total",
    "understates true offending": "understates actual offending",
    "both null or not_applicable": "neither scored nor applicable",
}


@cache
def field_labels() -> dict[str, str]:
    """Every input of every instrument by name, with its question title."""
    labels: dict[str, str] = {}
    for instrument_id in registry.instrument_ids():
        for name, prop in registry.input_schema(instrument_id)["properties"].items():
            labels.setdefault(name, str(prop.get("title") or name.replace("_", " ")))
    return labels


def plain(text: object) -> str:
    """A description, warning, reason or error of an instrument in the form's words."""
    return wording.plain_words(text, labels=field_labels(), phrases=PHRASES)
