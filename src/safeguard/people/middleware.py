"""Justification handled once for every page: a view (of any app) that reaches a person's record
whose owner asks for a reason first raises `JustificationRequired`; this middleware answers with the
reason page, which returns the user where they were once the reason is given. The JSON API answers
the same exception in its own handler (site.api)."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode, urlsplit

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from safeguard.people.selectors import JustificationRequired


def back_to(request: HttpRequest) -> str:
    """Where to return after the reason: the page asked for (a GET), or for a form sent (a POST) the
    page the form was on, when it is on this site; empty when there is nowhere safe to return to."""
    if request.method in ("GET", "HEAD"):
        return request.get_full_path()
    try:
        referer = urlsplit(request.headers.get("Referer", ""))
    except ValueError:  # a malformed address (an unclosed IPv6 bracket): nowhere to return to
        return ""
    if referer.netloc != request.get_host() or not referer.path.startswith("/"):
        return ""
    back = referer.path + (f"?{referer.query}" if referer.query else "")
    return back if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}) else ""


def justify_url(request: HttpRequest, person_pk: object) -> str:
    url = reverse("people:justify", kwargs={"pk": person_pk})
    back = back_to(request)
    return f"{url}?{urlencode({'next': back})}" if back else url


class JustificationMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, JustificationRequired):
            return HttpResponseRedirect(justify_url(request, exception.person.pk))
        return None
