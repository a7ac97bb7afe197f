"""Response headers that keep personal data out of shared caches, and the routing of each request
through only the middleware that applies to it (pages, browser-session API calls, token API calls)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured, MiddlewareNotUsed
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.module_loading import import_string

from safeguard.core import due

Handler = Callable[[HttpRequest], HttpResponse]

# The JSON API (django-ninja) is mounted here; its Swagger page is an HTML page like any other.
API_PREFIX = "/api/v1/"
API_PAGES = frozenset({"/api/v1/docs"})
# JSON is never a document to render: nothing may load, frame or be framed.
API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
# Hooks Django calls on listed middleware only; a middleware wrapped here must not rely on them.
_LISTED_ONLY_HOOKS = ("process_view", "process_exception", "process_template_response")


class NoStoreMiddleware:
    """Every page but static assets: `Cache-Control: no-store`, so no browser or proxy keeps it."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        add_never_cache_headers(response)
        response["Cache-Control"] = "no-store, max-age=0, private"
        return response


def is_json_api(path: str) -> bool:
    return path.startswith(API_PREFIX) and path not in API_PAGES


def build_chain(paths: Sequence[str], get_response: Handler) -> Handler:
    """Middleware instances around `get_response`, first listed outermost, as Django builds MIDDLEWARE."""
    handler = get_response
    for path in reversed(paths):
        try:
            middleware = import_string(path)(handler)
        except MiddlewareNotUsed:
            continue
        hooks = [hook for hook in _LISTED_ONLY_HOOKS if hasattr(middleware, hook)]
        if hooks:
            raise ImproperlyConfigured(
                f"{path} has {', '.join(hooks)}: list it in MIDDLEWARE itself, where Django calls those hooks"
            )
        handler = middleware
    return handler


class RequestRouteMiddleware:
    """Runs the session middleware (settings.SESSION_MIDDLEWARE) and the page-only middleware
    (settings.PAGE_MIDDLEWARE) for the requests they apply to, and no others:

    - pages: both, in that order, exactly as if they were listed in MIDDLEWARE here;
    - JSON API calls that carry a session cookie (the browser, VerifiedSessionAuth): the session
      middleware, so the session, its lifetime limits, MFA and the actor apply as on pages; the
      page-only ones (messages, the page CSP with its nonce, htmx) do not;
    - JSON API calls without a session cookie (bearer tokens): neither. With no cookie the session
      middleware could only give an anonymous user and no actor, so those are set directly;
      TokenAuth then sets the actor from the token, checked against the database on every call.

    Every API response gets a Content-Security-Policy that allows nothing. The security headers
    set by middleware listed in MIDDLEWARE (SecurityMiddleware, X-Frame-Options, NoStore) apply to
    every request alike.
    """

    def __init__(self, get_response: Handler) -> None:
        self.session_api = build_chain(settings.SESSION_MIDDLEWARE, get_response)
        self.page = build_chain([*settings.SESSION_MIDDLEWARE, *settings.PAGE_MIDDLEWARE], get_response)
        self.token_api = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not is_json_api(request.path_info):
            return self.page(request)
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            response = self.session_api(request)
        else:
            request.user = AnonymousUser()
            request.actor = None  # type: ignore[attr-defined]
            response = self.token_api(request)
            # As the session middleware would: the answer depends on cookies too.
            patch_vary_headers(response, ("Cookie",))
        response["Content-Security-Policy"] = API_CONTENT_SECURITY_POLICY
        return response


# A statement that changes a record: an insert, update or delete of any table but the audit log's, the
# sessions' and the sign-in throttle's (which a page that only reads may write).
_WRITE = re.compile(r'\s*(?:(?:INSERT|REPLACE)(?:\s+OR\s+\w+)?\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)', re.IGNORECASE)
_NOT_RECORDS = ("audit_", "django_session", "axes_")
DUE_STAMP = "_safeguard_due_stamp"


def writes_records(sql: str) -> bool:
    found = _WRITE.match(sql)
    return found is not None and not found.group(1).lower().startswith(_NOT_RECORDS)


class DueStampMiddleware:
    """Signed-in requests: due-item answers kept from this user's earlier pages may be shown
    (core.due.kept_answers) under a stamp kept in the session, and a request that writes any record
    gives the session a new stamp, so the user's next page works everything out afresh, whichever
    worker serves it. Other users' writes show within settings.DUE_KEPT_SECONDS."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.get_response(request)
        wrote = False

        def watch(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            nonlocal wrote
            wrote = wrote or writes_records(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(watch), due.kept_answers(request.session.get(DUE_STAMP, "")):
            response = self.get_response(request)
        if wrote and request.user.is_authenticated:  # not after signing out: no session to mark
            request.session[DUE_STAMP] = uuid.uuid4().hex
        return response
