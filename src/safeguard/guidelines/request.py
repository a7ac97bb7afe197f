"""The sentencing request: its typed form, and reading it from JSON without ever raising on bad input.

The reader checks shapes and types only. Rules that need the guideline (factor names, ranges,
maxima) and rules that join several fields (dates in order, a suspended term of at most 2 years)
are checked by the engine, so requests built in Python get exactly the same checks.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from fractions import Fraction

from safeguard.calendar.durations import Duration
from safeguard.guidelines._reader import Reader, join, show
from safeguard.guidelines.errors import Problems
from safeguard.guidelines.offences import normalise_offence_code
from safeguard.guidelines.rules import PleaStage
from safeguard.guidelines.sentences import CommunityLevel, Sentence, SentenceKind


class Court(StrEnum):
    MAGISTRATES = "magistrates_court"
    CROWN = "crown_court"


@dataclass(frozen=True, slots=True)
class PleaInput:
    stage: PleaStage
    first_hearing_date: date | None = None
    reduction: Fraction | None = None  # None: the maximum for the stage

    def to_dict(self) -> dict[str, object]:
        data: dict[str, object] = {"stage": self.stage.value}
        if self.first_hearing_date is not None:
            data["first_hearing_date"] = self.first_hearing_date.isoformat()
        if self.reduction is not None:
            data["reduction"] = f"{self.reduction.numerator}/{self.reduction.denominator}"
        return data


@dataclass(frozen=True, slots=True)
class ThresholdAnswers:
    threshold_passed: bool | None = None
    custody_unavoidable: bool | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            k: v
            for k, v in (
                ("threshold_passed", self.threshold_passed),
                ("custody_unavoidable", self.custody_unavoidable),
            )
            if v is not None
        }


@dataclass(frozen=True, slots=True)
class Requirement:
    """One requirement of a community order or a suspended sentence order."""

    type: str
    hours: int | None = None
    details: str = ""

    def to_dict(self) -> dict[str, object]:
        data: dict[str, object] = {"type": self.type}
        if self.hours is not None:
            data["hours"] = self.hours
        if self.details:
            data["details"] = self.details
        return data


@dataclass(frozen=True, slots=True)
class SuspensionInput:
    suspend: bool
    operational_period: Duration | None = None
    supervision_period: Duration | None = None
    factors_for: tuple[str, ...] = ()
    factors_against: tuple[str, ...] = ()
    requirements: tuple[Requirement, ...] = ()  # of the suspended sentence order

    def to_dict(self) -> dict[str, object]:
        data: dict[str, object] = {"suspend": self.suspend}
        if self.operational_period is not None:
            data["operational_period"] = self.operational_period.to_json()
        if self.supervision_period is not None:
            data["supervision_period"] = self.supervision_period.to_json()
        if self.factors_for:
            data["factors_for"] = list(self.factors_for)
        if self.factors_against:
            data["factors_against"] = list(self.factors_against)
        if self.requirements:
            data["requirements"] = [r.to_dict() for r in self.requirements]
        return data


@dataclass(frozen=True, slots=True)
class CommunityOrderInput:
    length: Duration | None = None
    requirements: tuple[Requirement, ...] = ()

    def to_dict(self) -> dict[str, object]:
        data: dict[str, object] = {"requirements": [r.to_dict() for r in self.requirements]}
        if self.length is not None:
            data["length"] = self.length.to_json()
        return data


@dataclass(frozen=True, slots=True)
class ShpoInput:
    length: Duration | None = None
    until_further_order: bool = False
    foreign_travel_prohibition: bool = False

    def to_dict(self) -> dict[str, object]:
        data: dict[str, object] = {}
        if self.length is not None:
            data["length"] = self.length.to_json()
        if self.until_further_order:
            data["until_further_order"] = True
        if self.foreign_travel_prohibition:
            data["foreign_travel_prohibition"] = True
        return data


@dataclass(frozen=True, slots=True)
class SentencingRequest:
    """Everything the engine needs for one offence; optional parts switch on optional steps."""

    offence: str
    offence_date: date
    sentencing_date: date
    conviction_date: date | None = None
    offender_date_of_birth: date | None = None
    offender_age_at_offence: int | None = None
    offender_age_at_conviction: int | None = None
    sentencing_court: Court | None = None
    penetrative: bool | None = None
    victim_age: int | None = None
    youngest_age_shown: int | None = None  # image offences: age of the youngest child in the images
    harm_factors: tuple[str, ...] = ()
    culpability_factors: tuple[str, ...] = ()
    aggravating_factors: tuple[str, ...] = ()
    mitigating_factors: tuple[str, ...] = ()
    other_factors: tuple[str, ...] = ()
    sentence_before_plea: Sentence | None = None
    departure_reason: str | None = None
    plea: PleaInput | None = None
    custody_threshold: ThresholdAnswers | None = None
    suspension: SuspensionInput | None = None
    community_order: CommunityOrderInput | None = None
    shpo: ShpoInput | None = None
    first_notification_date: date | None = None

    def to_dict(self) -> dict[str, object]:
        """The JSON form accepted by `request_from_dict` (fields left at their default are omitted)."""
        data: dict[str, object] = {
            "offence": self.offence,
            "offence_date": self.offence_date.isoformat(),
            "sentencing_date": self.sentencing_date.isoformat(),
        }
        optional: dict[str, object] = {
            "conviction_date": self.conviction_date.isoformat() if self.conviction_date else None,
            "offender_date_of_birth": self.offender_date_of_birth.isoformat()
            if self.offender_date_of_birth
            else None,
            "offender_age_at_offence": self.offender_age_at_offence,
            "offender_age_at_conviction": self.offender_age_at_conviction,
            "sentencing_court": self.sentencing_court.value if self.sentencing_court else None,
            "penetrative": self.penetrative,
            "victim_age": self.victim_age,
            "youngest_age_shown": self.youngest_age_shown,
            "harm_factors": list(self.harm_factors) or None,
            "culpability_factors": list(self.culpability_factors) or None,
            "aggravating_factors": list(self.aggravating_factors) or None,
            "mitigating_factors": list(self.mitigating_factors) or None,
            "other_factors": list(self.other_factors) or None,
            "sentence_before_plea": _sentence_to_input(self.sentence_before_plea)
            if self.sentence_before_plea
            else None,
            "departure_reason": self.departure_reason,
            "plea": self.plea.to_dict() if self.plea else None,
            "custody_threshold": self.custody_threshold.to_dict() if self.custody_threshold else None,
            "suspension": self.suspension.to_dict() if self.suspension else None,
            "community_order": self.community_order.to_dict() if self.community_order else None,
            "shpo": self.shpo.to_dict() if self.shpo else None,
            "first_notification_date": self.first_notification_date.isoformat()
            if self.first_notification_date
            else None,
        }
        data.update({key: value for key, value in optional.items() if value is not None})
        return data


def _sentence_to_input(sentence: Sentence) -> dict[str, object]:
    data: dict[str, object] = {"kind": sentence.kind.value}
    if sentence.length is not None:
        data["length"] = sentence.length.to_json()
    if sentence.level is not None:
        data["level"] = sentence.level.value
    return data


# Field names, shared with the JSON Schema so the two cannot drift apart.
REQUEST_FIELDS = (
    "offence", "offence_date", "sentencing_date", "conviction_date", "offender_date_of_birth",
    "offender_age_at_offence", "offender_age_at_conviction", "sentencing_court", "penetrative",
    "victim_age", "youngest_age_shown", "harm_factors", "culpability_factors", "aggravating_factors",
    "mitigating_factors", "other_factors", "sentence_before_plea", "departure_reason", "plea",
    "custody_threshold", "suspension", "community_order", "shpo", "first_notification_date",
)  # fmt: skip
REQUIRED_FIELDS = ("offence", "offence_date", "sentencing_date")
SENTENCE_FIELDS = ("kind", "length", "level")
PLEA_FIELDS = ("stage", "first_hearing_date", "reduction")
THRESHOLD_FIELDS = ("threshold_passed", "custody_unavoidable")
SUSPENSION_FIELDS = (
    "suspend", "operational_period", "supervision_period", "factors_for", "factors_against", "requirements",
)  # fmt: skip
COMMUNITY_ORDER_FIELDS = ("length", "requirements")
REQUIREMENT_FIELDS = ("type", "hours", "details")
SHPO_FIELDS = ("length", "until_further_order", "foreign_travel_prohibition")

_FRACTION = re.compile(r"^\s*(\d{1,4})\s*/\s*(\d{1,4})\s*$")
_DECIMAL = re.compile(r"^\s*(\d?\.\d{1,6}|\d)\s*$")
FRACTION_HELP = "a fraction such as '1/3' or a decimal between 0 and 1"


def request_from_dict(data: object) -> SentencingRequest | Problems:
    """Read a sentencing request from parsed JSON; returns the request or every problem found."""
    reader = Reader()
    mapping = reader.obj(data, "")
    if mapping is None:
        return Problems(tuple(reader.problems))
    reader.keys(mapping, "", allowed=REQUEST_FIELDS, required=REQUIRED_FIELDS)
    offence = reader.text(mapping, "offence", "", max_length=100, normalise=normalise_offence_code)
    offence_date = reader.iso_date(mapping, "offence_date", "")
    sentencing_date = reader.iso_date(mapping, "sentencing_date", "")
    conviction_date = reader.iso_date(mapping, "conviction_date", "")
    birth = reader.iso_date(mapping, "offender_date_of_birth", "")
    age_offence = reader.integer(mapping, "offender_age_at_offence", "", minimum=0, maximum=120)
    age_conviction = reader.integer(mapping, "offender_age_at_conviction", "", minimum=0, maximum=120)
    court = reader.text(mapping, "sentencing_court", "", choices=[c.value for c in Court])
    penetrative = reader.boolean(mapping, "penetrative", "")
    victim_age = reader.integer(mapping, "victim_age", "", minimum=0, maximum=120)
    youngest_shown = reader.integer(mapping, "youngest_age_shown", "", minimum=0, maximum=17)
    lists = {
        key: reader.text_list(mapping, key, "") or ()
        for key in (
            "harm_factors",
            "culpability_factors",
            "aggravating_factors",
            "mitigating_factors",
            "other_factors",
        )
    }
    sentence = _sentence(reader, mapping, "sentence_before_plea", "")
    departure = reader.text(mapping, "departure_reason", "")
    plea = _plea(reader, mapping)
    threshold = _threshold(reader, mapping)
    suspension = _suspension(reader, mapping)
    community = _community(reader, mapping)
    shpo = _shpo(reader, mapping)
    first_notification = reader.iso_date(mapping, "first_notification_date", "")
    if reader.problems or offence is None or offence_date is None or sentencing_date is None:
        return Problems(tuple(reader.problems))
    return SentencingRequest(
        offence=offence,
        offence_date=offence_date,
        sentencing_date=sentencing_date,
        conviction_date=conviction_date,
        offender_date_of_birth=birth,
        offender_age_at_offence=age_offence,
        offender_age_at_conviction=age_conviction,
        sentencing_court=Court(court) if court else None,
        penetrative=penetrative,
        victim_age=victim_age,
        youngest_age_shown=youngest_shown,
        harm_factors=lists["harm_factors"],
        culpability_factors=lists["culpability_factors"],
        aggravating_factors=lists["aggravating_factors"],
        mitigating_factors=lists["mitigating_factors"],
        other_factors=lists["other_factors"],
        sentence_before_plea=sentence,
        departure_reason=departure,
        plea=plea,
        custody_threshold=threshold,
        suspension=suspension,
        community_order=community,
        shpo=shpo,
        first_notification_date=first_notification,
    )


def _sub(
    reader: Reader, data: Mapping[str, object], key: str, base: str
) -> tuple[str, Mapping[str, object]] | None:
    value = data.get(key)
    if value is None:
        return None
    field = join(base, key)
    mapping = reader.obj(value, field)
    return (field, mapping) if mapping is not None else None


def _sentence(reader: Reader, data: Mapping[str, object], key: str, base: str) -> Sentence | None:
    found = _sub(reader, data, key, base)
    if found is None:
        return None
    field, item = found
    reader.keys(item, field, allowed=SENTENCE_FIELDS, required=("kind",))
    kind = reader.text(item, "kind", field, choices=[k.value for k in SentenceKind])
    length = reader.duration(item, "length", field)
    level = reader.text(item, "level", field, choices=[lv.value for lv in CommunityLevel])
    if kind is None:
        return None
    try:
        return Sentence(SentenceKind(kind), length, CommunityLevel(level) if level else None)
    except ValueError as error:
        reader.add(
            field,
            "impossible_sentence",
            f"{error}: custody needs a length; only a community order has a level; a fine has no length",
        )
        return None


def _fraction(reader: Reader, data: Mapping[str, object], key: str, base: str) -> Fraction | None:
    value = data.get(key)
    if value is None:
        return None
    field = join(base, key)
    result: Fraction | None = None
    if isinstance(value, str):
        match = _FRACTION.match(value)
        decimal = _DECIMAL.match(value)
        if match and int(match.group(2)) != 0:
            result = Fraction(int(match.group(1)), int(match.group(2)))
        elif decimal:
            # "0.3333" means one-third: keep the nearest fraction with a small denominator.
            result = Fraction(decimal.group(1)).limit_denominator(1000)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if (isinstance(value, float) and value != value) or (
            isinstance(value, float) and abs(value) == float("inf")
        ):  # NaN
            result = None
        else:
            result = Fraction(value).limit_denominator(1000)
    if result is None or not 0 <= result <= 1:
        reader.add(field, "not_a_fraction", f"expected {FRACTION_HELP}, got {show(value)}")
        return None
    return result


def _plea(reader: Reader, data: Mapping[str, object]) -> PleaInput | None:
    found = _sub(reader, data, "plea", "")
    if found is None:
        return None
    field, item = found
    reader.keys(item, field, allowed=PLEA_FIELDS, required=("stage",))
    stage = reader.text(item, "stage", field, choices=[s.value for s in PleaStage])
    hearing = reader.iso_date(item, "first_hearing_date", field)
    reduction = _fraction(reader, item, "reduction", field)
    if stage is None:
        return None
    return PleaInput(PleaStage(stage), hearing, reduction)


def _threshold(reader: Reader, data: Mapping[str, object]) -> ThresholdAnswers | None:
    found = _sub(reader, data, "custody_threshold", "")
    if found is None:
        return None
    field, item = found
    reader.keys(item, field, allowed=THRESHOLD_FIELDS)
    return ThresholdAnswers(
        reader.boolean(item, "threshold_passed", field),
        reader.boolean(item, "custody_unavoidable", field),
    )


def _suspension(reader: Reader, data: Mapping[str, object]) -> SuspensionInput | None:
    found = _sub(reader, data, "suspension", "")
    if found is None:
        return None
    field, item = found
    reader.keys(item, field, allowed=SUSPENSION_FIELDS, required=("suspend",))
    suspend = reader.boolean(item, "suspend", field)
    operational = reader.duration(item, "operational_period", field)
    supervision = reader.duration(item, "supervision_period", field)
    factors_for = reader.text_list(item, "factors_for", field) or ()
    factors_against = reader.text_list(item, "factors_against", field) or ()
    requirements = _requirements(reader, item, field)
    if suspend is None:
        return None
    return SuspensionInput(suspend, operational, supervision, factors_for, factors_against, requirements)


def _community(reader: Reader, data: Mapping[str, object]) -> CommunityOrderInput | None:
    found = _sub(reader, data, "community_order", "")
    if found is None:
        return None
    field, item = found
    reader.keys(item, field, allowed=COMMUNITY_ORDER_FIELDS)
    length = reader.duration(item, "length", field)
    return CommunityOrderInput(length, _requirements(reader, item, field))


def _requirements(reader: Reader, data: Mapping[str, object], base: str) -> tuple[Requirement, ...]:
    """The `requirements` list of a community order or a suspended sentence order (shapes only)."""
    requirements: list[Requirement] = []
    for req_field, req in reader.obj_list(data, "requirements", base) or []:
        reader.keys(req, req_field, allowed=REQUIREMENT_FIELDS, required=("type",))
        kind = reader.text(req, "type", req_field, max_length=100)
        hours = reader.integer(req, "hours", req_field, minimum=0, maximum=100_000)
        details = reader.text(req, "details", req_field) or ""
        if kind is not None:
            requirements.append(Requirement(kind, hours, details))
    return tuple(requirements)


def _shpo(reader: Reader, data: Mapping[str, object]) -> ShpoInput | None:
    found = _sub(reader, data, "shpo", "")
    if found is None:
        return None
    field, item = found
    reader.keys(item, field, allowed=SHPO_FIELDS)
    return ShpoInput(
        reader.duration(item, "length", field),
        reader.boolean(item, "until_further_order", field) or False,
        reader.boolean(item, "foreign_travel_prohibition", field) or False,
    )
