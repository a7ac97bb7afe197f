"""Synthetic cohorts with known truth, so the analyses are shown to recover what was put in.

Each person gets a risk score (normal, optionally whole points), a programme status (not referred,
started but not completed, completed — the chance of referral may rise with the score, which
confounds a naive comparison), and an event time from an exponential hazard: the probability of
the outcome by `reference_horizon` without the programme is logistic in the score,
p(s) = 1 / (1 + exp(−(intercept + slope·s))), and the programme multiplies the hazard by its
hazard ratio, so proportional hazards hold exactly. Follow-up ends at a uniform administrative
cut-off, or earlier at death or emigration (an exponential rate), independent of everything else.

`true_auc(horizon)` gives the AUC the score has at a horizon in this population (numerical
integration over the score distribution), which the sample AUC's interval should contain.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from safeguard.stats._arrays import Bools, Floats

NOT_REFERRED, STARTED, COMPLETED = "not_referred", "started_not_completed", "completed"
COHORTS = (COMPLETED, STARTED, NOT_REFERRED)
AGE_BANDS = (("18–29", 0.2), ("30–39", 0.25), ("40–49", 0.25), ("50–59", 0.18), ("60 and over", 0.12))
ETHNIC_GROUPS = (
    ("White", 0.78), ("Black", 0.05), ("Asian", 0.06), ("Mixed", 0.03), ("Other ethnic group", 0.02),
    ("Not recorded", 0.06),
)


def expit(x: Floats) -> Floats:
    return np.asarray(1.0 / (1.0 + np.exp(-x)), dtype=np.float64)


@dataclass(frozen=True, slots=True)
class CohortSpec:
    size: int = 20_000
    seed: int = 13
    score_mean: float = 0.0
    score_sd: float = 1.0
    whole_points: bool = False  # round scores to whole points (an instrument's points)
    score_min: float = -math.inf
    score_max: float = math.inf
    intercept: float = -2.6  # logit of the outcome by the reference horizon at score 0, without the programme
    slope: float = 0.8  # per unit of score
    reference_horizon: float = 5.0
    referral_intercept: float = -0.4  # logit of being referred at score 0
    referral_slope: float = 0.0  # > 0: higher scores are referred more often (confounding by risk)
    start_share: float = 0.85  # referred people who start
    completion_share: float = 0.7  # starters who complete
    completion_hr: float = 0.74
    started_hr: float = 1.0
    follow_up_min: float = 1.0
    follow_up_max: float = 10.0
    loss_rate: float = 0.01  # deaths and emigration per person-year
    male_share: float = 0.95
    score_noise: dict[str, float] = field(default_factory=dict)  # extra error in the score for an ethnic group


@dataclass(frozen=True, eq=False)
class SyntheticCohort:
    spec: CohortSpec
    score: Floats
    cohort: NDArray[np.str_]
    time: Floats
    event: Bools
    expected: Floats  # the model's probability of the outcome by the reference horizon without the programme
    age_band: NDArray[np.str_]
    sex: NDArray[np.str_]
    ethnicity: NDArray[np.str_]
    true_score: Floats

    def expected_by(self, horizon: float) -> Floats:
        """Each person's probability of the outcome by `horizon` without the programme (the
        calibrated prediction an instrument would make from the true score)."""
        base = _base_hazard(self.spec, self.true_score)
        return np.asarray(-np.expm1(-base * horizon), dtype=np.float64)

    def hazard_ratio(self, cohort: str) -> float:
        return {COMPLETED: self.spec.completion_hr, STARTED: self.spec.started_hr, NOT_REFERRED: 1.0}[cohort]

    def true_auc(self, horizon: float) -> float:
        """The AUC of the score at `horizon` in the population this cohort was drawn from."""
        spec = self.spec
        if spec.score_noise:
            raise ValueError("the true AUC is only computed for scores without added error")
        grid, weight = _score_grid(spec)
        p_event = np.zeros_like(grid)
        referred = expit(spec.referral_intercept + spec.referral_slope * grid)
        shares = {
            NOT_REFERRED: 1 - referred,
            STARTED: referred * spec.start_share * (1 - spec.completion_share),
            COMPLETED: referred * spec.start_share * spec.completion_share,
        }
        # Referred but never started: the programme had no effect on them (counted as not referred).
        shares[NOT_REFERRED] = shares[NOT_REFERRED] + referred * (1 - spec.start_share)
        base = _base_hazard(spec, grid)
        for cohort, share in shares.items():
            p_event += share * (1 - np.exp(-base * self.hazard_ratio(cohort) * horizon))
        w1, w0 = weight * p_event, weight * (1 - p_event)
        below = np.cumsum(w0) - w0  # negative weight strictly below each grid point
        return float((w1 * below).sum() + 0.5 * (w1 * w0).sum()) / float(w1.sum() * w0.sum())


def _base_hazard(spec: CohortSpec, score: Floats) -> Floats:
    p = expit(spec.intercept + spec.slope * score)
    return np.asarray(-np.log1p(-p) / spec.reference_horizon, dtype=np.float64)


def _score_grid(spec: CohortSpec) -> tuple[Floats, Floats]:
    from scipy import stats as scipy_stats

    dist = scipy_stats.norm(spec.score_mean, spec.score_sd)
    low = max(spec.score_min, spec.score_mean - 9 * spec.score_sd)
    high = min(spec.score_max, spec.score_mean + 9 * spec.score_sd)
    if spec.whole_points:
        points = np.arange(math.ceil(low), math.floor(high) + 1, dtype=np.float64)
        upper = np.where(points == points[-1], np.inf, points + 0.5)
        lower = np.where(points == points[0], -np.inf, points - 0.5)
        return points, np.asarray(dist.cdf(upper) - dist.cdf(lower), dtype=np.float64)
    grid = np.linspace(low, high, 20_001)
    weight = np.asarray(dist.pdf(grid), dtype=np.float64)
    return grid, weight / weight.sum()


def _choose(rng: np.random.Generator, options: tuple[tuple[str, float], ...], n: int) -> NDArray[np.str_]:
    labels = [label for label, _ in options]
    weights = np.array([w for _, w in options], dtype=np.float64)
    return np.asarray(rng.choice(labels, size=n, p=weights / weights.sum()), dtype=np.str_)


def generate(spec: CohortSpec) -> SyntheticCohort:
    rng = np.random.default_rng(spec.seed)
    n = spec.size
    true_score = rng.normal(spec.score_mean, spec.score_sd, n)
    if spec.whole_points:
        true_score = np.round(true_score)
    true_score = np.clip(true_score, spec.score_min, spec.score_max)
    referred = rng.random(n) < expit(spec.referral_intercept + spec.referral_slope * true_score)
    started = referred & (rng.random(n) < spec.start_share)
    completed = started & (rng.random(n) < spec.completion_share)
    cohort = np.where(completed, COMPLETED, np.where(started, STARTED, NOT_REFERRED)).astype(np.str_)
    hr = np.where(completed, spec.completion_hr, np.where(started, spec.started_hr, 1.0))
    hazard = _base_hazard(spec, true_score) * hr
    event_time = rng.exponential(1.0 / hazard)
    cut_off = rng.uniform(spec.follow_up_min, spec.follow_up_max, n)
    lost = rng.exponential(1.0 / spec.loss_rate, n) if spec.loss_rate > 0 else np.full(n, np.inf)
    end = np.minimum(cut_off, lost)
    event = event_time <= end
    time = np.where(event, event_time, end)
    ethnicity = _choose(rng, ETHNIC_GROUPS, n)
    score = true_score.copy()
    for group, sd in spec.score_noise.items():
        mask = ethnicity == group
        score[mask] = score[mask] + rng.normal(0.0, sd, int(mask.sum()))
        if spec.whole_points:
            score[mask] = np.round(score[mask])
    sex = np.where(rng.random(n) < spec.male_share, "male", "female").astype(np.str_)
    return SyntheticCohort(
        spec=spec, score=score, cohort=cohort, time=np.asarray(time, dtype=np.float64),
        event=np.asarray(event, dtype=np.bool_), expected=expit(spec.intercept + spec.slope * true_score),
        age_band=_choose(rng, AGE_BANDS, n), sex=sex, ethnicity=ethnicity, true_score=true_score,
    )
