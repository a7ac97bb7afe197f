"""The API's error shapes, declared once: every refusal is `{"detail", "code"?, "errors": [...]}`.

`safeguard.site.api` documents them on every operation (400, 401, 403, 404 where a record is
named, 422 where there is input); operations that answer with a richer body (an instrument
result, a calculation with its problems) declare schemas extending `ErrorOut`.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, Strict

# Plain pydantic models, not ninja Schemas: a ninja Schema reads its input through attribute access
# and would drop the keys these open shapes let operations add.


class FieldProblem(BaseModel):
    model_config = ConfigDict(extra="allow")

    field: str = Field(
        ...,
        description="Where: a body field as a path (`inputs.date_of_birth`, `offences[1].harm`), a query "
        "or path parameter, a header, or `body` for the whole body",
    )
    code: str = Field(..., description="What kind of problem, for programs (`required`, `too_deep`, …)")
    message: str = Field(..., description="What is wrong and what is allowed, in words")


class ErrorOut(BaseModel):
    """Every 4xx answer of the API has at least these keys."""

    model_config = ConfigDict(extra="allow")

    detail: str = Field(..., description="What went wrong, in words")
    code: str | None = Field(
        None, description="The kind of refusal, for programs", exclude_if=lambda value: value is None
    )
    errors: list[FieldProblem] = Field(default_factory=list, description="One entry per problem found")


class Open(BaseModel):
    """An object with the keys listed and possibly more (each operation's description says which)."""

    model_config = ConfigDict(extra="allow")


def _date_text(value: object) -> object:
    if not isinstance(value, str):
        raise ValueError("give the date as text, YYYY-MM-DD")
    return value


# Body fields as their JSON Schema says, not as pydantic's lax mode would also take them (a number
# as a date, "yes" or 1 as true): what the document refuses, the API refuses.
JsonDate = Annotated[date, BeforeValidator(_date_text)]
JsonBool = Annotated[bool, Strict()]
# A record's number in a path or query: what a database integer can hold (a larger one is a 422,
# not an overflow in the driver).
RecordNumber = Annotated[int, Field(ge=1, le=2**63 - 1)]


def error_body(
    detail: str, errors: list[dict[str, Any]] | None = None, code: str | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {"detail": detail, "errors": errors or []}
    if code is not None:
        body["code"] = code
    return body


# What each error status means on this API (the OpenAPI description of the response).
ERROR_DESCRIPTIONS = {
    400: "The request could not be read: not JSON, not UTF-8, or beyond a limit on size, nesting, keys, "
    "string or integer length, or holding a NUL character (see docs/security.md). `errors[].field` "
    "names where.",
    401: "No valid bearer token or signed-in session",
    403: "Your role does not allow this, a police-owned record needs an `X-Justification` header, or "
    "a browser session call lacked its CSRF token",
    404: "No such record, or not one your agency may see",
    422: "The input was read but is not valid: one entry in `errors` per field",
}
