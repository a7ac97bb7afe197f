"""The JSON API under /api/v1/: routers from each app, one auth, one set of error shapes."""

from __future__ import annotations

from typing import Any

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as RequestInvalid
from ninja.operation import Operation

from safeguard.accounts.api import router as accounts_router
from safeguard.accounts.api_auth import TokenAuth, VerifiedSessionAuth
from safeguard.assessments.api import router as assessments_router
from safeguard.audit.refusals import record_refusal
from safeguard.core.api_schemas import ERROR_DESCRIPTIONS, ErrorOut, error_body
from safeguard.core.untrusted_http import BoundedJsonParser, read_body, refusal_body
from safeguard.courts.api import router as courts_router
from safeguard.people.api import router as people_router
from safeguard.people.selectors import JustificationRequired
from safeguard.prevention.api import router as prevention_router
from safeguard.programmes.api import router as programmes_router
from safeguard.supervision.api import router as supervision_router
from safeguard.untrusted import InputRefused

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
    # Every JSON body is read within the limits of safeguard.untrusted.API_BODY.
    parser=BoundedJsonParser(),
)
api.add_router("/", accounts_router)
api.add_router("/", people_router)
api.add_router("/", courts_router)
api.add_router("/", assessments_router)
api.add_router("/", programmes_router)
api.add_router("/", supervision_router)
api.add_router("/", prevention_router)


def _operations() -> list[Operation]:
    return [
        operation
        for _, router in api._routers
        for view in router.path_operations.values()
        for operation in view.operations
    ]


def _document_errors(operation: Operation) -> None:
    """Declare the error answers this operation can give, with their schema and meaning.

    400, 401 and 403 can answer any call (an unreadable query or body, no credentials, a role
    without the action or a missing CSRF token); 404 where the path names a record or the input
    refers to one; 422 wherever there is input to validate. Codes an operation declares itself
    (with a richer schema) are left as they are."""
    extra = operation.openapi_extra or {}
    has_input = bool(operation.signature.models) or "requestBody" in extra  # or a body read by the operation
    statuses = [400, 401, 403, *([404, 422] if has_input else [])]
    descriptions = extra.setdefault("responses", {})
    for status in statuses:
        operation.response_models.setdefault(status, operation._create_response_model(ErrorOut))
    for status in operation.response_models:
        if status in ERROR_DESCRIPTIONS:  # also those the operation declared itself
            descriptions.setdefault(status, {}).setdefault("description", ERROR_DESCRIPTIONS[status])
    operation.openapi_extra = extra


for _operation in _operations():
    _document_errors(_operation)


@api.exception_handler(InputRefused)
def refused(request: HttpRequest, exc: InputRefused) -> HttpResponse:
    return api.create_response(request, refusal_body(exc), status=400)


@api.exception_handler(RequestDataTooBig)
def too_big(request: HttpRequest, exc: Exception) -> HttpResponse:
    try:
        read_body(request)
    except InputRefused as refusal:
        return refused(request, refusal)
    return refused(request, InputRefused("too_large", "body", "the request is too large"))


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # ninja wraps a parser error in its own 400 "Cannot parse request body": give the refusal.
    if isinstance(exc.__cause__, InputRefused):
        return refused(request, exc.__cause__)
    if isinstance(exc, AuthenticationError):
        return unauthenticated(request, exc)
    return api.create_response(request, error_body(str(exc)), status=exc.status_code)


def _field(loc: list[Any] | tuple[Any, ...]) -> str:
    """ninja's error location (`["body", "payload", "offences", 1, "harm"]`) as a path."""
    parts = list(loc)
    source = parts.pop(0) if parts else ""
    if source == "body" and len(parts) > 1:
        parts.pop(0)  # the operation's parameter name, not a field of the body
    text = ""
    for part in parts:
        text = f"{text}[{part}]" if isinstance(part, int) else (f"{text}.{part}" if text else str(part))
    return text or str(source) or "body"


@api.exception_handler(RequestInvalid)
def request_invalid(request: HttpRequest, exc: RequestInvalid) -> HttpResponse:
    errors = [
        {
            "field": _field(e.get("loc", ())),
            "code": str(e.get("type", "invalid")),
            "message": str(e.get("msg", "")),
        }
        for e in exc.errors
    ]
    return api.create_response(request, error_body("Invalid input", errors), status=422)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(request, {"detail": "Not found", "errors": []}, status=404)


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
    record_refusal(request)
    return api.create_response(
        request, error_body("Your role does not allow this action", code="forbidden"), status=403
    )


@api.exception_handler(JustificationRequired)
def justification_required(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(
        request,
        {
            "detail": "This record is owned by a police force: send the reason for this access "
            "in the X-Justification header.",
            "code": "justification_required",
            "errors": [
                {
                    "field": "X-Justification",
                    "code": "required",
                    "message": "Give the reason for consulting this police-owned record",
                }
            ],
        },
        status=403,
    )


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(
        request,
        error_body("Authenticate with a bearer token or a signed-in session", code="unauthenticated"),
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
    return api.create_response(request, error_body("Invalid input", errors), status=422)


@csp_update({"style-src": [UNSAFE_INLINE]})
def api_docs(request: HttpRequest) -> HttpResponse:
    """Swagger UI from the package's own static files (its inline styles need a CSP exception here)."""
    from ninja.openapi.docs import Swagger

    return Swagger().render_page(request, api)
