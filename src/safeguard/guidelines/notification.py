"""Notification period under the Sexual Offences Act 2003 s.82, its review date, and notification deadlines.

This is the only code that computes notification periods; the courts and supervision apps both call
it. A length given in weeks or days is compared with the 6- and 30-month boundaries under the
convention in `durations.py` (26 weeks = 6 months).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from fractions import Fraction

from safeguard.calendar.dates import period_last_day
from safeguard.calendar.durations import Duration, Unit
from safeguard.guidelines._reader import Reader
from safeguard.guidelines.errors import GuidelineError, Problem, Problems
from safeguard.guidelines.facts import Evidence, Fact, Status, warning_text
from safeguard.guidelines.offences import normalise_offence_code
from safeguard.guidelines.register import (
    REVIEW_AFTER_YEARS,
    REVIEW_AFTER_YEARS_UNDER_18,
    REVIEW_FACT,
    annual_notification_due,
    change_notification_due,
    initial_notification_due,
    review_qualifying_date,
    travel_notification_due,
)
from safeguard.guidelines.register import further_review_date as _further_review
from safeguard.guidelines.register import staying_elsewhere_counts as staying_elsewhere_counts


class Disposal(StrEnum):
    IMPRISONMENT = "imprisonment"
    LIFE = "life"
    IPP = "ipp"
    HOSPITAL_RESTRICTION_ORDER = "hospital_restriction_order"
    HOSPITAL_ORDER = "hospital_order"
    CAUTION = "caution"
    CONDITIONAL_DISCHARGE = "conditional_discharge"
    COMMUNITY_ORDER = "community_order"
    FINE = "fine"
    OTHER = "other"


# "custody" is accepted as another name for imprisonment (the word the command-line flags use).
DISPOSAL_ALIASES = {"custody": Disposal.IMPRISONMENT}
DISPOSAL_CHOICES = [d.value for d in Disposal] + list(DISPOSAL_ALIASES)

S82_FACT = Fact(Evidence.VERIFIED, "Sexual Offences Act 2003 s.82 (table)")
S82_OTHER_FACT = Fact(
    Evidence.SECONDARY,
    "Sexual Offences Act 2003 s.82 table, 'any other description' row, read in a secondary source",
)
S82_HALVING_FACT = Fact(
    Evidence.CANDIDATE,
    "Sexual Offences Act 2003 s.82(2) (candidate wording: 'for any reference to a period of "
    "10 years, 7 years, 5 years or 2 years ... one-half of that period')",
)
S82_NOT_HALVED_FACT = Fact(
    Evidence.SECONDARY,
    "Secondary sources agree that the conditional discharge's own length and indefinite "
    "requirements are not halved for a person under 18",
)
CRIMINAL_RESPONSIBILITY_FACT = Fact(
    Evidence.VERIFIED,
    "Children and Young Persons Act 1933 s.50 (legislation.gov.uk): it is conclusively presumed that no "
    "child under the age of ten can be guilty of any offence",
)
AGE_OF_CRIMINAL_RESPONSIBILITY = 10

SIX_MONTHS = Fraction(6)
THIRTY_MONTHS = Fraction(30)

SUSPENDED_OPEN_QUESTION = (
    "Open question: whether a suspended sentence counts as imprisonment for the s.82 table is not "
    "verified. The period shown treats it as imprisonment; if it does not, the 'any other "
    "description' row would apply (5 years, or 2 years 6 months for a person under 18)."
)


@dataclass(frozen=True, slots=True)
class NotificationResult:
    """The notification period for one disposal, with the rule applied and every caveat."""

    disposal: Disposal
    relevant_date: date
    under_18: bool
    indefinite: bool
    period: Duration | None
    end_date: date | None  # last day the requirements apply (the relevant date is day one)
    review_date: date | None  # first date a review of an indefinite requirement can be sought
    basis: str
    status: Status
    initial_notification_by: date
    warnings: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def period_months(self) -> int | None:
        if self.period is None:
            return None
        return int(self.period.in_months())

    def to_dict(self) -> dict[str, object]:
        return {
            "disposal": self.disposal.value,
            "relevant_date": self.relevant_date.isoformat(),
            "under_18": self.under_18,
            "indefinite": self.indefinite,
            "period_months": self.period_months,
            "period": self.period.text() if self.period else None,
            "end_date": self.end_date.isoformat() if self.end_date else None,
            "review_date": self.review_date.isoformat() if self.review_date else None,
            "initial_notification_by": self.initial_notification_by.isoformat(),
            "basis": self.basis,
            "status": self.status.value,
            "warnings": list(self.warnings),
            "notes": list(self.notes),
            "errors": [],
        }


@dataclass(frozen=True, slots=True)
class NotificationRequest:
    disposal: Disposal
    relevant_date: date
    age_at_relevant_date: int
    custody_length: Duration | None = None
    conditional_discharge_length: Duration | None = None
    suspended: bool = False
    first_notification_date: date | None = None
    # Optional: the offence, to check its Schedule 3 threshold, with the answers the threshold uses.
    offence: str | None = None
    youngest_age_shown: int | None = None
    age_at_offence: int | None = None

    def to_dict(self) -> dict[str, object]:
        data: dict[str, object] = {
            "disposal": self.disposal.value,
            "relevant_date": self.relevant_date.isoformat(),
            "age_at_relevant_date": self.age_at_relevant_date,
        }
        if self.custody_length is not None:
            data["custody_length"] = self.custody_length.to_json()
        if self.conditional_discharge_length is not None:
            data["conditional_discharge_length"] = self.conditional_discharge_length.to_json()
        if self.suspended:
            data["suspended"] = True
        if self.first_notification_date is not None:
            data["first_notification_date"] = self.first_notification_date.isoformat()
        for key in ("offence", "youngest_age_shown", "age_at_offence"):
            if getattr(self, key) is not None:
                data[key] = getattr(self, key)
        return data


def below_criminal_responsibility(age: int, field: str, when: str) -> Problem | None:
    """The error for an age under 10 on the date of the offence or the disposal, naming the age."""
    if not 0 <= age < AGE_OF_CRIMINAL_RESPONSIBILITY:
        return None
    return Problem(
        field,
        "below_age_of_criminal_responsibility",
        f"the person was {age} {when}: no child under {AGE_OF_CRIMINAL_RESPONSIBILITY} can be guilty of an "
        "offence in England and Wales (the age of criminal responsibility, Children and Young Persons "
        "Act 1933 s.50), so no conviction, caution or other disposal can follow",
    )


def _check(
    disposal: Disposal,
    relevant_date: date,
    age: int,
    custody_length: Duration | None,
    cd_length: Duration | None,
    suspended: bool,
    first_notification_date: date | None,
) -> list[Problem]:
    problems: list[Problem] = []
    if not 0 <= age <= 120:
        problems.append(Problem("age_at_relevant_date", "out_of_range", "age must be between 0 and 120"))
    young = below_criminal_responsibility(
        age, "age_at_relevant_date", f"on the relevant date (the date of the {_DISPOSAL_EVENT[disposal]})"
    )
    if young is not None:
        problems.append(young)
    if disposal is Disposal.IMPRISONMENT:
        if custody_length is None or custody_length.amount == 0:
            problems.append(
                Problem(
                    "custody_months",
                    "required",
                    "imprisonment needs its length (custody_months, or custody_length such as '26w')",
                )
            )
    elif custody_length is not None:
        problems.append(
            Problem(
                "custody_months",
                "not_applicable",
                f"a custodial length applies only to imprisonment, not to {disposal.value}",
            )
        )
    if disposal is Disposal.CONDITIONAL_DISCHARGE:
        if cd_length is None or cd_length.amount == 0:
            problems.append(
                Problem(
                    "conditional_discharge_months",
                    "required",
                    "a conditional discharge needs its length (conditional_discharge_months)",
                )
            )
        elif cd_length.unit not in (Unit.MONTHS, Unit.YEARS):
            problems.append(
                Problem(
                    "conditional_discharge_months",
                    "whole_months",
                    "give the conditional discharge's length in months or years",
                )
            )
    elif cd_length is not None:
        problems.append(
            Problem(
                "conditional_discharge_months",
                "not_applicable",
                f"a conditional-discharge length does not apply to {disposal.value}",
            )
        )
    if suspended and disposal is not Disposal.IMPRISONMENT:
        problems.append(
            Problem("suspended", "not_applicable", "only a sentence of imprisonment can be suspended")
        )
    if first_notification_date is not None and first_notification_date < relevant_date:
        problems.append(
            Problem(
                "first_notification_date",
                "before_relevant_date",
                f"the first notification ({first_notification_date.isoformat()}) cannot be before "
                f"the relevant date ({relevant_date.isoformat()})",
            )
        )
    return problems


_DISPOSAL_EVENT = dict.fromkeys(Disposal, "conviction") | {Disposal.CAUTION: "caution"}


def notification_period(
    *,
    disposal: Disposal,
    relevant_date: date,
    age_at_relevant_date: int,
    custody_length: Duration | None = None,
    conditional_discharge_length: Duration | None = None,
    suspended: bool = False,
    first_notification_date: date | None = None,
) -> NotificationResult:
    """The s.82 notification period for one disposal; raises GuidelineError on impossible input."""
    problems = _check(
        disposal,
        relevant_date,
        age_at_relevant_date,
        custody_length,
        conditional_discharge_length,
        suspended,
        first_notification_date,
    )
    if problems:
        raise GuidelineError(problems)
    under_18 = age_at_relevant_date < 18
    warnings: list[str] = []
    notes: list[str] = []

    def use(fact: Fact, what: str) -> None:
        text = warning_text(fact, what)
        if text is not None and text not in warnings:
            warnings.append(text)

    if custody_length is not None and custody_length.unit in (Unit.WEEKS, Unit.DAYS):
        notes.append(
            f"The term of {custody_length.text()} was compared with the 6- and 30-month boundaries "
            "using 52 weeks = 12 months (26 weeks = 6 months)."
        )
        months = custody_length.in_months()
        if abs(months - SIX_MONTHS) <= 1 or abs(months - THIRTY_MONTHS) <= 1:
            warnings.append(
                f"The term of {custody_length.text()} is close to an s.82 boundary and was given in "
                f"{custody_length.unit.name.lower()}: check the period against the sentence as pronounced."
            )
    if suspended:
        warnings.append(SUSPENDED_OPEN_QUESTION)

    row = _s82_row(disposal, custody_length, conditional_discharge_length)
    facts_used: list[Fact] = [row.fact]
    use(row.fact, f"The s.82 row applied ({row.words})")
    basis = f"Sexual Offences Act 2003 s.82: {row.words}"
    period: Duration | None = None
    if row.indefinite:
        basis += ": indefinitely"
        if under_18:
            basis += " (indefinite requirements are not halved for a person under 18)"
            facts_used.append(S82_NOT_HALVED_FACT)
            use(S82_NOT_HALVED_FACT, "Indefinite requirements not halved for a person under 18")
    elif row.own_length is not None:
        period = row.own_length
        basis += f": {period.text()}"
        if under_18:
            basis += " (the conditional discharge's own length is not halved for a person under 18)"
            facts_used.append(S82_NOT_HALVED_FACT)
            use(S82_NOT_HALVED_FACT, "Conditional discharge length not halved for a person under 18")
    else:
        halve = under_18 and row.halvable
        period = _as_duration(row.months // 2 if halve else row.months)
        basis += f": {_as_duration(row.months).text()}"
        if halve:
            basis += (
                f", halved to {period.text()} because the person was under 18 on the relevant date (s.82(2))"
            )
            facts_used.append(S82_HALVING_FACT)
            use(S82_HALVING_FACT, "Halving of the notification period for a person under 18 (s.82(2))")
    indefinite = row.indefinite

    review_date = None
    if indefinite:
        years = REVIEW_AFTER_YEARS_UNDER_18 if under_18 else REVIEW_AFTER_YEARS
        start = first_notification_date or relevant_date
        review_date = review_qualifying_date(start, under_18_on_relevant_date=under_18).due_date
        basis += (
            f". Review: the first date a review can be sought is {years} years after the first "
            f"notification (ss.91A-91G){' for a person under 18 on the relevant date' if under_18 else ''}"
        )
        facts_used.append(REVIEW_FACT)
        if first_notification_date is None:
            warnings.append(
                "The review date was counted from the relevant date because no first-notification "
                "date was given. The Act counts from the first notification, which can be later "
                "(for example after release from custody), so the real review date may be later."
            )
    notes.append(
        "The period begins with the relevant date, which counts as day one; end_date is the last "
        "day the requirements apply."
    )
    status = Status.VERIFIED if all(f.verified for f in facts_used) else Status.UNVERIFIED
    return NotificationResult(
        disposal=disposal,
        relevant_date=relevant_date,
        under_18=under_18,
        indefinite=indefinite,
        period=period,
        end_date=period_last_day(relevant_date, period) if period is not None else None,
        review_date=review_date,
        basis=basis + ".",
        status=status,
        initial_notification_by=initial_notification_deadline(relevant_date),
        warnings=tuple(warnings),
        notes=tuple(notes),
    )


@dataclass(frozen=True, slots=True)
class _Row:
    """One row of the s.82 table as it applies to a case."""

    words: str
    fact: Fact
    indefinite: bool = False
    months: int = 0  # the fixed period in months, before any halving
    halvable: bool = False
    own_length: Duration | None = None  # a conditional discharge's own length


def _s82_row(disposal: Disposal, custody: Duration | None, cd_length: Duration | None) -> _Row:
    months = custody.in_months() if custody is not None else None
    if disposal in (Disposal.LIFE, Disposal.IPP, Disposal.HOSPITAL_RESTRICTION_ORDER) or (
        months is not None and months >= THIRTY_MONTHS
    ):
        return _Row(_indefinite_row(disposal, custody), S82_FACT, indefinite=True)
    if months is not None and months > SIX_MONTHS:
        words = f"imprisonment for more than 6 months but less than 30 months ({_term(custody)})"
        return _Row(words, S82_FACT, months=120, halvable=True)
    if months is not None:
        return _Row(
            f"imprisonment for 6 months or less ({_term(custody)})", S82_FACT, months=84, halvable=True
        )
    if disposal is Disposal.HOSPITAL_ORDER:
        return _Row("hospital order without a restriction order", S82_FACT, months=84, halvable=True)
    if disposal is Disposal.CAUTION:
        return _Row("caution", S82_FACT, months=24, halvable=True)
    if disposal is Disposal.CONDITIONAL_DISCHARGE:
        words = f"conditional discharge ({_term(cd_length)}): the period of the conditional discharge"
        return _Row(words, S82_FACT, own_length=cd_length)
    words = f"any other description ({disposal.value.replace('_', ' ')})"
    return _Row(words, S82_OTHER_FACT, months=60, halvable=True)


def _term(length: Duration | None) -> str:
    return length.text() if length is not None else "length not given"


def _as_duration(months: int) -> Duration:
    return Duration.years(months // 12) if months % 12 == 0 else Duration.months(months)


def _indefinite_row(disposal: Disposal, custody_length: Duration | None) -> str:
    if disposal is Disposal.LIFE:
        return "imprisonment for life"
    if disposal is Disposal.IPP:
        return "imprisonment for public protection"
    if disposal is Disposal.HOSPITAL_RESTRICTION_ORDER:
        return "hospital order with a restriction order"
    return f"imprisonment for a term of 30 months or more ({_term(custody_length)})"


# --- Deadlines and review dates: computed in `register.py` (the supervision app uses the same code) -----


def initial_notification_deadline(relevant_date: date) -> date:
    """Last day for the initial notification: within 3 days of the relevant date (s.83)."""
    return initial_notification_due(relevant_date).due_date


def change_notification_deadline(change_date: date) -> date:
    """Last day to notify a change of name or address, or release from custody (s.84)."""
    return change_notification_due(change_date).due_date


def annual_renotification_date(last_notification_date: date) -> date:
    """Periodic re-notification falls due each year (s.85; secondary source)."""
    return annual_notification_due(last_notification_date).due_date


def foreign_travel_notice_deadline(departure_date: date) -> date:
    """Latest day to notify foreign travel: at least 7 days before departure (secondary source)."""
    return travel_notification_due(departure_date).due_date


def first_review_date(first_notification_date: date, *, under_18_at_relevant_date: bool) -> date:
    """First qualifying date for review of indefinite requirements (s.91B(2))."""
    return review_qualifying_date(first_notification_date, under_18_on_relevant_date=under_18_at_relevant_date).due_date


def further_review_date(decision_to_continue_date: date) -> date:
    """After a decision to keep the requirements, the next qualifying date is 8 years later."""
    return _further_review(decision_to_continue_date).due_date


# --- JSON (the command line and the API share these shapes) -----------------------------------

_JSON_FIELDS = {
    "disposal", "relevant_date", "age_at_relevant_date", "custody_months", "custody_length",
    "conditional_discharge_months", "conditional_discharge_length", "suspended",
    "first_notification_date", "offence", "youngest_age_shown", "age_at_offence",
}  # fmt: skip
_THRESHOLD_INPUTS = ("youngest_age_shown", "age_at_offence")


def notification_request_from_dict(data: object) -> NotificationRequest | Problems:
    """Read one notification request (the JSON Lines contract); never raises for bad input."""
    reader = Reader()
    mapping = reader.obj(data, "")
    if mapping is None:
        return Problems(tuple(reader.problems))
    reader.keys(
        mapping, "", allowed=_JSON_FIELDS, required=("disposal", "relevant_date", "age_at_relevant_date")
    )
    raw_disposal = reader.text(mapping, "disposal", "", choices=DISPOSAL_CHOICES)
    relevant_date = reader.iso_date(mapping, "relevant_date", "")
    age = reader.integer(mapping, "age_at_relevant_date", "", minimum=0, maximum=120)
    custody = _length(reader, mapping, "custody_months", "custody_length")
    cd_length = _length(reader, mapping, "conditional_discharge_months", "conditional_discharge_length")
    suspended = reader.boolean(mapping, "suspended", "") or False
    first = reader.iso_date(mapping, "first_notification_date", "")
    offence = reader.text(mapping, "offence", "", choices=_offence_ids(), normalise=normalise_offence_code)
    shown = reader.integer(mapping, "youngest_age_shown", "", minimum=0, maximum=17)
    age_at_offence = reader.integer(mapping, "age_at_offence", "", minimum=0, maximum=120)
    if reader.problems or raw_disposal is None or relevant_date is None or age is None:
        return Problems(tuple(reader.problems))
    disposal = DISPOSAL_ALIASES.get(raw_disposal) or Disposal(raw_disposal)
    problems = _check(disposal, relevant_date, age, custody, cd_length, suspended, first)
    problems.extend(_check_offence_inputs(offence, shown, age_at_offence, age))
    if problems:
        return Problems(tuple(problems))
    return NotificationRequest(
        disposal, relevant_date, age, custody, cd_length, suspended, first, offence, shown, age_at_offence
    )


def _offence_ids() -> list[str]:
    from safeguard.guidelines.loader import default_library  # the offence data, read once

    return sorted(default_library().offences)


def _check_offence_inputs(
    offence: str | None, shown: int | None, age_at_offence: int | None, age: int
) -> list[Problem]:
    problems: list[Problem] = []
    if offence is None:
        problems.extend(
            Problem(
                name,
                "needs_offence",
                f"{name} is used only to check the offence's Schedule 3 threshold: give offence as well",
            )
            for name, value in zip(_THRESHOLD_INPUTS, (shown, age_at_offence), strict=True)
            if value is not None
        )
    if age_at_offence is not None:
        young = below_criminal_responsibility(age_at_offence, "age_at_offence", "at the offence")
        if young is not None:
            problems.append(young)
        elif age_at_offence > age:
            problems.append(
                Problem(
                    "age_at_offence",
                    "after_relevant_date",
                    f"the age at the offence ({age_at_offence}) is more than the age on the relevant date "
                    f"({age}): the offence comes before the conviction or caution",
                )
            )
    return problems


def _length(reader: Reader, data: Mapping[str, object], months_key: str, length_key: str) -> Duration | None:
    if data.get(months_key) is not None and data.get(length_key) is not None:
        reader.add(length_key, "conflict", f"give {months_key} or {length_key}, not both")
        return None
    months = reader.integer(data, months_key, "", minimum=1, maximum=1200)
    if months is not None:
        return Duration.months(months)
    return reader.duration(data, length_key, "")


def evaluate_request(request: NotificationRequest) -> NotificationResult:
    return notification_period(
        disposal=request.disposal,
        relevant_date=request.relevant_date,
        age_at_relevant_date=request.age_at_relevant_date,
        custody_length=request.custody_length,
        conditional_discharge_length=request.conditional_discharge_length,
        suspended=request.suspended,
        first_notification_date=request.first_notification_date,
    )


def error_output(problems: Problems) -> dict[str, object]:
    """The contract's output object for refused input: every field present, errors filled."""
    return {
        "indefinite": None,
        "period_months": None,
        "end_date": None,
        "review_date": None,
        "basis": None,
        "schedule_3": None,
        "warnings": [],
        "errors": [p.to_dict() for p in problems],
    }


