"""Calibration at a fixed horizon: observed against expected, overall and by band, E/O with CI.

Expected (E) is the mean of everyone's predicted probability of the outcome by the horizon.
Observed (O) is the Kaplan–Meier estimate of the proportion with the outcome by the horizon,
1 − S(h), over the same people: it uses everyone, including people followed for less than the
horizon, without the upward bias that counting only complete follow-ups would give (people with
an early event are always "complete"; people without one are not). E/O above 1 means the
instrument predicts more than happened here; below 1, fewer. Its 95% interval divides E by the
ends of O's Kaplan–Meier interval (log(−log) Greenwood); E is treated as fixed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from safeguard.stats._arrays import Bools, Floats, as_events, as_labels, as_scores, as_times, ordered_labels
from safeguard.stats.results import Interval, TooFewEvents
from safeguard.stats.survival import kaplan_meier

MIN_EVENTS = 10
CI_METHOD = "E divided by the ends of the Kaplan–Meier 95% interval of the observed proportion"


@dataclass(frozen=True, slots=True)
class CalibrationRow:
    label: str
    n: int
    events: int  # events by the horizon (a count, not the estimate)
    observed_rate: float | None  # Kaplan–Meier proportion with the outcome by the horizon
    observed_ci: Interval
    expected_rate: float
    e_o: float | None
    ci: Interval

    @property
    def expected(self) -> float:
        return self.expected_rate * self.n


@dataclass(frozen=True, slots=True)
class Calibration:
    horizon: float
    overall: CalibrationRow
    bands: tuple[CalibrationRow, ...]


def _ratio(expected: float, low: float | None, high: float | None) -> Interval:
    return Interval(expected / high if high else None, expected / low if low else None)


def calibration_row(label: str, time: Floats, event: Bools, probability: Floats, horizon: float) -> CalibrationRow:
    curve = kaplan_meier(time, event, label=label)
    expected = float(probability.mean()) if len(probability) else 0.0
    events = int((event & (time <= horizon)).sum())
    rate = curve.rate_by(horizon)
    if rate is None:
        return CalibrationRow(label, len(time), events, None, Interval(None, None), expected, None, Interval(None, None))
    observed, ci = rate
    e_o = expected / observed if observed > 0 else None
    return CalibrationRow(label, len(time), events, observed, ci, expected, e_o, _ratio(expected, ci.low, ci.high))


def calibration(
    time: ArrayLike, event: ArrayLike, expected_probability: ArrayLike, horizon: float, *,
    band: ArrayLike | None = None, band_order: Sequence[str] = (), min_events: int = MIN_EVENTS,
    what: str = "calibration",
) -> Calibration | TooFewEvents:
    t = as_times(time)
    e = as_events(event, len(t))
    p = as_scores(expected_probability, len(t))
    if np.any((p < 0) | (p > 1)):
        raise ValueError("expected probabilities must lie between 0 and 1")
    events = int((e & (t <= horizon)).sum())
    if events < min_events or t.max(initial=0.0) < horizon:
        return TooFewEvents(
            what=what, n=len(t), events=events,
            needed=f"at least {min_events} people with the outcome by the horizon, and follow-up that long",
        )
    rows: list[CalibrationRow] = []
    if band is not None:
        labels = as_labels(band, len(t))
        for label in ordered_labels(labels, band_order):
            mask = labels == label
            rows.append(calibration_row(label, t[mask], e[mask], p[mask], horizon))
    return Calibration(horizon, calibration_row("All", t, e, p, horizon), tuple(rows))
