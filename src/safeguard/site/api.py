"""The JSON API under /api/v1/: routers from each app, one auth, one set of error shapes."""

from __future__ import annotations

from typing import Any

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError

from safeguard.accounts.api import router as accounts_router
from safeguard.accounts.api_auth import TokenAuth, VerifiedSessionAuth
from safeguard.assessments.api import router as assessments_router
from safeguard.audit.refusals import record_refusal
from safeguard.courts.api import router as courts_router
from safeguard.people.api import router as people_router
from safeguard.people.selectors import JustificationRequired
from safeguard.prevention.api import router as prevention_router

api = NinjaAPI(
    title="Safeguard API",
    version="1",
    description=(
        "JSON API for agencies using Safeguard. Authenticate with a service-account bearer "
        "token, or a signed-in browser session. Every call is authorised by the same policy as "
        "the pages and every access to personal data is audited."
    ),
    urls_namespace="api-1",
    auth=[TokenAuth(), VerifiedSessionAuth()],
    openapi_url="/openapi.json",
    docs_url=None,
)
api.add_router("/", accounts_router)
api.add_router("/", people_router)
api.add_router("/", courts_router)
api.add_router("/", assessments_router)
api.add_router("/", prevention_router)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(request, {"detail": "Not found"}, status=404)


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
    record_refusal(request)
    return api.create_response(
        request, {"detail": "Your role does not allow this action", "code": "forbidden"}, status=403
    )


@api.exception_handler(JustificationRequired)
def justification_required(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(
        request,
        {
            "detail": "This record is owned by a police force: send the reason for this access "
            "in the X-Justification header.",
            "code": "justification_required",
        },
        status=403,
    )


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(
        request,
        {"detail": "Authenticate with a bearer token or a signed-in session", "code": "unauthenticated"},
        status=401,
    )


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors: list[dict[str, Any]] = []
    if hasattr(exc, "error_dict"):
        for field, field_errors in exc.error_dict.items():
            errors.extend(
                {"field": field, "code": e.code or "invalid", "message": " ".join(e.messages)}
                for e in field_errors
            )
    else:
        errors = [{"field": "", "code": "invalid", "message": m} for m in exc.messages]
    return api.create_response(request, {"detail": "Invalid input", "errors": errors}, status=422)


@csp_update({"style-src": [UNSAFE_INLINE]})
def api_docs(request: HttpRequest) -> HttpResponse:
    """Swagger UI from the package's own static files (its inline styles need a CSP exception here)."""
    from ninja.openapi.docs import Swagger

    return Swagger().render_page(request, api)
