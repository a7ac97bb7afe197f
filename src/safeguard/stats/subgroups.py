"""Validation by subgroup (age band, sex, ethnicity where recorded), so a gap in fairness shows.

Each row repeats the overall analysis within one level of one variable: people counted by the
horizon rule, the AUC with its interval, and — when expected probabilities are given — E/O with
its interval. A level with too few events says so instead of showing a number.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from safeguard.stats._arrays import as_events, as_labels, as_scores, as_times, ordered_labels
from safeguard.stats.calibration import CalibrationRow, calibration
from safeguard.stats.discrimination import AUCResult, auc_at_horizon, split_at_horizon
from safeguard.stats.results import TooFewEvents


@dataclass(frozen=True, slots=True)
class SubgroupRow:
    variable: str
    level: str
    n: int  # included by the horizon rule
    events: int
    excluded: int
    auc: AUCResult | TooFewEvents
    calibration: CalibrationRow | TooFewEvents | None


def subgroup_table(
    time: ArrayLike,
    event: ArrayLike,
    score: ArrayLike,
    horizon: float,
    variables: Mapping[str, ArrayLike],
    *,
    expected_probability: ArrayLike | None = None,
    orders: Mapping[str, Sequence[str]] | None = None,
    skip_levels: Sequence[str] = (),
) -> list[SubgroupRow]:
    t = as_times(time)
    e = as_events(event, len(t))
    s = as_scores(score, len(t))
    p = None if expected_probability is None else as_scores(expected_probability, len(t))
    rows: list[SubgroupRow] = []
    for variable, values in variables.items():
        labels = as_labels(values, len(t))
        for level in ordered_labels(labels, (orders or {}).get(variable, ())):
            if level in skip_levels:
                continue
            mask = labels == level
            split = split_at_horizon(t[mask], e[mask], horizon)
            included = int((split.positive | split.negative).sum())
            auc = auc_at_horizon(t[mask], e[mask], s[mask], horizon, what=f"the AUC for {level}")
            cal: CalibrationRow | TooFewEvents | None = None
            if p is not None:
                result = calibration(t[mask], e[mask], p[mask], horizon, what=f"calibration for {level}")
                cal = result if isinstance(result, TooFewEvents) else result.overall
            rows.append(SubgroupRow(variable, level, included, int(split.positive.sum()), split.excluded, auc, cal))
    return rows


def share_missing(values: ArrayLike, missing: str) -> float:
    labels = np.asarray(values, dtype=np.str_)
    return float((labels == missing).mean()) if len(labels) else 0.0
