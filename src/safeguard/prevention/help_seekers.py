"""The anonymous help-seeker: a conversation bound to one session, never a user account.

`policy.Actor` is a member of staff in one of their roles; a help-seeker is none of that. What
stands for them in services is `HelpSeeker`: the session row (found from the token in the signed
cookie) and its conversation, plus the endpoint for the audit event, and nothing about the person.

The cookie (ADR 0020): one cookie, `sg_help`, set only when a conversation is started or reopened
with its code and passphrase; it holds a random token signed with the site's key; HttpOnly,
SameSite=Strict, Secure in production, Path=/help/, no expiry date (it ends with the browser);
the server ends the session after SESSION_IDLE_MINUTES without use, SESSION_ABSOLUTE_HOURS after
it began, or when the person leaves. Django's staff session is never used for help-seekers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from safeguard.prevention.codes import token_digest
from safeguard.prevention.models import Conversation, HelpSeekerSession

COOKIE = "sg_help"
COOKIE_PATH = "/help/"
SALT = "safeguard.prevention.help-seeker-session"


@dataclass(frozen=True)
class HelpSeeker:
    session: HelpSeekerSession
    endpoint: str = ""

    @property
    def conversation(self) -> Conversation:
        return self.session.conversation


def idle_limit() -> timedelta:
    return timedelta(minutes=int(settings.SAFEGUARD_PREVENTION["SESSION_IDLE_MINUTES"]))


def absolute_limit() -> timedelta:
    return timedelta(hours=int(settings.SAFEGUARD_PREVENTION["SESSION_ABSOLUTE_HOURS"]))


def token_from(request: HttpRequest) -> str | None:
    if COOKIE not in request.COOKIES:
        return None
    token = request.get_signed_cookie(COOKIE, default=None, salt=SALT)
    return token if isinstance(token, str) and token else None


def find(request: HttpRequest, now: datetime) -> HelpSeeker | None:
    """The help-seeker this request comes from, or None (no cookie, a forged or stale one, or a
    session that has ended). Using the session keeps it alive for another idle period."""
    token = token_from(request)
    if token is None:
        return None
    session = (
        HelpSeekerSession.objects.select_related("conversation", "conversation__centre")
        .filter(token_digest=token_digest(token))
        .first()
    )
    if session is None:
        return None
    if now - session.last_seen_at > idle_limit() or now - session.created_at > absolute_limit():
        session.delete()
        return None
    HelpSeekerSession.objects.filter(pk=session.pk).update(last_seen_at=now)
    return HelpSeeker(session=session, endpoint=f"{request.method} {request.path}")


def set_cookie(response: HttpResponse, token: str) -> None:
    response.set_signed_cookie(
        COOKIE, token, salt=SALT, path=COOKIE_PATH, httponly=True, samesite="Strict",
        secure=bool(settings.SESSION_COOKIE_SECURE),
    )


def clear_cookie(response: HttpResponse) -> None:
    response.delete_cookie(COOKIE, path=COOKIE_PATH, samesite="Strict")
