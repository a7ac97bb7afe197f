"""Inputs and validation shared by the OSP sexual reoffending predictors (OSP/DC and OSP/IIC)."""

from __future__ import annotations

from datetime import date
from typing import Any, NamedTuple

from safeguard.instruments.fields import MISSING, Field, after_assessment_date, long_date
from safeguard.instruments.result import FieldError

HMPPS_SOURCE = (
    "UK Ministry of Justice, HMPPS ARNS risk actuarial service "
    "(ministryofjustice/hmpps-arns-risk-actuarial-api, MIT licence)"
)

SEXUAL_COUNTS = (
    "contact_adult_sexual_sanctions",
    "contact_child_sexual_sanctions",
    "non_contact_sexual_offences",
    "indecent_image_sanctions",
)

SEX = Field(
    "sex",
    "choice",
    "Sex",
    "The person's sex as recorded for risk assessment. These predictors were built on men; "
    "for a woman the result is 'not applicable'.",
    choices=("male", "female"),
)
DATE_OF_BIRTH = Field(
    "date_of_birth",
    "date",
    "Date of birth",
    "The person's date of birth. All ages are counted in whole years by birthday.",
    required=False,
    nullable=True,
    past_event=True,
)
HAS_SEXUAL_HISTORY = Field(
    "has_ever_committed_sexual_offence",
    "boolean",
    "Has ever committed a sexual offence",
    "True if the person has ever been sanctioned for a sexual offence, including the current one. "
    "If false the predictors do not apply and every sexual sanction count must be 0.",
)


def _count(name: str, title: str, description: str) -> Field:
    return Field(name, "integer", title, description, required=False, nullable=True, minimum=0, maximum=999)


OSP_FIELDS: tuple[Field, ...] = (
    SEX,
    HAS_SEXUAL_HISTORY,
    DATE_OF_BIRTH,
    _count(
        "contact_adult_sexual_sanctions",
        "Contact sexual sanctions against adults",
        "Number of sanctions (convictions, cautions and similar disposals) for contact sexual "
        "offences against a victim aged 18 or over, including the current offence. Required when "
        "the person has a sexual history.",
    ),
    _count(
        "contact_child_sexual_sanctions",
        "Contact sexual sanctions against children",
        "Number of sanctions for contact sexual offences against a victim under 18, including the "
        "current offence. Required when the person has a sexual history.",
    ),
    _count(
        "non_contact_sexual_offences",
        "Non-contact sexual offences (excluding image offences)",
        "Number of sanctioned non-contact sexual offences such as exposure or voyeurism. Do not count "
        "offences involving indecent images; they go in the next field. Required when the person "
        "has a sexual history.",
    ),
    _count(
        "indecent_image_sanctions",
        "Indecent image sanctions",
        "Number of sanctions for offences involving indecent images of children (making, "
        "possessing or distributing). Required when the person has a sexual history.",
    ),
    Field(
        "total_sanctions",
        "integer",
        "Total sanctions (all offences)",
        "Number of sanctions for any offence, sexual or not, including the current one (1 to 999). "
        "It must be at least the sum of the four sexual counts.",
        required=False,
        nullable=True,
        minimum=1,
        maximum=999,
    ),
    Field(
        "date_of_most_recent_sexual_offence",
        "date",
        "Date of most recent sexual offence",
        "Date the most recent sanctioned sexual offence was committed (the offence date, not the "
        "sentence date). Required when the person has a sexual history.",
        required=False,
        nullable=True,
        past_event=True,
    ),
    Field(
        "current_offence_against_stranger",
        "boolean",
        "Current offence against a stranger",
        "True if the victim of the current sexual offence was a stranger to the person, as the OASys "
        "guidance defines it. False when not; null when not known (null scores as false).",
        required=False,
        nullable=True,
    ),
    Field(
        "supervision_status",
        "choice",
        "Supervision status",
        "Where the person is now: in custody serving a sentence, on remand, or supervised in the "
        "community. Required when the person has a sexual history.",
        required=False,
        nullable=True,
        choices=("custody", "community", "remand"),
    ),
    Field(
        "date_at_start_of_followup",
        "date",
        "Date at start of follow-up",
        "The date the person is, or will be, at risk in the community: the release date for a "
        "custodial sentence, otherwise the sentence date. Required when the person has a sexual history.",
        required=False,
        nullable=True,
    ),
    Field(
        "most_recent_offence_date",
        "date",
        "Date of most recent offence (any kind)",
        "Optional. Date of the most recent offence of any kind; used only to decide whether the "
        "band is reduced for a long offence-free period.",
        required=False,
        nullable=True,
        past_event=True,
    ),
    Field(
        "assessment_date",
        "date",
        "Assessment date",
        "The date the assessment is made. Defaults to today's date when left out.",
        required=False,
        nullable=True,
    ),
)

