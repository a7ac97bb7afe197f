"""docs/instruments.md stays true: it names every instrument, every input field and every error code."""

from __future__ import annotations

from pathlib import Path

import pytest

from safeguard.instruments import registry

DOC = Path(__file__).resolve().parents[3] / "docs" / "instruments.md"
ERROR_CODES = (
    "missing",
    "wrong_type",
    "out_of_range",
    "not_allowed",
    "invalid_date",
    "unknown_field",
    "not_an_object",
    "invalid_json",
    "wrong_column_count",
    "before_date_of_birth",
    "after_assessment_date",
    "after_start_of_followup",
    "after_sentence_date",
    "age_out_of_range",
    "no_sexual_sanctions",
    "sexual_sanctions_exceed_total",
    "inconsistent",
    "too_many_missing",
    "component_error",
    "wrong_generation",
)


@pytest.mark.parametrize("instrument_id", registry.instrument_ids())
def test_every_instrument_and_field_is_documented(instrument_id: str) -> None:
    text = DOC.read_text(encoding="utf-8")
    assert f"(`{instrument_id}`" in text
    section = text.split(f"Inputs of `{instrument_id}`", 1)[1].split("###", 1)[0]
    for spec in registry.get(instrument_id).fieldset.fields:
        assert f"| `{spec.name}` |" in section, spec.name
    for key in registry.metadata(instrument_id).extra_keys:
        assert f"`{key}`" in text, key


def test_every_error_code_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    for code in ERROR_CODES:
        assert f"`{code}`" in text, code