def notification_from_dict(data: object) -> dict[str, object]:
    """One JSON object in, one out: the result, or the same fields with `errors` filled.

    With `offence`, the offence's Schedule 3 threshold is checked first (`schedule_3` in the
    output): when it is not met there is no period; when it cannot be decided yet, `needs` names the
    answers that would decide it and the period is the one that applies if it is met.
    """
    parsed = notification_request_from_dict(data)
    if isinstance(parsed, Problems):
        return error_output(parsed)
    try:
        output = evaluate_request(parsed).to_dict()
    except GuidelineError as error:  # defensive: the parser already applies the same checks
        return error_output(error.problems)
    schedule_3 = _schedule_3(parsed)
    output["schedule_3"] = schedule_3
    if schedule_3 is None:
        return output
    warnings = [str(w) for w in output["warnings"]]  # type: ignore[attr-defined]
    warning = schedule_3.pop("warning")
    if warning:
        warnings.insert(0, str(warning))
        output["status"] = Status.UNVERIFIED.value
    if schedule_3["applies"] == "no":
        output.update(
            {
                "indefinite": False,
                "period_months": None,
                "period": None,
                "end_date": None,
                "review_date": None,
            }
        )
        output["basis"] = schedule_3["reason"]
        output["notes"] = []
    elif schedule_3["applies"] == "unknown":
        warnings.insert(0, f"Not yet known whether notification applies: {schedule_3['reason']}")
        output["basis"] = f"If Schedule 3 applies: {output['basis']}"
    output["warnings"] = warnings
    return output


