"""The sentencing result: one section per step, each with its figures, reason, source and status."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from enum import Enum
from fractions import Fraction

from safeguard.calendar.durations import Duration
from safeguard.guidelines.errors import Problem
from safeguard.guidelines.facts import Status
from safeguard.guidelines.notification import NotificationResult
from safeguard.guidelines.sentences import Sentence

UNVERIFIED_BANNER = (
    "This result uses unverified transcriptions of guideline data. It is decision support only: "
    "check every figure marked 'unverified transcription' against the official text."
)


def to_jsonable(value: object) -> object:
    """Plain JSON values for results: dates as ISO strings, fractions as 'n/d', lengths as '18m'."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Fraction):
        return f"{value.numerator}/{value.denominator}"
    if isinstance(value, Duration):
        return value.to_json()
    if isinstance(value, Sentence):
        return value.to_dict()
    if isinstance(value, NotificationResult):
        return value.to_dict()
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    raise TypeError(f"cannot serialise {type(value).__name__}")


@dataclass(frozen=True, slots=True)
class NamedItem:
    id: str
    label: str


@dataclass(frozen=True, slots=True)
class ChoosableFactor:
    id: str
    label: str
    selected: bool


@dataclass(frozen=True, slots=True)
class MaximumResult:
    maximum: Duration | None  # None: not recorded in the data
    mode: str | None  # "indictment" or "summary"
    indictable_only: bool
    reason: str
    source: str
    status: Status | None


@dataclass(frozen=True, slots=True)
class CategoryResult:
    axis: str
    label: str
    category: str | None
    category_label: str | None
    factors: tuple[NamedItem, ...]
    reason: str
    source: str
    status: Status


@dataclass(frozen=True, slots=True)
class RangeResult:
    """Step one/two figures from the table, or the plain statement that no table is available."""

    available: bool
    starting_point: Sentence | None
    range_from: Sentence | None
    range_to: Sentence | None
    offence_range_from: Sentence | None
    offence_range_to: Sentence | None
    reason: str
    source: str
    status: Status | None


@dataclass(frozen=True, slots=True)
class AdjustmentResult:
    sentence: Sentence | None  # the position chosen after aggravating and mitigating factors
    chosen_by_user: bool
    within_category_range: bool | None
    within_offence_range: bool | None
    departure_reason: str | None
    aggravating: tuple[NamedItem, ...]
    mitigating: tuple[NamedItem, ...]
    other_factors: tuple[str, ...]
    reason: str
    source: str
    status: Status | None


@dataclass(frozen=True, slots=True)
class PleaResult:
    guideline: str | None  # which plea guideline applied
    stage: str | None
    maximum: Fraction | None
    reduction: Fraction
    sentence_before: Sentence | None
    sentence_after: Sentence | None
    exact: bool
    reason: str
    source: str
    status: Status | None


@dataclass(frozen=True, slots=True)
class ThresholdQuestion:
    id: str
    question: str
    answer: object
    guidance: str


@dataclass(frozen=True, slots=True)
class ThresholdResult:
    questions: tuple[ThresholdQuestion, ...]
    principle: str
    reason: str
    source: str
    status: Status


@dataclass(frozen=True, slots=True)
class RequirementResult:
    type: str
    label: str
    hours: int | None
    details: str


@dataclass(frozen=True, slots=True)
class SuspensionResult:
    applicable: bool  # a custodial sentence is in view
    available: bool  # the term is within 14 days - 2 years
    suspended: bool
    operational_period: Duration | None
    supervision_period: Duration | None
    factors_against: tuple[ChoosableFactor, ...]
    factors_for: tuple[ChoosableFactor, ...]
    requirements: tuple[RequirementResult, ...]  # of the suspended sentence order (candidate rule)
    reason: str
    source: str
    status: Status


@dataclass(frozen=True, slots=True)
class CommunityOrderResult:
    applicable: bool
    length: Duration | None
    level: str | None
    requirements: tuple[RequirementResult, ...]
    available_requirements: tuple[NamedItem, ...]
    reason: str
    source: str
    status: Status


@dataclass(frozen=True, slots=True)
class NotificationAssessment:
    applies: str  # "yes", "no" or "unknown"
    relevant_date: date
    reason: str
    source: str
    status: Status
    period: NotificationResult | None
    needs: tuple[str, ...] = ()  # request inputs that would decide an "unknown" (e.g. youngest_age_shown)


@dataclass(frozen=True, slots=True)
class AncillaryOrder:
    id: str
    name: str
    reason: str
    source: str
    status: Status
    requested: bool
    length: Duration | None = None
    until_further_order: bool = False
    foreign_travel_prohibition: bool = False


@dataclass(frozen=True, slots=True)
class FinalSentence:
    sentence: Sentence | None
    suspended: bool
    text: str
    reason: str


@dataclass(frozen=True, slots=True)
class SentencingResult:
    guideline: dict[str, object]
    offence: dict[str, object]
    statutory_maximum: MaximumResult
    harm: CategoryResult | None
    culpability: CategoryResult | None
    table: RangeResult
    adjustment: AdjustmentResult
    plea: PleaResult
    sentence: FinalSentence
    custody_threshold: ThresholdResult
    suspension: SuspensionResult
    community_order: CommunityOrderResult
    notification: NotificationAssessment
    ancillary_orders: tuple[AncillaryOrder, ...]
    considerations: tuple[str, ...]
    notes: tuple[str, ...]
    warnings: tuple[str, ...]
    verified: bool  # True only when no unverified fact was used anywhere in the calculation
    # What must still be answered before a sentence is determined (not errors: the figures of step
    # one stand). While any is listed, `sentence.sentence` is None and `sentence.text` says so.
    unresolved: tuple[Problem, ...] = ()

    @property
    def determined(self) -> bool:
        return self.sentence.sentence is not None

    @property
    def status(self) -> Status:
        return Status.VERIFIED if self.verified else Status.UNVERIFIED

    def to_dict(self) -> dict[str, object]:
        data = to_jsonable(self)
        if not isinstance(data, dict):  # a dataclass always gives a dict; this guards the type
            raise TypeError("unexpected result shape")
        data["status"] = self.status.value
        data["banner"] = None if self.verified else UNVERIFIED_BANNER
        data["determined"] = self.determined
        return data
