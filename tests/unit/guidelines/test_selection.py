"""Which guideline version applies (sentencing date) and which statutory maximum (offence date)."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from safeguard.guidelines import SentencingRequest, calculate, load_library, request_from_dict
from safeguard.guidelines.errors import GuidelineError
from safeguard.guidelines.loader import DATA_DIRECTORY

from .helpers import custody, images_request, ok, problem, refused, s9_request


@pytest.mark.parametrize(
    ("sentencing_date", "version"),
    [("2007-05-14", "2007"), ("2014-03-31", "2007"), ("2014-04-01", "2014"), ("2025-06-01", "2014")],
)
def test_version_is_chosen_by_sentencing_date_not_offence_date(sentencing_date: str, version: str) -> None:
    result = ok(
        s9_request(
            offence_date="2006-01-01",
            conviction_date=None,
            sentencing_date=sentencing_date,
            offender_date_of_birth="1970-01-01",
            offender_age_at_offence=None,
            offender_age_at_conviction=None,
            harm_factors=["other_sexual_activity"] if version == "2014" else None,
            penetrative=None if version == "2014" else False,
        )
    )
    assert result.guideline["version"] == version


def test_sentencing_date_before_any_version_is_refused() -> None:
    problems = refused(
        s9_request(
            offence_date="2006-01-01",
            conviction_date="2007-01-01",
            sentencing_date="2007-05-13",
            offender_age_at_conviction=31,
            harm_factors=None,
            penetrative=False,
        )
    )
    message = problem(problems, "before_first_guideline")
    assert "2007-05-13" in message
    assert "on or after 2007-05-14" in message
    assert problems.fields() == ["sentencing_date"]


def test_images_before_2014_have_no_version_in_the_data() -> None:
    problems = refused(
        images_request(
            offence_date="2012-01-01",
            conviction_date="2013-01-01",
            sentencing_date="2013-03-01",
            offender_age_at_conviction=41,
        )
    )
    assert "on or after 2014-04-01" in problem(problems, "before_first_guideline")


def test_offence_date_after_sentencing_date_is_refused() -> None:
    problems = refused(
        s9_request(offence_date="2024-01-01", conviction_date=None, sentencing_date="2023-12-31")
    )
    message = problem(problems, "after_sentencing_date")
    assert "2024-01-01" in message and "on or before the sentencing date" in message


def test_statutory_maximum_depends_on_penetration() -> None:
    penetrative = ok(s9_request(harm_factors=["penile_penetration_of_mouth"]))
    assert penetrative.statutory_maximum.maximum is not None
    assert penetrative.statutory_maximum.maximum.text() == "14 years"
    assert penetrative.statutory_maximum.indictable_only is True
    other = ok(s9_request())
    assert other.statutory_maximum.indictable_only is False
    assert any("on summary conviction the maximum is 6 months" in n for n in other.notes)


def test_indictable_only_case_cannot_be_sentenced_in_magistrates_court() -> None:
    problems = refused(
        s9_request(harm_factors=["penetration_of_vagina_or_anus"], sentencing_court="magistrates_court")
    )
    assert "allowed: crown_court" in problem(problems, "indictable_only")


def test_magistrates_court_uses_the_summary_maximum() -> None:
    result = ok(
        s9_request(
            sentencing_court="magistrates_court",
            harm_factors=["touching_or_exposure_of_naked_genitalia_or_breasts"],
            sentence_before_plea=custody("6m"),
        )
    )
    assert result.statutory_maximum.maximum is not None
    assert result.statutory_maximum.maximum.text() == "6 months"
    assert result.statutory_maximum.mode == "summary"
    problems = refused(
        s9_request(
            sentencing_court="magistrates_court",
            harm_factors=["touching_or_exposure_of_naked_genitalia_or_breasts"],
            sentence_before_plea=custody("7m"),
        )
    )
    assert "above the maximum of 6 months" in problem(problems, "above_statutory_maximum")


def test_penetration_must_be_known_when_the_maximum_depends_on_it() -> None:
    problems = refused(
        s9_request(
            offence_date="2010-01-10",
            conviction_date="2010-09-01",
            sentencing_date="2010-10-01",
            harm_factors=None,
        )
    )
    assert "penetrative" in problem(problems, "required")
    conflict = refused(s9_request(harm_factors=["penetration_of_vagina_or_anus"], penetrative=False))
    assert problem(conflict, "conflicts_with_harm_factors")


def _library_with_dated_maxima(tmp_path: Path) -> Path:
    """A copy of the data in which s.160's maximum on indictment changed on 1 January 2020 (test data)."""
    folder = tmp_path / "data"
    shutil.copytree(DATA_DIRECTORY, folder)
    path = folder / "offences.toml"
    text = path.read_text(encoding="utf-8")
    old = 'maximum = "5y"\nindictable_only = false\nevidence = "verified"'
    assert old in text
    text = text.replace(
        old,
        'maximum = "5y"\nin_force_from = 2020-01-01\nindictable_only = false\nevidence = "verified"',
    )
    text = text.replace(
        '[[offences.maxima]]\ncondition = "any"\nmode = "summary"\nmaximum = "6m"',
        '[[offences.maxima]]\ncondition = "any"\nmode = "indictment"\nmaximum = "2y"\n'
        "in_force_until = 2019-12-31\n"
        'indictable_only = false\nevidence = "verified"\nsource = "test data"\n\n'
        '[[offences.maxima]]\ncondition = "any"\nmode = "summary"\nmaximum = "6m"',
    )
    path.write_text(text, encoding="utf-8")
    return folder


