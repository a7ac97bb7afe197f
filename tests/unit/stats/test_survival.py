"""Kaplan–Meier against a small example worked by hand, and lifelines' own figures."""

from __future__ import annotations

import math

import numpy as np
import pytest

from safeguard.stats import survival
from safeguard.stats.results import Z_95, TooFewEvents

# Six people: events at 1, 2, 3 and 5; censored at 2 and 4.
TIME = [1, 2, 2, 3, 4, 5]
EVENT = [1, 1, 0, 1, 0, 1]


def loglog_interval(s: float, greenwood: float) -> tuple[float, float]:
    """The exponential-Greenwood interval, written out: S^exp(±z·√V), V = Σ d/(n(n−d)) / (log S)²."""
    v = greenwood / math.log(s) ** 2
    k = math.exp(Z_95 * math.sqrt(v))
    return s**k, s ** (1 / k)


def test_survival_by_hand():
    curve = survival.kaplan_meier(TIME, EVENT)
    assert (curve.n, curve.events) == (6, 4)
    # S(1) = 5/6; S(2) = 5/6 · 4/5 (one event among the five at risk, one censored); S(3) = 2/3 · 2/3.
    assert curve.survival_at(1) == pytest.approx(5 / 6)
    assert curve.survival_at(2) == pytest.approx(2 / 3)
    assert curve.survival_at(3) == pytest.approx(4 / 9)
    assert curve.survival_at(5) == pytest.approx(0.0)
    # Greenwood sums: 1/(6·5) at 1, + 1/(5·4) at 2, + 1/(3·2) at 3.
    low, high = curve.ci_at(3).as_list()
    expected = loglog_interval(4 / 9, 1 / 30 + 1 / 20 + 1 / 6)
    assert (low, high) == pytest.approx(expected)
    assert (low, high) == pytest.approx((0.066187, 0.784908), abs=1e-6)
    assert curve.ci_at(1).as_list() == pytest.approx(loglog_interval(5 / 6, 1 / 30))


def test_between_event_times_the_step_keeps_the_earlier_value():
    curve = survival.kaplan_meier(TIME, EVENT)
    assert curve.survival_at(0) == 1.0
    assert curve.survival_at(0.999) == 1.0
    assert curve.survival_at(2.5) == curve.survival_at(2)
    assert curve.survival_at(3.99) == curve.survival_at(3)
    assert curve.survival_at(4.5) == pytest.approx(4 / 9)  # a censoring at 4 changes nothing


def test_nothing_is_estimated_beyond_the_longest_follow_up():
    curve = survival.kaplan_meier([1, 2, 3], [0, 1, 0])
    assert curve.survival_at(3) == pytest.approx(0.5)
    assert curve.survival_at(3.01) is None
    assert curve.ci_at(10) is None
    assert curve.rate_by(10) is None


def test_numbers_at_risk_are_those_still_followed_just_before():
    curve = survival.kaplan_meier(TIME, EVENT)
    assert [curve.at_risk(t) for t in (0, 1, 1.5, 2, 3, 4, 5, 6)] == [6, 6, 5, 5, 3, 2, 1, 0]


def test_rate_by_a_horizon_is_one_minus_survival_with_the_interval_turned_round():
    curve = survival.kaplan_meier(TIME, EVENT)
    rate, ci = curve.rate_by(3)
    low, high = curve.ci_at(3).as_list()
    assert rate == pytest.approx(5 / 9)
    assert (ci.low, ci.high) == pytest.approx((1 - high, 1 - low))


def test_no_events_gives_a_flat_curve():
    curve = survival.kaplan_meier([1, 2, 3], [0, 0, 0])
    assert curve.survival_at(2) == 1.0 and curve.events == 0


def test_agrees_with_lifelines_on_a_larger_sample():
    from lifelines import KaplanMeierFitter

    rng = np.random.default_rng(5)
    t = np.ceil(rng.exponential(4, 500) * 12) / 12  # months: many ties
    e = rng.random(500) < 0.6
    curve = survival.kaplan_meier(t, e)
    reference = KaplanMeierFitter().fit(t, e)
    for at in (0.5, 1, 2, 3.3, 7):
        assert curve.survival_at(at) == pytest.approx(float(reference.survival_function_at_times(at).iloc[0]))


def test_too_few_events_is_a_result_that_says_so():
    rng = np.random.default_rng(1)
    t = rng.uniform(0, 5, 40)
    e = np.zeros(40, dtype=bool)
    e[:3] = True
    result = survival.curve_or_too_few(t, e, label="completed")
    assert isinstance(result, TooFewEvents)
    assert result.message == (
        "Too few events for a survival curve of completed: 3 events among 40 people. "
        "It needs at least 20 people and 5 events."
    )


def test_compare_groups_keeps_the_order_asked_for_and_tests_the_groups_drawn():
    rng = np.random.default_rng(2)
    t = rng.exponential(3, 600)
    e = rng.random(600) < 0.7
    g = np.array(["b"] * 300 + ["a"] * 290 + ["tiny"] * 10)
    t[:300] *= 3  # group b lives three times longer
    comparison = survival.compare_groups(t, e, g, order=["b"])
    assert list(comparison.curves) == ["b", "a", "tiny"]
    assert isinstance(comparison.curves["tiny"], TooFewEvents)
    assert comparison.groups_tested == ("b", "a")
    assert comparison.logrank_p is not None and comparison.logrank_p < 1e-6


@pytest.mark.parametrize(
    ("time", "event"), [([1, -1], [1, 0]), ([1, float("nan")], [1, 0]), ([1, 2], [1, 2])]
)
def test_bad_arrays_are_refused(time, event):
    with pytest.raises(ValueError, match="must be"):
        survival.kaplan_meier(time, event)
