"""Public pages of the shell: no sign-in, no cookie, in every public language (core.i18n)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from safeguard.core.i18n import public_page


@require_GET
@public_page
def about(request: HttpRequest) -> HttpResponse:
    return render(request, "core/public/about.html")
