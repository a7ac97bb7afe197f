"""Discrimination at a fixed horizon: the AUC (area under the ROC curve) with DeLong's 95% interval.

Who counts (the rule of issue 13): positives had the event at or before the horizon; negatives
were followed up to at least the horizon without an event by then (an event after the horizon
still makes a negative); people censored before the horizon without an event are left out and
counted as `excluded`. Ties in the score count one half.

The interval is DeLong, DeLong & Clarke-Pearson (1988): the AUC's variance from its structural
components (computed from mid-ranks, Sun & Xu 2014), then AUC ± 1.96 SE, cut to 0–1 (as pROC
does). With a single positive or negative the variance is not defined and the interval is `None`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats as scipy_stats

from safeguard.stats._arrays import Bools, Floats, as_events, as_scores, as_times
from safeguard.stats.results import Z_95, Interval, TooFewEvents

MIN_EACH = 10  # positives and negatives needed before an AUC is shown
CI_METHOD = "DeLong (1988), Wald interval on the AUC, cut to 0–1"


@dataclass(frozen=True, slots=True)
class HorizonSplit:
    positive: Bools
    negative: Bools

    @property
    def excluded(self) -> int:
        return int((~self.positive & ~self.negative).sum())


def split_at_horizon(time: ArrayLike, event: ArrayLike, horizon: float) -> HorizonSplit:
    t = as_times(time)
    e = as_events(event, len(t))
    if not (horizon > 0 and math.isfinite(horizon)):
        raise ValueError("the horizon must be a positive number")
    positive = e & (t <= horizon)
    negative = ~positive & (t >= horizon)
    return HorizonSplit(positive, negative)


@dataclass(frozen=True, slots=True)
class AUCResult:
    auc: float
    ci: Interval
    se: float | None
    n: int  # people included (positives + negatives)
    events: int  # positives
    excluded: int  # censored before the horizon without an event


def delong(positive_scores: Floats, negative_scores: Floats) -> tuple[float, float | None]:
    """(AUC, its DeLong standard error); SE None with fewer than two of either."""
    m, n = len(positive_scores), len(negative_scores)
    if m == 0 or n == 0:
        raise ValueError("the AUC needs at least one positive and one negative")
    combined = np.concatenate([positive_scores, negative_scores])
    tz = scipy_stats.rankdata(combined)
    auc = float((tz[:m].sum() - m * (m + 1) / 2) / (m * n))
    if m < 2 or n < 2:
        return auc, None
    tx = scipy_stats.rankdata(positive_scores)
    ty = scipy_stats.rankdata(negative_scores)
    v_pos = (tz[:m] - tx) / n  # per positive: the share of negatives it outranks
    v_neg = 1.0 - (tz[m:] - ty) / m  # per negative: the share of positives that outrank it
    variance = float(np.var(v_pos, ddof=1) / m + np.var(v_neg, ddof=1) / n)
    return auc, math.sqrt(max(variance, 0.0))


def auc_at_horizon(
    time: ArrayLike, event: ArrayLike, score: ArrayLike, horizon: float, *, min_each: int = MIN_EACH,
    what: str = "the AUC",
) -> AUCResult | TooFewEvents:
    t = as_times(time)
    s = as_scores(score, len(t))
    split = split_at_horizon(t, event, horizon)
    pos, neg = int(split.positive.sum()), int(split.negative.sum())
    if pos < max(min_each, 1) or neg < max(min_each, 1):
        return TooFewEvents(
            what=what, n=pos + neg, events=pos,
            needed=f"at least {max(min_each, 1)} people with the outcome by the horizon and as many followed "
            "that long without it",
        )
    auc, se = delong(s[split.positive], s[split.negative])
    if se is None:
        ci = Interval(None, None)
    else:
        ci = Interval(max(0.0, auc - Z_95 * se), min(1.0, auc + Z_95 * se))
    return AUCResult(auc=auc, ci=ci, se=se, n=pos + neg, events=pos, excluded=split.excluded)