# Required only for a man with a sexual history, the one case in which the predictors are scored.
CONDITIONAL_REQUIRED = (
    "date_of_birth",
    *SEXUAL_COUNTS,
    "total_sanctions",
    "date_of_most_recent_sexual_offence",
    "supervision_status",
    "date_at_start_of_followup",
)

OSP_SCHEMA_RULES: tuple[dict[str, Any], ...] = (
    {
        "if": {
            "properties": {"sex": {"const": "male"}, "has_ever_committed_sexual_offence": {"const": True}},
            "required": ["sex", "has_ever_committed_sexual_offence"],
        },
        "then": {
            "required": list(CONDITIONAL_REQUIRED),
            "properties": {
                name: {"type": "integer" if name in SEXUAL_COUNTS or name == "total_sanctions" else "string"}
                for name in CONDITIONAL_REQUIRED
            },
        },
    },
)

MAX_AGE_AT_FOLLOWUP = 110

DATE_FIELDS = (
    "date_of_most_recent_sexual_offence",
    "date_at_start_of_followup",
    "most_recent_offence_date",
    "assessment_date",
)


class OspFacts(NamedTuple):
    """Validated OSP answers plus the ages the predictors use."""

    applicable: bool
    reason: str | None
    age_at_followup: int | None
    age_at_last_sexual_offence: int | None
    assessment_date: date
    assessment_date_defaulted: bool


OSP_FIELD_NAMES = tuple(f.name for f in OSP_FIELDS)
_BY_NAME = {f.name: f for f in OSP_FIELDS}
LAST_SEXUAL = _BY_NAME["date_of_most_recent_sexual_offence"]
RECENT = _BY_NAME["most_recent_offence_date"]
_POSITION = {name: i for i, name in enumerate(OSP_FIELD_NAMES)}


_new_tuple = tuple.__new__


