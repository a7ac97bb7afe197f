"""AUC and DeLong's interval against examples worked by hand, scipy's Mann–Whitney U, and the rule
of who counts at a horizon."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats as scipy_stats

from safeguard.stats import discrimination
from safeguard.stats.results import Z_95, TooFewEvents


def test_delong_by_hand():
    # Positives 0.8 and 0.6, negatives 0.7 and 0.2: of the four pairs, three are ordered rightly.
    auc, se = discrimination.delong(np.array([0.8, 0.6]), np.array([0.7, 0.2]))
    assert auc == 0.75
    # Components: per positive (1, 1/2), per negative (1/2, 1); each has variance 1/8, so
    # Var = 1/8 / 2 + 1/8 / 2 = 1/8.
    assert se == pytest.approx(math.sqrt(1 / 8))


def test_ties_count_one_half():
    auc, _ = discrimination.delong(np.array([1.0, 2.0]), np.array([1.0, 0.0]))
    assert auc == pytest.approx((0.5 + 1 + 1 + 1) / 4)


def test_auc_is_mann_whitney_u_over_the_pairs():
    rng = np.random.default_rng(3)
    pos, neg = rng.normal(1, 1, 300), np.round(rng.normal(0, 1, 500), 1)
    auc, _ = discrimination.delong(pos, neg)
    u = scipy_stats.mannwhitneyu(pos, neg).statistic
    assert auc == pytest.approx(u / (300 * 500))


def test_delong_agrees_with_the_pairwise_definition():
    rng = np.random.default_rng(4)
    pos, neg = rng.integers(0, 8, 40).astype(float), rng.integers(0, 6, 60).astype(float)
    psi = (pos[:, None] > neg[None, :]) + 0.5 * (pos[:, None] == neg[None, :])
    v_pos, v_neg = psi.mean(axis=1), psi.mean(axis=0)
    variance = v_pos.var(ddof=1) / 40 + v_neg.var(ddof=1) / 60
    auc, se = discrimination.delong(pos, neg)
    assert auc == pytest.approx(psi.mean())
    assert se == pytest.approx(math.sqrt(variance))


def test_who_counts_at_the_horizon():
    #        event at 1  event at 3 (=H)  event at 4  censored 2  censored 3 (=H)  censored 5
    time = [1, 3, 4, 2, 3, 5]
    event = [1, 1, 1, 0, 0, 0]
    split = discrimination.split_at_horizon(time, event, 3)
    assert split.positive.tolist() == [True, True, False, False, False, False]
    assert split.negative.tolist() == [False, False, True, False, True, True]
    assert split.excluded == 1


def test_auc_at_horizon_counts_and_interval():
    time = [1, 3, 4, 2, 3, 5]
    event = [1, 1, 1, 0, 0, 0]
    score = [0.9, 0.5, 0.6, 0.1, 0.4, 0.2]
    result = discrimination.auc_at_horizon(time, event, score, 3, min_each=1)
    # Positives 0.9, 0.5; negatives 0.6, 0.4, 0.2: 5 of the 6 pairs ordered rightly.
    assert result.auc == pytest.approx(5 / 6)
    assert (result.n, result.events, result.excluded) == (5, 2, 1)
    assert result.ci.low == pytest.approx(max(0, 5 / 6 - Z_95 * result.se))
    assert result.ci.high == 1.0  # cut at 1


def test_too_few_positives_says_so():
    rng = np.random.default_rng(9)
    time = rng.uniform(0, 10, 200)
    event = np.zeros(200, dtype=bool)
    event[np.argsort(time)[:4]] = True
    result = discrimination.auc_at_horizon(time, event, rng.normal(size=200), 5)
    assert isinstance(result, TooFewEvents)
    assert "4 events" in result.message


def test_the_horizon_must_be_positive():
    with pytest.raises(ValueError, match="horizon"):
        discrimination.split_at_horizon([1], [1], 0)
