"""T1: every URL pattern × method × role (and anonymous) gives exactly the expected answer.

The matrix is checked against the URL configuration: a new URL without an entry fails here.
"""

from __future__ import annotations

import json

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from safeguard.instruments import registry
from tests.conftest import ROLES, sign_in
from tests.security import (
    matrix_accounts,
    matrix_alerts,
    matrix_assessments,
    matrix_courts,
    matrix_insights,
    matrix_jobs,
    matrix_platform,
    matrix_prevention,
    matrix_programmes,
    matrix_supervision,
)
from tests.security.matrix_common import (
    ALL,
    CALCULATORS,
    PERSON_CREATORS,
    PERSON_VIEWERS,
    SCORERS,
    everyone,
    person_record,
    staff_only,
)

# name of URL pattern -> method -> who -> status
MATRIX: dict[str, dict[str, dict[str, int]]] = {
    "core:home": {"GET": everyone(302)},
    "core:dashboard": {"GET": everyone(200, anonymous=302)},
    "accounts:sign-in": {"GET": everyone(302, anonymous=200)},
    "accounts:sign-in-verify": {"GET": everyone(302)},
    "accounts:sign-in-enrol": {"GET": everyone(302)},
    "accounts:sign-out": {"GET": everyone(405), "POST": everyone(302)},
    "accounts:account": {"GET": everyone(200, anonymous=302)},
    "accounts:recovery-codes": {"GET": everyone(302)},
    "accounts:recovery-codes-new": {"GET": everyone(405), "POST": everyone(302)},
    "accounts:sign-out-everywhere": {"GET": everyone(405), "POST": everyone(302)},
    "accounts:choose-role": {"GET": everyone(200, anonymous=302)},
    "people:list": {"GET": staff_only(PERSON_VIEWERS)},
    "people:create": {"GET": staff_only(PERSON_CREATORS)},
    "people:detail": {"GET": person_record()},
    "people:justify": {"GET": person_record()},
    "people:note-create": {"GET": {**person_record(), "court_prac": 404}},
    "people:conviction-create": {"GET": {**person_record(), "court_prac": 404}},
    "people:address-create": {"GET": {**person_record(), "court_prac": 404}},
    "audit:list": {"GET": staff_only({"auditor"})},
    "audit:export": {"GET": staff_only({"auditor"})},
    "api-docs": {"GET": everyone(200)},
    "api-1:openapi-json": {"GET": everyone(200)},
    "api-1:me": {"GET": everyone(200, anonymous=401)},
    "api-1:person_list": {
        "GET": {**{n: (200 if n in PERSON_VIEWERS else 403) for n in ROLES}, "anonymous": 401}
    },
    "api-1:person_detail": {"GET": {**person_record(), "anonymous": 401}},
    "api-1:note_create": {"POST": {**person_record(ok=201), "anonymous": 401, "court_prac": 404}},
    "api-1:person_create": {
        "POST": {**{n: (201 if n in PERSON_CREATORS else 403) for n in ROLES}, "anonymous": 401}
    },
    "api-1:api-root": {"GET": everyone(404)},
    "api-1:guidelines": {"GET": {**{n: (200 if n in CALCULATORS else 403) for n in ROLES}, "anonymous": 401}},
    "api-1:calculate": {"POST": {**{n: (422 if n in CALCULATORS else 403) for n in ROLES}, "anonymous": 401}},
    "api-1:notification": {
        "POST": {**{n: (200 if n in CALCULATORS else 403) for n in ROLES}, "anonymous": 401}
    },
    "api-1:instruments": {"GET": {**{n: (200 if n in SCORERS else 403) for n in ROLES}, "anonymous": 401}},
    "api-1:instrument": {"GET": {**{n: (200 if n in SCORERS else 403) for n in ROLES}, "anonymous": 401}},
    "api-1:score": {"POST": {**{n: (200 if n in SCORERS else 403) for n in ROLES}, "anonymous": 401}},
    "api-1:score_several": {"POST": {**{n: (200 if n in SCORERS else 403) for n in ROLES}, "anonymous": 401}},
    "healthz": {"GET": everyone(200)},
    "readyz": {"GET": everyone(200)},
    **matrix_accounts.ROWS,
    **matrix_assessments.ROWS,
    **matrix_courts.ROWS,
    **matrix_platform.ROWS,
    **matrix_jobs.ROWS,
    **matrix_insights.ROWS,
    **matrix_alerts.ROWS,
    **matrix_programmes.ROWS,
    **matrix_supervision.ROWS,
    **matrix_prevention.ROWS,
}


