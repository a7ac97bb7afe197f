"""Untrusted input at the HTTP edge, in one place (the limits themselves: `safeguard.untrusted`).

- `BoundedJsonParser`: the API's parser, so every JSON body a ninja operation declares is read
  within `untrusted.API_BODY`; `json_body` gives operations that read the body themselves the same.
- `UntrustedInputMiddleware`: query parameters, form fields, upload file names and the
  `X-Justification` header may not hold a NUL character (PostgreSQL text cannot store one) or a
  lone surrogate. The API answers 400 naming the parameter; a page answers 400 in words.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from ninja.parser import Parser

from safeguard import untrusted
from safeguard.core.middleware import is_json_api
from safeguard.untrusted import API_BODY, InputRefused

# Headers whose value is kept (in audit events): checked like form fields.
STORED_HEADERS = ("X-Justification",)


def read_body(request: HttpRequest) -> bytes:
    """The raw body, with Django's own size refusal given as the same InputRefused."""
    try:
        return request.body
    except RequestDataTooBig:
        raise InputRefused(
            "too_large", "body", f"the request body is larger than {API_BODY.max_bytes:,} bytes"
        ) from None


def json_body(request: HttpRequest) -> object:
    """The JSON body within the API limits (None when there is no body)."""
    body = read_body(request)
    return untrusted.parse_json(body, API_BODY) if body else None


class BoundedJsonParser(Parser):
    """ninja's parser, reading bodies within `untrusted.API_BODY`.

    ninja wraps a parser error in its own 400; the API's handler finds the InputRefused as the
    cause and answers with its field and limit (safeguard.site.api)."""

    def parse_body(self, request: HttpRequest) -> dict[str, object]:
        body = json_body(request)
        if not isinstance(body, dict):  # every body an operation declares is an object
            raise InputRefused("not_an_object", "body", "the request body must be a JSON object")
        return body


def refusal_body(refused: InputRefused) -> dict[str, object]:
    """The API's error shape for input refused before it was read."""
    return {
        "detail": refused.sentence(),
        "code": refused.code,
        "errors": [refused.to_dict()],
    }


def _fields(request: HttpRequest) -> Iterator[tuple[str, str]]:
    for name, values in request.GET.lists():
        yield name, name
        for value in values:
            yield name, value
    if request.method == "POST" and request.content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        for name, values in request.POST.lists():
            yield name, name
            for value in values:
                yield name, value
        for name, files in request.FILES.lists():
            for upload in files:
                yield name, upload.name or ""
    for header in STORED_HEADERS:
        if header in request.headers:
            yield header, request.headers[header]


def first_refusal(request: HttpRequest) -> InputRefused | None:
    try:
        for field, value in _fields(request):
            untrusted.check_text(value, field)
    except InputRefused as refused:
        return refused
    return None


class UntrustedInputMiddleware:
    """Refuses a request whose query, form fields, file names or stored headers hold text that
    cannot be stored, before any view or form sees it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refused = first_refusal(request)
        if refused is None:
            return self.get_response(request)
        if is_json_api(request.path_info):
            return JsonResponse(refusal_body(refused), status=400)
        return render(request, "core/input_refused.html", {"refused": refused}, status=400)
