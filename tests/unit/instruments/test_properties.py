"""Properties that must hold for every input: ranges, band partitions, monotonicity, explanations."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from safeguard.instruments import registry
from safeguard.instruments.osp_dc import BAND_ORDER, band_for_points
from safeguard.instruments.pni import ALL_ITEMS
from safeguard.instruments.rm2000_s import CATEGORIES, step1_category
from safeguard.instruments.rsr import band_for_percent
from safeguard.instruments.stable_2007 import ITEM_NAMES
from safeguard.instruments.static_99r import level_for_points

from .conftest import AS_OF

SETTINGS = settings(max_examples=200, deadline=None)
STATIC_BANDS = ("very_low", "below_average", "average", "above_average", "well_above_average")


def iso(day: date) -> str:
    return day.isoformat()


@st.composite
def osp_rows(draw: st.DrawFn) -> dict[str, Any]:
    dob = draw(st.dates(date(1920, 1, 1), date(2008, 1, 1)))
    counts = draw(st.lists(st.integers(0, 6), min_size=4, max_size=4).filter(lambda c: sum(c) > 0))
    last_sexual = draw(st.dates(dob + timedelta(days=10 * 366), max(dob + timedelta(days=10 * 366), AS_OF)))
    followup = draw(st.dates(last_sexual, date(2030, 1, 1)))
    assume((followup - dob).days < 109 * 365)
    return {
        "sex": "male",
        "has_ever_committed_sexual_offence": True,
        "date_of_birth": iso(dob),
        "contact_adult_sexual_sanctions": counts[0],
        "contact_child_sexual_sanctions": counts[1],
        "non_contact_sexual_offences": counts[2],
        "indecent_image_sanctions": counts[3],
        "total_sanctions": sum(counts) + draw(st.integers(0, 40)),
        "date_of_most_recent_sexual_offence": iso(last_sexual),
        "current_offence_against_stranger": draw(st.none() | st.booleans()),
        "supervision_status": draw(st.sampled_from(["custody", "community", "remand"])),
        "date_at_start_of_followup": iso(followup),
        "assessment_date": iso(AS_OF),
    }


@st.composite
def static_rows(draw: st.DrawFn) -> dict[str, Any]:
    dob = draw(st.dates(date(1920, 1, 1), date(2000, 1, 1)))
    charges = draw(st.integers(0, 12))
    return {
        "date_of_birth": iso(dob),
        "release_date": iso(draw(st.dates(dob + timedelta(days=18 * 366), date(2035, 1, 1)))),
        **{
            name: draw(st.booleans())
            for name in (
                "ever_lived_with_intimate_partner_2_years",
                "index_non_sexual_violence",
                "prior_non_sexual_violence",
                "unrelated_victims",
                "stranger_victims",
                "male_victims",
            )
        },
        "prior_sex_offence_charges": charges,
        "prior_sex_offence_convictions": draw(st.integers(0, charges)),
        "prior_sentencing_dates": draw(st.integers(0, 10)),
        "non_contact_sex_offence_convictions": draw(st.integers(0, 3)),
    }


@st.composite
def rm2000_rows(draw: st.DrawFn) -> dict[str, Any]:
    sexual = draw(st.integers(1, 8))
    return {
        "date_of_birth": iso(draw(st.dates(date(1930, 1, 1), date(2008, 1, 1)))),
        "assessment_date": iso(AS_OF),
        "sexual_appearances": sexual,
        "criminal_appearances": sexual + draw(st.integers(0, 8)),
        **{
            name: draw(st.booleans())
            for name in ("male_victim", "stranger_victim", "never_married", "non_contact_sexual_offence")
        },
    }


ratings = st.integers(0, 2)
ROWS: dict[str, Any] = {
    "osp-dc": osp_rows(),
    "static-99r": static_rows(),
    "rm2000-s": rm2000_rows(),
    "stable-2007": st.fixed_dictionaries(dict.fromkeys(ITEM_NAMES, ratings)),
    "cport": st.fixed_dictionaries(
        {
            "age_at_investigation": st.integers(18, 80),
            **{
                name: st.booleans()
                for name in (
                    "prior_criminal_history",
                    "any_contact_sexual_offending",
                    "failure_on_conditional_release",
                    "sexual_interest_in_children",
                    "more_boy_than_girl_abuse_material",
                    "more_boy_than_girl_other_depictions",
                )
            },
        }
    ),
    "pni": st.fixed_dictionaries(
        {
            **{name: st.none() | ratings for name in ALL_ITEMS},
            "has_ever_committed_sexual_offence": st.booleans(),
            "is_risk_of_sexual_harm": st.booleans(),
            "supervision_status": st.sampled_from([None, "custody", "community", "remand"]),
            "general_reoffending_percent": st.none() | st.floats(0, 100),
            "violent_reoffending_percent": st.none() | st.floats(0, 100),
            "osp_dc_band": st.sampled_from([None, "low", "medium", "high", "very_high", "not_applicable"]),
            "sara_risk_to_others": st.sampled_from([None, "low", "medium", "high"]),
        }
    ),
}
RANGES = {
    "osp-dc": (0, 64),
    "static-99r": (-3, 12),
    "rm2000-s": (0, 6),
    "stable-2007": (0, 26),
    "cport": (0, 7),
}


@pytest.mark.parametrize("instrument_id", list(ROWS))
@SETTINGS
@given(data=st.data())
def test_valid_rows_score_within_range_and_explain_their_total(
    instrument_id: str, data: st.DataObject
) -> None:
    row = data.draw(ROWS[instrument_id])
    result = registry.score(instrument_id, row, today=AS_OF)
    assert result.errors == ()
    meta = registry.metadata(instrument_id)
    if meta.points_range is not None and result.band != "not_applicable":
        low, high = RANGES[instrument_id]
        assert meta.points_range == (low, high)
        assert result.points is not None
        assert low <= result.points <= high
        assert sum(item.points for item in result.items if item.points is not None) == result.points
    if result.probability is not None:
        assert 0 <= result.probability <= 1
    assert result.band is None or result.band in meta.bands
    assert json.loads(result.to_json(line=7)) == {"line": 7, **result.to_dict()}


def _partition(values: range, band_of: Any, order: tuple[str, ...]) -> None:
    """Every value gets exactly one band, and bands follow their order without going back."""
    seen = [order.index(band_of(value)) for value in values]
    assert seen == sorted(seen)
    assert set(seen) == set(range(len(order)))


def test_bands_partition_the_point_ranges() -> None:
    _partition(range(65), band_for_points, BAND_ORDER)
    _partition(range(-3, 13), lambda p: level_for_points(p)[0], STATIC_BANDS)
    _partition(range(7), step1_category, CATEGORIES)
    with pytest.raises(ValueError):
        band_for_points(-1)
    with pytest.raises(ValueError):
        level_for_points(-4)


@settings(max_examples=300, deadline=None)
@given(a=st.floats(0, 99.99), b=st.floats(0, 99.99), generation=st.sampled_from([1, 2]))
def test_rsr_bands_are_ordered(a: float, b: float, generation: int) -> None:
    order = ("low", "medium", "high") if generation == 1 else ("low", "medium", "high", "very_high")
    low, high = sorted((a, b))
    assert order.index(band_for_percent(low, generation)) <= order.index(band_for_percent(high, generation))


@SETTINGS
@given(
    row=osp_rows(),
    which=st.sampled_from(
        ["contact_adult_sexual_sanctions", "contact_child_sexual_sanctions", "non_contact_sexual_offences"]
    ),
)
def test_prior_sexual_conviction_never_lowers_osp_dc(row: dict[str, Any], which: str) -> None:
    before = registry.score("osp-dc", row, today=AS_OF)
    after = registry.score(
        "osp-dc", {**row, which: row[which] + 1, "total_sanctions": row["total_sanctions"] + 1}, today=AS_OF
    )
    assert after.points >= before.points
    assert after.probability >= before.probability


@SETTINGS
@given(row=static_rows())
def test_prior_sexual_conviction_never_lowers_static_99r(row: dict[str, Any]) -> None:
    before = registry.score("static-99r", row, today=AS_OF)
    after = registry.score(
        "static-99r",
        {
            **row,
            "prior_sex_offence_convictions": row["prior_sex_offence_convictions"] + 1,
            "prior_sex_offence_charges": row["prior_sex_offence_charges"] + 1,
        },
        today=AS_OF,
    )
    assert after.points >= before.points
    assert STATIC_BANDS.index(after.band) >= STATIC_BANDS.index(before.band)


@SETTINGS
@given(row=rm2000_rows())
def test_prior_sexual_conviction_never_lowers_rm2000_s(row: dict[str, Any]) -> None:
    before = registry.score("rm2000-s", row, today=AS_OF)
    after = registry.score(
        "rm2000-s",
        {
            **row,
            "sexual_appearances": row["sexual_appearances"] + 1,
            "criminal_appearances": row["criminal_appearances"] + 1,
        },
        today=AS_OF,
    )
    assert after.points >= before.points
    if before.band != "not_applicable":
        assert CATEGORIES.index(after.band) >= CATEGORIES.index(before.band)


VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 1200),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(
        ["male", "female", "custody", "2020-02-29", "2021-02-29", "20200101", "2020-W01-1", "", "x"]
    ),
    st.dates().map(date.isoformat),
    st.lists(st.integers(), max_size=2),
)


@pytest.mark.parametrize("instrument_id", registry.instrument_ids())
@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_compiled_reader_matches_the_reference(instrument_id: str, data: st.DataObject) -> None:
    fieldset = registry.get(instrument_id).fieldset
    names = sorted(fieldset.names)
    row = data.draw(st.dictionaries(st.sampled_from(names), VALUES, max_size=len(names)))
    fast_errors: list[Any] = []
    slow_errors: list[Any] = []
    fast = fieldset.read(row, fast_errors)
    slow = fieldset.read_reference(row, slow_errors)
    assert fast == slow
    assert [type(v) for v in fast.values()] == [type(v) for v in slow.values()]
    assert fast_errors == slow_errors
    assert fieldset.read_tuple(row, []) == tuple(slow.values())