def test_statutory_maximum_is_chosen_by_offence_date(tmp_path: Path) -> None:
    library = load_library(_library_with_dated_maxima(tmp_path))
    base = images_request(offence="cja1988-s160", offender_age_at_conviction=40)

    def maximum(offence_date: str, conviction_date: str, sentencing_date: str) -> str:
        request = request_from_dict(
            {
                **base,
                "offence_date": offence_date,
                "conviction_date": conviction_date,
                "sentencing_date": sentencing_date,
            }
        )
        assert isinstance(request, SentencingRequest)
        result = calculate(request, library)
        assert result.statutory_maximum.maximum is not None
        return result.statutory_maximum.maximum.text()

    # Same sentencing date, different offence dates: the offence date decides.
    assert maximum("2019-12-31", "2020-06-01", "2020-06-02") == "2 years"
    assert maximum("2020-01-01", "2020-06-01", "2020-06-02") == "5 years"


def test_no_maximum_for_the_offence_date_is_refused(tmp_path: Path) -> None:
    folder = _library_with_dated_maxima(tmp_path)
    path = folder / "offences.toml"
    text = path.read_text(encoding="utf-8").replace(
        "in_force_from = 2020-01-01", "in_force_from = 2020-02-01"
    )
    path.write_text(text, encoding="utf-8")
    library = load_library(folder)
    request = request_from_dict(
        images_request(
            offence="cja1988-s160",
            offence_date="2020-01-15",
            conviction_date="2020-06-01",
            sentencing_date="2020-06-02",
        )
    )
    assert isinstance(request, SentencingRequest)
    with pytest.raises(GuidelineError) as caught:
        calculate(request, library)
    assert "no_maximum_for_offence_date" in caught.value.problems.codes()


def test_sentence_above_the_statutory_maximum_is_refused() -> None:
    problems = refused(
        images_request(
            offence="cja1988-s160",
            harm_factors=["sadism"],
            sentence_before_plea=custody("6y"),
            departure_reason="test",
        )
    )
    assert "up to 5 years" in problem(problems, "above_statutory_maximum")


def test_date_helpers_are_used_for_day_arithmetic() -> None:
    # A guard that the selection boundary is a date comparison, inclusive of the effective date.
    library = load_library()
    assert library.select("soa2003-s9", date(2014, 4, 1), field_name="x").version == "2014"
    assert library.select("soa2003-s9", date(2014, 3, 31), field_name="x").version == "2007"
