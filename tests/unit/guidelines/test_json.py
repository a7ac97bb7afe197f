"""JSON in and out: round trips, the JSON Schema, and fuzzing of the request parser and engine."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safeguard.calendar.durations import Duration, compare
from safeguard.guidelines import (
    Problems,
    SentencingRequest,
    SentencingResult,
    calculate_from_dict,
    default_library,
    notification_request_json_schema,
    request_from_dict,
    request_json_schema,
)
from safeguard.guidelines.notification import notification_request_from_dict
from safeguard.guidelines.request import REQUEST_FIELDS
from safeguard.guidelines.rules import (
    COMMUNITY_REQUIREMENTS,
    SUSPENSION_FACTORS_AGAINST,
    SUSPENSION_FACTORS_FOR,
)

from .helpers import custody, images_request, ok, s9_request

FULL_REQUEST: dict[str, Any] = s9_request(
    harm_factors=["touching_or_exposure_of_naked_genitalia_or_breasts"],
    culpability_factors=["grooming_behaviour", "significant_planning"],
    sentencing_court="crown_court",
    mitigating_factors=["activity_did_not_take_place"],
    other_factors=["good character"],
    sentence_before_plea=custody("3y"),
    plea={"stage": "after_first_stage", "first_hearing_date": "2023-06-01", "reduction": "1/5"},
    custody_threshold={"threshold_passed": True, "custody_unavoidable": True},
    suspension={"suspend": False, "factors_against": ["risk_or_danger_to_the_public"]},
    shpo={"until_further_order": True, "foreign_travel_prohibition": True},
    first_notification_date="2023-09-02",
)


def test_request_round_trip() -> None:
    parsed = request_from_dict(FULL_REQUEST)
    assert isinstance(parsed, SentencingRequest)
    again = request_from_dict(json.loads(json.dumps(parsed.to_dict())))
    assert again == parsed


def test_result_is_plain_json_with_iso_dates() -> None:
    result = ok(FULL_REQUEST)
    data = result.to_dict()
    text = json.dumps(data, allow_nan=False)
    assert json.loads(text) == data
    assert data["notification"]["relevant_date"] == "2023-09-01"  # type: ignore[index]
    assert data["plea"]["reduction"] == "1/5"  # type: ignore[index]
    assert data["status"] == "unverified transcription"
    assert data["banner"] and "unverified" in str(data["banner"])
    assert data["statutory_maximum"]["maximum"] == "14y"  # type: ignore[index]


def test_every_figure_has_a_reason() -> None:
    data = ok(FULL_REQUEST).to_dict()
    for section in (
        "statutory_maximum",
        "harm",
        "culpability",
        "table",
        "adjustment",
        "plea",
        "sentence",
        "custody_threshold",
        "suspension",
        "community_order",
        "notification",
    ):
        assert data[section]["reason"], section  # type: ignore[index]
    for section in (
        "statutory_maximum",
        "harm",
        "culpability",
        "table",
        "plea",
        "custody_threshold",
        "suspension",
    ):
        assert data[section]["source"], section  # type: ignore[index]


def test_unverified_facts_are_listed_as_warnings() -> None:
    result = ok(FULL_REQUEST)
    assert result.verified is False
    joined = "\n".join(result.warnings)
    for fact in (
        "Harm categories",
        "Culpability categories",
        "Starting point and range",
        "Offence range",
        "Guilty-plea reduction",
        "Which terms can be suspended",
        "Sexual Harm Prevention Order",
    ):
        assert fact in joined, fact
    assert len(result.warnings) == len(set(result.warnings))


def test_schema_lists_exactly_the_parsers_fields() -> None:
    schema = request_json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert tuple(schema["properties"]) == REQUEST_FIELDS  # type: ignore[arg-type]
    assert schema["required"] == ["offence", "offence_date", "sentencing_date"]
    assert schema["additionalProperties"] is False
    properties: dict[str, Any] = schema["properties"]  # type: ignore[assignment]
    assert properties["offence"]["enum"] == sorted(default_library().offences)
    assert set(properties["suspension"]["properties"]["factors_for"]["items"]["enum"]) == set(
        SUSPENSION_FACTORS_FOR
    )
    requirement_types = properties["community_order"]["properties"]["requirements"]["items"]["properties"][
        "type"
    ]
    assert set(requirement_types["enum"]) == set(COMMUNITY_REQUIREMENTS)
    json.dumps(schema)


def test_notification_schema_matches_its_parser() -> None:
    schema = notification_request_json_schema()
    properties: dict[str, Any] = schema["properties"]  # type: ignore[assignment]
    example = {
        "disposal": "imprisonment",
        "relevant_date": "2025-03-01",
        "age_at_relevant_date": 30,
        "custody_months": 3,
        "suspended": True,
        "first_notification_date": "2025-03-02",
    }
    assert set(example) <= set(properties)
    assert not isinstance(notification_request_from_dict(example), Problems)
    for key in properties:
        refused = notification_request_from_dict({**example, key: None, "unexpected": 1})
        assert isinstance(refused, Problems)
        assert "unknown_field" in refused.codes()


# --- fuzzing ------------------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=10,
)


@given(json_values)
def test_parser_never_raises_on_any_json(data: object) -> None:
    result = request_from_dict(data)
    assert isinstance(result, SentencingRequest | Problems)
    if isinstance(result, Problems):
        assert len(result) > 0


@settings(deadline=None)
@given(st.dictionaries(st.sampled_from(REQUEST_FIELDS), json_values))
def test_engine_never_raises_on_known_fields_with_any_values(data: dict[str, object]) -> None:
    result = calculate_from_dict(data)
    assert isinstance(result, SentencingResult | Problems)


_library = default_library()
_FACTORS = sorted(
    {
        f.id
        for g in _library.guidelines
        for axis in (g.harm, g.culpability)
        if axis
        for c in axis.categories
        for f in c.factors
    }
    | {"unknown"}
)
_LENGTHS = [
    "1d",
    "14d",
    "13w",
    "26w",
    "6m",
    "9m",
    "12m",
    "18m",
    "2y",
    "25m",
    "3y",
    "4y",
    "10y",
    "15y",
    "1w3d",
]
_DATES = st.dates(min_value=date(2005, 1, 1), max_value=date(2030, 12, 31)).map(date.isoformat)


@st.composite
def plausible_requests(draw: st.DrawFn) -> dict[str, object]:
    kind = draw(st.sampled_from(["custody", "community_order", "fine", "conditional_discharge", None]))
    sentence: dict[str, object] | None = None
    if kind is not None:
        sentence = {"kind": kind}
        if kind in ("custody", "conditional_discharge") or draw(st.booleans()):
            sentence["length"] = draw(st.sampled_from(_LENGTHS))
        if kind == "community_order" and draw(st.booleans()):
            sentence["level"] = draw(st.sampled_from(["low", "medium", "high"]))
    data: dict[str, object] = {
        "offence": draw(st.sampled_from([*sorted(_library.offences), "other"])),
        "offence_date": draw(_DATES),
        "sentencing_date": draw(_DATES),
        "conviction_date": draw(st.none() | _DATES),
        "offender_age_at_offence": draw(st.integers(10, 80)),
        "offender_age_at_conviction": draw(st.integers(10, 90)),
        "sentencing_court": draw(st.none() | st.sampled_from(["magistrates_court", "crown_court"])),
        "penetrative": draw(st.none() | st.booleans()),
        "victim_age": draw(st.none() | st.integers(0, 20)),
        "harm_factors": draw(st.lists(st.sampled_from(_FACTORS), max_size=3, unique=True)),
        "culpability_factors": draw(st.lists(st.sampled_from(_FACTORS), max_size=2, unique=True)),
        "sentence_before_plea": sentence,
        "departure_reason": draw(st.none() | st.just("reasons")),
        "plea": draw(
            st.none()
            | st.fixed_dictionaries(
                {
                    "stage": st.sampled_from(
                        ["first_stage", "after_first_stage", "first_day_of_trial", "during_trial"]
                    )
                },
                optional={
                    "first_hearing_date": _DATES,
                    "reduction": st.sampled_from(["1/3", "1/4", "0.1", 0, "1/2"]),
                },
            )
        ),
        "suspension": draw(
            st.none()
            | st.fixed_dictionaries(
                {"suspend": st.booleans()},
                optional={
                    "operational_period": st.sampled_from(_LENGTHS),
                    "supervision_period": st.sampled_from(_LENGTHS),
                    "factors_for": st.lists(
                        st.sampled_from(sorted(SUSPENSION_FACTORS_FOR)), max_size=2, unique=True
                    ),
                    "factors_against": st.lists(
                        st.sampled_from(sorted(SUSPENSION_FACTORS_AGAINST)), max_size=2, unique=True
                    ),
                },
            )
        ),
        "community_order": draw(
            st.none()
            | st.fixed_dictionaries(
                {},
                optional={
                    "length": st.sampled_from(_LENGTHS),
                    "requirements": st.lists(
                        st.fixed_dictionaries(
                            {"type": st.sampled_from([*COMMUNITY_REQUIREMENTS, "other"])},
                            optional={"hours": st.integers(0, 400)},
                        ),
                        max_size=3,
                    ),
                },
            )
        ),
        "shpo": draw(
            st.none()
            | st.fixed_dictionaries(
                {}, optional={"length": st.sampled_from(_LENGTHS), "until_further_order": st.booleans()}
            )
        ),
        "custody_threshold": draw(
            st.none()
            | st.fixed_dictionaries(
                {}, optional={"threshold_passed": st.booleans(), "custody_unavoidable": st.booleans()}
            )
        ),
    }
    return {k: v for k, v in data.items() if v is not None}


_GUIDELINES_2014 = {g.id: g for g in _library.guidelines if g.version == "2014" and g.table.available}
_OFFENCES_2014 = {o: g for g in _GUIDELINES_2014.values() for o in g.offences}


@st.composite
def coherent_requests(draw: st.DrawFn) -> dict[str, object]:
    """Requests that are mostly valid, so the invariants below are exercised on real results."""
    offence = draw(st.sampled_from(sorted(_OFFENCES_2014)))
    guideline = _OFFENCES_2014[offence]
    assert guideline.harm is not None and guideline.culpability is not None
    born = draw(st.dates(min_value=date(1940, 1, 1), max_value=date(1990, 12, 31)))
    offence_date = draw(st.dates(min_value=date(2014, 4, 1), max_value=date(2024, 12, 31)))
    conviction = date.fromordinal(offence_date.toordinal() + draw(st.integers(0, 700)))
    sentencing = date.fromordinal(conviction.toordinal() + draw(st.integers(0, 120)))
    harm = [f.id for c in guideline.harm.categories for f in c.factors]
    columns = [c for c in guideline.culpability.categories if c.factors]
    rule = guideline.rule_for(offence)
    if rule is not None:
        columns = [c for c in columns if c.id in rule.culpability_categories]
    column = draw(st.sampled_from(columns))
    culpability = [f.id for f in column.factors]
    sentence: dict[str, object] | None = draw(
        st.none()
        | st.builds(lambda length: {"kind": "custody", "length": length}, st.sampled_from(_LENGTHS[:-1]))
        | st.builds(
            lambda level: {"kind": "community_order", "level": level},
            st.sampled_from(["low", "medium", "high"]),
        )
    )
    data: dict[str, object] = {
        "offence": offence,
        "offence_date": offence_date.isoformat(),
        "conviction_date": conviction.isoformat(),
        "sentencing_date": sentencing.isoformat(),
        "offender_date_of_birth": born.isoformat(),
        "victim_age": draw(st.none() | st.integers(5, 15)),
        "harm_factors": draw(st.lists(st.sampled_from(harm), min_size=1, max_size=2, unique=True)),
        "culpability_factors": draw(
            st.lists(
                st.sampled_from(culpability),
                min_size=guideline.culpability.residual is None,
                max_size=2,
                unique=True,
            )
        ),
        "sentence_before_plea": sentence,
        "departure_reason": draw(st.none() | st.just("reasons given in court")),
        "plea": draw(
            st.none()
            | st.builds(
                lambda stage: {"stage": stage, "first_hearing_date": conviction.isoformat()},
                st.sampled_from(["first_stage", "after_first_stage", "first_day_of_trial", "during_trial"]),
            )
        ),
        "suspension": draw(
            st.none()
            | st.fixed_dictionaries(
                {"suspend": st.just(True), "operational_period": st.sampled_from(["6m", "1y", "2y"])},
                optional={"supervision_period": st.just("6m")},
            )
        ),
        "shpo": draw(st.none() | st.just({"length": "5y"}) | st.just({"until_further_order": True})),
    }
    return {k: v for k, v in data.items() if v is not None}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(plausible_requests(), coherent_requests()))
def test_engine_invariants_on_plausible_requests(data: dict[str, object]) -> None:
    result = calculate_from_dict(data)
    if isinstance(result, Problems):
        assert len(result) > 0
        for item in result:
            assert item.field and item.code and item.message
        return
    json.dumps(result.to_dict(), allow_nan=False)
    final = result.sentence.sentence
    if result.sentence.suspended:
        assert final is not None and final.length is not None
        assert compare(final.length, Duration.years(2)) <= 0
        assert compare(final.length, Duration.days(14)) >= 0
    if result.community_order.length is not None:
        assert compare(result.community_order.length, Duration.years(3)) <= 0
    maximum = result.statutory_maximum.maximum
    if final is not None and final.is_custody and maximum is not None and final.length is not None:
        assert compare(final.length, maximum) <= 0
    if result.adjustment.within_category_range is False:
        assert result.adjustment.departure_reason
    for order in result.ancillary_orders:
        if order.length is not None:
            assert compare(order.length, Duration.years(5)) >= 0
    assert result.warnings  # every encoded sentencing path uses at least one unverified fact


def test_images_request_helper_is_valid() -> None:
    assert isinstance(calculate_from_dict(images_request()), SentencingResult)
