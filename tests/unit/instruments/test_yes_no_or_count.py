"""Yes/no items that can also be answered with a count (issue 8, item 12).

Static-99R item 7 ("any convictions for non-contact sex offences") is yes/no on the coding form,
but the input was a count and refused true/false. Every yes/no item where a count means something
now takes both, everywhere: the engine, the JSON Schema and batch CSV.
"""

from __future__ import annotations

import io
import json

import pytest

from safeguard.instruments import registry
from safeguard.instruments.batch import run_batch

from ._jsonschema import errors as schema_errors
from .conftest import AS_OF, static_row

# Every yes/no item whose answer can be a count, by instrument. Items left out on purpose: those
# about one thing (ever lived with a partner, never married, the current offence against a
# stranger, sexual interest, boy/girl content), counts with cut-offs other than 1 (prior
# sentencing dates, charges and convictions, court appearances, the OSP sanction counts) and
# CASIC's items, which are summed as yes/no answers.
EXPECTED = {
    "static-99r": {
        "index_non_sexual_violence",
        "prior_non_sexual_violence",
        "non_contact_sex_offence_convictions",
        "unrelated_victims",
        "stranger_victims",
        "male_victims",
    },
    "rm2000-s": {"male_victim", "stranger_victim", "non_contact_sexual_offence"},
    "cport": {"prior_criminal_history", "any_contact_sexual_offending", "failure_on_conditional_release"},
}
FIELDS = [
    (instrument_id, name) for instrument_id, names in sorted(EXPECTED.items()) for name in sorted(names)
]


def _item(result: object, name: str) -> tuple[object, int | None]:
    item = next(i for i in result.items if i.name == name)  # type: ignore[attr-defined]
    return item.answer, item.points


def _scored(result: object) -> dict[str, object]:
    return {k: v for k, v in result.to_dict().items() if k != "items"}  # type: ignore[attr-defined]


def test_the_catalogue_of_yes_no_or_count_items() -> None:
    found = {
        instrument_id: {f.name for f in registry.get(instrument_id).fieldset.fields if f.yes_no_or_count}
        for instrument_id in registry.instrument_ids()
    }
    assert {k: v for k, v in found.items() if v} == EXPECTED


def test_static_99r_item_7_takes_yes_or_no_as_on_the_coding_form() -> None:
    yes = registry.score("static-99r", static_row(non_contact_sex_offence_convictions=True), today=AS_OF)
    no = registry.score("static-99r", static_row(non_contact_sex_offence_convictions=False), today=AS_OF)
    assert yes.errors == () and no.errors == ()
    assert _item(yes, "non_contact_sex_offence_convictions") == (True, 1)
    assert _item(no, "non_contact_sex_offence_convictions") == (False, 0)
    assert yes.points == no.points + 1
    counted = registry.score("static-99r", static_row(non_contact_sex_offence_convictions=3), today=AS_OF)
    assert _item(counted, "non_contact_sex_offence_convictions") == (3, 1)
    assert counted.points == yes.points


@pytest.mark.parametrize(("instrument_id", "name"), FIELDS)
def test_each_item_scores_the_same_for_yes_and_for_a_count(instrument_id: str, name: str) -> None:
    example = registry.example_input(instrument_id)
    answers = (True, 1, 4, False, 0)  # not dict keys: True == 1 and False == 0 would merge
    yes, one, four, no, zero = (
        registry.score(instrument_id, {**example, name: answer}, today=AS_OF) for answer in answers
    )
    for result in (yes, one, four, no, zero):
        assert result.errors == (), result.errors
    # Everything but the answers shown is the same: points, band, extras, warnings.
    assert _scored(yes) == _scored(one) == _scored(four)
    assert _scored(no) == _scored(zero)
    assert _scored(yes) != _scored(no)
    # The answer is kept as given, even though True == 1 (one cache would mix them up).
    shown = [_item(result, name)[0] for result in (yes, one, four, no, zero)]
    assert [(type(a), a) for a in shown] == [(type(a), a) for a in answers]


@pytest.mark.parametrize(("instrument_id", "name"), FIELDS)
def test_schema_and_engine_accept_both_and_refuse_anything_else(instrument_id: str, name: str) -> None:
    schema = registry.input_schema(instrument_id)
    prop = schema["properties"][name]
    kinds = prop["type"] if isinstance(prop["type"], list) else [prop["type"]]
    assert {"boolean", "integer"} <= set(kinds)
    assert (prop["minimum"], prop["maximum"]) == (0, 999)
    example = registry.example_input(instrument_id)
    for good in (True, False, 0, 7):
        assert schema_errors(schema, {**example, name: good}) == [], good
    for bad, code in (
        ("yes", "wrong_type"),
        (1.5, "wrong_type"),
        (-1, "out_of_range"),
        (1000, "out_of_range"),
    ):
        assert schema_errors(schema, {**example, name: bad}), bad
        result = registry.score(instrument_id, {**example, name: bad}, today=AS_OF)
        assert [(e.field, e.code) for e in result.errors] == [(name, code)], bad
        assert "true or false, or a count (a whole number from 0 to 999)" in result.errors[0].message


def test_the_form_asks_each_item_as_before() -> None:
    # The first type is the way the form asks: yes/no radios for the yes/no items, a number box
    # for Static-99R's count of non-contact convictions.
    static = registry.input_schema("static-99r")["properties"]
    assert static["male_victims"]["type"] == ["boolean", "integer"]
    assert static["non_contact_sex_offence_convictions"]["type"] == ["integer", "boolean"]
    cport = registry.input_schema("cport")["properties"]
    assert cport["prior_criminal_history"]["type"] == ["boolean", "integer", "null"]


def test_batch_csv_reads_words_and_counts() -> None:
    row = static_row()
    header = list(row)
    lines = [",".join(header)]
    for answer in ("yes", "true", "N", "2", "0", "some"):
        values = {**row, "non_contact_sex_offence_convictions": answer, "male_victims": answer}
        lines.append(
            ",".join(
                str(values[k]).lower() if isinstance(values[k], bool) else str(values[k]) for k in header
            )
        )
    out = io.StringIO()
    run_batch("static-99r", io.StringIO("\n".join(lines) + "\n"), out, in_format="csv", today=AS_OF)
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    answers = [
        {
            i["name"]: i["answer"]
            for i in r["items"]
            if i["name"] in ("male_victims", "non_contact_sex_offence_convictions")
        }
        for r in records[:5]
    ]
    assert [a["male_victims"] for a in answers] == [True, True, False, 2, 0]
    assert [r["points"] for r in records[:5]] == [3, 3, 1, 3, 1]
    assert {(e["field"], e["code"]) for e in records[5]["errors"]} == {
        ("male_victims", "wrong_type"),
        ("non_contact_sex_offence_convictions", "wrong_type"),
    }
