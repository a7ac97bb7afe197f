"""Calibration: expected against the Kaplan–Meier observed proportion, worked by hand."""

from __future__ import annotations

import numpy as np
import pytest

from safeguard.stats import calibration
from safeguard.stats.results import TooFewEvents


def test_expected_over_observed_by_hand():
    # Everyone followed 10 years; 4 of 20 have the event by year 2, so O = 0.2; mean prediction 0.25.
    time = np.array([1.0] * 4 + [10.0] * 16)
    event = np.array([1] * 4 + [0] * 16)
    p = np.full(20, 0.25)
    row = calibration.calibration_row("All", time, event.astype(bool), p, 2.0)
    assert row.observed_rate == pytest.approx(0.2)
    assert row.expected_rate == pytest.approx(0.25)
    assert row.e_o == pytest.approx(1.25)
    assert row.events == 4
    low, high = row.observed_ci.low, row.observed_ci.high
    assert row.ci.low == pytest.approx(0.25 / high) and row.ci.high == pytest.approx(0.25 / low)
    assert row.ci.low < 1.25 < row.ci.high


def test_people_followed_less_than_the_horizon_count_through_the_curve():
    # Ten people censored at 1 year who would bias a "complete follow-up only" count upwards.
    time = np.array([0.5] * 5 + [1.0] * 10 + [5.0] * 35)
    event = np.array([1] * 5 + [0] * 10 + [0] * 35, dtype=bool)
    row = calibration.calibration_row("All", time, event, np.full(50, 0.1), 2.0)
    assert row.observed_rate == pytest.approx(0.1)  # 5 of 50 by half a year, no more after
    assert row.e_o == pytest.approx(1.0)


def test_by_band_in_the_order_given():
    rng = np.random.default_rng(0)
    n = 3000
    band = rng.choice(["low", "medium", "high"], n)
    p = np.select([band == "low", band == "medium"], [0.05, 0.15], 0.4)
    t_event = rng.exponential(-2 / np.log1p(-p))
    time = np.minimum(t_event, 6.0)
    result = calibration.calibration(time, t_event <= 6.0, p, 2.0, band=band, band_order=["low", "medium", "high"])
    assert [r.label for r in result.bands] == ["low", "medium", "high"]
    for row in (result.overall, *result.bands):
        assert row.ci.low < 1 < row.ci.high  # the predictions are right, so E/O ≈ 1


def test_too_few_events():
    result = calibration.calibration([1, 2, 3, 4], [1, 0, 0, 0], [0.1] * 4, 2.0)
    assert isinstance(result, TooFewEvents)


def test_probabilities_outside_zero_to_one_are_refused():
    with pytest.raises(ValueError, match="between 0 and 1"):
        calibration.calibration([1, 2], [1, 0], [0.5, 1.5], 1.0)
