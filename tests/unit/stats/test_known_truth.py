"""The analyses recover what a synthetic cohort was built with (issue 13's known-truth checks).

Seeds are fixed, so each check is reproducible; each is a 95% interval, so a check holds for about
19 seeds in 20 — the seeds here were not chosen by looking at the results.
"""

from __future__ import annotations

import numpy as np
import pytest

from safeguard.stats import calibration, cox, discrimination, survival, synthetic


@pytest.fixture(scope="module")
def cohort() -> synthetic.SyntheticCohort:
    # Higher scores are referred more often: a naive comparison of the groups is confounded.
    return synthetic.generate(synthetic.CohortSpec(size=20_000, seed=13, completion_hr=0.74, referral_slope=0.6))


def test_the_cox_interval_for_completion_contains_the_true_hazard_ratio(cohort):
    result = cox.cox_by_group(
        cohort.time, cohort.event, cohort.cohort, reference=synthetic.NOT_REFERRED,
        compare=[synthetic.COMPLETED, synthetic.STARTED], score=cohort.score,
    )
    completed = result.term(f"group:{synthetic.COMPLETED}")
    assert completed.ci.low < 0.74 < completed.ci.high
    started = result.term(f"group:{synthetic.STARTED}")
    assert started.ci.low < 1.0 < started.ci.high  # starting without completing had no effect
    # Hazards are proportional by construction: the check should not flag the programme.
    assert completed.ph_p > 0.05


def test_without_adjustment_the_comparison_is_confounded(cohort):
    result = cox.cox_by_group(
        cohort.time, cohort.event, cohort.cohort, reference=synthetic.NOT_REFERRED, compare=[synthetic.COMPLETED],
    )
    unadjusted = result.term(f"group:{synthetic.COMPLETED}")
    assert unadjusted.ci.low > 0.74  # referred people are riskier, which hides part of the effect


def test_the_auc_interval_contains_the_true_discrimination(cohort):
    truth = cohort.true_auc(5.0)
    result = discrimination.auc_at_horizon(cohort.time, cohort.event, cohort.score, 5.0)
    assert result.ci.low < truth < result.ci.high
    assert result.excluded > 0  # censoring before five years happened and was counted


def test_a_binormal_score_with_known_auc():
    # Positives' scores N(1, 1), negatives' N(0, 1): true AUC Φ(1/√2) ≈ 0.7602.
    from scipy import stats as scipy_stats

    rng = np.random.default_rng(21)
    pos, neg = rng.normal(1, 1, 800), rng.normal(0, 1, 3200)
    auc, se = discrimination.delong(pos, neg)
    truth = float(scipy_stats.norm.cdf(1 / np.sqrt(2)))
    assert abs(auc - truth) < 1.96 * se


def test_whole_point_scores_with_ties():
    spec = synthetic.CohortSpec(size=20_000, seed=5, score_mean=3, score_sd=2, whole_points=True, score_min=0,
                                score_max=12, intercept=-5.0, slope=0.45)
    cohort = synthetic.generate(spec)
    assert set(np.unique(cohort.score)) <= set(range(13))
    result = discrimination.auc_at_horizon(cohort.time, cohort.event, cohort.score, 5.0)
    assert result.ci.low < cohort.true_auc(5.0) < result.ci.high


def test_calibration_of_the_true_model_holds_where_nobody_is_treated():
    cohort = synthetic.generate(synthetic.CohortSpec(size=20_000, seed=8, referral_intercept=-30))
    assert set(cohort.cohort) == {synthetic.NOT_REFERRED}
    result = calibration.calibration(cohort.time, cohort.event, cohort.expected_by(5.0), 5.0)
    assert result.overall.ci.low < 1.0 < result.overall.ci.high


def test_the_survival_of_the_untreated_matches_the_model(cohort):
    untreated = cohort.cohort == synthetic.NOT_REFERRED
    curve = survival.kaplan_meier(cohort.time[untreated], cohort.event[untreated])
    truth = 1 - float(cohort.expected_by(2.0)[untreated].mean())
    low, high = curve.ci_at(2.0).as_list()
    assert low < truth < high


def test_score_error_in_one_group_lowers_its_auc():
    spec = synthetic.CohortSpec(size=30_000, seed=3, score_noise={"Black": 2.0})
    cohort = synthetic.generate(spec)
    black = cohort.ethnicity == "Black"
    worse = discrimination.auc_at_horizon(cohort.time[black], cohort.event[black], cohort.score[black], 5.0)
    rest = discrimination.auc_at_horizon(cohort.time[~black], cohort.event[~black], cohort.score[~black], 5.0)
    assert worse.ci.high < rest.ci.low
    with pytest.raises(ValueError, match="without added error"):
        cohort.true_auc(5.0)


def test_the_generator_is_reproducible():
    a = synthetic.generate(synthetic.CohortSpec(size=500, seed=1))
    b = synthetic.generate(synthetic.CohortSpec(size=500, seed=1))
    assert np.array_equal(a.time, b.time) and np.array_equal(a.cohort, b.cohort)
