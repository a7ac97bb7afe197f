"""The programmes app's settings, with their defaults (override in `SAFEGUARD_PROGRAMMES`, a JSON
object in the environment variable of the same name, e.g. `{"waiting_due_weeks": 10}`)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from django.conf import settings


@dataclass(frozen=True)
class ProgrammeSettings:
    # A referral waiting longer than this (from submission, not yet started) is due for the manager.
    waiting_due_weeks: int = 12
    # This many unacceptable absences make a due item for the referrer (consider breach action).
    breach_threshold: int = 3
    # Prompt a STABLE-2007 re-assessment when these fractions of the group sessions have been held.
    stable_review_points: tuple[float, ...] = (0.5, 1.0)
    # The release-without-treatment list looks this many months ahead.
    release_within_months: int = 6
    # A session without a register is due for its facilitators for this many days, then drops off.
    register_window_days: int = 28
    # Homework is due this many days after the session that set it when no later session is planned.
    homework_days: int = 7


def current() -> ProgrammeSettings:
    given: dict[str, Any] = dict(getattr(settings, "SAFEGUARD_PROGRAMMES", {}) or {})
    known = {f.name for f in fields(ProgrammeSettings)}
    values = {k: v for k, v in given.items() if k in known}
    if "stable_review_points" in values:
        values["stable_review_points"] = tuple(float(p) for p in values["stable_review_points"])
    return ProgrammeSettings(**values)
