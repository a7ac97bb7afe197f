"""API: the instrument catalogue and stateless scoring. Inputs are not stored and name no one."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Router, Status

from safeguard import policy
from safeguard.instruments import registry
from safeguard.policy import Action

router = Router(tags=["instruments"])


def _require(request: HttpRequest) -> None:
    if not policy.allows(request.actor, Action.INSTRUMENTS_SCORE):  # type: ignore[attr-defined]
        raise PermissionDenied


def _json_object(request: HttpRequest) -> Any:
    try:
        return json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        return None


def _unknown(instrument_id: str) -> Status[dict[str, Any]]:
    return Status(
        404,
        {
            "detail": f"No instrument {instrument_id!r}",
            "code": "unknown_instrument",
            "allowed": list(registry.instrument_ids()),
        },
    )


@router.get("/instruments", summary="Every instrument with its version, source and verification status")
def instruments(request: HttpRequest) -> list[dict[str, Any]]:
    _require(request)
    return [m.to_dict() for m in registry.list_instruments()]


@router.get(
    "/instruments/{instrument_id}",
    response={200: dict[str, Any], 404: dict[str, Any]},
    summary="One instrument and the JSON Schema of its inputs",
)
def instrument(request: HttpRequest, instrument_id: str) -> Status[dict[str, Any]]:
    _require(request)
    if instrument_id not in registry.instrument_ids():
        return _unknown(instrument_id)
    return Status(
        200,
        {**registry.metadata(instrument_id).to_dict(), "input_schema": registry.input_schema(instrument_id)},
    )


@router.post(
    "/scores/{instrument_id}",
    response={200: dict[str, Any], 404: dict[str, Any], 422: dict[str, Any]},
    summary="Score one instrument; every item's points and rule are explained",
)
def score(request: HttpRequest, instrument_id: str) -> Status[dict[str, Any]]:
    _require(request)
    if instrument_id not in registry.instrument_ids():
        return _unknown(instrument_id)
    result = registry.score(instrument_id, _json_object(request))
    body = result.to_dict()
    return Status(422 if body.get("errors") else 200, body)


@router.post(
    "/scores",
    response={200: dict[str, Any], 404: dict[str, Any], 422: dict[str, Any]},
    summary="Score several instruments on one input; composites (RSR, PNI) after their components",
)
def score_several(request: HttpRequest) -> Status[dict[str, Any]]:
    _require(request)
    data = _json_object(request)
    if not isinstance(data, dict) or not isinstance(data.get("instruments"), list):
        return Status(422, {"errors": [{"field": "instruments", "code": "required",
                                        "message": "Send {\"instruments\": [ids…], \"input\": {fields…}}"}]})
    unknown = [i for i in data["instruments"] if i not in registry.instrument_ids()]
    if unknown:
        return _unknown(str(unknown[0]))
    results = registry.score_many(data["instruments"], data.get("input"))  # type: ignore[arg-type]
    bodies = {k: v.to_dict() for k, v in results.items()}
    return Status(422 if any(b.get("errors") for b in bodies.values()) else 200, {"results": bodies})
