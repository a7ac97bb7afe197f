"""Public pages in several languages, chosen by the address alone: `/en/about`, `/de/about`.

The language is the first part of a public page's address, so choosing one needs no cookie and no
session: the switch is a link to the same page under the other language's prefix. Nothing is read
from Accept-Language or a cookie, and Django's `set_language` view (which sets a cookie) is not
used. Staff pages stay in the default language (settings.LANGUAGE_CODE): there is no
LocaleMiddleware, so a browser set to German never gets a half-translated staff page.
See docs/decisions/0009-languages-by-address.md.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils import translation

LANGUAGE_KWARG = "language"


def public_languages() -> list[tuple[str, str]]:
    """(code, name in that language) of every language the public pages are offered in."""
    return [(code, str(name)) for code, name in settings.LANGUAGES]


class LanguageConverter:
    """`<lang:language>` in a URL pattern: one of the codes in settings.LANGUAGES."""

    regex = "|".join(code for code, _ in settings.LANGUAGES)

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


def public_page(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Serve the view in the language its address names (the `language` URL argument)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, language: str, **kwargs: Any) -> HttpResponseBase:
        with translation.override(language):
            request.LANGUAGE_CODE = language
            response = view(request, *args, **kwargs)
            render = getattr(response, "render", None)
            if callable(render) and not getattr(response, "is_rendered", True):
                render()  # a TemplateResponse renders here, while the language is active
        response["Content-Language"] = language
        return response

    return wrapped


def language_links(request: HttpRequest) -> list[dict[str, Any]]:
    """The language switch: this page in every public language, the current one marked."""
    match = request.resolver_match
    current = getattr(request, "LANGUAGE_CODE", translation.get_language())
    if match is None or LANGUAGE_KWARG not in match.kwargs:
        return []
    links = []
    for code, name in public_languages():
        url = reverse(match.view_name, args=match.args, kwargs={**match.kwargs, LANGUAGE_KWARG: code})
        links.append({"code": code, "name": name, "url": url, "current": code == current})
    return links
