"""The guideline data files: they load, carry provenance and statuses, and bad files are refused."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from safeguard.guidelines import GuidelineDataError, list_guidelines, load_library
from safeguard.guidelines.facts import Evidence, Status
from safeguard.guidelines.loader import DATA_DIRECTORY
from safeguard.guidelines.model import Condition


def test_packaged_data_loads_with_every_version() -> None:
    versions = {(g["id"], g["version"]) for g in list_guidelines()}
    assert versions == {
        ("sexual-activity-with-a-child", "2007"),
        ("sexual-activity-with-a-child", "2014"),
        ("indecent-photographs-of-children", "2014"),
        ("child-sex-offences-committed-by-children", "2014"),
    }


def test_list_guidelines_metadata_for_the_ui() -> None:
    listed = {(g["id"], g["version"]): g for g in list_guidelines()}
    s9 = listed[("sexual-activity-with-a-child", "2014")]
    assert s9["effective_from"] == "2014-04-01"
    assert s9["offences"] == ["soa2003-s9", "soa2003-s10"]
    assert s9["status"] == "unverified transcription"
    assert s9["table_available"] is True
    sgc = listed[("sexual-activity-with-a-child", "2007")]
    assert sgc["effective_from"] == "2007-05-14"
    assert sgc["table_available"] is False
    assert sgc["table_status"] == "not available"
    youth = listed[("child-sex-offences-committed-by-children", "2014")]
    assert youth["offences"] == ["soa2003-s13"]
    assert youth["effective_from"] == "2014-04-01"


def test_every_file_has_provenance_with_date_read() -> None:
    for guideline in load_library().guidelines:
        assert guideline.provenance.source
        assert guideline.provenance.date_read == date(2026, 11, 23)
        assert guideline.provenance.transcribed_from == "specs/sentencing.md"


def test_statuses_follow_the_spec() -> None:
    library = load_library()
    by_key = {(g.id, g.version): g for g in library.guidelines}
    s9 = by_key[("sexual-activity-with-a-child", "2014")]
    assert s9.effective_fact.evidence is Evidence.VERIFIED
    assert s9.harm is not None and s9.harm.fact.evidence is Evidence.CANDIDATE
    assert s9.culpability is not None and s9.culpability.fact.evidence is Evidence.CANDIDATE
    assert s9.table.status is Status.UNVERIFIED
    assert s9.offence_range is not None and s9.offence_range.fact.evidence is Evidence.SECONDARY
    assert s9.mitigating[0].fact.evidence is Evidence.SECONDARY
    images = by_key[("indecent-photographs-of-children", "2014")]
    assert images.harm is not None and images.harm.fact.evidence is Evidence.SECONDARY
    assert images.effective_fact.evidence is Evidence.CANDIDATE  # the spec gives no date
    sgc = by_key[("sexual-activity-with-a-child", "2007")]
    assert sgc.status is Status.VERIFIED
    assert [c.label for c in sgc.considerations] == [
        "Culpability is the primary indicator of seriousness",
        "Age and vulnerability of the victim",
        "The age gap between the offender and the victim",
        "Youth and immaturity of the offender",
        "Breach of trust",
    ]
    assert all(c.fact.evidence is Evidence.VERIFIED for c in sgc.considerations)


def test_s9_factors_match_the_spec() -> None:
    s9 = next(
        g for g in load_library().guidelines if g.id == "sexual-activity-with-a-child" and g.version == "2014"
    )
    assert s9.harm is not None and s9.culpability is not None
    assert [c.id for c in s9.harm.categories] == ["1", "2", "3"]
    assert [f.id for f in s9.harm.categories[0].factors] == [
        "penetration_of_vagina_or_anus",
        "penile_penetration_of_mouth",
    ]
    assert all(f.penetrative for f in s9.harm.categories[0].factors)
    assert not any(f.penetrative for c in s9.harm.categories[1:] for f in c.factors)
    assert len(s9.culpability.categories[0].factors) == 13
    assert s9.culpability.residual == "B"
    assert s9.culpability.categories[1].factors == ()


def test_statutory_maxima_match_the_spec() -> None:
    library = load_library()
    day = date(2023, 1, 1)
    for offence in ("soa2003-s9", "soa2003-s10"):
        penetrative = library.maxima_for(offence, day, Condition.PENETRATIVE)
        assert [(m.mode.value, m.maximum.to_json(), m.indictable_only) for m in penetrative] == [
            ("indictment", "14y", True)
        ]
        other = library.maxima_for(offence, day, Condition.NON_PENETRATIVE)
        assert sorted((m.mode.value, m.maximum.to_json()) for m in other) == [
            ("indictment", "14y"),
            ("summary", "6m"),
        ]
    assert [m.maximum.to_json() for m in library.maxima_for("pca1978-s1", day, Condition.ANY)] == ["10y"]
    s160 = sorted((m.mode.value, m.maximum.to_json()) for m in library.maxima_for("cja1988-s160", day, None))
    assert s160 == [("indictment", "5y"), ("summary", "6m")]
    assert library.maxima_for("soa2003-s13", day, None) == []


# --- bad data files are refused with every problem named ----------------------------------------


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIRECTORY, target)
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _codes(folder: Path) -> list[str]:
    with pytest.raises(GuidelineDataError) as caught:
        load_library(folder)
    return caught.value.problems.codes()


def test_copy_of_data_loads(data_copy: Path) -> None:
    assert len(load_library(data_copy).guidelines) == 4


def test_file_marked_verified_with_candidate_values_is_refused(data_copy: Path) -> None:
    _edit(
        data_copy / "sexual-activity-with-a-child-2014.toml",
        'status = "unverified transcription"\ntranscribed_from',
        'status = "verified"\ntranscribed_from',
    )
    assert "status_mismatch" in _codes(data_copy)


def test_table_marked_verified_with_candidate_cells_is_refused(data_copy: Path) -> None:
    _edit(
        data_copy / "sexual-activity-with-a-child-2014.toml",
        'evidence = "candidate"\nstatus = "unverified transcription"',
        'evidence = "candidate"\nstatus = "verified"',
    )
    assert "status_mismatch" in _codes(data_copy)


def test_starting_point_outside_range_is_refused(data_copy: Path) -> None:
    _edit(
        data_copy / "sexual-activity-with-a-child-2014.toml",
        'starting_point = "5y"',
        'starting_point = "11y"',
    )
    assert "outside_range" in _codes(data_copy)


def test_missing_cell_is_refused(data_copy: Path) -> None:
    path = data_copy / "indecent-photographs-of-children-2014.toml"
    text = path.read_text(encoding="utf-8")
    cut = text.rindex("[[table.cells]]")
    path.write_text(text[:cut], encoding="utf-8")
    assert "missing_cell" in _codes(data_copy)


def test_unknown_offence_and_unknown_key_are_refused(data_copy: Path) -> None:
    path = data_copy / "sexual-activity-with-a-child-2014.toml"
    _edit(path, 'offences = ["soa2003-s9", "soa2003-s10"]', 'offences = ["soa2003-s99"]\ncolour = "red"')
    codes = _codes(data_copy)
    assert "unknown_offence" in codes
    assert "unknown_field" in codes


def test_range_above_statutory_maximum_is_refused(data_copy: Path) -> None:
    _edit(
        data_copy / "sexual-activity-with-a-child-2014.toml", 'range = ["4y", "10y"]', 'range = ["4y", "15y"]'
    )
    codes = _codes(data_copy)
    assert "above_maximum" in codes or "outside_offence_range" in codes


def test_wrong_file_name_is_refused(data_copy: Path) -> None:
    (data_copy / "sexual-activity-with-a-child-2014.toml").rename(data_copy / "s9.toml")
    assert "file_name" in _codes(data_copy)


def test_unavailable_table_needs_a_reason(data_copy: Path) -> None:
    _edit(
        data_copy / "sexual-activity-with-a-child-2007.toml",
        'note = "The starting-point table of the 2007 Sentencing Guidelines Council guideline was not found '
        'in any source available to the project."',
        "",
    )
    assert "required" in _codes(data_copy)


def test_fact_without_source_is_refused(data_copy: Path) -> None:
    _edit(
        data_copy / "offences.toml",
        'source = "legislation.gov.uk, Sexual Offences Act 2003 s.9"\n',
        'source = ""\n',
    )
    assert "empty" in _codes(data_copy)


def test_problem_fields_name_the_file_and_path(data_copy: Path) -> None:
    _edit(
        data_copy / "indecent-photographs-of-children-2014.toml",
        'starting_point = "6y"',
        'starting_point = "6 parsecs"',
    )
    with pytest.raises(GuidelineDataError) as caught:
        load_library(data_copy)
    fields = caught.value.problems.fields()
    assert any(f.startswith("indecent-photographs-of-children-2014.toml#table.cells[") for f in fields)


def test_overlapping_maxima_are_refused(data_copy: Path) -> None:
    _edit(
        data_copy / "offences.toml",
        "[offences.notification_threshold]\n",
        '[[offences.maxima]]\ncondition = "any"\nmode = "indictment"\nmaximum = "2y"\n'
        'indictable_only = false\nevidence = "verified"\nsource = "test"\n'
        "[offences.notification_threshold]\n",
    )
    assert "overlap" in _codes(data_copy)
