"""OSP/DC: the HMPPS predictor of direct-contact sexual reoffending (points, probability, band)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from safeguard.instruments.ages import whole_years
from safeguard.instruments.base import Context, Instrument, InstrumentMetadata, ItemRule, TableInfo
from safeguard.instruments.osp_common import HMPPS_SOURCE, OSP_EXAMPLE, OSP_FIELDS, OSP_SCHEMA_RULES, check_osp
from safeguard.instruments.result import FieldError, Result

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


def _stepped(noun: str, step: int) -> Any:
    def score(count: int) -> tuple[int, str]:
        points = min(count, 3) * step
        return points, (
            f"{count} {noun}: {points} points "
            f"(0 gives 0, 1 gives {step}, 2 gives {2 * step}, 3 or more give {3 * step})"
        )
    return score


def _followup_age(age: int) -> tuple[int, str]:
    if age >= 60:
        return 0, f"aged {age} at the start of follow-up: 0 points (60 or over gives 0)"
    points = 14 - max(0, (age - 18) // 3)
    return points, f"aged {age} at the start of follow-up: 14 - max(0, floor(({age} - 18) / 3)) = {points} points"


def _last_sexual_age(age: int) -> tuple[int, str]:
    if age >= 18:
        return 10, f"aged {age} at the most recent sexual offence: 10 points (18 or over gives 10)"
    if age >= 16:
        return 5, f"aged {age} at the most recent sexual offence: 5 points (16 or 17 gives 5)"
    return 0, f"aged {age} at the most recent sexual offence: 0 points (under 16 gives 0)"


def _total(count: int) -> tuple[int, str]:
    if count >= 2:
        return 6, f"{count} sanctions in all: 6 points (2 or more give 6)"
    return 0, f"{count} sanction in all: 0 points (2 or more would give 6)"


def _stranger(answer: bool | None) -> tuple[int, str]:
    if answer:
        return 4, "current offence against a stranger: 4 points"
    shown = "not known (scored as no)" if answer is None else "no"
    return 0, f"current offence against a stranger: {shown}, 0 points"


TABLES = (
    TableInfo("points", "seven factor weights and the age formulae", "verified",
              "HMPPS ARNS risk-actuarial service (open-source implementation)", HMPPS_SOURCE, "1"),
    TableInfo("probability", "logistic curve -8.633 + 0.1598 x points", "verified",
              "HMPPS ARNS risk-actuarial service; spec worked points-to-percent pairs", HMPPS_SOURCE, "1"),
    TableInfo("bands", "bands 0-21 low, 22-29 medium, 30-35 high, 36-64 very high; risk reduction", "verified",
              "HMPPS ARNS risk-actuarial service (both generations)", HMPPS_SOURCE, "1"),
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
        self._adult = ItemRule("contact_adult_sexual_sanctions", _stepped("contact adult sexual sanction(s)", 5))
        self._child = ItemRule("contact_child_sexual_sanctions", _stepped("contact child sexual sanction(s)", 3))
        self._noncontact = ItemRule("non_contact_sexual_offences", _stepped("non-contact sexual offence(s)", 2))
        self._followup = ItemRule("age_at_start_of_followup", _followup_age)
        self._last_sexual = ItemRule("age_at_most_recent_sexual_offence", _last_sexual_age)
        self._total = ItemRule("total_sanctions", _total)
        self._stranger = ItemRule("current_offence_against_stranger", _stranger)

    def evaluate(self, data: Mapping[str, object], ctx: Context, errors: list[FieldError]) -> Result:
        values = self.fieldset.read(data, errors)
        facts = check_osp(values, errors, ctx.today)
        if errors:
            return self.error_result(errors)
        if not facts.applicable:
            return self.not_applicable(facts.reason or "OSP/DC does not apply", probability=0.0,
                                       extras={"risk_reduction_applied": False})
        if facts.age_at_followup is None or facts.age_at_last_sexual_offence is None:
            raise RuntimeError("check_osp accepted an applicable input without the dates OSP/DC needs")
        items = (
            self._adult.explain(values["contact_adult_sexual_sanctions"]),
            self._child.explain(values["contact_child_sexual_sanctions"]),
            self._noncontact.explain(values["non_contact_sexual_offences"]),
            self._followup.explain(facts.age_at_followup),
            self._last_sexual.explain(facts.age_at_last_sexual_offence),
            self._total.explain(values["total_sanctions"]),
            self._stranger.explain(values["current_offence_against_stranger"]),
        )
        points = 0
        for item in items:
            points += item.points or 0
        band = band_for_points(points)
        reduced = self._risk_reduction(values, facts.assessment_date, band)
        warnings = []
        if facts.assessment_date_defaulted and band != "low" and values["supervision_status"] != "custody":
            warnings.append(f"assessment_date not given: the risk-reduction rule was checked as at "
                            f"{facts.assessment_date.isoformat()}.")
        if reduced:
            warnings.append(
                f"Band reduced from {band} to {BAND_ORDER[BAND_ORDER.index(band) - 1]}: no offence, sexual offence "
                f"or start of follow-up in the {RISK_REDUCTION_YEARS} years before {facts.assessment_date.isoformat()}."
            )
            band = BAND_ORDER[BAND_ORDER.index(band) - 1]
        return self.result(
            band=band,
            points=points,
            probability=probability_for_points(points),
            items=items,
            extras={"risk_reduction_applied": reduced},
            warnings=warnings,
        )

    @staticmethod
    def _risk_reduction(values: dict[str, Any], assessment: Any, band: str) -> bool:
        """The band falls one level only after five whole offence-free years in the community."""
        if band == "low" or values["sex"] != "male" or values["supervision_status"] == "custody":
            return False
        for name in ("most_recent_offence_date", "date_of_most_recent_sexual_offence", "date_at_start_of_followup"):
            when = values[name]
            if name == "most_recent_offence_date" and when is None:
                continue
            if when is None or whole_years(when, assessment) < RISK_REDUCTION_YEARS:
                return False
        return True

    def example_input(self) -> dict[str, Any]:
        return dict(OSP_EXAMPLE)
