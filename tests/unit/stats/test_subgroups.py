"""Subgroup tables: the same analysis within each level, "too few" where it is."""

from __future__ import annotations

from safeguard.stats import subgroups, synthetic
from safeguard.stats.discrimination import AUCResult
from safeguard.stats.results import TooFewEvents


def test_rows_per_level_with_too_few_where_small():
    cohort = synthetic.generate(synthetic.CohortSpec(size=6_000, seed=2, male_share=0.99))
    rows = subgroups.subgroup_table(
        cohort.time, cohort.event, cohort.score, 5.0, {"Sex": cohort.sex, "Ethnic group": cohort.ethnicity},
        expected_probability=cohort.expected_by(5.0), orders={"Sex": ["male", "female"]}, skip_levels=["Not recorded"],
    )
    sexes = [r for r in rows if r.variable == "Sex"]
    assert [r.level for r in sexes] == ["male", "female"]
    assert isinstance(sexes[0].auc, AUCResult)
    assert isinstance(sexes[1].auc, TooFewEvents)  # about 60 women, a handful of events
    assert "Not recorded" not in {r.level for r in rows}
    assert sum(r.n + r.excluded for r in sexes) == 6_000
