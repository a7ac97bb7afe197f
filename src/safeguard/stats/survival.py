"""Kaplan–Meier survival curves with 95% bands, numbers at risk, fixed-horizon rates, the log-rank test.

"Survival" here means staying free of the outcome (e.g. a new sexual offence). The estimator and
its band are lifelines' `KaplanMeierFitter`: Greenwood's variance with the log(−log) transform
(the "exponential Greenwood" interval), which keeps the band inside 0–1. The curve is a step
function, right-continuous: at an event time it already includes that time's drop, and between
two event times it keeps the value of the earlier one. It is not estimated beyond the longest
follow-up in the group (`None`), since nobody was observed there.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike

from safeguard.stats._arrays import Floats, as_events, as_labels, as_times, ordered_labels
from safeguard.stats.results import Interval, TooFewEvents

# A curve is drawn for a group only with at least this many people and events (fewer gives a
# staircase of one or two steps whose band spans almost everything).
MIN_PEOPLE_FOR_CURVE = 20
MIN_EVENTS_FOR_CURVE = 5
CI_METHOD = "Greenwood variance, log(−log) transformed (exponential Greenwood), 95%"


@dataclass(frozen=True, slots=True)
class SurvivalPoint:
    time: float
    survival: float
    ci: Interval
    at_risk: int


@dataclass(frozen=True, eq=False)
class SurvivalCurve:
    """The Kaplan–Meier estimate of one group: one value per distinct observed time (and 0)."""

    label: str
    n: int
    events: int
    timeline: Floats
    survival: Floats
    lower: Floats
    upper: Floats
    at_risk_counts: Floats = field(repr=False)
    notes: tuple[str, ...] = ()

    @property
    def last_time(self) -> float:
        return float(self.timeline[-1]) if len(self.timeline) else 0.0

    def _index(self, t: float) -> int | None:
        if t < 0 or t > self.last_time:
            return None
        return int(np.searchsorted(self.timeline, t, side="right")) - 1

    def survival_at(self, t: float) -> float | None:
        """S(t): the step value at t, None beyond the longest follow-up."""
        i = self._index(t)
        return None if i is None else float(self.survival[i])

    def ci_at(self, t: float) -> Interval | None:
        i = self._index(t)
        return None if i is None else Interval(float(self.lower[i]), float(self.upper[i]))

    def at_risk(self, t: float) -> int:
        """How many people were still followed (no event, not censored) just before time t."""
        i = int(np.searchsorted(self.timeline, t, side="left"))
        return 0 if i >= len(self.timeline) else int(self.at_risk_counts[i])

    def point(self, t: float) -> SurvivalPoint | None:
        value, ci = self.survival_at(t), self.ci_at(t)
        if value is None or ci is None:
            return None
        return SurvivalPoint(time=t, survival=value, ci=ci, at_risk=self.at_risk(t))

    def rate_by(self, t: float) -> tuple[float, Interval] | None:
        """The proportion with the outcome by time t, 1 − S(t), and its interval (1 − upper, 1 − lower)."""
        value, ci = self.survival_at(t), self.ci_at(t)
        if value is None or ci is None or ci.low is None or ci.high is None:
            return None
        return 1.0 - value, Interval(1.0 - ci.high, 1.0 - ci.low)

    def steps(self) -> list[tuple[float, float, float, float]]:
        """(time, survival, lower, upper) where the curve or its band changes, for drawing and caching."""
        if not len(self.timeline):
            return []
        keep = np.ones(len(self.timeline), dtype=np.bool_)
        keep[1:] = (
            (np.diff(self.survival) != 0) | (np.diff(self.lower) != 0) | (np.diff(self.upper) != 0)
        )
        keep[-1] = True  # the end of follow-up, so the last step has a length
        idx = np.flatnonzero(keep)
        return [
            (float(self.timeline[i]), float(self.survival[i]), float(self.lower[i]), float(self.upper[i]))
            for i in idx
        ]


def kaplan_meier(time: ArrayLike, event: ArrayLike, *, label: str = "all") -> SurvivalCurve:
    """The Kaplan–Meier curve of one group (any size, even without events)."""
    from lifelines import KaplanMeierFitter

    t = as_times(time)
    e = as_events(event, len(t))
    if len(t) == 0:
        empty = np.zeros(0, dtype=np.float64)
        return SurvivalCurve(label, 0, 0, empty, empty, empty, empty, empty)
    with warnings.catch_warnings(record=True) as caught, np.errstate(all="ignore"):
        warnings.simplefilter("always")
        fitter = KaplanMeierFitter(alpha=0.05).fit(t, e, label=label)
    table = fitter.event_table
    timeline = np.asarray(fitter.timeline, dtype=np.float64)
    survival = np.asarray(fitter.survival_function_.to_numpy()[:, 0], dtype=np.float64)
    bounds = fitter.confidence_interval_.to_numpy()
    lower = np.nan_to_num(np.asarray(bounds[:, 0], dtype=np.float64), nan=0.0)
    upper = np.nan_to_num(np.asarray(bounds[:, 1], dtype=np.float64), nan=1.0)
    at_risk = np.asarray(table["at_risk"].to_numpy(), dtype=np.float64)
    notes = tuple(dict.fromkeys(str(w.message) for w in caught))
    return SurvivalCurve(label, len(t), int(e.sum()), timeline, survival, lower, upper, at_risk, notes)


@dataclass(frozen=True, eq=False)
class SurvivalComparison:
    """Curves of several groups, with the log-rank test of "the same survival in every group"."""

    curves: dict[str, SurvivalCurve | TooFewEvents]
    logrank_p: float | None
    logrank_statistic: float | None
    groups_tested: tuple[str, ...]

    def drawn(self) -> dict[str, SurvivalCurve]:
        return {k: v for k, v in self.curves.items() if isinstance(v, SurvivalCurve)}


def curve_or_too_few(
    time: ArrayLike, event: ArrayLike, *, label: str,
    min_people: int = MIN_PEOPLE_FOR_CURVE, min_events: int = MIN_EVENTS_FOR_CURVE,
) -> SurvivalCurve | TooFewEvents:
    t = as_times(time)
    e = as_events(event, len(t))
    events = int(e.sum())
    if len(t) < min_people or events < min_events:
        return TooFewEvents(
            what=f"a survival curve of {label}", n=len(t), events=events,
            needed=f"at least {min_people} people and {min_events} events",
        )
    return kaplan_meier(t, e, label=label)


def compare_groups(
    time: ArrayLike, event: ArrayLike, group: ArrayLike, *, order: Sequence[str] = (),
    labels: Mapping[str, str] | None = None,
    min_people: int = MIN_PEOPLE_FOR_CURVE, min_events: int = MIN_EVENTS_FOR_CURVE,
) -> SurvivalComparison:
    """One curve per group (or "too few events"), and the log-rank test over the groups drawn."""
    from lifelines.statistics import multivariate_logrank_test

    t = as_times(time)
    e = as_events(event, len(t))
    g = as_labels(group, len(t))
    curves: dict[str, SurvivalCurve | TooFewEvents] = {}
    for label in ordered_labels(g, order):
        mask = g == label
        curves[label] = curve_or_too_few(
            t[mask], e[mask], label=(labels or {}).get(label, label), min_people=min_people, min_events=min_events
        )
    tested = tuple(k for k, v in curves.items() if isinstance(v, SurvivalCurve))
    p = stat = None
    if len(tested) >= 2:
        mask = np.isin(g, tested)
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            result = multivariate_logrank_test(t[mask], g[mask], e[mask])
        p, stat = float(result.p_value), float(result.test_statistic)
    return SurvivalComparison(curves, p, stat, tested)


def at_times(curve: SurvivalCurve, times: Iterable[float]) -> list[SurvivalPoint | None]:
    return [curve.point(t) for t in times]
