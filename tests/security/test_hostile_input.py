"""Hostile uploads and payloads (issue 8, items 1 and 2): each is refused with a 400 (or a page
saying so) naming the limit and where, never a 500, nothing half saved, memory bounded.

These run on SQLite and on PostgreSQL (where a NUL character in text is a database error)."""

from __future__ import annotations

import html
import io
import json
import re
import resource
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from safeguard import cli
from safeguard.courts.models import GuidelineUpload
from safeguard.guidelines import GuidelineDataError
from safeguard.guidelines.loader import load_library
from safeguard.instruments.batch import run_batch
from safeguard.people.models import Person
from safeguard.untrusted import API_BODY, BATCH_LINE, GUIDELINE_FILE
from tests.conftest import sign_in

# What issue 8 reproduced on the running service.
DOTTED_60000 = "k" + ".k" * 59_999 + " = 1\n"  # 120 KB; tomllib needed ~14 GB for it
DEEP_ARRAY = "a = " + "[" * 5_000 + "\n"
DEEP_INLINE = "a = " + "{b = " * 20_000 + "1" + "}" * 20_000 + "\n"
HUGE_INTEGER = "a = " + "1" * 200_000 + "\n"
DEEP_JSON = '{"a":' * 50_000 + "1" + "}" * 50_000