# Valid bodies, so that the answer reflects authorization alone (bad bodies: test_api.py).
API_BODIES = {
    **matrix_assessments.API_BODIES,
    **matrix_courts.API_BODIES,
    **matrix_programmes.API_BODIES,
    **matrix_supervision.API_BODIES,
    **matrix_prevention.API_BODIES,
    "api-1:note_create": {"body": "Synthetic test note."},
    "api-1:person_create": {"given_name": "Testy", "family_name": "Matrix", "date_of_birth": "1990-05-05"},
    "api-1:calculate": {"offence": "unknown-offence"},
    "api-1:score": registry.example_input("cport"),
    "api-1:score_several": {"instruments": ["cport"], "input": registry.example_input("cport")},
    "api-1:notification": {"disposal": "caution", "relevant_date": "2025-01-01", "age_at_relevant_date": 30},
}


def walk(resolver: URLResolver, namespace: str = "", prefix: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry, ns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield (f"{namespace}{entry.name}" if entry.name else prefix + str(entry.pattern)), entry


def url_names() -> set[str]:
    return {name for name, _ in walk(get_resolver())}


def test_every_url_pattern_is_in_the_matrix():
    missing = url_names() - set(MATRIX)
    assert missing == set(), f"URL patterns without an authorization-matrix entry: {sorted(missing)}"
    stale = set(MATRIX) - url_names()
    assert stale == set(), f"Matrix entries for URLs that no longer exist: {sorted(stale)}"


def kwargs_for(name: str, world) -> dict:
    from django.urls import get_resolver

    pattern = dict(walk(get_resolver()))[name]
    converters = pattern.pattern.converters
    kwargs = {}
    for key in converters:
        if key == "pk" and name.startswith(("people:", "api-1:")):
            kwargs[key] = world.persons["probation"].pk
        elif key == "instrument_id":
            kwargs[key] = "cport"
        elif key == "pk":
            kwargs[key] = world.users["prob_prac"].pk
        elif key == "membership_pk":
            kwargs[key] = world.memberships["prob_prac"].pk
    # An app's rows may name (and create) the records its own URLs need.
    for app in (
        matrix_accounts,
        matrix_assessments,
        matrix_courts,
        matrix_platform,
        matrix_jobs,
        matrix_insights,
        matrix_programmes,
        matrix_supervision,
        matrix_prevention,
    ):
        if hasattr(app, "kwargs_for"):
            kwargs.update(app.kwargs_for(name, world))
    return kwargs


CASES = [
    (name, method, who) for name, methods in MATRIX.items() for method, row in methods.items() for who in ALL
]


@pytest.mark.parametrize(("name", "method", "who"), CASES)
def test_authorization_matrix(client, world, name, method, who):
    from django.urls import reverse

    expected = MATRIX[name][method][who]
    if who != "anonymous":
        sign_in(client, world.users[who])
    url = reverse(name, kwargs=kwargs_for(name, world))
    if method == "GET":
        response = client.get(url)
    elif name.startswith("api-1:"):
        body = json.dumps(API_BODIES.get(name, {}))
        response = client.generic(method, url, body, content_type="application/json")
    else:
        response = client.post(url, data={})
    assert response.status_code == expected, (
        f"{method} {url} as {who}: expected {expected}, got {response.status_code}"
    )
