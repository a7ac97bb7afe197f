"""JSON Schemas (draft 2020-12) of the sentencing and notification requests, from the parsers' field lists."""

from __future__ import annotations

from safeguard.calendar.durations import DURATION_HELP
from safeguard.guidelines.case import (
    CASE_FIELDS,
    CASE_LEVEL_PARTS,
    MAX_OFFENCES,
    OFFENCE_FIELDS,
    TOTALITY_FIELDS,
    Relation,
)
from safeguard.guidelines.loader import default_library
from safeguard.guidelines.model import GuidelineLibrary
from safeguard.guidelines.notification import DISPOSAL_CHOICES
from safeguard.guidelines.request import (
    COMMUNITY_ORDER_FIELDS,
    FRACTION_HELP,
    PLEA_FIELDS,
    REQUEST_FIELDS,
    REQUIRED_FIELDS,
    REQUIREMENT_FIELDS,
    SENTENCE_FIELDS,
    SHPO_FIELDS,
    SUSPENSION_FIELDS,
    THRESHOLD_FIELDS,
    Court,
)
from safeguard.guidelines.rules import (
    COMMUNITY_REQUIREMENTS,
    SUSPENSION_FACTORS_AGAINST,
    SUSPENSION_FACTORS_FOR,
    PleaStage,
)
from safeguard.guidelines.sentences import CommunityLevel, SentenceKind

_DATE = {"type": "string", "format": "date", "description": "ISO date, YYYY-MM-DD"}
_DURATION = {"type": "string", "description": DURATION_HELP}
_AGE = {"type": "integer", "minimum": 0, "maximum": 120}
_TEXT_LIST = {"type": "array", "items": {"type": "string"}, "uniqueItems": True, "maxItems": 100}


def _object(properties: dict[str, object], required: tuple[str, ...] = ()) -> dict[str, object]:
    schema: dict[str, object] = {"type": "object", "additionalProperties": False, "properties": properties}
    if required:
        schema["required"] = list(required)
    return schema


def _checked(properties: dict[str, object], fields: tuple[str, ...]) -> dict[str, object]:
    # The schema and the parser must name the same fields; fail loudly at import time otherwise.
    if tuple(properties) != fields:
        raise RuntimeError(f"schema fields {tuple(properties)} differ from parser fields {fields}")
    return properties


def request_json_schema(library: GuidelineLibrary | None = None) -> dict[str, object]:
    """JSON Schema of the body of POST /api/v1/sentencing/calculate and of `safeguard sentence`."""
    lib = library or default_library()
    sentence = _object(
        _checked(
            {
                "kind": {"enum": [k.value for k in SentenceKind]},
                "length": _DURATION,
                "level": {"enum": [lv.value for lv in CommunityLevel]},
            },
            SENTENCE_FIELDS,
        ),
        ("kind",),
    )
    plea = _object(
        _checked(
            {
                "stage": {"enum": [s.value for s in PleaStage]},
                "first_hearing_date": _DATE,
                "reduction": {
                    "description": f"{FRACTION_HELP}; default: the maximum for the stage",
                    "oneOf": [
                        {"type": "string", "pattern": r"^\s*\d{1,4}\s*/\s*\d{1,4}\s*$"},
                        {"type": "number", "minimum": 0, "maximum": 1},
                    ],
                },
            },
            PLEA_FIELDS,
        ),
        ("stage",),
    )
    threshold = _object(
        _checked(
            {"threshold_passed": {"type": "boolean"}, "custody_unavoidable": {"type": "boolean"}},
            THRESHOLD_FIELDS,
        )
    )
    requirement = _object(
        _checked(
            {
                "type": {"enum": list(COMMUNITY_REQUIREMENTS)},
                "hours": {"type": "integer", "description": "unpaid_work only: 40 to 300"},
                "details": {"type": "string"},
            },
            REQUIREMENT_FIELDS,
        ),
        ("type",),
    )
    suspension = _object(
        _checked(
            {
                "suspend": {"type": "boolean"},
                "operational_period": _DURATION,
                "supervision_period": _DURATION,
                "factors_for": {
                    "type": "array",
                    "items": {"enum": list(SUSPENSION_FACTORS_FOR)},
                    "uniqueItems": True,
                },
                "factors_against": {
                    "type": "array",
                    "items": {"enum": list(SUSPENSION_FACTORS_AGAINST)},
                    "uniqueItems": True,
                },
                "requirements": {
                    "type": "array",
                    "items": requirement,
                    "description": "requirements of the suspended sentence order, only when suspend is "
                    "true, each type once: the community-order (Sentencing Code s.201) list applied to "
                    "suspended sentence orders, which Safeguard's sources do not state (results using it "
                    "are unverified)",
                },
            },
            SUSPENSION_FIELDS,
        ),
        ("suspend",),
    )
    community = _object(
        _checked(
            {"length": _DURATION, "requirements": {"type": "array", "items": requirement}},
            COMMUNITY_ORDER_FIELDS,
        )
    )
    shpo = _object(
        _checked(
            {
                "length": _DURATION,
                "until_further_order": {"type": "boolean"},
                "foreign_travel_prohibition": {"type": "boolean"},
            },
            SHPO_FIELDS,
        )
    )
    factor_help = "factor ids of the guideline version that applies (see list_guidelines and the data files)"
    properties = _checked(
        {
            "offence": {"enum": sorted(lib.offences)},
            "offence_date": _DATE,
            "sentencing_date": _DATE,
            "conviction_date": _DATE,
            "offender_date_of_birth": _DATE,
            "offender_age_at_offence": _AGE,
            "offender_age_at_conviction": _AGE,
            "sentencing_court": {"enum": [c.value for c in Court]},
            "penetrative": {"type": "boolean"},
            "victim_age": _AGE,
            "youngest_age_shown": {
                "type": "integer",
                "minimum": 0,
                "maximum": 17,
                "description": "indecent-image offences: the age in years of the youngest child shown in "
                "the images. Notification applies only if the images showed a child under 16 (Sexual "
                "Offences Act 2003 Schedule 3 paras 13 and 15); when it matters and is not given, the "
                "result's notification says so in `needs`",
            },
            "harm_factors": {**_TEXT_LIST, "description": factor_help},
            "culpability_factors": {**_TEXT_LIST, "description": factor_help},
            "aggravating_factors": {**_TEXT_LIST, "description": factor_help},
            "mitigating_factors": {**_TEXT_LIST, "description": factor_help},
            "other_factors": {**_TEXT_LIST, "description": "free-text factors, recorded in the notes"},
            "sentence_before_plea": sentence,
            "departure_reason": {"type": "string"},
            "plea": plea,
            "custody_threshold": threshold,
            "suspension": suspension,
            "community_order": community,
            "shpo": shpo,
            "first_notification_date": _DATE,
        },
        REQUEST_FIELDS,
    )
    schema = _object(properties, REQUIRED_FIELDS)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Sentencing calculation request",
        **schema,
    }


