"""Session lifetime limits and the `request.actor` every view and API handler acts through."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import cast

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

from safeguard.accounts.models import Membership, User
from safeguard.policy import Actor

SIGNED_IN_AT = "safeguard_signed_in_at"
MEMBERSHIP_KEY = "safeguard_membership_id"
JUSTIFICATIONS_KEY = "safeguard_justifications"
RENEWED_AT = "safeguard_renewed_at"


class SessionLifetimeMiddleware:
    """Ends a session 12 hours after sign-in, however active, and renews the idle limit (Django's
    SESSION_COOKIE_AGE) on use — at most once every SESSION_RENEW_SECONDS, so that reading a page is
    not also a write of the session row each time. The idle limit is therefore between
    SESSION_COOKIE_AGE − SESSION_RENEW_SECONDS and SESSION_COOKIE_AGE after the last request: never longer."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        now = time.time()
        if request.user.is_authenticated:
            started = request.session.get(SIGNED_IN_AT)
            limit = settings.SESSION_ABSOLUTE_LIMIT.total_seconds()
            if started is None or now - float(started) > limit:
                logout(request)
        session = request.session
        if not session.is_empty() and now - float(session.get(RENEWED_AT, 0)) >= settings.SESSION_RENEW_SECONDS:
            session[RENEWED_AT] = now  # modified: saved with a fresh expiry after the response
        return self.get_response(request)


def is_mfa_verified(user: object) -> bool:
    """Signed in and past the second factor (django-otp sets `is_verified` on the user)."""
    verified = getattr(user, "is_verified", None)
    return bool(getattr(user, "is_authenticated", False) and verified is not None and verified())


def resolve_actor(request: HttpRequest) -> Actor | None:
    """The actor for a signed-in, MFA-verified user with a chosen (or only) active membership."""
    if not is_mfa_verified(request.user):
        return None
    user = cast(User, request.user)
    memberships = Membership.objects.filter(user=user, is_active=True).select_related("agency")
    chosen = request.session.get(MEMBERSHIP_KEY)
    membership = None
    if chosen is not None:
        membership = next((m for m in memberships if m.pk == chosen), None)
    if membership is None:
        active = list(memberships[:2])
        if len(active) != 1:
            return None
        membership = active[0]  # the only one: found again next time, nothing written to the session
    return Actor(
        user=user,
        membership=membership,
        endpoint=f"{request.method} {request.path}",
        justifications=request.session.get(JUSTIFICATIONS_KEY, {}),
    )


class ActorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.actor = resolve_actor(request)  # type: ignore[attr-defined]
        return self.get_response(request)
