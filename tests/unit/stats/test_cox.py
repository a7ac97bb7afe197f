"""The Cox model against a partial likelihood solved by hand, lifelines' documented Rossi example,
and the proportional-hazards check against lifelines' own test."""

from __future__ import annotations

import math

import numpy as np
import pytest

from safeguard.stats import cox
from safeguard.stats.results import Z_95, NotEstimated, TooFewEvents


def test_hazard_ratio_solved_by_hand():
    # Events at 1 (x=1), 2 (x=0), 3 (x=1). With u = e^β the partial likelihood is
    # u/(2u+1) · 1/(1+u) · 1; its score equation 1 = 2u/(2u+1) + u/(1+u) gives 2u² = 1, u = 1/√2.
    result = cox.cox_model([1, 2, 3], [1, 1, 1], {"x": [1, 0, 1]}, events_per_term=1)
    u = 1 / math.sqrt(2)
    term = result.term("x")
    assert term.hazard_ratio == pytest.approx(u, rel=1e-4)
    # Information 2u/(2u+1)² + u/(1+u)²; the interval is exp(β ± z/√I).
    information = 2 * u / (2 * u + 1) ** 2 + u / (1 + u) ** 2
    se = 1 / math.sqrt(information)
    assert term.ci.low == pytest.approx(u * math.exp(-Z_95 * se), rel=1e-3)
    assert term.ci.high == pytest.approx(u * math.exp(Z_95 * se), rel=1e-3)


def test_rossi_as_documented_by_lifelines():
    from lifelines.datasets import load_rossi

    rossi = load_rossi()
    covariates = {name: rossi[name].to_numpy(float) for name in ("fin", "age", "race", "wexp", "mar", "paro", "prio")}
    result = cox.cox_model(rossi["week"].to_numpy(float), rossi["arrest"].to_numpy(), covariates)
    # lifelines' documentation (Survival regression, "Cox's proportional hazard model"): exp(coef)
    # 0.68 for financial aid, 0.94 per year of age, 1.10 per prior conviction.
    assert round(result.term("fin").hazard_ratio, 2) == 0.68
    assert round(result.term("age").hazard_ratio, 2) == 0.94
    assert round(result.term("prio").hazard_ratio, 2) == 1.10
    assert (result.n, result.events) == (432, 114)


def test_proportional_hazards_check_matches_lifelines_without_ties():
    import pandas as pd
    from lifelines import CoxPHFitter
    from lifelines.statistics import proportional_hazard_test

    rng = np.random.default_rng(11)
    n = 400
    x1, x2 = rng.normal(size=n), (rng.random(n) < 0.5).astype(float)
    t_event = rng.exponential(1 / np.exp(0.5 * x1 - 0.3 * x2))
    # x2's effect wanes: people with x2 = 1 who pass time 1 get x2 = 0's hazard afterwards.
    late = (x2 == 1) & (t_event > 1)
    t_event[late] = 1 + (t_event[late] - 1) * np.exp(-0.3)
    censor = rng.exponential(3, n)
    time, event = np.minimum(t_event, censor), t_event <= censor
    result = cox.cox_model(time, event, {"x1": x1, "x2": x2})
    frame = pd.DataFrame({"x1": x1, "x2": x2, "t": time, "e": event.astype(int)})
    fitted = CoxPHFitter().fit(frame, "t", "e")
    reference = proportional_hazard_test(fitted, frame, time_transform="rank").summary["p"]
    assert result.term("x1").ph_p == pytest.approx(reference["x1"], rel=1e-6)
    assert result.term("x2").ph_p == pytest.approx(reference["x2"], rel=1e-6)


def test_too_few_events_for_the_terms():
    result = cox.cox_model([1, 2, 3, 4], [1, 0, 1, 0], {"x": [0, 1, 0, 1], "y": [1, 2, 3, 4]})
    assert isinstance(result, TooFewEvents)
    assert "at least 10 events for each of its 2 terms" in result.message


def test_a_group_without_events_cannot_be_compared():
    rng = np.random.default_rng(2)
    time = rng.uniform(0, 5, 300)
    group = np.array(["a"] * 150 + ["b"] * 150)
    event = np.r_[rng.random(150) < 0.5, np.zeros(150, dtype=bool)]
    result = cox.cox_by_group(time, event, group, reference="a", compare=["b"])
    assert isinstance(result, TooFewEvents)
    assert "b has none" in result.message


def test_a_covariate_that_does_not_vary_is_named():
    result = cox.cox_model(np.arange(1, 41), np.ones(40), {"score": np.full(40, 3.0)}, labels={"score": "Risk score"})
    assert isinstance(result, NotEstimated)
    assert result.message == "The Cox model could not be estimated: Risk score does not vary"
