"""Static-99R items, levels, percentile ranks, the candidate item-5 rule and the exclusions."""

from __future__ import annotations

import pytest

from safeguard.instruments import registry
from safeguard.instruments.static_99r import PERCENTILE_RANKS, level_for_points

from .conftest import AS_OF, static_row


def score(**changes: object):  # type: ignore[no-untyped-def]
    return registry.score("static-99r", static_row(**changes), today=AS_OF)


def item_points(result) -> dict[str, int | None]:  # type: ignore[no-untyped-def]
    return {item.name: item.points for item in result.items}


def test_baseline_row_scores_age_only() -> None:
    result = score()
    assert result.errors == ()
    assert result.points == 1
    assert item_points(result)["age_at_release"] == 1
    assert sum(p for p in item_points(result).values() if p) == 1
    assert (result.band, result.extras["level"]) == ("average", "III")
    assert result.probability is None


@pytest.mark.parametrize(
    ("release", "points"),
    [
        ("2008-01-01", 1),
        ("2024-12-31", 1),
        ("2025-01-01", 0),
        ("2029-12-31", 0),
        ("2030-01-01", -1),
        ("2049-12-31", -1),
        ("2050-01-01", -3),
        ("2070-01-01", -3),
    ],
)
def test_age_at_release_cut_offs(release: str, points: int) -> None:
    assert item_points(score(release_date=release))["age_at_release"] == points


@pytest.mark.parametrize(
    ("age", "points"),
    [(18.0, 1), (34.9, 1), (34.99, 1), (35.0, 0), (39.9, 0), (40.0, -1), (59.9, -1), (60, -3)],
)
def test_age_at_release_given_in_years(age: float, points: int) -> None:
    row = static_row(age_at_release=age)
    del row["date_of_birth"], row["release_date"]
    result = registry.score("static-99r", row, today=AS_OF)
    assert result.errors == ()
    assert item_points(result)["age_at_release"] == points


@pytest.mark.parametrize(
    ("field", "answer", "points"),
    [
        ("ever_lived_with_intimate_partner_2_years", False, 1),
        ("ever_lived_with_intimate_partner_2_years", True, 0),
        ("index_non_sexual_violence", True, 1),
        ("prior_non_sexual_violence", True, 1),
        ("prior_sentencing_dates", 3, 0),
        ("prior_sentencing_dates", 4, 1),
        ("prior_sentencing_dates", 20, 1),
        ("non_contact_sex_offence_convictions", 1, 1),
        ("non_contact_sex_offence_convictions", 0, 0),
        ("unrelated_victims", True, 1),
        ("stranger_victims", True, 1),
        ("male_victims", True, 1),
    ],
)
def test_single_items(field: str, answer: object, points: int) -> None:
    assert item_points(score(**{field: answer}))[field] == points


@pytest.mark.parametrize(
    ("charges", "convictions", "points", "verified"),
    [
        (0, 0, 0, True),
        (1, 0, 1, False),
        (2, 1, 1, True),
        (3, 0, 2, False),
        (5, 3, 2, True),
        (6, 4, 3, True),
        (6, 0, 3, False),
        (2, 2, 2, False),
        (3, 1, 2, False),
        (5, 4, 3, False),
        (10, 1, 3, False),
        (6, 2, 3, False),
        (3, 2, 2, True),
        (4, 3, 2, True),
        (1, 1, 1, True),
        (0, 4, 3, False),
    ],
)
def test_prior_sex_offences_higher_row_never_added(
    charges: int, convictions: int, points: int, verified: bool
) -> None:
    result = score(prior_sex_offence_charges=charges, prior_sex_offence_convictions=convictions)
    assert item_points(result)["prior_sex_offences"] == points
    # The higher-row rule is candidate: the result is unverified only when it decided the item.
    assert result.verified is verified
    assert any("Unverified" in w for w in result.warnings) is (not verified)


def test_convictions_above_charges_is_flagged_not_refused() -> None:
    result = score(prior_sex_offence_charges=0, prior_sex_offence_convictions=4)
    assert result.errors == ()
    assert any("a conviction normally follows a charge" in w for w in result.warnings)