def check_osp(raw: tuple[Any, ...], errors: list[FieldError], today: date) -> OspFacts:
    """Cross-field checks shared by OSP/DC and OSP/IIC; adds every problem found to `errors`.

    `raw` is the OSP fields' values in declaration order, as `FieldSet.read_tuple` gives them.
    """
    (
        sex,
        history,
        dob,
        adult,
        child,
        non_contact,
        images,
        total,
        last_sexual,
        _stranger,
        status,
        followup,
        recent,
        assessment,
    ) = raw
    applicable = sex == "male" and history is True
    reason = None
    if sex == "female":
        reason = "OSP was developed on men; it is not scored for a woman."
    elif history is False:
        reason = "The person has no sexual offending history, so OSP does not apply."

    if applicable and (
        dob is None
        or adult is None
        or child is None
        or non_contact is None
        or images is None
        or total is None
        or last_sexual is None
        or status is None
        or followup is None
    ):
        invalid = {error.field for error in errors}
        errors.extend(
            FieldError(name, MISSING, f"{name} is required for a man with a sexual history")
            for name in CONDITIONAL_REQUIRED
            if raw[_POSITION[name]] is None and name not in invalid
        )
    if history is False:
        for name, count in zip(SEXUAL_COUNTS, (adult, child, non_contact, images), strict=True):
            if count:
                errors.append(
                    FieldError(
                        name,
                        "inconsistent",
                        f"{name} is {count} but has_ever_committed_sexual_offence is false: give 0 "
                        "or set the "
                        "history to true",
                    )
                )
        if last_sexual is not None:
            errors.append(
                FieldError(
                    "date_of_most_recent_sexual_offence",
                    "inconsistent",
                    "a most recent sexual offence date is given but "
                    "has_ever_committed_sexual_offence is false",
                )
            )
    elif history is True and adult == 0 and child == 0 and non_contact == 0 and images == 0:
        errors.append(
            FieldError(
                "has_ever_committed_sexual_offence",
                "no_sexual_sanctions",
                "has_ever_committed_sexual_offence is true but all four sexual sanction counts are 0: "
                "give at least one sexual sanction, or set the history to false",
            )
        )
    if total is not None:
        known = (adult or 0) + (child or 0) + (non_contact or 0) + (images or 0)
        if known > total:
            errors.append(
                FieldError(
                    "total_sanctions",
                    "sexual_sanctions_exceed_total",
                    f"total_sanctions ({total}) is less than the sum of the sexual counts ({known}): "
                    "the total counts every sanction, sexual ones included",
                )
            )

    defaulted = assessment is None
    if assessment is None:
        assessment = today
    # Past events cannot be after the assessment date (a date of birth after a given assessment
    # date is reported on the assessment date, below, as before).
    if last_sexual is not None and last_sexual > assessment:
        errors.append(after_assessment_date(LAST_SEXUAL, last_sexual, assessment))
    if recent is not None and recent > assessment:
        errors.append(after_assessment_date(RECENT, recent, assessment))
    if defaulted and dob is not None and dob > assessment:
        errors.append(after_assessment_date(DATE_OF_BIRTH, dob, assessment))
    if last_sexual is not None and followup is not None and last_sexual > followup:
        errors.append(
            FieldError(
                "date_of_most_recent_sexual_offence",
                "after_start_of_followup",
                f"{LAST_SEXUAL.title} ({long_date(last_sexual)}) is after the start of follow-up "
                f"({long_date(followup)}): follow-up starts at release or sentence for the current "
                "offence, after the offences it counts",
            )
        )
    if (
        recent is not None
        and last_sexual is not None
        and recent < last_sexual
        and (dob is None or recent >= dob)
    ):
        errors.append(
            FieldError(
                "most_recent_offence_date",
                "inconsistent",
                f"{RECENT.title} ({long_date(recent)}) is before the {LAST_SEXUAL.title.lower()} "
                f"({long_date(last_sexual)}): the most recent offence of any kind includes sexual offences",
            )
        )
    age_followup = age_last_sexual = None
    if dob is not None:
        if (
            (last_sexual is not None and last_sexual < dob)
            or (followup is not None and followup < dob)
            or (recent is not None and recent < dob)
            or assessment < dob
        ):
            dates = (last_sexual, followup, recent, None if defaulted else assessment)
            errors.extend(
                FieldError(name, "before_date_of_birth", f"{name} ({when}) is before date_of_birth ({dob})")
                for name, when in zip(DATE_FIELDS, dates, strict=True)
                if when is not None and when < dob
            )
        born = (dob.month, dob.day)
        if followup is not None:
            age_followup = followup.year - dob.year - ((followup.month, followup.day) < born)
            if age_followup >= MAX_AGE_AT_FOLLOWUP:
                errors.append(
                    FieldError(
                        "date_at_start_of_followup",
                        "age_out_of_range",
                        f"the person would be {age_followup} at the start of follow-up; it must be under "
                        f"{MAX_AGE_AT_FOLLOWUP}",
                    )
                )
        if last_sexual is not None:
            age_last_sexual = last_sexual.year - dob.year - ((last_sexual.month, last_sexual.day) < born)
    # tuple.__new__ skips the NamedTuple's Python-level constructor; the result is the same object.
    return _new_tuple(OspFacts, (applicable, reason, age_followup, age_last_sexual, assessment, defaulted))


OSP_EXAMPLE: dict[str, Any] = {
    "sex": "male",
    "has_ever_committed_sexual_offence": True,
    "date_of_birth": "1980-01-01",
    "contact_adult_sexual_sanctions": 1,
    "contact_child_sexual_sanctions": 2,
    "non_contact_sexual_offences": 3,
    "indecent_image_sanctions": 4,
    "total_sanctions": 11,
    "date_of_most_recent_sexual_offence": "1994-06-01",
    "current_offence_against_stranger": False,
    "supervision_status": "community",
    "date_at_start_of_followup": "2027-01-01",
    "most_recent_offence_date": None,
    "assessment_date": "2026-11-01",
}