def case_request_json_schema(library: GuidelineLibrary | None = None) -> dict[str, object]:
    """JSON Schema of a case of one or more offences (the first is the lead offence)."""
    single = request_json_schema(library)
    request = {key: value for key, value in single.items() if key not in ("$schema", "title")}
    offence = _object(
        _checked(
            {
                "label": {"type": "string", "maxLength": 60, "description": "e.g. 'Count 2'"},
                "relation": {
                    "enum": [r.value for r in Relation],
                    "description": "first offence: lead (the default); others: concurrent (the default), "
                    "consecutive or no_separate_penalty",
                },
                "request": {
                    **request,
                    "description": "one offence's request; "
                    + ", ".join(CASE_LEVEL_PARTS)
                    + " are given on the lead offence only and apply to the whole case",
                },
            },
            OFFENCE_FIELDS,
        ),
        ("request",),
    )
    totality = _object(
        _checked(
            {
                "total": {
                    **_DURATION,
                    "description": "the total custodial term the court settles on after "
                    "reviewing the arithmetic total; not longer than it",
                },
                "reason": {"type": "string", "minLength": 1},
            },
            TOTALITY_FIELDS,
        ),
        TOTALITY_FIELDS,
    )
    properties = _checked(
        {"offences": {"type": "array", "items": offence, "minItems": 1, "maxItems": MAX_OFFENCES},
         "totality": totality},
        CASE_FIELDS,
    )  # fmt: skip
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Sentencing case of one or more offences",
        **_object(properties, ("offences",)),
    }


def calculation_json_schema(library: GuidelineLibrary | None = None) -> dict[str, object]:
    """Either one offence's request or a case: the body of POST /api/v1/sentencing/calculate."""
    single = request_json_schema(library)
    case = case_request_json_schema(library)
    strip = ("$schema",)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Sentencing calculation: one offence, or a case of one or more offences",
        "oneOf": [
            {k: v for k, v in single.items() if k not in strip},
            {k: v for k, v in case.items() if k not in strip},
        ],
    }


def notification_request_json_schema() -> dict[str, object]:
    """JSON Schema of one line of `safeguard notification` input."""
    properties: dict[str, object] = {
        "disposal": {"enum": DISPOSAL_CHOICES},
        "relevant_date": _DATE,
        "age_at_relevant_date": _AGE,
        "custody_months": {
            "type": "integer",
            "minimum": 1,
            "description": "required for imprisonment (or custody_length)",
        },
        "custody_length": _DURATION,
        "conditional_discharge_months": {"type": "integer", "minimum": 1},
        "conditional_discharge_length": _DURATION,
        "suspended": {"type": "boolean"},
        "first_notification_date": _DATE,
        "offence": {
            "enum": sorted(default_library().offences),
            "description": "optional: the offence, so that its Schedule 3 threshold is checked first "
            "(output `schedule_3`)",
        },
        "youngest_age_shown": {
            "type": "integer",
            "minimum": 0,
            "maximum": 17,
            "description": "with offence, for indecent-image offences: the age of the youngest child "
            "shown in the images (notification applies only if a child under 16 was shown)",
        },
        "age_at_offence": {
            **_AGE,
            "description": "with offence: age in whole years at the offence (the threshold asks "
            "whether the offender was 18 or over)",
        },
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Notification period request",
        **_object(properties, ("disposal", "relevant_date", "age_at_relevant_date")),
    }
