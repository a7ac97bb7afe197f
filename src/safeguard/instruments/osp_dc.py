"""OSP/DC: the HMPPS predictor of direct-contact sexual reoffending (points, probability, band)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date
from types import MappingProxyType
from typing import Any

from safeguard.calendar.ages import whole_years
from safeguard.instruments.base import Context, Instrument, InstrumentMetadata, ItemRule, TableInfo
from safeguard.instruments.osp_common import (
    HMPPS_SOURCE,
    OSP_EXAMPLE,
    OSP_FIELDS,
    OSP_SCHEMA_RULES,
    check_osp,
)
from safeguard.instruments.result import ExtraValue, FieldError, ItemExplanation, Result

INTERCEPT = -8.633
SLOPE = 0.1598

# Bands on points, with the order used when the band is reduced for a long offence-free period.
BAND_ORDER = ("low", "medium", "high", "very_high")
BAND_LOWER_BOUNDS = ((36, "very_high"), (30, "high"), (22, "medium"), (0, "low"))
RISK_REDUCTION_YEARS = 5


def band_for_points(points: int) -> str:
    for lower, band in BAND_LOWER_BOUNDS:
        if points >= lower:
            return band
    raise ValueError(f"points must be 0 or more, got {points}")


def probability_for_points(points: int) -> float:
    """Two-year probability of a direct-contact sexual reoffence; zero points means zero."""
    if points == 0:
        return 0.0
    return 1.0 / (1.0 + math.exp(-(INTERCEPT + SLOPE * points)))


MAX_POINTS = 64
BAND_BY_POINTS = tuple(band_for_points(p) for p in range(MAX_POINTS + 1))
PROBABILITY_BY_POINTS = tuple(probability_for_points(p) for p in range(MAX_POINTS + 1))


def _offence_free(assessment: date, last_sexual: date, followup: date, recent: date | None) -> bool:
    """True when the offence dates and the start of follow-up are all five whole years or more ago."""
    if recent is not None and whole_years(recent, assessment) < RISK_REDUCTION_YEARS:
        return False
    return (
        whole_years(last_sexual, assessment) >= RISK_REDUCTION_YEARS
        and whole_years(followup, assessment) >= RISK_REDUCTION_YEARS
    )


def _reduction(key: tuple[str, date]) -> tuple[None, str]:
    band, assessment = key
    return None, (
        f"band reduced from {band} to {BAND_ORDER[BAND_ORDER.index(band) - 1]}: no offence, sexual "
        "offence or "
        f"start of follow-up in the {RISK_REDUCTION_YEARS} years before {assessment.isoformat()}"
    )


def _stepped(step: int) -> Any:
    def score(count: int) -> tuple[int, str]:
        points = min(count, 3) * step
        return points, f"{points} points (0: 0, 1: {step}, 2: {2 * step}, 3 or more: {3 * step})"

    return score


def _followup_age(age: int) -> tuple[int, str]:
    if age >= 60:
        return 0, "0 points (aged 60 or over)"
    points = 14 - max(0, (age - 18) // 3)
    return points, f"14 - max(0, floor(({age} - 18) / 3)) = {points} points (under 60)"


def _last_sexual_age(age: int) -> tuple[int, str]:
    if age >= 18:
        return 10, "10 points (aged 18 or over)"
    if age >= 16:
        return 5, "5 points (aged 16 or 17)"
    return 0, "0 points (aged under 16)"


def _total(count: int) -> tuple[int, str]:
    return (6, "6 points (2 or more)") if count >= 2 else (0, "0 points (2 or more would give 6)")


def _stranger(answer: bool | None) -> tuple[int, str]:
    if answer:
        return 4, "4 points (yes)"
    return 0, "0 points (not known: scored as no)" if answer is None else "0 points (no)"


TABLES = (
    TableInfo(
        "points",
        "seven factor weights and the age formulae",
        "verified",
        "HMPPS ARNS risk-actuarial service (open-source implementation)",
        HMPPS_SOURCE,
        "1",
    ),
    TableInfo(
        "probability",
        "logistic curve -8.633 + 0.1598 x points",
        "verified",
        "HMPPS ARNS risk-actuarial service; spec worked points-to-percent pairs",
        HMPPS_SOURCE,
        "1",
    ),
    TableInfo(
        "bands",
        "bands 0-21 low, 22-29 medium, 30-35 high, 36-64 very high; risk reduction",
        "verified",
        "HMPPS ARNS risk-actuarial service (both generations)",
        HMPPS_SOURCE,
        "1",
    ),
)


class OspDc(Instrument):
    meta = InstrumentMetadata(
        id="osp-dc",
        name="OSP/DC (OASys Sexual reoffending Predictor, direct contact)",
        model_version="osp-dc-1",
        thresholds_version="osp-dc-bands-1",
        source=HMPPS_SOURCE,
        tables=TABLES,
        population="Men aged 18 or over with at least one sanctioned sexual offence, assessed by HMPPS "
        "(prison and probation) in England and Wales.",
        not_for=(
            "women (not applicable)",
            "people with no sexual offending history (not applicable)",
            "predicting indecent-image or indirect-contact reoffending (use OSP/IIC)",
            "deciding guilt, or any individual decision on the score alone",
        ),
        reassessment_months=None,
        reassessment_note="Rescore when a new sanction is recorded, when the start of follow-up changes, "
        "and at each OASys review; the band can fall after five offence-free years.",
        bands=("low", "medium", "high", "very_high", "not_applicable"),
        points_range=(0, 64),
        gives_probability=True,
        known_limits=(
            "Predicts proven direct-contact sexual reoffending within two years; most sexual offending "
            "is never detected, so it understates true offending.",
            "Counts must follow HMPPS counting rules for sanctions.",
        ),
        extra_keys=("risk_reduction_applied",),
        item_titles=(
            ("contact_adult_sexual_sanctions", "Contact adult sexual sanctions"),
            ("contact_child_sexual_sanctions", "Contact child sexual sanctions"),
            ("non_contact_sexual_offences", "Non-contact sexual offences"),
            ("age_at_start_of_followup", "Age at start of follow-up"),
            ("age_at_most_recent_sexual_offence", "Age at most recent sexual offence"),
            ("total_sanctions", "Total sanctions"),
            ("current_offence_against_stranger", "Current offence against a stranger"),
        ),
    )
    input_fields = OSP_FIELDS
    schema_rules = OSP_SCHEMA_RULES

    def __init__(self) -> None:
        super().__init__()
        self._adult = ItemRule("contact_adult_sexual_sanctions", _stepped(5))
        self._child = ItemRule("contact_child_sexual_sanctions", _stepped(3))
        self._noncontact = ItemRule("non_contact_sexual_offences", _stepped(2))
        self._followup = ItemRule("age_at_start_of_followup", _followup_age)
        self._last_sexual = ItemRule("age_at_most_recent_sexual_offence", _last_sexual_age)
        self._total = ItemRule("total_sanctions", _total)
        self._stranger = ItemRule("current_offence_against_stranger", _stranger)
        self._reduction = ItemRule("risk_reduction", _reduction, shown=lambda _key: True)
        self._not_reduced: Mapping[str, ExtraValue] = MappingProxyType({"risk_reduction_applied": False})
        self._reduced: Mapping[str, ExtraValue] = MappingProxyType({"risk_reduction_applied": True})

    def evaluate(self, data: Mapping[str, object], ctx: Context, errors: list[FieldError]) -> Result:
        raw = self.fieldset.read_tuple(data, errors)
        applicable, reason, age_followup, age_last_sexual, assessment, defaulted = check_osp(
            raw, errors, ctx.today
        )
        if errors:
            return self.error_result(errors)
        if not applicable:
            return self.not_applicable(
                reason or "OSP/DC does not apply", probability=0.0, extras=self._not_reduced
            )
        (
            _sex,
            _history,
            _dob,
            adult,
            child,
            non_contact,
            _images,
            total,
            last_sexual,
            stranger,
            status,
            followup,
            recent,
            _assessment,
        ) = raw
        if age_followup is None or age_last_sexual is None:
            raise RuntimeError("check_osp accepted an applicable input without the dates OSP/DC needs")
        # Each rule is a self-filling dict from answer to explanation: one lookup per item.
        adult_item = self._adult[adult]
        child_item = self._child[child]
        non_contact_item = self._noncontact[non_contact]
        followup_item = self._followup[age_followup]
        last_sexual_item = self._last_sexual[age_last_sexual]
        total_item = self._total[total]
        stranger_item = self._stranger[stranger]
        # Every OSP/DC item has points, so the sum needs no None checks.
        points: int = (
            adult_item.points  # type: ignore[operator]
            + child_item.points
            + non_contact_item.points
            + followup_item.points
            + last_sexual_item.points
            + total_item.points
            + stranger_item.points
        )
        items: tuple[ItemExplanation, ...] = (
            adult_item,
            child_item,
            non_contact_item,
            followup_item,
            last_sexual_item,
            total_item,
            stranger_item,
        )
        band = BAND_BY_POINTS[points]
        extras = self._not_reduced
        head_key = points
        warnings: tuple[str, ...] = ()
        if band != "low" and status != "custody":
            if defaulted:
                warnings = (
                    "assessment_date not given: the risk-reduction rule was checked as at "
                    f"{assessment.isoformat()}.",
                )
            if _offence_free(assessment, last_sexual, followup, recent):
                items = (*items, self._reduction[(band, assessment)])
                band, extras, head_key = BAND_ORDER[BAND_ORDER.index(band) - 1], self._reduced, -1 - points
        return self.scored(band, points, PROBABILITY_BY_POINTS[points], items, extras, warnings, head_key)

    def example_input(self) -> dict[str, Any]:
        return dict(OSP_EXAMPLE)