@pytest.mark.parametrize(
    ("points", "band", "level"),
    [
        (-3, "very_low", "I"),
        (-2, "very_low", "I"),
        (-1, "below_average", "II"),
        (0, "below_average", "II"),
        (1, "average", "III"),
        (2, "average", "III"),
        (3, "average", "III"),
        (4, "above_average", "IVa"),
        (5, "above_average", "IVa"),
        (6, "well_above_average", "IVb"),
        (12, "well_above_average", "IVb"),
    ],
)
def test_levels_2016(points: int, band: str, level: str) -> None:
    assert level_for_points(points) == (band, level)


@pytest.mark.parametrize(("points", "rank"), [(-3, 1.3), (-2, 4.2), (-1, 9.7), (0, 18.7), (1, 31.7)])
def test_percentile_ranks(points: int, rank: float) -> None:
    assert PERCENTILE_RANKS[points] == rank


def test_percentile_rank_only_where_published() -> None:
    assert score().extras["percentile_rank"] == 31.7
    low = score(release_date="2055-01-01")  # aged 65: -3
    assert (low.points, low.extras["percentile_rank"], low.extras["level"]) == (-3, 1.3, "I")
    high = score(prior_sentencing_dates=5, male_victims=True)
    assert high.points == 3
    assert high.extras["percentile_rank"] is None


def test_maximum_total_is_12() -> None:
    result = score(
        ever_lived_with_intimate_partner_2_years=False,
        index_non_sexual_violence=True,
        prior_non_sexual_violence=True,
        prior_sex_offence_charges=6,
        prior_sex_offence_convictions=4,
        prior_sentencing_dates=4,
        non_contact_sex_offence_convictions=2,
        unrelated_victims=True,
        stranger_victims=True,
        male_victims=True,
    )
    assert (result.points, result.band, result.extras["level"]) == (12, "well_above_average", "IVb")


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"sex": "female"}, "woman"),
        ({"release_date": "2007-12-31"}, "under 18"),
        ({"only_indecent_image_offences": True}, "CPORT"),
    ],
)
def test_not_applicable(changes: dict[str, object], reason: str) -> None:
    result = score(**changes)
    assert result.band == "not_applicable"
    assert result.points is None
    assert result.extras == {"level": None, "percentile_rank": None}
    assert reason in (result.not_applicable_reason or "")


def test_exactly_18_at_release_is_scored() -> None:
    assert score(release_date="2008-01-01").band != "not_applicable"


def test_age_sources_must_agree() -> None:
    result = score(age_at_release=45.5)
    assert [(e.field, e.code) for e in result.errors] == [("age_at_release", "inconsistent")]
    assert score(age_at_release=30.4).errors == ()


@pytest.mark.parametrize(
    ("remove", "missing"),
    [
        (("date_of_birth", "release_date"), "release_date"),
        (("release_date",), "release_date"),
        (("date_of_birth",), "date_of_birth"),
    ],
)
def test_age_needs_dates_or_years(remove: tuple[str, ...], missing: str) -> None:
    row = static_row()
    for name in remove:
        del row[name]
    result = registry.score("static-99r", row, today=AS_OF)
    assert [(e.field, e.code) for e in result.errors] == [(missing, "missing")]


def test_release_before_birth() -> None:
    result = score(release_date="1989-01-01")
    assert [(e.field, e.code) for e in result.errors] == [("release_date", "before_date_of_birth")]


def test_all_bad_fields_reported_together() -> None:
    result = score(
        prior_sex_offence_charges=-1, male_victims=None, stranger_victims="no", prior_sentencing_dates=1.5
    )
    assert {(e.field, e.code) for e in result.errors} == {
        ("prior_sex_offence_charges", "out_of_range"),
        ("male_victims", "missing"),
        ("stranger_victims", "wrong_type"),
        ("prior_sentencing_dates", "wrong_type"),
    }


def test_accuracy_limit_describes_the_study_not_a_range_across_studies() -> None:
    """In the source, AUC .80 against .68 compares complete with incomplete files in one study."""
    limits = " ".join(registry.metadata("static-99r").known_limits)
    assert "across studies" not in limits.replace("not a spread across studies", "")
    assert "one study" in limits
    assert ".80 where the files were complete" in limits
    assert ".68 where they were incomplete" in limits
