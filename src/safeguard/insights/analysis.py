"""Analyses of a cohort, from the arrays `selectors.cohort_dataset` builds to plain JSON results.

Everything here is aggregate: counts, curves, ratios. The results are cached (services) and drawn
by the views; nothing in them names or identifies a person. The statistics come from the pure
core `safeguard.stats`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

import numpy as np
from numpy.typing import NDArray

from safeguard.insights.choices import CountedKinds, EthnicGroup, OutcomeMeasure, ProgrammeStatus
from safeguard.stats import METHODS_VERSION, calibration, cox, discrimination, subgroups, survival
from safeguard.stats.results import Interval, NotEstimated, TooFewEvents, rounded

SURVIVAL_TIMES = (1.0, 2.0, 5.0)
STATUS_ORDER = (ProgrammeStatus.COMPLETED.value, ProgrammeStatus.STARTED.value, ProgrammeStatus.NOT_REFERRED.value)
STATUS_LABELS = {str(k): str(v) for k, v in ProgrammeStatus.choices}
AGE_BANDS = ((0, "Under 18"), (18, "18 to 29"), (30, "30 to 39"), (40, "40 to 49"), (50, "50 to 59"), (60, "60 and over"))
AGE_ORDER = tuple(label for _, label in AGE_BANDS)
SEX_LABELS = {"male": "Male", "female": "Female", "not_recorded": "Not recorded"}
ETHNIC_LABELS = {str(k): str(v) for k, v in EthnicGroup.choices}
ETHNIC_ORDER = tuple(str(v) for _, v in EthnicGroup.choices)
NOT_RECORDED_LABELS = ("Not recorded",)


@dataclass(frozen=True)
class Filters:
    """The parameters of an analysis, as chosen on the page (and part of the cache key)."""

    measure: str = OutcomeMeasure.SEXUAL.value
    counted: str = CountedKinds.CHARGE_OR_PROVEN.value
    start_from: date | None = None
    start_to: date | None = None
    agency: int | None = None
    programme: str = ""
    site: str = ""
    sex: str = ""
    instrument: str = "osp-dc"
    band: str = ""
    horizon: float = 2.0
    split: str = "status"

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        for key in ("start_from", "start_to"):
            out[key] = out[key].isoformat() if out[key] else None
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Filters:
        values = dict(data)
        for key in ("start_from", "start_to"):
            values[key] = date.fromisoformat(values[key]) if values.get(key) else None
        return cls(**values)


@dataclass(eq=False)
class Dataset:
    """One row per person followed up, as columns; scores are NaN where none was recorded."""

    time: NDArray[np.float64]
    event: NDArray[np.bool_]
    status: NDArray[np.str_]
    score: NDArray[np.float64]
    probability: NDArray[np.float64]
    band: NDArray[np.str_]
    sex: NDArray[np.str_]
    age_band: NDArray[np.str_]
    ethnicity: NDArray[np.str_]
    notes: list[str] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.time)

    def subset(self, mask: NDArray[np.bool_]) -> Dataset:
        return Dataset(
            self.time[mask], self.event[mask], self.status[mask], self.score[mask], self.probability[mask],
            self.band[mask], self.sex[mask], self.age_band[mask], self.ethnicity[mask], list(self.notes),
        )


def age_band(age: int) -> str:
    label = AGE_BANDS[0][1]
    for lower, name in AGE_BANDS:
        if age >= lower:
            label = name
    return label


def _ci(interval: Interval | None) -> list[float | None] | None:
    if interval is None:
        return None
    return [rounded(interval.low), rounded(interval.high)]


def _too_few(result: TooFewEvents | NotEstimated) -> dict[str, Any]:
    return {"message": result.message}


def _curve_json(curve: survival.SurvivalCurve, times: Sequence[float]) -> dict[str, Any]:
    at: dict[str, Any] = {}
    for t in times:
        rate = curve.rate_by(t)
        at[_key(t)] = {
            "survival": rounded(curve.survival_at(t)),
            "ci": _ci(curve.ci_at(t)),
            "rate": rounded(rate[0]) if rate else None,
            "rate_ci": _ci(rate[1]) if rate else None,
            "at_risk": curve.at_risk(t),
        }
    steps = curve.steps()
    if len(steps) > 1500:  # thin for drawing: keep every change in the first 1,500, then sample evenly
        keep = np.unique(np.linspace(0, len(steps) - 1, 1500).astype(int))
        steps = [steps[i] for i in keep]
    return {
        "n": curve.n, "events": curve.events, "last_time": rounded(curve.last_time, 4),
        "steps": [[round(t, 4), round(s, 5), round(lo, 5), round(hi, 5)] for t, s, lo, hi in steps],
        "at": at,
    }


def _key(t: float) -> str:
    return str(int(t)) if float(t).is_integer() else str(t)


SPLITS = {
    "status": "Programme status",
    "band": "Risk band",
    "age_band": "Age band",
    "sex": "Sex",
    "ethnicity": "Ethnic group",
}


def _split(data: Dataset, split: str, band_order: Sequence[str]) -> tuple[NDArray[np.str_], tuple[str, ...], dict[str, str]]:
    """The grouping column of a split, its order and its labels."""
    if split == "band":
        labels = {b: b.replace("_", " ").capitalize() for b in band_order}
        return np.where(data.band == "", "Not scored", data.band).astype(np.str_), (*band_order, "Not scored"), labels
    if split == "age_band":
        return data.age_band, AGE_ORDER, {}
    if split == "sex":
        return data.sex, ("male", "female", "not_recorded"), SEX_LABELS
    if split == "ethnicity":
        return data.ethnicity, ETHNIC_ORDER, {}
    return data.status, STATUS_ORDER, STATUS_LABELS


def survival_analysis(
    data: Dataset, *, times: Sequence[float] = SURVIVAL_TIMES, split: str = "status", band_order: Sequence[str] = ()
) -> dict[str, Any]:
    """Curves by the chosen split (programme status unless asked otherwise) with numbers at risk,
    fixed-horizon rates and the log-rank test; and the Cox model of programme status adjusted for
    the risk score (where scores were recorded) — people whose programme status is not known are
    left out of that model, and of the curves when the split is programme status."""
    known = np.isin(data.status, STATUS_ORDER)
    unknown = int((~known).sum())
    by_status = data.subset(known)
    if split == "status":
        data = by_status
    column, order, names = _split(data, split, band_order)
    comparison = survival.compare_groups(
        data.time, data.event, column, order=order, labels={k: v.lower() for k, v in names.items()}
    )
    groups = []
    for key, curve in comparison.curves.items():
        entry: dict[str, Any] = {"key": key, "label": names.get(key, key)}
        if isinstance(curve, TooFewEvents):
            mask = column == key
            entry.update(n=int(mask.sum()), events=int(data.event[mask].sum()), too_few=curve.message)
        else:
            entry.update(_curve_json(curve, times))
        groups.append(entry)
    overall = survival.curve_or_too_few(data.time, data.event, label="everyone")
    counted, events = data.n, int(data.event.sum())
    data = by_status
    scored = ~np.isnan(data.score)
    compare = [s for s in STATUS_ORDER[:2] if s in set(data.status.tolist())]
    adjusted = cox_json(data, compare=compare, use_score=True) if scored.all() and data.n else None
    if adjusted is None and scored.any():
        sub = data.subset(scored)
        adjusted = cox_json(sub, compare=compare, use_score=True)
        adjusted["note"] = f"Only the {int(scored.sum())} people with a recorded score are in the adjusted model."
    unadjusted = cox_json(data, compare=compare, use_score=False)
    return {
        "methods": METHODS_VERSION,
        "split": split,
        "split_label": SPLITS.get(split, SPLITS["status"]),
        "n": counted,
        "events": events,
        "unknown_status": unknown if split == "status" else 0,
        "times": [_key(t) for t in times],
        "groups": groups,
        "overall": _curve_json(overall, times) if isinstance(overall, survival.SurvivalCurve) else _too_few(overall),
        "logrank_p": rounded(comparison.logrank_p),
        "cox_adjusted": adjusted,
        "cox_unadjusted": unadjusted,
        "missing_score": int((~scored).sum()),
    }


def cox_json(data: Dataset, *, compare: Sequence[str], use_score: bool) -> dict[str, Any]:
    if not compare:
        return {"message": "There is no programme group to compare with people not referred."}
    result = cox.cox_by_group(
        data.time, data.event, data.status, reference=ProgrammeStatus.NOT_REFERRED.value, compare=compare,
        score=data.score if use_score else None, group_labels=STATUS_LABELS,
        score_label="Risk score (per point)",
    )
    if isinstance(result, TooFewEvents | NotEstimated):
        return _too_few(result)
    return {
        "n": result.n,
        "events": result.events,
        "terms": [
            {"name": t.name, "label": t.label, "hr": rounded(t.hazard_ratio, 4), "ci": _ci(t.ci),
             "p": rounded(t.p, 6), "ph_p": rounded(t.ph_p, 4), "ph_doubtful": t.ph_doubtful}
            for t in result.terms
        ],
        "ph_doubtful": list(result.ph_doubtful),
    }


def _auc_json(result: discrimination.AUCResult | TooFewEvents) -> dict[str, Any]:
    if isinstance(result, TooFewEvents):
        return _too_few(result)
    return {"auc": rounded(result.auc, 4), "ci": _ci(result.ci), "n": result.n, "events": result.events,
            "excluded": result.excluded}


def _calibration_row(row: calibration.CalibrationRow) -> dict[str, Any]:
    return {
        "label": row.label, "n": row.n, "events": row.events, "observed": rounded(row.observed_rate),
        "observed_ci": _ci(row.observed_ci), "expected": rounded(row.expected_rate), "e_o": rounded(row.e_o, 4),
        "ci": _ci(row.ci),
    }


@dataclass(frozen=True)
class PredictedOutcome:
    """What an instrument's probability predicts: by which horizon, which offences, counted how."""

    horizon: float
    measure: str
    counted: str
    words: str


