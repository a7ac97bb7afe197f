"""API: stateless sentencing-guideline calculations. No personal data is read or stored here."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Router, Status

from safeguard import policy
from safeguard.guidelines import (
    Problems,
    calculate_from_dict,
    list_guidelines,
    notification_from_dict,
    notification_request_json_schema,
    request_json_schema,
)
from safeguard.policy import Action

router = Router(tags=["sentencing"])


def _body(request: HttpRequest) -> Any:
    if not policy.allows(request.actor, Action.SENTENCING_CALCULATE):  # type: ignore[attr-defined]
        raise PermissionDenied
    try:
        return json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        return None


def _invalid_json() -> Status[dict[str, Any]]:
    return Status(
        400,
        {"errors": [{"field": "", "code": "invalid_json", "message": "The request body must be a JSON object"}]},
    )


@router.get("/sentencing/guidelines", summary="Guideline versions, their dates and verification status")
def guidelines(request: HttpRequest) -> list[dict[str, Any]]:
    if not policy.allows(request.actor, Action.SENTENCING_CALCULATE):  # type: ignore[attr-defined]
        raise PermissionDenied
    return list(list_guidelines())


@router.post(
    "/sentencing/calculate",
    response={200: dict[str, Any], 400: dict[str, Any], 422: dict[str, Any]},
    summary="Walk the guideline steps from offence to notification period",
    openapi_extra={"requestBody": {"content": {"application/json": {"schema": request_json_schema()}}, "required": True}},
)
def calculate(request: HttpRequest) -> Status[dict[str, Any]]:
    data = _body(request)
    if not isinstance(data, dict):
        return _invalid_json()
    outcome = calculate_from_dict(data)
    return Status(422 if isinstance(outcome, Problems) else 200, outcome.to_dict())


@router.post(
    "/sentencing/notification",
    response={200: dict[str, Any], 400: dict[str, Any], 422: dict[str, Any]},
    summary="Notification period under the Sexual Offences Act 2003 s.82",
    openapi_extra={
        "requestBody": {"content": {"application/json": {"schema": notification_request_json_schema()}}, "required": True}
    },
)
def notification(request: HttpRequest) -> Status[dict[str, Any]]:
    data = _body(request)
    if not isinstance(data, dict):
        return _invalid_json()
    payload = dict(notification_from_dict(data))
    return Status(422 if payload.get("errors") else 200, payload)