@contextmanager
def memory_cap(extra: int = 768 * 1024 * 1024) -> Iterator[None]:
    """Allow this process only `extra` more bytes of address space: a parse that would need
    gigabytes fails with MemoryError (so the test fails) instead of exhausting the machine."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    with open("/proc/self/statm") as statm:
        current = int(statm.read().split()[0]) * resource.getpagesize()
    cap = current + extra if hard == resource.RLIM_INFINITY else min(hard, current + extra)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def text_of(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", response.content.decode()))


# --- guideline uploads ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (DOTTED_60000, "line 1 has a key of 60,000 dotted parts; at most 8 are allowed"),
        (DEEP_ARRAY, f"line 1 nests tables and arrays 13 levels deep; at most {GUIDELINE_FILE.max_depth} are allowed"),
        (DEEP_INLINE, f"line 1 nests tables and arrays 13 levels deep; at most {GUIDELINE_FILE.max_depth} are allowed"),
        (HUGE_INTEGER, "line 1 has an integer of 200,000 digits; at most 20 are allowed"),
        ('id = "x"\n' + "".join(f"k{i} = 1\n" for i in range(10_001)), "line 10001 holds key number 10,001; a guideline file may have at most 10,000"),
        ('id = "x"\nlabel = "' + "x" * 10_001 + '"\n', "line 2 has a string of 10,001 characters"),
        ('id = "x\\u0000"\n', "id contains a NUL character"),
    ],
    ids=["dotted-60000", "deep-array", "deep-inline-table", "huge-integer", "many-keys", "long-string", "nul-escape"],
)
def test_a_hostile_guideline_upload_is_refused_naming_the_limit_and_line(client, world, text, expected):
    sign_in(client, world.users["guide_editor"])
    upload = SimpleUploadedFile("hostile.toml", text.encode())
    with memory_cap():
        response = client.post(reverse("courts:guideline-upload"), {"notes": "Hostile file", "file": upload})
    assert response.status_code == 200  # the form again, with the reason
    page = text_of(response)
    assert "The file goes beyond a limit on guideline files" in page
    assert expected in page
    assert not GuidelineUpload.objects.exists()


def test_a_hostile_data_file_in_the_library_is_refused_by_the_loader(tmp_path):
    from safeguard.guidelines.loader import DATA_DIRECTORY

    (tmp_path / "offences.toml").write_text((DATA_DIRECTORY / "offences.toml").read_text())
    (tmp_path / "x-1.toml").write_text(DOTTED_60000)
    with memory_cap(), pytest.raises(GuidelineDataError) as refused:
        load_library(tmp_path)
    problems = list(refused.value.problems)
    assert [(p.field, p.code) for p in problems] == [("x-1.toml", "unreadable")]
    assert "line 1 has a key of 60,000 dotted parts" in problems[0].message


# --- JSON bodies: every operation with a body -------------------------------------------------------


def _operations_with_a_body() -> list[tuple[str, str]]:
    from safeguard.site.api import api

    schema = api.get_openapi_schema()
    found = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method in ("post", "put"):
                assert "requestBody" in operation, f"{method.upper()} {path} documents no body"
                found.append((method, path))
    return found


def _concrete(path: str) -> str:
    """A path with placeholder ids: bodies are read before the record is looked up."""
    path = path.replace("{pk}", str(uuid.uuid4())).replace("{assessment_id}", str(uuid.uuid4())).replace(
        "{instrument_id}", "static-99r"
    )
    for name in ("person_id", "requirement_id"):
        path = path.replace("{" + name + "}", str(uuid.uuid4()))
    return re.sub(r"\{[a-z_]+\}", "1", path)  # the other ids are integers


def _who(path: str) -> str:
    """A role that may use the operation, so that the body is read."""
    if "/prevention/" in path:
        return "prev_prac"
    return "court_prac" if "/sentencing/" in path else "prob_prac"


OPERATIONS = _operations_with_a_body()


def test_the_endpoints_of_the_issue_are_among_those_checked():
    paths = {(m, p.removeprefix("/api/v1")) for m, p in OPERATIONS}
    assert {
        ("post", "/scores"),
        ("post", "/scores/{instrument_id}"),
        ("post", "/sentencing/calculate"),
        ("post", "/sentencing/notification"),
        ("post", "/persons"),
    } <= paths


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_a_body_nested_50000_deep_is_a_400_naming_the_field(world, token_client, method, path):
    client = token_client(_who(path))
    send = getattr(client, method)
    response = send(_concrete(path), DEEP_JSON, content_type="application/json")
    assert response.status_code == 400, response.content[:300]
    body = response.json()
    assert body["code"] == "too_deep"
    assert body["errors"] == [
        {
            "field": ".".join(["a"] * API_BODY.max_depth),
            "code": "too_deep",
            "message": f"is nested more than {API_BODY.max_depth} levels deep; at most {API_BODY.max_depth} are allowed",
        }
    ]


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_an_integer_of_200000_digits_is_a_400_naming_the_field(world, token_client, method, path):
    client = token_client(_who(path))
    response = getattr(client, method)(
        _concrete(path), '{"label": "x", "inputs": {"count": ' + "9" * 200_000 + "}}", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "field": "inputs.count",
            "code": "integer_too_long",
            "message": "is an integer of 200,000 digits; at most 20 are allowed",
        }
    ]


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ('{"a": "' + "x" * 20_001 + '"}', "a", "string_too_long"),
        ("[" + ",".join(['{"k": 1}'] * 10_001) + "]", "body", "too_many_keys"),
        ('{"a": NaN}', "a", "not_finite"),
        ('{"a": [1e999]}', "a[0]", "not_finite"),
        ('{"a": "\\ud800"}', "a", "invalid_text"),
        ("{oops", "body", "invalid_json"),
        (b'{"a": "\xff"}', "body", "not_utf8"),
        (b" " * (API_BODY.max_bytes + 1), "body", "too_large"),
    ],
    ids=["long-string", "many-keys", "nan", "overflow", "lone-surrogate", "not-json", "not-utf8", "too-large"],
)
def test_other_limits_on_a_body_are_400s_naming_the_field(world, token_client, body, field, code):
    response = token_client("court_prac").post("/api/v1/sentencing/calculate", body, content_type="application/json")
    assert response.status_code == 400
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [(field, code)]


# --- NUL characters (PostgreSQL text cannot hold one) -----------------------------------------------


def test_a_nul_in_an_api_search_is_a_400_naming_the_parameter(world, token_client):
    response = token_client("prob_prac").get("/api/v1/persons?q=%00")
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "q", "code": "nul_character", "message": "contains a NUL character (U+0000), which cannot be stored; remove it"}
    ]


def test_a_nul_in_a_name_sent_to_the_api_is_a_400_and_nothing_is_saved(world, token_client):
    before = Person.objects.count()
    body = {"given_name": "Te\u0000sty", "family_name": "Testington", "date_of_birth": "1990-01-01"}
    response = token_client("prob_prac").post("/api/v1/persons", body, content_type="application/json")
    assert response.status_code == 400
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [("given_name", "nul_character")]
    assert Person.objects.count() == before


def test_a_nul_in_the_justification_header_is_a_400(world, token_client):
    person = world.persons["police"]
    client = token_client("prob_prac")
    response = client.get(f"/api/v1/persons/{person.pk}", headers={"X-Justification": "Risk\u0000review"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "X-Justification"


def test_a_nul_in_a_page_search_or_form_is_refused_in_words_and_nothing_is_saved(client, world):
    sign_in(client, world.users["prob_prac"])
    search = client.get(reverse("people:list"), {"q": "Test\u0000"})
    assert search.status_code == 400
    assert "contains an invisible control character" in text_of(search)
    before = Person.objects.count()
    created = client.post(
        reverse("people:create"),
        {"given_name": "Te\u0000sty", "family_name": "Testington", "date_of_birth": "1985-04-04", "sex": "male"},
    )
    assert created.status_code == 400
    assert "Nothing was saved" in text_of(created)
    assert Person.objects.count() == before


# --- error shape ------------------------------------------------------------------------------------


def test_validation_errors_have_the_one_error_shape(world, token_client):
    response = token_client("prob_prac").post(
        "/api/v1/persons", {"given_name": 1, "date_of_birth": "x"}, content_type="application/json"
    )
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "Invalid input"
    assert {(e["field"], e["code"]) for e in body["errors"]} >= {
        ("given_name", "string_type"),
        ("family_name", "missing"),
        ("date_of_birth", "date_from_datetime_parsing"),
    }


# --- command-line input: the same limits per line ---------------------------------------------------


def test_batch_lines_beyond_the_limits_are_refused_rows_and_the_rest_is_scored():
    from safeguard.instruments import registry

    good = json.dumps(registry.example_input("static-99r"))
    lines = [  # each shorter than the line limit but the second and third
        good,
        '{"a":' * 5_000 + "1" + "}" * 5_000,
        '{"prior_sentencing_dates": ' + "1" * 20_000 + "}",
        '{"x": "' + "y" * (BATCH_LINE.max_bytes + 10) + '"}',
        '{"x": "a\\u0000b"}',
        good,
    ]
    out = io.StringIO()
    with memory_cap():
        summary = run_batch("static-99r", io.StringIO("\n".join(lines) + "\n"), out)
    results = [json.loads(line) for line in out.getvalue().splitlines()]
    assert (summary.rows_scored, summary.rows_rejected) == (2, 4)
    refused = [(r["line"], r["errors"][0]["field"], r["errors"][0]["code"]) for r in results if r["errors"]]
    assert refused == [
        (2, ".".join(["a"] * BATCH_LINE.max_depth), "too_deep"),
        (3, "prior_sentencing_dates", "integer_too_long"),
        (4, "line 4", "line_too_long"),
        (5, "x", "nul_character"),
    ]


def test_a_csv_cell_beyond_the_limit_is_a_refused_row_not_a_crash():
    from safeguard.instruments import registry

    example = registry.example_input("static-99r")
    header = ",".join(example)
    row = ",".join("true" if v is True else "false" if v is False else str(v) for v in example.values())
    long_cell = ",".join(["x" * (BATCH_LINE.max_string_chars + 1)] + ["1"] * (len(example) - 1))
    text = "\n".join([header, row, long_cell, row]) + "\n"
    out = io.StringIO()
    summary = run_batch("static-99r", io.StringIO(text), out, in_format="csv")
    assert (summary.rows_scored, summary.rows_rejected) == (2, 1)
    assert ("line 3", "string_too_long") in summary.rejections


def test_the_sentencing_commands_refuse_hostile_json_with_the_limit_named(tmp_path, capsys):
    path = tmp_path / "deep.json"
    path.write_text(DEEP_JSON)
    assert cli.main(["sentence", str(path)]) == 2
    errors = json.loads(capsys.readouterr().out)["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [(".".join(["a"] * API_BODY.max_depth), "too_deep")]
    lines = tmp_path / "lines.jsonl"
    lines.write_text(
        '{"disposal": "caution", "relevant_date": "2025-01-01", "age_at_relevant_date": 30}\n'
        + '{"age_at_relevant_date": ' + "9" * 20_000 + "}\n"
    )
    assert cli.main(["notification", "--input", str(lines)]) == 2
    first, second = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert first["errors"] == []
    assert [(e["field"], e["code"]) for e in second["errors"]] == [("age_at_relevant_date", "integer_too_long")]