# From each instrument's own description (safeguard.instruments, `known_limits`): OSP/DC "predicts
# proven direct-contact sexual reoffending within two years". Instruments not listed here give no
# probability whose horizon is recorded, so they are validated for discrimination only.
PREDICTED = {
    "osp-dc": PredictedOutcome(2.0, OutcomeMeasure.SEXUAL_CONTACT.value, CountedKinds.PROVEN.value,
                               "proven direct-contact sexual reoffending within two years"),
}


def validation_analysis(
    data: Dataset, *, horizon: float, band_order: Sequence[str] = (), predicted: PredictedOutcome | None = None,
    filters: Filters | None = None,
) -> dict[str, Any]:
    """Discrimination and calibration of the chosen instrument at the horizon, overall and by
    age band, sex and ethnic group. Calibration only where the instrument's probability is for
    this horizon (a two-year probability says nothing about five years)."""
    scored = ~np.isnan(data.score)
    missing = int((~scored).sum())
    data = data.subset(scored)
    result: dict[str, Any] = {
        "methods": METHODS_VERSION, "horizon": horizon, "n": data.n, "events": int(data.event.sum()),
        "missing_score": missing,
    }
    if data.n == 0:
        result["message"] = "Nobody in this cohort has a score from this instrument."
        return result
    result["auc"] = _auc_json(discrimination.auc_at_horizon(data.time, data.event, data.score, horizon))
    calibrate = predicted is not None and predicted.horizon == horizon and bool((~np.isnan(data.probability)).all())
    if predicted is None:
        result["calibration"] = {"message": "This instrument gives no probability with a recorded horizon, so calibration cannot be checked here: discrimination only."}
    elif predicted.horizon != horizon:
        result["calibration"] = {"message": f"Its probability is of {predicted.words}: choose the {predicted.horizon:g}-year horizon to check calibration."}
    elif not calibrate:
        result["calibration"] = {"message": "Some scores were recorded without their probability, so calibration cannot be checked here."}
    else:
        if filters is not None and (filters.measure, filters.counted) != (predicted.measure, predicted.counted):
            result["calibration_note"] = (
                f"Its probability is of {predicted.words}; this analysis counts a different outcome, so E/O compares unlike "
                f"things. Choose “{OutcomeMeasure(predicted.measure).label}” counted as "
                f"“{CountedKinds(predicted.counted).label}” for a like-for-like check."
            )
        cal = calibration.calibration(data.time, data.event, data.probability, horizon, band=data.band, band_order=band_order)
        if isinstance(cal, TooFewEvents):
            result["calibration"] = _too_few(cal)
        else:
            result["calibration"] = {"overall": _calibration_row(cal.overall), "bands": [_calibration_row(r) for r in cal.bands]}
    variables = {"Age band": data.age_band, "Sex": np.array([SEX_LABELS.get(s, s) for s in data.sex.tolist()], dtype=np.str_),
                 "Ethnic group": data.ethnicity}
    rows = subgroups.subgroup_table(
        data.time, data.event, data.score, horizon, variables,
        expected_probability=data.probability if calibrate else None,
        orders={"Age band": AGE_ORDER, "Sex": ("Male", "Female"), "Ethnic group": ETHNIC_ORDER},
    )
    result["subgroups"] = [
        {
            "variable": r.variable, "level": r.level, "n": r.n, "events": r.events, "excluded": r.excluded,
            "auc": _auc_json(r.auc),
            "calibration": None if r.calibration is None else (
                _too_few(r.calibration) if isinstance(r.calibration, TooFewEvents) else _calibration_row(r.calibration)
            ),
            "not_recorded": r.level in NOT_RECORDED_LABELS,
        }
        for r in rows
    ]
    split = discrimination.split_at_horizon(data.time, data.event, horizon)
    result["excluded"] = split.excluded
    return result


def years(days: int) -> float:
    return days / 365.25


def finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value)
