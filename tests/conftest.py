"""Shared fixtures: a small world of agencies, one user per role, and persons with known sharing."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

TESTS = Path(__file__).parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        path = Path(str(item.fspath))
        if TESTS / "unit" in path.parents:
            item.add_marker(pytest.mark.pure)
        if TESTS / "e2e" in path.parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: a value kept by one test (an agency's saturated person
    count) must not answer for another test's agency that reuses the same primary key."""
    yield
    from django.conf import settings

    if settings.configured:
        from django.core.cache import cache

        cache.clear()


@functools.cache
def password_hash() -> str:
    """One real Argon2 hash shared by every test user: hashing per user would slow the suite."""
    from django.contrib.auth.hashers import make_password

    return make_password(TEST_PASSWORD)


TEST_PASSWORD = "correct-horse-battery-staple-test"

ROLES = {
    # name: (agency key, role)
    "prob_prac": ("probation", "practitioner"),
    "prob_sup": ("probation", "supervisor"),
    "police_prac": ("police", "practitioner"),
    "treat_prac": ("treatment", "practitioner"),
    "court_prac": ("court", "practitioner"),
    "prev_prac": ("prevention", "practitioner"),
    # A prevention supervisor of the same centre, and an adviser of another centre of the network.
    "prev_sup": ("prevention", "supervisor"),
    "prev_other": ("other_prevention", "practitioner"),
    "analyst": ("analysis", "analyst"),
    "auditor": ("admin", "auditor"),
    "admin": ("admin", "administrator"),
    "prob_admin": ("probation", "administrator"),
    "guide_editor": ("court", "guideline_editor"),
}


@dataclass
class World:
    agencies: dict
    users: dict
    memberships: dict
    persons: dict

    def actor(self, name: str):
        from safeguard.policy import Actor

        return Actor(user=self.users[name], membership=self.memberships[name], endpoint="test")


@pytest.fixture
def world(db) -> World:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from safeguard.accounts.models import Agency, Membership, User
    from safeguard.people.models import Person, PersonAgencyLink

    kinds = {
        "probation": "probation",
        "police": "police",
        "treatment": "treatment",
        "court": "court",
        "prevention": "prevention",
        "analysis": "analysis",
        "admin": "administration",
        "other_probation": "probation",
        "other_prevention": "prevention",
    }
    agencies = {
        # Names in words ("Test other prevention agency"): the plain-words sweep reads them on pages.
        key: Agency.objects.create(name=f"Test {key.replace('_', ' ')} agency", kind=kind) for key, kind in kinds.items()
    }
    users, memberships = {}, {}
    for name, (agency_key, role) in ROLES.items():
        user = User.objects.create(username=name, password=password_hash(), first_name=name.title())
        TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        users[name] = user
        memberships[name] = Membership.objects.create(user=user, agency=agencies[agency_key], role=role)

    def person(ref: str, owner: str, linked: list[str]) -> Person:
        p = Person.objects.create(
            reference=ref,
            given_name="Testy",
            family_name=f"Person{ref}",
            date_of_birth=date(1980, 1, 1),
            owner_agency=agencies[owner],
        )
        for key in linked:
            PersonAgencyLink.objects.create(
                person=p, agency=agencies[key], basis="statutory", started_on=date(2026, 1, 1)
            )
        return p

    persons = {
        "probation": person("PTEST001", "probation", ["probation", "treatment"]),
        "police": person("PTEST002", "police", ["police", "probation"]),
        "other": person("PTEST003", "other_probation", ["other_probation"]),
    }
    return World(agencies, users, memberships, persons)


@pytest.fixture
def committed_world(transactional_db, world):
    """A world in committed data (live server, migrations). Its flush needs the append-only audit
    triggers off; the teardown hook below takes them off and puts them back."""
    return world


def _flushes_database(item) -> bool:
    """Whether the test's teardown empties the database with TRUNCATE (a transactional test)."""
    names = set(getattr(item, "fixturenames", ()))
    if names & {"transactional_db", "live_server", "committed_world", "e2e_world"}:
        return True
    marker = item.get_closest_marker("django_db")
    return bool(marker and (marker.kwargs.get("transaction") or marker.kwargs.get("serialized_rollback")))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test's flush truncates every table, the append-only audit table too: its
    triggers come off before the flush, whichever fixtures the test used, and go back after."""
    flushes = _flushes_database(item)
    if flushes:
        _with_database(item, "remove_append_only")
    yield
    # After the last test the test database is already gone: nothing to put back.
    if flushes and nextitem is not None:
        _with_database(item, "install_append_only")


def _with_database(item, name: str) -> None:
    from django.db import connection
    from pytest_django.plugin import blocking_manager_key

    from safeguard.audit import db

    with item.config.stash[blocking_manager_key].unblock():
        getattr(db, name)(connection)


def sign_in(client, user) -> None:
    """Sign in as a user who has passed MFA, the way the sign-in views leave the session."""
    import time

    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from safeguard.accounts.middleware import RENEWED_AT, SIGNED_IN_AT

    client.force_login(user, backend="safeguard.accounts.backends.AccountBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=user, confirmed=True).persistent_id
    session[SIGNED_IN_AT] = session[RENEWED_AT] = time.time()
    session.save()


@pytest.fixture
def token_client(world):
    """A test client authenticating with a new bearer token of the named role."""
    from django.test import Client

    from safeguard.accounts import services

    def make(name: str) -> Client:
        token = services.api_token_create(membership=world.memberships[name], name="test")
        return Client(headers={"Authorization": f"Bearer {token}"})

    return make


@pytest.fixture
def as_user(client, world):
    def _sign_in(name: str):
        sign_in(client, world.users[name])
        return client

    return _sign_in
