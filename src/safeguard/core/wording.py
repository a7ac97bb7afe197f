"""Plain words on screen: engine and instrument messages say things in the API's terms (field codes,
choice codes, true/false/null, ISO dates); pages and PDFs say them in the words of the form.

The engines keep their messages (the API returns them as they are). Each app translates at the
presentation layer with `plain_words`, giving it the labels its forms use for field codes and
choice codes. Whatever code has no label is still never shown raw: its underscores become spaces.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
# A field path or choice code: snake_case words, optionally dotted and indexed
# (`suspension.requirements[0].type`), or a dotted path of plain words (`shpo.length`).
_SEGMENT = r"[a-z][a-z0-9_]*(?:\[\d+\])?"
CODE = re.compile(rf"(?<![\w.\-/])(?:{_SEGMENT})(?:\.{_SEGMENT})*(?![\w\-/]|\.\w)")
# A code written with hyphens (offence ids such as `cja1988-s160`); translated only when known.
HYPHENATED = re.compile(r"(?<![\w.\-/])[a-z][a-z0-9]*(?:-[a-z0-9]+)+(?![\w\-/])")
# JSON and Python literals as words: true, false and null are answers, shown as the forms label
# them; Python's None means nothing was given. "none" in ordinary prose is left alone.
LITERALS = {"true": "Yes", "false": "No", "null": "Not known", "True": "Yes", "False": "No", "None": "none"}
_LITERAL = re.compile(r"(?<![\w'\-])(true|false|null|True|False|None)(?![\w'\-])")
_CODE_COLON_TRUE = re.compile(rf"((?:{_SEGMENT})(?:\.{_SEGMENT})*): true\b")


def date_words(value: date) -> str:
    """1 June 2025."""
    return f"{value.day} {value:%B %Y}"


def _iso_to_words(match: re.Match[str]) -> str:
    try:
        return date_words(date(int(match.group(1)), int(match.group(2)), int(match.group(3))))
    except ValueError:
        return match.group(0)


def humanise(code: str) -> str:
    """`very_high` → "very high"."""
    return code.replace("_", " ")


def _label_for(code: str, labels: Mapping[str, str], choices: Mapping[str, str]) -> str | None:
    """The label of a field path or choice code: the longest known path, from the full path down to
    its last part (`suspension.requirements[2].hours` → the unpaid work hours field)."""
    bare = re.sub(r"\[\d+\]", "", code)
    parts = bare.split(".")
    for start in range(len(parts)):
        path = ".".join(parts[start:])
        if path in labels:
            return labels[path]
        if path in choices:
            return choices[path]
    # A field named without its parent (`until_further_order` for `shpo.until_further_order`).
    found = {label for key, label in labels.items() if key.endswith("." + bare)}
    return found.pop() if len(found) == 1 else None


def plain_words(
    text: object,
    *,
    labels: Mapping[str, str] | None = None,
    choices: Mapping[str, str] | None = None,
    phrases: Mapping[str, str] | None = None,
) -> str:
    """`text` in the words of the form.

    `labels` maps field codes (dotted paths without indices) to the form's labels, which are shown in
    quotes; `choices` maps choice codes to the labels of the answers; `phrases` replaces whole
    phrases first (for wording no rule below reads well).
    """
    result = "" if text is None else str(text)
    if not result:
        return result
    labels = labels or {}
    choices = choices or {}
    for phrase, replacement in (phrases or {}).items():
        result = result.replace(phrase, replacement)
    result = ISO_DATE.sub(_iso_to_words, result)

    def field_true(match: re.Match[str]) -> str:
        label = _label_for(match.group(1), labels, {})
        return f"“{label}”" if label else match.group(0)

    result = _CODE_COLON_TRUE.sub(field_true, result)

    def code(match: re.Match[str]) -> str:
        token = match.group(0)
        bare = re.sub(r"\[\d+\]", "", token)
        if bare == token and "_" not in token and "." not in token:
            return token  # an ordinary word
        label = _label_for(token, labels, {})
        if label is not None:
            return f"“{label}”"
        if bare in choices:
            return choices[bare]
        if "_" in bare:
            choice = _label_for(token, {}, choices)
            return choice if choice is not None else humanise(bare.rsplit(".", 1)[-1])
        return token

    result = CODE.sub(code, result)
    result = HYPHENATED.sub(lambda m: choices.get(m.group(0), m.group(0)), result)
    return _LITERAL.sub(lambda m: LITERALS[m.group(1)], result)
