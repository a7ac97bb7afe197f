"""A sentencing case of one or more offences: each offence through the guideline steps, then the total.

Every offence is calculated on its own by `engine.calculate` (category, range, position, plea, its
own statutory maximum). The first offence is the *lead* offence; how the whole case is disposed of
(custody threshold answers, suspension, community order, SHPO, first notification date) is given on
the lead offence only and applies to the case. Each further offence says how its sentence relates
to the lead's:

* ``concurrent`` — runs at the same time as the lead sentence;
* ``consecutive`` — a custodial term that starts when the earlier terms end;
* ``no_separate_penalty`` — the offence is recorded but adds nothing to the sentence.

The total custodial term is the longest of the terms that run together from the start (the lead and
every concurrent term) plus every consecutive term. The court then reviews the total for totality;
Safeguard's sources hold no totality rules, so the engine does not propose an adjustment: the user
may record the total the court settles on, with a reason, and the engine checks only that it is a
length, is not longer than the arithmetic total (a longer total is reached by changing an offence's
position), and that a suspended total is still suspendable (14 days to 2 years).

Notification: each offence's period is worked out from its own sentence; the case shows the longest.
Whether consecutive terms are added together for the s.82 table is not in Safeguard's sources, so a
case with consecutive terms carries a warning saying so.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from safeguard.calendar.durations import Duration, from_months
from safeguard.guidelines._reader import Reader, join
from safeguard.guidelines.engine import calculate, calculate_from_dict
from safeguard.guidelines.errors import GuidelineError, Problem, Problems
from safeguard.guidelines.facts import Status, warning_text
from safeguard.guidelines.loader import default_library
from safeguard.guidelines.model import GuidelineLibrary
from safeguard.guidelines.request import SentencingRequest, SuspensionInput, request_from_dict
from safeguard.guidelines.result import UNVERIFIED_BANNER, SentencingResult, to_jsonable
from safeguard.guidelines.rules import SUSPENDABLE_MAXIMUM, SUSPENDABLE_MINIMUM, SUSPENSION_FACT
from safeguard.guidelines.sentences import Sentence

MAX_OFFENCES = 20
CASE_FIELDS = ("offences", "totality")
OFFENCE_FIELDS = ("label", "relation", "request")
TOTALITY_FIELDS = ("total", "reason")
# Parts of a request that decide how the whole case is disposed of: given on the lead offence only.
CASE_LEVEL_PARTS = ("custody_threshold", "suspension", "community_order", "shpo", "first_notification_date")

CONSECUTIVE_NOTIFICATION_WARNING = (
    "Consecutive terms: whether the total of consecutive terms, rather than each term, sets the "
    "notification period under the Sexual Offences Act 2003 s.82 is not in Safeguard's sources. The "
    "period shown is the longest worked out for any single offence; check the statute before relying on it."
)
TOTALITY_NOTE = (
    "The total is the arithmetic of the terms as entered. Safeguard holds no totality guideline: "
    "whether the total is just and proportionate is the court's judgement, recorded here with its reason."
)


class Relation(StrEnum):
    LEAD = "lead"
    CONCURRENT = "concurrent"
    CONSECUTIVE = "consecutive"
    NO_SEPARATE_PENALTY = "no_separate_penalty"


RELATION_LABELS = {
    Relation.LEAD: "Lead offence",
    Relation.CONCURRENT: "Concurrent",
    Relation.CONSECUTIVE: "Consecutive",
    Relation.NO_SEPARATE_PENALTY: "No separate penalty",
}


@dataclass(frozen=True, slots=True)
class CaseOffence:
    request: SentencingRequest
    relation: Relation = Relation.CONCURRENT
    label: str = ""

    def to_dict(self) -> dict[str, object]:
        data: dict[str, object] = {"relation": self.relation.value, "request": self.request.to_dict()}
        if self.label:
            data["label"] = self.label
        return data


@dataclass(frozen=True, slots=True)
class TotalityInput:
    total: Duration
    reason: str

    def to_dict(self) -> dict[str, object]:
        return {"total": self.total.to_json(), "reason": self.reason}


@dataclass(frozen=True, slots=True)
class CaseRequest:
    offences: tuple[CaseOffence, ...]
    totality: TotalityInput | None = None

    def to_dict(self) -> dict[str, object]:
        data: dict[str, object] = {"offences": [o.to_dict() for o in self.offences]}
        if self.totality is not None:
            data["totality"] = self.totality.to_dict()
        return data


@dataclass(frozen=True, slots=True)
class TermLine:
    """One line of the total: which offence, how it relates, and the term it adds (if any)."""

    offence: int
    label: str
    relation: Relation
    sentence: Sentence | None
    counts: str  # "runs from the start", "added", "runs alongside", "adds nothing"


@dataclass(frozen=True, slots=True)
class CaseTotal:
    sentence: Sentence | None  # the sentence for the whole case (custody: the total term)
    arithmetic_total: Duration | None  # custody only: longest concurrent term + consecutive terms
    total_text: str | None  # the arithmetic total in words when it is not one whole unit
    after_totality: Duration | None
    totality_reason: str | None
    suspended: bool
    operational_period: Duration | None
    text: str
    lines: tuple[TermLine, ...]
    reason: str


@dataclass(frozen=True, slots=True)
class CaseNotification:
    applies: str  # "yes", "no" or "unknown"
    from_offence: int | None  # index of the offence whose period is the longest
    period: dict[str, object] | None  # NotificationResult.to_dict() of that offence
    reason: str


@dataclass(frozen=True, slots=True)
class OffenceOutcome:
    index: int
    label: str
    relation: Relation
    result: SentencingResult


@dataclass(frozen=True, slots=True)
class CaseResult:
    offences: tuple[OffenceOutcome, ...]
    total: CaseTotal
    notification: CaseNotification
    notes: tuple[str, ...]
    warnings: tuple[str, ...]
    verified: bool

    @property
    def status(self) -> Status:
        return Status.VERIFIED if self.verified else Status.UNVERIFIED

    @property
    def lead(self) -> SentencingResult:
        return self.offences[0].result

    def to_dict(self) -> dict[str, object]:
        offences = [
            {
                "index": o.index,
                "label": o.label,
                "relation": o.relation.value,
                "result": o.result.to_dict(),
            }
            for o in self.offences
        ]
        total = to_jsonable(self.total)
        if isinstance(total, dict):
            total["relation_labels"] = {r.value: label for r, label in RELATION_LABELS.items()}
        return {
            "offences": offences,
            "total": total,
            "notification": to_jsonable(self.notification),
            "notes": list(self.notes),
            "warnings": list(self.warnings),
            "verified": self.verified,
            "status": self.status.value,
            "banner": None if self.verified else UNVERIFIED_BANNER,
        }


# -- reading -----------------------------------------------------------------------------------


def is_case_data(data: object) -> bool:
    """True when parsed JSON is a case (it has `offences`) rather than a single-offence request."""
    return isinstance(data, Mapping) and "offences" in data


def case_from_dict(data: object) -> CaseRequest | Problems:
    """Read a case from parsed JSON; returns the case or every problem found (paths like offences[1].plea)."""
    reader = Reader()
    mapping = reader.obj(data, "")
    if mapping is None:
        return Problems(tuple(reader.problems))
    reader.keys(mapping, "", allowed=CASE_FIELDS, required=("offences",))
    items = reader.obj_list(mapping, "offences", "", max_items=MAX_OFFENCES) or []
    if "offences" in mapping and mapping.get("offences") is not None and not items and not reader.problems:
        reader.add("offences", "required", "a case needs at least one offence")
    offences: list[CaseOffence] = []
    for index, (field, item) in enumerate(items):
        reader.keys(item, field, allowed=OFFENCE_FIELDS, required=("request",))
        default = Relation.LEAD if index == 0 else Relation.CONCURRENT
        relation_text = reader.text(item, "relation", field, choices=[r.value for r in Relation])
        relation = Relation(relation_text) if relation_text else default
        label = reader.text(item, "label", field, max_length=60) or ""
        if index == 0 and relation is not Relation.LEAD:
            reader.add(
                join(field, "relation"),
                "lead_first",
                "the first offence is the lead offence: relation must be 'lead'",
            )
        elif index > 0 and relation is Relation.LEAD:
            reader.add(
                join(field, "relation"),
                "one_lead",
                "only the first offence is the lead; allowed here: concurrent, consecutive, no_separate_penalty",
            )
        raw = item.get("request")
        if raw is None:
            continue
        parsed = request_from_dict(raw)
        if isinstance(parsed, Problems):
            for problem in parsed:
                reader.add(_prefixed(join(field, "request"), problem.field), problem.code, problem.message)
            continue
        if index > 0:
            for part in CASE_LEVEL_PARTS:
                if getattr(parsed, part) is not None:
                    reader.add(
                        join(join(field, "request"), part),
                        "case_level_only",
                        f"{part} applies to the whole case: give it on the lead offence (offences[0]) only",
                    )
        offences.append(CaseOffence(parsed, relation, label))
    totality = _totality(reader, mapping)
    if reader.problems:
        return Problems(tuple(reader.problems))
    return CaseRequest(tuple(offences), totality)


def _prefixed(base: str, field: str) -> str:
    return base if field in ("", "(input)") else join(base, field)


def _totality(reader: Reader, data: Mapping[str, object]) -> TotalityInput | None:
    value = data.get("totality")
    if value is None:
        return None
    item = reader.obj(value, "totality")
    if item is None:
        return None
    reader.keys(item, "totality", allowed=TOTALITY_FIELDS, required=TOTALITY_FIELDS)
    total = reader.duration(item, "total", "totality")
    reason = reader.text(item, "reason", "totality", max_length=2000)
    if reason is not None and not reason.strip():
        reader.add("totality.reason", "required", "give the reason for the total the court settles on")
        return None
    if total is None or reason is None:
        return None
    return TotalityInput(total, reason.strip())


# -- calculating -------------------------------------------------------------------------------


def add_lengths(lengths: list[Duration]) -> tuple[Duration, str | None]:
    """The sum of custodial terms as one length, and the sum in words when no whole unit fits.

    Same-unit terms add exactly. Mixed units use the convention of `durations` (12 months = 52 weeks)
    and keep the largest whole unit; when none fits, the total is rounded down to whole days and the
    exact parts are returned in words so nothing is hidden.
    """
    if not lengths:
        raise ValueError("no lengths to add")
    units = {length.unit for length in lengths}
    if len(units) == 1:
        unit = units.pop()
        return Duration(sum(length.amount for length in lengths), unit), None
    total, exact = from_months(sum((length.in_months() for length in lengths), Fraction(0)))
    return total, None if exact else " + ".join(length.text() for length in lengths)


class _CaseCalculation:
    def __init__(self, case: CaseRequest, library: GuidelineLibrary) -> None:
        self.case = case
        self.library = library
        self.problems: list[Problem] = []
        self.warnings: list[str] = []
        self.notes: list[str] = []
        self.unverified = False

    def problem(self, field: str, code: str, message: str) -> None:
        self.problems.append(Problem(field, code, message))

    def caveat(self, text: str) -> None:
        if text not in self.warnings:
            self.warnings.append(text)

    def _run_offence(self, index: int, request: SentencingRequest) -> SentencingResult | None:
        try:
            return calculate(request, self.library)
        except GuidelineError as error:
            base = f"offences[{index}].request"
            for item in error.problems:
                self.problem(_prefixed(base, item.field), item.code, item.message)
            return None

    def run(self) -> CaseResult:
        case = self.case
        if not case.offences:
            raise GuidelineError([Problem("offences", "required", "a case needs at least one offence")])
        lead_request = case.offences[0].request
        lead_suspension = (
            lead_request.suspension if lead_request.suspension and lead_request.suspension.suspend else None
        )
        outcomes: list[OffenceOutcome] = []
        for index, offence in enumerate(case.offences):
            result = self._run_offence(index, offence.request)
            if result is not None and index > 0 and lead_suspension is not None and _is_custody(result):
                # The lead's suspension covers every custodial term; recalculate so this offence's
                # own checks and notification know its term is suspended too.
                shared = SuspensionInput(
                    True, lead_suspension.operational_period, lead_suspension.supervision_period
                )
                result = self._run_offence(index, dataclasses.replace(offence.request, suspension=shared))
            if result is not None:
                label = offence.label or f"Offence {index + 1}"
                outcomes.append(OffenceOutcome(index, label, offence.relation, result))
        if self.problems:
            raise GuidelineError(self.problems)
        self._check_relations(outcomes)
        total = self._total(outcomes)
        notification = self._notification(outcomes)
        if self.problems:
            raise GuidelineError(self.problems)
        notes: list[str] = []
        warnings: list[str] = []
        for outcome in outcomes:
            warnings += [text for text in outcome.result.warnings if text not in warnings]
            notes += [text for text in outcome.result.notes if text not in notes]
        warnings += [text for text in self.warnings if text not in warnings]
        if len(outcomes) > 1:
            notes.append(TOTALITY_NOTE)
        verified = not self.unverified and all(o.result.verified for o in outcomes)
        return CaseResult(tuple(outcomes), total, notification, tuple(notes), tuple(warnings), verified)

    def _check_relations(self, outcomes: list[OffenceOutcome]) -> None:
        lead = outcomes[0].result.sentence.sentence
        for outcome in outcomes[1:]:
            sentence = outcome.result.sentence.sentence
            field = f"offences[{outcome.index}].relation"
            if outcome.relation is Relation.CONSECUTIVE and not (
                sentence is not None and sentence.is_custody and lead is not None and lead.is_custody
            ):
                self.problem(
                    field,
                    "consecutive_needs_custody",
                    "only a custodial term can run consecutively, after a custodial lead sentence; this "
                    f"offence's sentence is {_text(sentence)} and the lead's is {_text(lead)}: use "
                    "concurrent or no_separate_penalty",
                )
            if (
                outcome.relation is not Relation.NO_SEPARATE_PENALTY
                and sentence is not None
                and lead is not None
                and sentence.kind is not lead.kind
                and sentence.rank()[0] > lead.rank()[0]
            ):
                self.problem(
                    field,
                    "more_serious_than_lead",
                    f"this offence's sentence ({sentence.text()}) is a more severe kind of sentence than the "
                    f"lead offence's ({lead.text()}): put the most serious offence first",
                )

    def _total(self, outcomes: list[OffenceOutcome]) -> CaseTotal:
        lead_result = outcomes[0].result
        lead = lead_result.sentence.sentence
        suspension = lead_result.suspension
        lines: list[TermLine] = []
        from_start: list[Duration] = []
        added: list[Duration] = []
        for outcome in outcomes:
            sentence = outcome.result.sentence.sentence
            term = sentence.length if sentence is not None and sentence.is_custody else None
            if outcome.relation is Relation.LEAD:
                counts = "runs from the start"
                if term is not None:
                    from_start.append(term)
            elif outcome.relation is Relation.CONSECUTIVE:
                counts = "added to the total"
                if term is not None:
                    added.append(term)
            elif outcome.relation is Relation.CONCURRENT:
                counts = "runs at the same time"
                if term is not None:
                    from_start.append(term)
            else:
                counts = "adds nothing (no separate penalty)"
            lines.append(TermLine(outcome.index, outcome.label, outcome.relation, sentence, counts))

        totality = self.case.totality
        if lead is None or not lead.is_custody or not from_start:
            if totality is not None:
                self.problem(
                    "totality.total",
                    "not_custody",
                    f"a total term applies only to custodial sentences; the lead sentence is {_text(lead)}",
                )
            text = lead_result.sentence.text
            reason = (
                "The lead offence's sentence is the sentence for the case; the other offences run at the same "
                "time or carry no separate penalty."
                if len(outcomes) > 1
                else "One offence: its sentence is the sentence for the case."
            )
            return CaseTotal(lead, None, None, None, None, lead_result.sentence.suspended,
                             suspension.operational_period, text, tuple(lines), reason)  # fmt: skip

        longest = max(from_start, key=lambda d: d.in_months())
        arithmetic, words = add_lengths([longest, *added])
        reason = (
            f"The longest term running from the start ({longest.text()})"
            + (f" plus the consecutive terms ({', '.join(d.text() for d in added)})" if added else "")
            + f" = {arithmetic.text()}"
            + (f" ({words})" if words else "")
            + "."
        )
        final_term = arithmetic
        reviewed = False
        if totality is not None:
            if totality.total.in_months() > arithmetic.in_months():
                self.problem(
                    "totality.total",
                    "more_than_total",
                    f"{totality.total.text()} is longer than the arithmetic total of {arithmetic.text()}; "
                    "a total review may shorten it. To lengthen it, change the position of an offence",
                )
            else:
                final_term, reviewed = totality.total, True
                reason += (
                    f" After the court's review of the total: {totality.total.text()} ({totality.reason})."
                )
        suspended = lead_result.sentence.suspended
        # One term, as the court found it: the lead's own calculation has already checked it.
        if suspended and (len(from_start) + len(added) > 1 or reviewed):
            text_fact = warning_text(
                SUSPENSION_FACT, "Suspendable term (14 days to 2 years) applied to the total"
            )
            if text_fact is not None:
                self.unverified = True
                self.caveat(text_fact)
            if not (
                SUSPENDABLE_MINIMUM.in_months() <= final_term.in_months() <= SUSPENDABLE_MAXIMUM.in_months()
            ):
                self.problem(
                    "offences[0].request.suspension.suspend",
                    "total_not_suspendable",
                    f"the total custodial term is {final_term.text()}; a suspended sentence may be "
                    f"{SUSPENDABLE_MINIMUM.text()} to {SUSPENDABLE_MAXIMUM.text()} in total: do not suspend, "
                    "or change the terms",
                )
        total_sentence = Sentence.custody(final_term)
        text = total_sentence.text()
        if suspended and suspension.operational_period is not None:
            text += f", suspended for {suspension.operational_period.text()}"
        return CaseTotal(
            total_sentence,
            arithmetic,
            words,
            totality.total if totality is not None and reviewed else None,
            totality.reason if totality is not None and reviewed else None,
            suspended,
            suspension.operational_period,
            text,
            tuple(lines),
            reason,
        )

    def _notification(self, outcomes: list[OffenceOutcome]) -> CaseNotification:
        best: tuple[OffenceOutcome, dict[str, object]] | None = None
        applies = [o.result.notification.applies for o in outcomes]
        for outcome in outcomes:
            period = outcome.result.notification.period
            if period is None or outcome.result.notification.applies == "no":
                continue
            if best is None or _longer(period.indefinite, period.period, best[1]):
                best = (outcome, period.to_dict())
        overall = "yes" if "yes" in applies else ("unknown" if "unknown" in applies else "no")
        if any(o.relation is Relation.CONSECUTIVE for o in outcomes):
            self.unverified = True
            self.caveat(CONSECUTIVE_NOTIFICATION_WARNING)
        if best is None:
            reason = (
                "No offence in the case gives rise to notification requirements."
                if overall == "no"
                else "Not determined for any offence."
            )
            return CaseNotification(overall, None, None, reason)
        outcome, period_dict = best
        if len(outcomes) == 1:
            reason = "The period for the one offence."
        else:
            reason = f"The longest period worked out for any single offence: {outcome.label}."
        return CaseNotification(overall, outcome.index, period_dict, reason)


def _is_custody(result: SentencingResult) -> bool:
    sentence = result.sentence.sentence
    return sentence is not None and sentence.is_custody


def _text(sentence: Sentence | None) -> str:
    return sentence.text() if sentence is not None else "not determined"


def _longer(indefinite: bool, period: Duration | None, than: dict[str, object]) -> bool:
    if than.get("indefinite"):
        return False
    if indefinite:
        return True
    months = than.get("period_months")
    current = period.in_months() if period is not None else Fraction(0)
    return current > Fraction(months if isinstance(months, int) else 0)


def calculate_case(case: CaseRequest, library: GuidelineLibrary | None = None) -> CaseResult:
    """Calculate every offence and the total; raises GuidelineError listing every problem."""
    return _CaseCalculation(case, library or default_library()).run()


def calculate_case_from_dict(data: object, library: GuidelineLibrary | None = None) -> CaseResult | Problems:
    """Parse and calculate a case; returns the result or the problems and never raises for bad input."""
    parsed = case_from_dict(data)
    if isinstance(parsed, Problems):
        return parsed
    try:
        return calculate_case(parsed, library)
    except GuidelineError as error:
        return error.problems


def calculate_any_from_dict(
    data: object, library: GuidelineLibrary | None = None
) -> SentencingResult | CaseResult | Problems:
    """A case when the JSON has `offences`, else one offence's request (the API's and CLI's input)."""
    if is_case_data(data):
        return calculate_case_from_dict(data, library)
    return calculate_from_dict(data, library)


def single(request: SentencingRequest) -> CaseRequest:
    """A one-offence case, so callers can treat every calculation as a case."""
    return CaseRequest((CaseOffence(request, Relation.LEAD),))