def _schedule_3(request: NotificationRequest) -> dict[str, object] | None:
    """The offence's Schedule 3 check as JSON (with the warning to show), or None without an offence."""
    if request.offence is None:
        return None
    from safeguard.guidelines.loader import default_library

    offence = default_library().offence(request.offence)
    threshold = offence.notification_threshold if offence is not None else None
    if offence is None or threshold is None:
        statute = offence.statute if offence is not None else request.offence
        return {
            "applies": "unknown",
            "reason": f"The Schedule 3 entry for {statute} is not in the data: the period applies if the "
            "conviction falls within Schedule 3 (Sexual Offences Act 2003 s.80).",
            "needs": [],
            "source": "Sexual Offences Act 2003 s.80",
            "status": Status.VERIFIED.value,
            "warning": None,
        }
    imprisonment = request.disposal is Disposal.IMPRISONMENT
    check = threshold.check(
        offence.statute,
        youngest_age_shown=request.youngest_age_shown,
        offender_age=request.age_at_offence,
        custody=request.custody_length if imprisonment else None,
        life=request.disposal in (Disposal.LIFE, Disposal.IPP),
    )
    return {
        "applies": check.applies,
        "reason": check.reason,
        "needs": list(check.needs),
        "source": threshold.fact.source,
        "status": threshold.fact.status.value,
        "warning": warning_text(threshold.fact, f"Schedule 3 threshold for {offence.statute}"),
    }
