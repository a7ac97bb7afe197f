"""Verification status of each encoded fact, and the warning text shown when an unverified one is used."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Evidence(StrEnum):
    """How a fact was established, in the words of the project's sentencing spec."""

    VERIFIED = "verified"  # read in an official or primary source
    SECONDARY = "secondary"  # read in a reliable secondary source
    CANDIDATE = "candidate"  # believed correct, confirmed by no source available to us


class Status(StrEnum):
    """What the product may say about a fact: only `verified` facts may be presented as authoritative."""

    VERIFIED = "verified"
    UNVERIFIED = "unverified transcription"


@dataclass(frozen=True, slots=True)
class Fact:
    """Where a rule or figure comes from and how sure we are of it."""

    evidence: Evidence
    source: str
    note: str = ""

    @property
    def status(self) -> Status:
        return Status.VERIFIED if self.evidence is Evidence.VERIFIED else Status.UNVERIFIED

    @property
    def verified(self) -> bool:
        return self.evidence is Evidence.VERIFIED


def weakest(facts: list[Fact]) -> Evidence:
    """The least certain evidence among `facts` (verified when there are none)."""
    order = [Evidence.CANDIDATE, Evidence.SECONDARY, Evidence.VERIFIED]
    for evidence in order:
        if any(fact.evidence is evidence for fact in facts):
            return evidence
    return Evidence.VERIFIED


def warning_text(fact: Fact, what: str) -> str | None:
    """The warning to show when `what` rests on `fact`; None when the fact is verified."""
    if fact.evidence is Evidence.VERIFIED:
        return None
    if fact.evidence is Evidence.SECONDARY:
        grade = "unverified transcription (read in a secondary source only)"
    else:
        grade = "unverified transcription (candidate value: no available source confirmed it)"
    note = f" {fact.note}" if fact.note else ""
    return f"{what}: {grade}; source: {fact.source}.{note} Check the official text before relying on it."
