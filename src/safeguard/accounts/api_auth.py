"""API authentication: bearer tokens for service accounts, or the MFA-verified browser session."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import APIKeyCookie, HttpBearer

from safeguard.accounts.models import ApiToken, hash_token
from safeguard.policy import Actor

LAST_USED_RESOLUTION = timedelta(minutes=1)


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        api_token = (
            ApiToken.objects.select_related("membership__user", "membership__agency")
            .filter(token_hash=hash_token(token), revoked_at__isnull=True)
            .first()
        )
        if api_token is None:
            return None
        membership = api_token.membership
        if not (membership.is_active and membership.user.is_active and membership.user.locked_at is None):
            return None
        now = timezone.now()
        # At most one write a minute per token: a write on every call would serialise the API.
        if api_token.last_used_at is None or now - api_token.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        request.actor = Actor(  # type: ignore[attr-defined]
            user=membership.user,
            membership=membership,
            endpoint=f"{request.method} {request.path}",
            justifications={},
        )
        return membership.user


class VerifiedSessionAuth(APIKeyCookie):
    """The browser's session, only once MFA is done and a role is chosen (the actor exists)."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        actor = getattr(request, "actor", None)
        return actor.user if actor is not None else None
