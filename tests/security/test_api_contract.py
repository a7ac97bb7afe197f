"""The API keeps its published contract (issue 8, item 3).

- The OpenAPI document is valid OpenAPI 3.1 and every operation documents its error answers
  (400, 401, 403 always; 422 wherever there is input; 404 wherever the path names a record) with
  a declared schema.
- schemathesis (`schemathesis run --checks all`) against a live test server, once with every
  role's token: no server error, no undocumented status, no response outside its schema. The
  settings are in `schemathesis.toml` beside this file (docs/testing.md explains them).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from openapi_spec_validator import validate

from safeguard.accounts import services as account_services
from tests.conftest import ROLES

CONFIG = Path(__file__).with_name("schemathesis.toml")
# One role also gets the coverage phase (boundary and negative values of every parameter and body
# field; about 100 s, most of it generating cases for the large sentencing request schema): the
# court practitioner, who reaches the sentencing operations, and whose body validation on every
# other operation runs before the policy refuses the call. Every role gets the fuzzing and stateful
# phases, with all checks.
WIDEST_ROLES = {"court_prac"}
ERRORS_EVERYWHERE = {"400", "401", "403"}


@pytest.fixture(scope="module")
def document() -> dict:
    from safeguard.site.api import api

    return json.loads(json.dumps(api.get_openapi_schema()))


def test_the_openapi_document_is_valid(document):
    validate(document)
    assert document["openapi"].startswith("3.1")


def _operations(document: dict):
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            yield method, path, operation


def test_every_operation_documents_its_error_answers_with_a_schema(document):
    error_schema = {"$ref": "#/components/schemas/ErrorOut"}
    for method, path, operation in _operations(document):
        responses = operation["responses"]
        parameters = operation.get("parameters", [])
        expected = set(ERRORS_EVERYWHERE)
        if parameters or "requestBody" in operation:
            expected.add("422")
        if any(p["in"] == "path" for p in parameters):
            expected.add("404")
        assert expected <= set(responses), f"{method.upper()} {path} documents {sorted(responses)}"
        for status in expected:
            answer = responses[status]
            assert answer["description"] and answer["description"] != "Unknown Status Code"
            schema = answer["content"]["application/json"]["schema"]
            if schema != error_schema:  # a richer error body: it must still have detail and errors
                name = schema["$ref"].rsplit("/", 1)[-1]
                declared = document["components"]["schemas"][name]
                assert {"detail", "errors"} <= set(declared["properties"]), f"{method.upper()} {path} {status}"
        successes = [s for s in responses if s.startswith("2")]
        assert successes, f"{method.upper()} {path} documents no success"
        for status in successes:
            assert responses[status].get("content"), f"{method.upper()} {path} {status} has no declared body"


def test_the_error_schema_names_the_field_code_and_message(document):
    schemas = document["components"]["schemas"]
    assert set(schemas["ErrorOut"]["required"]) == {"detail"}
    assert set(schemas["FieldProblem"]["required"]) == {"field", "code", "message"}


def test_operations_that_read_a_body_document_it(document):
    for method, path, operation in _operations(document):
        if method in ("post", "put"):
            assert operation["requestBody"]["content"]["application/json"]["schema"], f"{method} {path}"


@pytest.mark.parametrize("role", sorted(ROLES))
def test_schemathesis_finds_nothing_with_each_roles_token(committed_world, live_server, role, tmp_path):
    token = account_services.api_token_create(membership=committed_world.memberships[role], name="contract")
    command = [
        sys.executable, "-m", "schemathesis.cli", "--config-file", str(CONFIG), "--no-color",
        "run", f"{live_server.url}/api/v1/openapi.json",
        "--checks", "all",
        "--phases", "examples,coverage,fuzzing,stateful" if role in WIDEST_ROLES else "examples,fuzzing,stateful",
        "--header", f"Authorization: Bearer {token}",
    ]  # fmt: skip
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    run = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600, check=False, cwd=tmp_path)  # noqa: S603
    report = run.stdout + run.stderr
    assert run.returncode == 0, report[-8000:]
    # "154 generated, 154 passed, 12 skipped": every generated case passed every check.
    counts = re.search(r"(\d+) generated, (\d+) passed", report)
    assert counts and counts[1] == counts[2] and int(counts[1]) > 0, report[-8000:]
