"""The JSON API's fast paths keep their guarantees.

Bearer-token calls skip the session and page-only middleware and check the token with one query:
a revoked token, an inactive membership or user and a locked user are refused on the very next
call; every API response still carries the security headers. Browser-session API calls still go
through the session, its lifetime limit, MFA and the actor. Pages keep the full middleware.
"""

from __future__ import annotations

import time

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.utils import timezone

from safeguard.accounts import services
from safeguard.accounts.middleware import RENEWED_AT, SIGNED_IN_AT
from safeguard.accounts.models import ApiToken
from safeguard.core.middleware import API_CONTENT_SECURITY_POLICY, build_chain
from safeguard.instruments import registry
from tests.conftest import sign_in

SCORE = "/api/v1/scores/osp-dc"


@pytest.fixture
def analyst_token(world) -> str:
    return services.api_token_create(membership=world.memberships["analyst"], name="perf")


def bearer(token: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {token}"})


def score(client: Client):
    return client.post(SCORE, registry.example_input("osp-dc"), content_type="application/json")


def assert_api_headers(response) -> None:
    assert response["Content-Security-Policy"] == API_CONTENT_SECURITY_POLICY
    assert response["Cache-Control"] == "no-store, max-age=0, private"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Content-Type"].startswith("application/json")


def test_token_scoring_has_the_security_headers_and_sets_no_cookie(analyst_token):
    response = score(bearer(analyst_token))
    assert response.status_code == 200 and response.json()["band"]
    assert_api_headers(response)
    assert not response.cookies  # no session, no CSRF cookie, no messages cookie


def test_refusals_have_the_security_headers_too(world):
    response = score(Client(headers={"Authorization": "Bearer sgt_not-a-real-token"}))
    assert response.status_code == 401
    assert_api_headers(response)


def test_a_token_call_is_one_query_and_last_used_is_written_at_most_once_a_minute(
    analyst_token, django_assert_num_queries
):
    client = bearer(analyst_token)
    with django_assert_num_queries(2):  # the token lookup, then last_used_at
        assert score(client).status_code == 200
    first_use = ApiToken.objects.get().last_used_at
    assert first_use is not None
    with django_assert_num_queries(1):  # the token lookup only
        assert score(client).status_code == 200
    assert ApiToken.objects.get().last_used_at == first_use


def test_revoked_token_is_refused_on_the_next_call(analyst_token):
    client = bearer(analyst_token)
    assert score(client).status_code == 200
    ApiToken.objects.update(revoked_at=timezone.now())
    assert score(client).status_code == 401
    assert client.get("/api/v1/me").status_code == 401


def test_inactive_membership_is_refused_on_the_next_call(world, analyst_token):
    client = bearer(analyst_token)
    assert client.get("/api/v1/me").status_code == 200
    membership = world.memberships["analyst"]
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    assert client.get("/api/v1/me").status_code == 401


def test_inactive_user_is_refused_on_the_next_call(world, analyst_token):
    client = bearer(analyst_token)
    assert client.get("/api/v1/me").status_code == 200
    user = world.users["analyst"]
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert client.get("/api/v1/me").status_code == 401


def test_locked_user_is_refused_on_the_next_call(world, analyst_token):
    client = bearer(analyst_token)
    assert score(client).status_code == 200
    services.account_lock(username="analyst")
    assert score(client).status_code == 401


def test_the_token_acts_as_its_own_membership(world, analyst_token):
    me = bearer(analyst_token).get("/api/v1/me").json()
    assert (me["username"], me["role"]) == ("analyst", "analyst")
    assert me["agency"] == world.memberships["analyst"].agency.name


def test_session_signed_in_api_call_still_works_and_renews_the_session(client, world):
    sign_in(client, world.users["analyst"])
    session = client.session
    session[RENEWED_AT] = time.time() - 61  # a minute since the session was last renewed
    session.save()
    response = score(client)
    assert response.status_code == 200
    assert_api_headers(response)
    # The session middleware ran: the session is renewed (idle timeout) and its cookie sent again.
    assert response.cookies["sessionid"].value
    assert client.get("/api/v1/me").json()["username"] == "analyst"


def test_session_api_call_still_obeys_mfa_and_the_absolute_session_limit(client, world):
    client.force_login(world.users["analyst"], backend="safeguard.accounts.backends.AccountBackend")
    assert score(client).status_code == 401  # signed in, no second factor
    sign_in(client, world.users["analyst"])
    assert score(client).status_code == 200
    session = client.session
    session[SIGNED_IN_AT] = time.time() - 13 * 3600  # past the 12-hour limit
    session.save()
    assert score(client).status_code == 401


def test_pages_keep_the_page_policy_with_a_nonce(client, world):
    sign_in(client, world.users["prob_prac"])
    page = client.get("/")
    dashboard = client.get(page.url) if page.status_code == 302 else page
    csp = dashboard["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in csp
    assert csp != API_CONTENT_SECURITY_POLICY
    # The API's own HTML page (Swagger) is a page: the page policy with its inline-style exception.
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    assert "'unsafe-inline'" in docs["Content-Security-Policy"]
    assert docs["Content-Security-Policy"] != API_CONTENT_SECURITY_POLICY


def test_a_middleware_with_view_hooks_cannot_be_routed_around():
    # Django calls process_view only on middleware listed in MIDDLEWARE: wrapping one would skip it.
    with pytest.raises(ImproperlyConfigured, match="process_view"):
        build_chain(["django.middleware.csrf.CsrfViewMiddleware"], lambda request: None)  # type: ignore[arg-type,return-value]
