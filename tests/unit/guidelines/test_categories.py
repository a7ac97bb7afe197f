"""Step one: harm and culpability categories from the factors the user selects."""

from __future__ import annotations

from .helpers import images_request, ok, problem, refused, s9_request


def test_most_serious_harm_category_wins() -> None:
    result = ok(s9_request(harm_factors=["other_sexual_activity", "penile_penetration_of_mouth"]))
    assert result.harm is not None
    assert result.harm.category == "1"
    assert [f.id for f in result.harm.factors] == ["other_sexual_activity", "penile_penetration_of_mouth"]
    assert "most serious" in result.harm.reason


def test_culpability_b_when_no_a_factor_selected() -> None:
    result = ok(s9_request())
    assert result.culpability is not None
    assert result.culpability.category == "B"
    assert "No culpability A factor present" in result.culpability.reason


def test_any_culpability_a_factor_gives_a() -> None:
    for factor in ("significant_planning", "lied_about_age", "sexual_images_of_victim", "abuse_of_trust"):
        result = ok(s9_request(culpability_factors=[factor]))
        assert result.culpability is not None and result.culpability.category == "A"


def test_harm_must_be_selected() -> None:
    problems = refused(s9_request(harm_factors=None))
    message = problem(problems, "required")
    assert "select at least one harm factor" in message
    assert "other_sexual_activity" in message


def test_undefined_factor_is_refused_with_the_allowed_list() -> None:
    problems = refused(s9_request(harm_factors=["other_sexual_activity", "made_up"]))
    assert problems.fields() == ["harm_factors[1]"]
    message = problem(problems, "unknown_factor")
    assert "'made_up' is not a harm factor" in message
    assert "penetration_of_vagina_or_anus" in message


def test_culpability_factor_of_the_wrong_axis_is_refused() -> None:
    problems = refused(s9_request(culpability_factors=["other_sexual_activity"]))
    assert problems.fields() == ["culpability_factors[0]"]


def test_factor_of_another_guideline_version_is_refused() -> None:
    problems = refused(
        s9_request(
            offence_date="2010-01-10",
            conviction_date="2010-09-01",
            sentencing_date="2010-10-01",
            harm_factors=["other_sexual_activity"],
            penetrative=False,
        )
    )
    message = problem(problems, "not_defined_by_guideline")
    assert "version 2007" in message and "remove harm_factors" in message


def test_image_activity_must_be_one_column() -> None:
    problems = refused(images_request(culpability_factors=["possession", "distributing_or_sharing"]))
    assert "select factors of one category only" in problem(problems, "factors_in_different_categories")
    result = ok(images_request(culpability_factors=["possession", "making_by_simple_downloading"]))
    assert result.culpability is not None and result.culpability.category == "possession"


def test_simple_possession_offence_has_only_the_possession_column() -> None:
    problems = refused(
        images_request(offence="cja1988-s160", culpability_factors=["distributing_or_sharing"])
    )
    message = problem(problems, "not_available_for_offence")
    assert "possession column" in message and "making_by_simple_downloading" in message
    assert ok(images_request(offence="cja1988-s160")).culpability is not None


def test_image_activity_has_no_residual_column() -> None:
    problems = refused(images_request(culpability_factors=None))
    assert "select at least one activity factor" in problem(problems, "required")


def test_fictitious_child_mitigation_is_available_with_its_note() -> None:
    result = ok(s9_request(mitigating_factors=["activity_did_not_take_place"]))
    assert [m.id for m in result.adjustment.mitigating] == ["activity_did_not_take_place"]
    assert any("R v Reed [2021] EWCA Crim 572" in n for n in result.notes)
    assert any(w.startswith("Mitigating factor") for w in result.warnings)


def test_aggravating_factors_are_not_invented() -> None:
    problems = refused(s9_request(aggravating_factors=["previous_convictions"]))
    assert "none transcribed; record others in other_factors" in problem(problems, "unknown_factor")
    result = ok(s9_request(other_factors=["previous relevant convictions"]))
    assert "Other factor recorded by the user: previous relevant convictions" in result.notes
