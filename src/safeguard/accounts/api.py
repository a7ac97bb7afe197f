"""API: who am I, in which agency and role, and what may I do."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from safeguard import policy

router = Router(tags=["account"])


class MeOut(Schema):
    username: str
    agency: str
    agency_kind: str
    role: str
    actions: list[str]


@router.get("/me", response=MeOut, summary="The signed-in account, its agency, role and allowed actions")
def me(request: HttpRequest) -> MeOut:
    actor = request.actor  # type: ignore[attr-defined]
    return MeOut(
        username=actor.user.username,
        agency=actor.agency.name,
        agency_kind=actor.agency.kind,
        role=actor.role,
        actions=sorted(policy.GRANTS[(actor.agency.kind, actor.role)]),
    )
