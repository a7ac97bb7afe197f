"""Recomputes the audit chain and names the first broken link."""

from __future__ import annotations

from dataclasses import dataclass

from safeguard.audit.chain import GENESIS_HASH, HASHED_FIELDS, event_hash
from safeguard.audit.models import AuditChainHead, AuditEvent


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    first_broken_id: int | None = None
    problem: str = ""


def verify_chain(*, chunk_size: int = 5000) -> VerifyResult:
    """Walk every event in id order, recomputing each hash from its content and its predecessor."""
    expected_prev = GENESIS_HASH
    checked = 0
    last_id: int | None = None
    fields = ("id", "prev_hash", "hash", *HASHED_FIELDS)
    for row in AuditEvent.objects.order_by("id").values(*fields).iterator(chunk_size=chunk_size):
        if row["prev_hash"] != expected_prev:
            return VerifyResult(
                False,
                checked,
                row["id"],
                "its link to the previous event is broken (an event before it was removed, "
                "inserted or reordered)",
            )
        if event_hash(row["prev_hash"], row) != row["hash"]:
            return VerifyResult(False, checked, row["id"], "its content does not match its hash")
        expected_prev = row["hash"]
        last_id = row["id"]
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.last_hash != expected_prev or head.event_count != checked):
        return VerifyResult(
            False,
            checked,
            last_id,
            f"the chain ends after {checked} events but {head.event_count} were written "
            "(events at the end were removed)",
        )
    return VerifyResult(True, checked)
