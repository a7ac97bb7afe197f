"""The step engine: from a sentencing request to a result in which every figure has its reason and source.

Steps, in the order a court takes them: which guideline version applies (sentencing date) and the
statutory maximum (offence date) → harm and culpability categories → starting point and range →
the position the user chooses after aggravating and mitigating factors (checked against the range)
→ guilty-plea reduction → custody threshold → suspension → community order → notification period
→ ancillary orders. Every impossible combination is refused with all its problems at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from safeguard.calendar.dates import age_on, completed_years
from safeguard.calendar.durations import Duration, Unit, compare
from safeguard.guidelines._reader import listing
from safeguard.guidelines.errors import GuidelineError, Problem, Problems
from safeguard.guidelines.facts import Fact, Status, warning_text
from safeguard.guidelines.loader import default_library
from safeguard.guidelines.model import (
    Axis,
    Category,
    Cell,
    Condition,
    Factor,
    Guideline,
    GuidelineLibrary,
    Offence,
    StatutoryMaximum,
    TrialMode,
)
from safeguard.guidelines.notification import (
    SUSPENDED_OPEN_QUESTION,
    Disposal,
    NotificationResult,
    below_criminal_responsibility,
    notification_period,
)
from safeguard.guidelines.request import (
    Court,
    Requirement,
    SentencingRequest,
    SuspensionInput,
    request_from_dict,
)
from safeguard.guidelines.result import (
    AdjustmentResult,
    AncillaryOrder,
    CategoryResult,
    ChoosableFactor,
    CommunityOrderResult,
    FinalSentence,
    MaximumResult,
    NamedItem,
    NotificationAssessment,
    PleaResult,
    RangeResult,
    RequirementResult,
    SentencingResult,
    SuspensionResult,
    ThresholdQuestion,
    ThresholdResult,
)
from safeguard.guidelines.rules import (
    COMMUNITY_LEVELS_NOTE,
    COMMUNITY_ORDER_FACT,
    COMMUNITY_ORDER_MAXIMUM,
    COMMUNITY_ORDER_MINIMUM_AGE,
    COMMUNITY_REQUIREMENTS,
    COMMUNITY_REQUIREMENTS_FACT,
    CUSTODY_QUESTIONS,
    CUSTODY_THRESHOLD_FACT,
    CUSTODY_THRESHOLD_PRINCIPLE,
    PLEA_2007_BANDS,
    PLEA_2007_FACT,
    PLEA_2017_BANDS,
    PLEA_2017_FACT,
    PLEA_2017_FIRST_HEARINGS_FROM,
    SHPO_FACT,
    SHPO_MINIMUM,
    SSO_PERIOD_MAXIMUM,
    SSO_PERIOD_MINIMUM,
    SSO_PERIODS_FACT,
    SSO_REQUIREMENTS_FACT,
    SSO_SUPERVISION_NOTE,
    SUSPENDABLE_MAXIMUM,
    SUSPENDABLE_MINIMUM,
    SUSPENSION_FACT,
    SUSPENSION_FACTORS_AGAINST,
    SUSPENSION_FACTORS_FOR,
    UNPAID_WORK_HOURS,
)
from safeguard.guidelines.sentences import Sentence, SentenceKind, within

_FRACTION_WORDS = {
    Fraction(1, 3): "one-third",
    Fraction(1, 4): "one-quarter",
    Fraction(1, 10): "one-tenth",
    Fraction(0): "none",
}


# How the adjustment's reason begins when no position can be given (no table, none chosen).
NO_POSITION = "No position can be given"


def fraction_words(value: Fraction) -> str:
    return _FRACTION_WORDS.get(value, f"{value.numerator}/{value.denominator}")


@dataclass(frozen=True, slots=True)
class _Ages:
    at_offence: int
    at_conviction: int
    at_sentencing: int


@dataclass(frozen=True, slots=True)
class _Maxima:
    result: MaximumResult
    indictment: Duration | None
    applicable: Duration | None


class _Calculation:
    """State for one calculation: the problems, warnings and notes gathered along the way."""

    def __init__(self, request: SentencingRequest, library: GuidelineLibrary) -> None:
        self.request = request
        self.library = library
        self.problems: list[Problem] = []
        self.warnings: list[str] = []
        self.notes: list[str] = []
        self.unverified_used = False

    # -- bookkeeping ------------------------------------------------------------------------

    def problem(self, field: str, code: str, message: str) -> None:
        self.problems.append(Problem(field, code, message))

    def use(self, fact: Fact | None, what: str) -> None:
        if fact is None:
            return
        text = warning_text(fact, what)
        if text is not None:
            self.unverified_used = True
            self.caveat(text)

    def caveat(self, text: str) -> None:
        if text not in self.warnings:
            self.warnings.append(text)

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def stop_if_problems(self) -> None:
        if self.problems:
            raise GuidelineError(self.problems)

    # -- the steps --------------------------------------------------------------------------

    def run(self) -> SentencingResult:
        request = self.request
        offence = self.library.offence(request.offence)
        if offence is None:
            self.problem(
                "offence",
                "unknown_offence",
                f"{request.offence!r} is not an offence the guidelines cover; "
                f"allowed: {listing(self.library.offences)}",
            )
            raise GuidelineError(self.problems)
        dates_in_order = self._check_dates()
        ages = self._ages(dates_in_order)
        guideline = self._guideline(offence, dates_in_order)
        if guideline is None:
            raise GuidelineError(self.problems)
        if ages is not None:
            self._check_age_limits(offence, guideline, ages)
        self._check_victim_age(offence)

        harm = self._category(guideline, guideline.harm, request.harm_factors, "harm_factors", offence, None)
        rule = guideline.rule_for(offence.id)
        culpability = self._category(
            guideline,
            guideline.culpability,
            request.culpability_factors,
            "culpability_factors",
            offence,
            rule.culpability_categories if rule else None,
        )
        if rule is not None:
            self.use(rule.fact, f"Columns available for {offence.statute}")
        condition = self._condition(offence, guideline, harm)
        maxima = self._maximum(offence, condition)
        cell = self._cell(guideline, harm, culpability)
        table = self._table_result(guideline, harm, culpability, cell)
        adjustment = self._adjustment(guideline, offence, cell, maxima, ages)
        plea = self._plea(adjustment.sentence)
        final = plea.sentence_after
        unresolved = self._check_final_maximum(
            adjustment.sentence, final, maxima, offence, adjustment.chosen_by_user
        )
        if adjustment.sentence is None and adjustment.reason.startswith(NO_POSITION):
            unresolved = Problem("sentence_before_plea", "position_required", adjustment.reason)
        if unresolved is not None:
            # Not an error: the figures of step one stand; the sentence waits for this answer.
            final = None
        suspension = self._suspension(final)
        threshold = self._threshold(final, suspension)
        community = self._community(final)
        ancillary = self._ancillary()
        notification = self._notification(offence, final, suspension.suspended, ages)
        self.stop_if_problems()

        for text in guideline.notes:
            self.note(text)
        final_result = self._final(final, suspension, unresolved)
        return SentencingResult(
            guideline=guideline.summary(),
            offence={"id": offence.id, "title": offence.title, "statute": offence.statute},
            statutory_maximum=maxima.result,
            harm=harm[0] if harm else None,
            culpability=culpability[0] if culpability else None,
            table=table,
            adjustment=adjustment,
            plea=plea,
            sentence=final_result,
            custody_threshold=threshold,
            suspension=suspension,
            community_order=community,
            notification=notification,
            ancillary_orders=ancillary,
            considerations=tuple(c.label for c in guideline.considerations),
            notes=tuple(self.notes),
            warnings=tuple(self.warnings),
            verified=not self.unverified_used,
            unresolved=(unresolved,) if unresolved is not None else (),
        )

    def _check_dates(self) -> bool:
        r = self.request
        ok = True
        if r.offence_date > r.sentencing_date:
            ok = False
            self.problem(
                "offence_date",
                "after_sentencing_date",
                f"the offence date {r.offence_date.isoformat()} is after the sentencing date "
                f"{r.sentencing_date.isoformat()}; the offence date must be on or before the sentencing date",
            )
        if r.conviction_date is not None:
            if r.conviction_date < r.offence_date:
                ok = False
                self.problem(
                    "conviction_date",
                    "before_offence_date",
                    f"the conviction date {r.conviction_date.isoformat()} is before the offence date "
                    f"{r.offence_date.isoformat()}; it must be on or after it",
                )
            if r.conviction_date > r.sentencing_date:
                ok = False
                self.problem(
                    "conviction_date",
                    "after_sentencing_date",
                    f"the conviction date {r.conviction_date.isoformat()} is after the sentencing date "
                    f"{r.sentencing_date.isoformat()}; it must be on or before it",
                )
        relevant = r.conviction_date or r.sentencing_date
        if r.first_notification_date is not None and r.first_notification_date < relevant:
            self.problem(
                "first_notification_date",
                "before_relevant_date",
                f"the first notification cannot be before the relevant date ({relevant.isoformat()})",
            )
        hearing = r.plea.first_hearing_date if r.plea else None
        if hearing is not None:
            if hearing < r.offence_date:
                self.problem(
                    "plea.first_hearing_date",
                    "before_offence_date",
                    "the first hearing cannot be before the offence date",
                )
            latest = r.conviction_date or r.sentencing_date
            if hearing > latest:
                self.problem(
                    "plea.first_hearing_date",
                    "after_conviction",
                    f"the first hearing cannot be after the conviction ({latest.isoformat()}): "
                    "a guilty plea is entered at or after the first hearing",
                )
        return ok

    def _ages(self, dates_in_order: bool) -> _Ages | None:
        r = self.request
        conviction = r.conviction_date or r.sentencing_date
        if r.offender_date_of_birth is not None:
            birth = r.offender_date_of_birth
            if birth > r.offence_date:
                self.problem(
                    "offender_date_of_birth",
                    "after_offence_date",
                    "the date of birth is after the offence date",
                )
                return None
            if not dates_in_order:
                return None
            ages = _Ages(
                age_on(birth, r.offence_date), age_on(birth, conviction), age_on(birth, r.sentencing_date)
            )
            for field, given, derived in (
                ("offender_age_at_offence", r.offender_age_at_offence, ages.at_offence),
                ("offender_age_at_conviction", r.offender_age_at_conviction, ages.at_conviction),
            ):
                if given is not None and given != derived:
                    self.problem(
                        field,
                        "inconsistent_with_date_of_birth",
                        f"{given} does not match the date of birth, which gives {derived}",
                    )
            return ages
        if r.offender_age_at_offence is None or r.offender_age_at_conviction is None:
            self.problem(
                "offender_age_at_offence",
                "required",
                "give offender_date_of_birth, or both offender_age_at_offence and offender_age_at_conviction",
            )
            return None
        at_offence, at_conviction = r.offender_age_at_offence, r.offender_age_at_conviction
        if dates_in_order:
            years = completed_years(r.offence_date, conviction)
            if not years <= at_conviction - at_offence <= years + 1:
                self.problem(
                    "offender_age_at_conviction",
                    "inconsistent_ages",
                    f"ages {at_offence} at the offence and {at_conviction} at conviction cannot both be "
                    f"right: {years} whole years passed between the dates, so the age at conviction "
                    f"must be {at_offence + years} or {at_offence + years + 1}",
                )
                return None
        if r.sentencing_date > conviction:
            self.note(
                "The age at sentencing was taken as the age at conviction; give the date of birth if "
                "the person had a birthday in between that matters."
            )
        return _Ages(at_offence, at_conviction, at_conviction)

    def _guideline(self, offence: Offence, dates_in_order: bool) -> Guideline | None:
        if not dates_in_order:
            return None
        try:
            guideline = self.library.select(
                offence.id, self.request.sentencing_date, field_name="sentencing_date"
            )
        except GuidelineError as error:
            self.problems.extend(error.problems)
            return None
        self.use(guideline.effective_fact, f"Effective date of {guideline.title} ({guideline.version})")
        return guideline

    def _check_age_limits(self, offence: Offence, guideline: Guideline, ages: _Ages) -> None:
        young = below_criminal_responsibility(
            ages.at_offence,
            "offender_date_of_birth"
            if self.request.offender_age_at_offence is None
            else "offender_age_at_offence",
            "at the offence",
        )
        if young is not None:
            self.problems.append(young)
            return
        limit = offence.offender_age_at_offence
        if limit is not None and not limit.allows(ages.at_offence):
            hint = f" {limit.fact.note}" if limit.fact.note else ""
            self.problem(
                "offender_age_at_offence",
                "offence_not_available_at_age",
                f"{offence.statute} applies to a person {limit.describe()} at the time of the offence; "
                f"the person was {ages.at_offence}.{hint}",
            )
        guideline_limit = guideline.offender_age
        if guideline_limit is not None and not guideline_limit.allows(ages.at_sentencing):
            self.problem(
                "offender_age_at_conviction",
                "guideline_not_applicable",
                f"{guideline.title} ({guideline.version}) applies to offenders {guideline_limit.describe()} "
                f"when sentenced; the person is {ages.at_sentencing}. No guideline for younger "
                "offenders is in the data for this offence.",
            )

    def _check_victim_age(self, offence: Offence) -> None:
        age = self.request.victim_age
        if age is not None and offence.victim_age_under is not None and age >= offence.victim_age_under:
            self.problem(
                "victim_age",
                "not_a_child_for_this_offence",
                f"{offence.statute} concerns a child under {offence.victim_age_under}; "
                f"the age given is {age}",
            )

    def _category(
        self,
        guideline: Guideline,
        axis: Axis | None,
        selected: tuple[str, ...],
        field: str,
        offence: Offence,
        allowed_categories: tuple[str, ...] | None,
    ) -> tuple[CategoryResult, list[Factor]] | None:
        name = field.removesuffix("_factors")
        if axis is None:
            if selected:
                self.problem(
                    field,
                    "not_defined_by_guideline",
                    f"{guideline.title} (version {guideline.version}) defines no {name} categories, "
                    f"so no {name} factor can be selected; remove {field}",
                )
            return None
        factors: list[Factor] = []
        for index, factor_id in enumerate(selected):
            factor = axis.factor(factor_id)
            if factor is None:
                self.problem(
                    f"{field}[{index}]",
                    "unknown_factor",
                    f"{factor_id!r} is not a {axis.label.lower()} factor of {guideline.title} "
                    f"(version {guideline.version}); allowed: {listing(axis.factor_ids())}",
                )
            else:
                factors.append(factor)
        if len(factors) != len(selected):
            return None
        category: Category | None
        if not factors:
            category = axis.category(axis.residual) if axis.residual else None
            if category is None:
                self.problem(
                    field,
                    "required",
                    f"select at least one {axis.label.lower()} factor; allowed: {listing(axis.factor_ids())}",
                )
                return None
            others = [c.label for c in axis.categories if c.id != category.id]
            reason = (
                f"{category.label}: no factor of {', '.join(others)} was selected, and "
                f"{category.label} applies when none is present "
                f"({category.description or 'residual category'})"
            )
        else:
            chosen = {c.id for f in factors if (c := axis.category_of(f.id)) is not None}
            if axis.selection == "single" and len(chosen) > 1:
                self.problem(
                    field,
                    "factors_in_different_categories",
                    f"the selected factors fall in different {axis.label.lower()} categories "
                    f"({listing(chosen)}); select factors of one category only",
                )
                return None
            category = next(c for c in axis.categories if c.id in chosen)
            labels = "; ".join(f.label for f in factors)
            reason = f"{category.label}: the most serious category among the selected factors ({labels})"
        if allowed_categories is not None and category.id not in allowed_categories:
            allowed_factors = [f.id for c in axis.categories if c.id in allowed_categories for f in c.factors]
            self.problem(
                field,
                "not_available_for_offence",
                f"{offence.statute} is sentenced only in the {listing(allowed_categories)} column; "
                f"allowed factors: {listing(allowed_factors)}",
            )
            return None
        self.use(axis.fact, f"{axis.label} categories of {guideline.title} ({guideline.version})")
        result = CategoryResult(
            axis=axis.name,
            label=axis.label,
            category=category.id,
            category_label=category.label,
            factors=tuple(NamedItem(f.id, f.label) for f in factors),
            reason=f"{reason} — {guideline.title} ({guideline.version}), step one.",
            source=axis.fact.source,
            status=axis.fact.status,
        )
        return result, factors

    def _condition(
        self,
        offence: Offence,
        guideline: Guideline,
        harm: tuple[CategoryResult, list[Factor]] | None,
    ) -> Condition | None:
        if not offence.has_penetration_condition:
            return Condition.ANY
        derived: bool | None = None
        can_derive = guideline.harm is not None and any(
            f.penetrative for c in guideline.harm.categories for f in c.factors
        )
        if harm is not None and harm[1] and can_derive:
            derived = any(f.penetrative for f in harm[1])
        explicit = self.request.penetrative
        if derived is not None and explicit is not None and derived != explicit:
            self.problem(
                "penetrative",
                "conflicts_with_harm_factors",
                f"penetrative is {str(explicit).lower()} but the selected harm factors say "
                f"{str(derived).lower()}; leave penetrative out or make it agree",
            )
            return None
        value = derived if derived is not None else explicit
        if value is None:
            if harm is None and self.request.harm_factors:
                return None  # the harm factors are already refused; don't pile on
            self.problem(
                "penetrative",
                "required",
                f"say whether the activity was penetrative (true or false): for {offence.statute} the "
                "statutory maximum and the mode of trial depend on it",
            )
            return None
        return Condition.PENETRATIVE if value else Condition.NON_PENETRATIVE

    def _maximum(self, offence: Offence, condition: Condition | None) -> _Maxima:
        r = self.request
        if not offence.maxima:
            self.note(f"The statutory maximum for {offence.statute} is not recorded in the data.")
            return _Maxima(
                MaximumResult(
                    None, None, False,
                    f"The statutory maximum for {offence.statute} is not recorded in the data.",
                    "", None,
                ),
                None,
                None,
            )  # fmt: skip
        if condition is None:
            empty = MaximumResult(None, None, False, "Not determined (see errors).", "", None)
            return _Maxima(empty, None, None)
        entries = self.library.maxima_for(offence.id, r.offence_date, condition)
        indictment = next((m for m in entries if m.mode is TrialMode.INDICTMENT), None)
        summary = next((m for m in entries if m.mode is TrialMode.SUMMARY), None)
        if indictment is None:
            self.problem(
                "offence_date",
                "no_maximum_for_offence_date",
                f"no statutory maximum in the data covers {offence.statute} for an offence on "
                f"{r.offence_date.isoformat()}; check the offence date",
            )
            empty = MaximumResult(None, None, False, "Not determined (see errors).", "", None)
            return _Maxima(empty, None, None)
        form = {
            Condition.ANY: "",
            Condition.PENETRATIVE: " (penetrative)",
            Condition.NON_PENETRATIVE: " (non-penetrative)",
        }[condition]
        indictable_only = indictment.indictable_only
        if r.sentencing_court is Court.MAGISTRATES and indictable_only:
            self.problem(
                "sentencing_court",
                "indictable_only",
                f"{offence.statute}{form} is triable only on indictment, so it cannot be dealt with "
                "in a magistrates' court; allowed: crown_court",
            )
        chosen: StatutoryMaximum | None = indictment
        if r.sentencing_court is Court.MAGISTRATES:
            chosen = summary
            if summary is None:
                self.note(
                    f"The summary maximum for {offence.statute} is not recorded in the data; check "
                    "the magistrates' court's powers."
                )
        elif summary is not None and r.sentencing_court is None:
            self.note(
                "No sentencing court was given, so the maximum on indictment is used; on summary "
                f"conviction the maximum is {summary.maximum.text()}."
            )
        if any(e.in_force_from is None and e.in_force_until is None for e in entries):
            self.note(
                f"The dates from which the maxima for {offence.statute} apply are not recorded in "
                "the data; the maxima are assumed to apply at the offence date."
            )
        shown = chosen or indictment
        mode_words = "on indictment" if shown.mode is TrialMode.INDICTMENT else "on summary conviction"
        reason = (
            f"Statutory maximum for {offence.statute}{form}: {shown.maximum.text()} {mode_words}, as in "
            f"force at the offence date ({r.offence_date.isoformat()})"
            + ("; indictable only." if indictable_only else ".")
        )
        self.use(shown.fact, f"Statutory maximum for {offence.statute}")
        result = MaximumResult(
            shown.maximum, shown.mode.value, indictable_only, reason, shown.fact.source, shown.fact.status
        )
        return _Maxima(result, indictment.maximum, chosen.maximum if chosen else None)

    def _cell(
        self,
        guideline: Guideline,
        harm: tuple[CategoryResult, list[Factor]] | None,
        culpability: tuple[CategoryResult, list[Factor]] | None,
    ) -> Cell | None:
        if not guideline.table.available or harm is None or culpability is None:
            return None
        h, c = harm[0].category, culpability[0].category
        if h is None or c is None:
            return None
        return guideline.table.cell(h, c)

    def _table_result(
        self,
        guideline: Guideline,
        harm: tuple[CategoryResult, list[Factor]] | None,
        culpability: tuple[CategoryResult, list[Factor]] | None,
        cell: Cell | None,
    ) -> RangeResult:
        offence_range = guideline.offence_range
        low = offence_range.lowest if offence_range else None
        high = offence_range.highest if offence_range else None
        if not guideline.table.available:
            message = (
                f"No starting-point table is available for {guideline.title} (version "
                f"{guideline.version}). {guideline.table.note}"
            )
            self.caveat(message + " The engine gives no starting point or range for this version.")
            return RangeResult(False, None, None, None, low, high, message, guideline.provenance.source, None)
        if cell is None or harm is None or culpability is None:
            return RangeResult(True, None, None, None, low, high, "Not determined (see errors).", "", None)
        self.use(
            cell.fact,
            f"Starting point and range for {harm[0].category_label}, {culpability[0].category_label}",
        )
        if offence_range is not None:
            self.use(offence_range.fact, "Offence range")
        reason = (
            f"{guideline.title} ({guideline.version}), {harm[0].category_label} x "
            f"{culpability[0].category_label}: starting point {cell.starting_point.text()}, category "
            f"range {cell.range_from.text()} to {cell.range_to.text()} (step two starting point)."
        )
        return RangeResult(
            True, cell.starting_point, cell.range_from, cell.range_to, low, high,
            reason, cell.fact.source, cell.fact.status,
        )  # fmt: skip

    def _step_factors(self, guideline: Guideline) -> tuple[list[NamedItem], list[NamedItem]]:
        chosen: dict[str, list[NamedItem]] = {"aggravating": [], "mitigating": []}
        for kind, selected, defined in (
            ("aggravating", self.request.aggravating_factors, guideline.aggravating),
            ("mitigating", self.request.mitigating_factors, guideline.mitigating),
        ):
            by_id = {f.id: f for f in defined}
            for index, factor_id in enumerate(selected):
                factor = by_id.get(factor_id)
                if factor is None:
                    allowed = (
                        listing(by_id) if by_id else "(none transcribed; record others in other_factors)"
                    )
                    self.problem(
                        f"{kind}_factors[{index}]",
                        "unknown_factor",
                        f"{factor_id!r} is not a {kind} factor of {guideline.title} "
                        f"(version {guideline.version}); allowed: {allowed}",
                    )
                    continue
                self.use(factor.fact, f"{kind.capitalize()} factor: {factor.label}")
                chosen[kind].append(NamedItem(factor.id, factor.label))
        return chosen["aggravating"], chosen["mitigating"]

    def _adjustment(
        self,
        guideline: Guideline,
        offence: Offence,
        cell: Cell | None,
        maxima: _Maxima,
        ages: _Ages | None,
    ) -> AdjustmentResult:
        r = self.request
        aggravating, mitigating = self._step_factors(guideline)
        position = r.sentence_before_plea
        chosen = position is not None
        if position is None and cell is not None:
            position = cell.starting_point
        departure = r.departure_reason.strip() if r.departure_reason else None
        in_category: bool | None = None
        in_offence: bool | None = None
        offence_range = guideline.offence_range
        if position is not None and cell is not None:
            in_category = within(position, cell.range_from, cell.range_to)
            if not in_category and not departure:
                self.problem(
                    "sentence_before_plea",
                    "outside_category_range",
                    f"{position.text()} is outside the category range {cell.range_from.text()} to "
                    f"{cell.range_to.text()}. Choose a position within the range, or give "
                    "departure_reason saying why this case justifies going outside it.",
                )
        if position is not None and offence_range is not None:
            in_offence = within(position, offence_range.lowest, offence_range.highest)
            if not in_offence and not departure:
                self.problem(
                    "sentence_before_plea",
                    "outside_offence_range",
                    f"{position.text()} is outside the offence range {offence_range.lowest.text()} to "
                    f"{offence_range.highest.text()}; choose a position within it, or give departure_reason",
                )
        if position is not None and position.is_custody and maxima.indictment is not None:
            length = position.length
            if length is not None and compare(length, maxima.indictment) > 0:
                self.problem(
                    "sentence_before_plea",
                    "above_statutory_maximum",
                    f"{position.text()} is above the statutory maximum of {maxima.indictment.text()} "
                    f"for {offence.statute}; allowed: up to {maxima.indictment.text()}",
                )
        is_community_order = position is not None and position.kind is SentenceKind.COMMUNITY_ORDER
        if is_community_order and ages is not None and ages.at_sentencing < COMMUNITY_ORDER_MINIMUM_AGE:
            self.problem(
                "sentence_before_plea",
                "community_order_not_available",
                f"a community order is available only for offenders aged {COMMUNITY_ORDER_MINIMUM_AGE} "
                f"or over; the person is {ages.at_sentencing}",
            )
        is_discharge = position is not None and position.kind is SentenceKind.CONDITIONAL_DISCHARGE
        if is_discharge and position is not None and position.length is None:
            self.problem(
                "sentence_before_plea.length",
                "required",
                "give the conditional discharge's length (for example '12m'): the notification "
                "period depends on it",
            )
        elif (
            is_discharge
            and position is not None
            and position.length is not None
            and position.length.unit not in (Unit.MONTHS, Unit.YEARS)
        ):
            self.problem(
                "sentence_before_plea.length",
                "whole_months",
                "give the conditional discharge's length in months or years",
            )
        if departure and in_category is not False and in_offence is not False:
            self.note("departure_reason was given although the position is within the range.")
        if cell is not None and position is not None and chosen:
            below = position.rank() < cell.starting_point.rank()
            above = position.rank() > cell.starting_point.rank()
            if below and aggravating and not mitigating and not r.other_factors:
                self.note(
                    "The position is below the starting point although only aggravating "
                    "factors were selected."
                )
            if above and mitigating and not aggravating and not r.other_factors:
                self.note(
                    "The position is above the starting point although only mitigating factors were selected."
                )
        if position is None:
            reason = (
                f"{NO_POSITION}: there is no starting-point table for this guideline "
                "version and no sentence_before_plea was chosen. Give sentence_before_plea to "
                "continue with the plea, suspension, community order and notification steps."
            )
            self.caveat(reason)
        elif not chosen:
            reason = (
                f"No adjustment was chosen, so the starting point ({position.text()}) is used as the "
                "provisional sentence (step two: the court moves within the range for aggravating "
                "and mitigating factors)."
            )
        else:
            where = ""
            if in_category is True:
                where = (
                    f", within the category range {cell.range_from.text()} to {cell.range_to.text()}"
                    if cell
                    else ""
                )
            elif in_category is False:
                where = f", outside the category range; reason given: {departure}"
            elif cell is None:
                where = ", not checked against any range because no table is available"
                self.caveat(
                    "The chosen sentence was not checked against a guideline range: no table is available."
                )
            reason = (
                f"Position chosen after weighing aggravating and mitigating factors (step two): "
                f"{position.text()}{where}."
            )
        for item in r.other_factors:
            self.note(f"Other factor recorded by the user: {item}")
        return AdjustmentResult(
            sentence=position,
            chosen_by_user=chosen,
            within_category_range=in_category,
            within_offence_range=in_offence,
            departure_reason=departure,
            aggravating=tuple(aggravating),
            mitigating=tuple(mitigating),
            other_factors=r.other_factors,
            reason=reason,
            source=cell.fact.source if cell else "",
            status=cell.fact.status if cell else None,
        )

    def _plea(self, before: Sentence | None) -> PleaResult:
        r = self.request
        if r.plea is None:
            return PleaResult(None, None, None, Fraction(0), before, before, True,
                              "No guilty plea: no reduction.", "", None)  # fmt: skip
        hearing = r.plea.first_hearing_date
        if hearing is None and r.sentencing_date >= PLEA_2017_FIRST_HEARINGS_FROM:
            self.problem(
                "plea.first_hearing_date",
                "required",
                "give the date of the first hearing: the guilty-plea guideline is chosen by it (the "
                "2017 guideline applies to first hearings on or after "
                f"{PLEA_2017_FIRST_HEARINGS_FROM.isoformat()})",
            )
            return PleaResult(
                None, r.plea.stage.value, None, Fraction(0), before, before, True, "Not determined.", "", None
            )
        modern = hearing is not None and hearing >= PLEA_2017_FIRST_HEARINGS_FROM
        bands = PLEA_2017_BANDS if modern else PLEA_2007_BANDS
        fact = PLEA_2017_FACT if modern else PLEA_2007_FACT
        name = (
            "Reduction in Sentence for a Guilty Plea "
            "(Sentencing Council, first hearings on or after 1 June 2017)"
            if modern
            else "Reduction in Sentence for a Guilty Plea (Sentencing Guidelines Council, 2007)"
        )
        band = bands.get(r.plea.stage)
        if band is None:
            self.problem(
                "plea.stage",
                "not_covered",
                f"the {name} figures in the data do not cover {r.plea.stage.value}; allowed: "
                f"{listing([s.value for s in bands])}",
            )
            return PleaResult(
                name, r.plea.stage.value, None, Fraction(0), before, before, True, "Not determined.", "", None
            )
        reduction = band.maximum if r.plea.reduction is None else r.plea.reduction
        if reduction > band.maximum:
            self.problem(
                "plea.reduction",
                "above_maximum",
                f"a reduction of {fraction_words(reduction)} is more than allowed for a {band.wording}; "
                f"allowed: 0 to {fraction_words(band.maximum)}",
            )
        self.use(fact, "Guilty-plea reduction")
        after = before
        exact = True
        arithmetic = ""
        if before is not None and before.is_custody and before.length is not None:
            reduced, exact = before.length.scaled(1 - reduction)
            if reduced.amount == 0:
                reduced = Duration.days(1)
            after = Sentence.custody(reduced)
            arithmetic = (
                f" {before.text()} reduced by {fraction_words(reduction)} = {after.text()}"
                + ("" if exact else " (rounded down to whole days)")
                + "."
            )
        elif before is not None:
            arithmetic = (
                " For a non-custodial sentence the reduction is reflected in its requirements or "
                "amount; the engine does not compute it."
            )
        chosen_words = "" if r.plea.reduction is None else " (reduction chosen by the user)"
        reason = (
            f"{name}: {band.wording}. Reduction applied: {fraction_words(reduction)}{chosen_words}."
            f"{arithmetic}"
        )
        return PleaResult(
            name,
            band.stage.value,
            band.maximum,
            reduction,
            before,
            after,
            exact,
            reason,
            fact.source,
            fact.status,
        )

    def _check_final_maximum(
        self,
        before: Sentence | None,
        final: Sentence | None,
        maxima: _Maxima,
        offence: Offence,
        chosen_by_user: bool = True,
    ) -> Problem | None:
        """Refuse a chosen custodial sentence above the court's maximum. When no position was chosen
        and the starting point (after any plea) is above it, nothing is refused: the point still to
        answer is returned, and the sentence is not determined until it is answered."""
        limit = maxima.applicable
        if limit is None or final is None or not final.is_custody or final.length is None:
            return None
        if compare(final.length, limit) > 0:
            where = (
                "in a magistrates' court"
                if self.request.sentencing_court is Court.MAGISTRATES
                else "on indictment"
            )
            if not chosen_by_user:
                after_plea = " after the guilty-plea reduction" if self.request.plea is not None else ""
                return Problem(
                    "sentence_before_plea",
                    "starting_point_above_maximum",
                    f"the starting point{after_plea}, {final.text()}, is above the maximum of "
                    f"{limit.text()} for {offence.statute} {where}, so no sentence is determined yet: "
                    f"choose a position in sentence_before_plea that is up to {limit.text()}"
                    + (" after any guilty-plea reduction" if self.request.plea is None else ""),
                )
            self.problem(
                "sentence_before_plea",
                "above_statutory_maximum",
                f"the sentence after any plea reduction, {final.text()}, is above the maximum of "
                f"{limit.text()} for {offence.statute} {where}; allowed: up to {limit.text()}",
            )
        elif (
            before is not None
            and before.is_custody
            and before.length is not None
            and compare(before.length, limit) > 0
        ):
            self.note(
                f"The position before the plea reduction ({before.text()}) is above the maximum of "
                f"{limit.text()}; the sentence after the reduction is within it."
            )
        return None

    def _suspension(self, final: Sentence | None) -> SuspensionResult:
        request = self.request.suspension
        applicable = final is not None and final.is_custody
        length = final.length if final is not None and final.is_custody else None
        available = (
            length is not None
            and compare(length, SUSPENDABLE_MINIMUM) >= 0
            and compare(length, SUSPENDABLE_MAXIMUM) <= 0
        )
        chosen_for = set(request.factors_for) if request else set()
        chosen_against = set(request.factors_against) if request else set()
        suspended = bool(request and request.suspend)
        operational = request.operational_period if request else None
        supervision = request.supervision_period if request else None
        requirements: tuple[RequirementResult, ...] = ()
        if request is not None:
            self.problems.extend(suspension_problems(final, request))
            if request.suspend and request.requirements:
                requirements = tuple(_checked_requirements(request.requirements, SSO_REQUIREMENTS)[1])
                self.use(SSO_REQUIREMENTS_FACT, "Requirements of the suspended sentence order")
                if supervision is None:
                    self.note(SSO_SUPERVISION_NOTE)
        if applicable:
            self.use(
                SUSPENSION_FACT, "Which terms can be suspended, and the factors for and against suspension"
            )
        if not applicable:
            reason = "Suspension applies only to a custodial sentence."
        elif not available:
            reason = (
                f"The term of {length.text() if length else '?'} cannot be suspended: only terms of "
                f"{SUSPENDABLE_MINIMUM.text()} to {SUSPENDABLE_MAXIMUM.text()} can be."
            )
        elif suspended and operational is not None:
            supervision_words = f", supervision period {supervision.text()}" if supervision else ""
            reason = (
                f"Suspended: the term of {length.text() if length else '?'} is within "
                f"{SUSPENDABLE_MINIMUM.text()} to {SUSPENDABLE_MAXIMUM.text()}; operational period "
                f"{operational.text()}{supervision_words} (each {SSO_PERIOD_MINIMUM.text()} to "
                f"{SSO_PERIOD_MAXIMUM.text()}, supervision not longer than the operational period; "
                f"{SSO_PERIODS_FACT.source}). The court weighs the factors below; the engine does not."
            )
            if requirements:
                reason += (
                    f" Requirements: {', '.join(r.label for r in requirements)} (the community-order list "
                    "applied to a suspended sentence order: unverified)."
                )
        else:
            reason = (
                f"The term can be suspended (it is within {SUSPENDABLE_MINIMUM.text()} to "
                f"{SUSPENDABLE_MAXIMUM.text()}). The court weighs the factors below; the engine does not."
            )
        return SuspensionResult(
            applicable=applicable,
            available=available,
            suspended=suspended,
            operational_period=operational,
            supervision_period=supervision,
            factors_against=tuple(
                ChoosableFactor(k, v, k in chosen_against) for k, v in SUSPENSION_FACTORS_AGAINST.items()
            ),
            factors_for=tuple(
                ChoosableFactor(k, v, k in chosen_for) for k, v in SUSPENSION_FACTORS_FOR.items()
            ),
            requirements=requirements,
            reason=reason,
            source=SUSPENSION_FACT.source,
            status=SUSPENSION_FACT.status,
        )

    def _threshold(self, final: Sentence | None, suspension: SuspensionResult) -> ThresholdResult:
        answers = self.request.custody_threshold
        passed = answers.threshold_passed if answers else None
        unavoidable = answers.custody_unavoidable if answers else None
        custody = final is not None and final.is_custody
        if custody and passed is False:
            self.problem(
                "custody_threshold.threshold_passed",
                "custody_below_threshold",
                "custody must not be imposed unless the offence is so serious that neither a fine "
                "alone nor a community sentence can be justified; the custody threshold was answered "
                "as not passed, so choose a non-custodial sentence or revisit the answer",
            )
        if custody and unavoidable is False:
            self.problem(
                "custody_threshold.custody_unavoidable",
                "custody_avoidable",
                "custody was answered as avoidable, so a custodial sentence cannot be imposed; choose a "
                "non-custodial sentence or revisit the answer",
            )
        if not custody and final is not None and unavoidable is True:
            self.problem(
                "custody_threshold.custody_unavoidable",
                "custody_unavoidable_but_not_imposed",
                f"custody was answered as unavoidable, but the sentence is {final.text()}",
            )
        if not custody and passed is False and unavoidable is True:
            self.problem(
                "custody_threshold.custody_unavoidable",
                "contradiction",
                "custody cannot be unavoidable when the custody threshold has not been passed",
            )
        shortest: object = final.text() if custody and final is not None else None
        can_suspend: object = (
            (
                "suspended"
                if suspension.suspended
                else "can be suspended"
                if suspension.available
                else "cannot be suspended"
            )
            if custody
            else None
        )
        values: dict[str, object] = {
            "threshold_passed": passed,
            "custody_unavoidable": unavoidable,
            "shortest_term": shortest,
            "can_be_suspended": can_suspend,
        }
        guidance = {
            "threshold_passed": CUSTODY_THRESHOLD_PRINCIPLE,
            "custody_unavoidable": "Passing the threshold does not make custody inevitable.",
            "shortest_term": "The term after any guilty-plea reduction.",
            "can_be_suspended": "See the suspension step.",
        }
        questions = tuple(
            ThresholdQuestion(key, text, values[key], guidance[key]) for key, text in CUSTODY_QUESTIONS
        )
        if custody and passed is None:
            self.note(
                "The custody-threshold questions were not answered; answer them before imposing custody."
            )
        reason = (
            "Imposition of Community and Custodial Sentences: the four questions a court asks before "
            "and when imposing custody."
        )
        return ThresholdResult(
            questions,
            CUSTODY_THRESHOLD_PRINCIPLE,
            reason,
            CUSTODY_THRESHOLD_FACT.source,
            CUSTODY_THRESHOLD_FACT.status,
        )

    def _community(self, final: Sentence | None) -> CommunityOrderResult:
        request = self.request.community_order
        applicable = final is not None and final.kind is SentenceKind.COMMUNITY_ORDER
        available = tuple(NamedItem(k, v) for k, v in COMMUNITY_REQUIREMENTS.items())
        length = request.length if request else None
        if final is not None and applicable and final.length is not None:
            if length is not None and length != final.length:
                self.problem(
                    "community_order.length",
                    "conflicts_with_sentence",
                    "the community order's length is given twice "
                    f"({length.text()} and {final.length.text()})",
                )
            length = length or final.length
        requirements: list[RequirementResult] = []
        if request is not None and not applicable:
            shown = final.text() if final else "not determined"
            self.problem(
                "community_order",
                "not_a_community_order",
                f"community order details were given, but the sentence is {shown}",
            )
        if length is not None and compare(length, COMMUNITY_ORDER_MAXIMUM) > 0:
            self.problem(
                "community_order.length",
                "too_long",
                f"a community order must end no more than 3 years after it is made; {length.text()} "
                f"is longer; allowed: up to {COMMUNITY_ORDER_MAXIMUM.text()} (36 months, 156 weeks)",
            )
        if request is not None:
            problems, requirements = _checked_requirements(request.requirements, COMMUNITY_ORDER_REQUIREMENTS)
            self.problems.extend(problems)
        if applicable:
            self.note(COMMUNITY_LEVELS_NOTE)
            if request is None or not request.requirements:
                self.note("No community-order requirements were chosen yet.")
        level = final.level.value if applicable and final is not None and final.level else None
        reason = (
            f"Community order: available for offenders aged {COMMUNITY_ORDER_MINIMUM_AGE} or over for an "
            f"offence punishable with imprisonment; it ends no more than "
            f"{COMMUNITY_ORDER_MAXIMUM.text()} after it is made. "
            f"Requirements from {COMMUNITY_REQUIREMENTS_FACT.source}."
            if applicable
            else "Not a community order."
        )
        return CommunityOrderResult(
            applicable, length, level, tuple(requirements), available, reason,
            COMMUNITY_ORDER_FACT.source, COMMUNITY_ORDER_FACT.status,
        )  # fmt: skip

    def _ancillary(self) -> tuple[AncillaryOrder, ...]:
        shpo = self.request.shpo
        self.use(SHPO_FACT, "Sexual Harm Prevention Order minimum period and foreign travel prohibition")
        if shpo is not None:
            if shpo.length is not None and shpo.until_further_order:
                self.problem(
                    "shpo.length", "conflict", "give a fixed length or until_further_order, not both"
                )
            elif shpo.length is None and not shpo.until_further_order:
                self.problem(
                    "shpo.length",
                    "required",
                    f"give a fixed length of at least {SHPO_MINIMUM.text()}, or until_further_order: true",
                )
            elif shpo.length is not None and compare(shpo.length, SHPO_MINIMUM) < 0:
                self.problem(
                    "shpo.length",
                    "too_short",
                    f"an SHPO's prohibitions last at least {SHPO_MINIMUM.text()} or until further order; "
                    f"given {shpo.length.text()}",
                )
        order = AncillaryOrder(
            id="sexual_harm_prevention_order",
            name="Sexual Harm Prevention Order",
            reason=(
                f"To consider: prohibitions for a fixed period of at least {SHPO_MINIMUM.text()} or until "
                "further order; may include a foreign travel prohibition."
            ),
            source=SHPO_FACT.source,
            status=SHPO_FACT.status,
            requested=shpo is not None,
            length=shpo.length if shpo else None,
            until_further_order=shpo.until_further_order if shpo else False,
            foreign_travel_prohibition=shpo.foreign_travel_prohibition if shpo else False,
        )
        return (order,)

    def _notification(
        self, offence: Offence, final: Sentence | None, suspended: bool, ages: _Ages | None
    ) -> NotificationAssessment:
        r = self.request
        relevant = r.conviction_date or r.sentencing_date
        if r.youngest_age_shown is not None and offence.notification_threshold is None:
            self.problem(
                "youngest_age_shown",
                "not_applicable",
                f"the age of the youngest child shown in the images applies to indecent-image offences, "
                f"not to {offence.statute}: leave it out (the age of the child at the offence is asked "
                "for separately)",
            )
        if r.conviction_date is None:
            self.note(
                "No conviction date was given: the sentencing date is used as the relevant date "
                "for notification."
            )
        if final is None or ages is None or self.problems:
            # Nothing reliable to compute: the request is incomplete or already refused.
            return NotificationAssessment(
                "unknown",
                relevant,
                "Not determined: no sentence could be determined.",
                "",
                Status.UNVERIFIED,
                None,
            )
        threshold = offence.notification_threshold
        custody = final.length if final.is_custody else None
        needs: tuple[str, ...] = ()
        if threshold is None:
            applies = "unknown"
            reason = (
                f"The Schedule 3 entry for {offence.statute} is not in the data: the period below applies "
                "if the conviction falls within Schedule 3 (Sexual Offences Act 2003 s.80)."
            )
            source, status = "Sexual Offences Act 2003 s.80", Status.VERIFIED
        else:
            self.use(threshold.fact, f"Schedule 3 threshold for {offence.statute}")
            source, status = threshold.fact.source, threshold.fact.status
            shown = r.youngest_age_shown
            if shown is None and r.victim_age is not None:
                # Before youngest_age_shown existed the child's age was asked as victim_age.
                shown = r.victim_age
                self.note(
                    "The age of the child was taken as the age of the youngest child shown in the "
                    "images; give that age itself if it differs."
                )
            check = threshold.check(
                offence.statute, youngest_age_shown=shown, offender_age=ages.at_offence, custody=custody
            )
            applies, reason, needs = check.applies, check.reason, check.needs
            if check.by_custody_only and suspended:
                self.caveat(SUSPENDED_OPEN_QUESTION)
        period: NotificationResult | None = None
        if applies != "no":
            disposal, cd_length = self._disposal(final)
            try:
                period = notification_period(
                    disposal=disposal,
                    relevant_date=relevant,
                    age_at_relevant_date=ages.at_conviction,
                    custody_length=custody,
                    conditional_discharge_length=cd_length,
                    suspended=suspended,
                    first_notification_date=r.first_notification_date,
                )
            except GuidelineError as error:
                for item in error.problems:
                    self.problem(f"notification.{item.field}", item.code, item.message)
            else:
                if period.status is Status.UNVERIFIED:
                    self.unverified_used = True
                for text in period.warnings:
                    self.caveat(text)
        return NotificationAssessment(applies, relevant, reason, source, status, period, needs)

    @staticmethod
    def _disposal(final: Sentence) -> tuple[Disposal, Duration | None]:
        if final.kind is SentenceKind.CUSTODY:
            return Disposal.IMPRISONMENT, None
        if final.kind is SentenceKind.COMMUNITY_ORDER:
            return Disposal.COMMUNITY_ORDER, None
        if final.kind is SentenceKind.CONDITIONAL_DISCHARGE:
            return Disposal.CONDITIONAL_DISCHARGE, final.length
        return Disposal.FINE, None

    @staticmethod
    def _final(
        final: Sentence | None, suspension: SuspensionResult, unresolved: Problem | None = None
    ) -> FinalSentence:
        if final is None:
            reason = (
                "Not determined until a position is chosen (see what is still to resolve)."
                if unresolved is not None
                else "No sentence could be determined (see warnings)."
            )
            return FinalSentence(None, False, "Not determined", reason)
        if suspension.suspended and suspension.operational_period is not None:
            text = f"{final.text()}, suspended for {suspension.operational_period.text()}"
        else:
            text = final.text()
        return FinalSentence(
            final,
            suspension.suspended,
            text,
            "The position after step two, less any guilty-plea reduction, with the suspension decision.",
        )


@dataclass(frozen=True, slots=True)
class _RequirementsOf:
    """Whose requirements are checked: the request field they are read from, and how to name them."""

    field: str
    noun: str


COMMUNITY_ORDER_REQUIREMENTS = _RequirementsOf(
    "community_order.requirements", "a community-order requirement"
)
SSO_REQUIREMENTS = _RequirementsOf(
    "suspension.requirements",
    "a requirement of the Sentencing Code s.201 list (the list applied to suspended sentence orders)",
)


def _checked_requirements(
    items: tuple[Requirement, ...], of: _RequirementsOf
) -> tuple[list[Problem], list[RequirementResult]]:
    """The problems with `items` (types from the s.201 list; hours for unpaid work only, within
    UNPAID_WORK_HOURS) and the requirements of a known type, with their labels."""
    problems: list[Problem] = []
    found: list[RequirementResult] = []
    low, high = UNPAID_WORK_HOURS
    for index, item in enumerate(items):
        field = f"{of.field}[{index}]"
        label = COMMUNITY_REQUIREMENTS.get(item.type)
        if label is None:
            problems.append(
                Problem(
                    f"{field}.type",
                    "unknown_requirement",
                    f"{item.type!r} is not {of.noun}; allowed: {listing(COMMUNITY_REQUIREMENTS)}",
                )
            )
            continue
        if item.type == "unpaid_work" and (item.hours is None or not low <= item.hours <= high):
            problems.append(
                Problem(
                    f"{field}.hours",
                    "out_of_range",
                    f"unpaid work must be {low} to {high} hours; given: {item.hours}",
                )
            )
        if item.type != "unpaid_work" and item.hours is not None:
            problems.append(
                Problem(f"{field}.hours", "not_applicable", "hours apply only to an unpaid_work requirement")
            )
        found.append(RequirementResult(item.type, label, item.hours, item.details))
    return problems, found


def _sso_requirement_problems(request: SuspensionInput) -> list[Problem]:
    """Requirements of a suspended sentence order: only when suspending, each type once."""
    if not request.requirements:
        return []
    if not request.suspend:
        return [
            Problem(
                "suspension.requirements",
                "not_applicable",
                "requirements apply only to a suspended sentence order: set suspend to true, or remove them",
            )
        ]
    problems, _ = _checked_requirements(request.requirements, SSO_REQUIREMENTS)
    first: dict[str, int] = {}
    for index, item in enumerate(request.requirements):
        if item.type not in COMMUNITY_REQUIREMENTS:
            continue
        if item.type in first:
            problems.append(
                Problem(
                    f"suspension.requirements[{index}].type",
                    "duplicate",
                    f"{item.type!r} is already given as suspension.requirements[{first[item.type]}]; "
                    "give each requirement once",
                )
            )
        else:
            first[item.type] = index
    return problems


def suspension_problems(sentence: Sentence | None, request: SuspensionInput) -> list[Problem]:
    """Everything wrong with suspending `sentence` as `request` asks (empty when it may be suspended).

    Checks the term (14 days to 2 years, after any plea reduction), the operational and supervision
    periods (each 6 months to 2 years, supervision not longer than operational), the factor names and
    the requirements of the order (only when suspending; each once; types and unpaid-work hours as for
    a community order, a candidate rule the calculation marks unverified).
    """
    problems: list[Problem] = []
    length = sentence.length if sentence is not None and sentence.is_custody else None
    for field, selected, allowed in (
        ("suspension.factors_for", request.factors_for, SUSPENSION_FACTORS_FOR),
        ("suspension.factors_against", request.factors_against, SUSPENSION_FACTORS_AGAINST),
    ):
        for index, factor_id in enumerate(selected):
            if factor_id not in allowed:
                problems.append(
                    Problem(
                        f"{field}[{index}]",
                        "unknown_factor",
                        f"{factor_id!r} is not allowed; allowed: {listing(allowed)}",
                    )
                )
    operational, supervision = request.operational_period, request.supervision_period
    if not request.suspend:
        if operational is not None or supervision is not None:
            problems.append(
                Problem(
                    "suspension.operational_period",
                    "not_applicable",
                    "operational and supervision periods apply only when suspend is true",
                )
            )
        return problems + _sso_requirement_problems(request)
    allowed_terms = f"allowed: terms of {SUSPENDABLE_MINIMUM.text()} to {SUSPENDABLE_MAXIMUM.text()}"
    if length is None:
        shown = sentence.text() if sentence else "not determined"
        problems.append(
            Problem(
                "suspension.suspend",
                "not_custodial",
                f"only a custodial sentence can be suspended; the sentence is {shown}",
            )
        )
    elif compare(length, SUSPENDABLE_MAXIMUM) > 0:
        problems.append(
            Problem(
                "suspension.suspend",
                "term_too_long_to_suspend",
                f"a custodial term of {length.text()} (after any plea reduction) cannot be suspended; "
                f"{allowed_terms}",
            )
        )
    elif compare(length, SUSPENDABLE_MINIMUM) < 0:
        problems.append(
            Problem(
                "suspension.suspend",
                "term_too_short_to_suspend",
                f"a custodial term of {length.text()} cannot be suspended; {allowed_terms}",
            )
        )
    if operational is None:
        problems.append(
            Problem(
                "suspension.operational_period",
                "required",
                "a suspended sentence needs an operational period of "
                f"{SSO_PERIOD_MINIMUM.text()} to {SSO_PERIOD_MAXIMUM.text()}",
            )
        )
    for field, period in (("operational_period", operational), ("supervision_period", supervision)):
        if period is not None and not (
            compare(period, SSO_PERIOD_MINIMUM) >= 0 and compare(period, SSO_PERIOD_MAXIMUM) <= 0
        ):
            problems.append(
                Problem(
                    f"suspension.{field}",
                    "out_of_range",
                    f"the {field.replace('_', ' ')} of {period.text()} is not allowed; allowed: "
                    f"{SSO_PERIOD_MINIMUM.text()} to {SSO_PERIOD_MAXIMUM.text()}",
                )
            )
    if operational is not None and supervision is not None and compare(supervision, operational) > 0:
        problems.append(
            Problem(
                "suspension.supervision_period",
                "longer_than_operational_period",
                f"the supervision period ({supervision.text()}) may not exceed the operational "
                f"period ({operational.text()})",
            )
        )
    return problems + _sso_requirement_problems(request)


def calculate(request: SentencingRequest, library: GuidelineLibrary | None = None) -> SentencingResult:
    """Run every step for one offence; raises GuidelineError listing every problem with the request."""
    return _Calculation(request, library or default_library()).run()


def calculate_from_dict(data: object, library: GuidelineLibrary | None = None) -> SentencingResult | Problems:
    """Parse and calculate; returns the result or the problems, and never raises for bad input."""
    parsed = request_from_dict(data)
    if isinstance(parsed, Problems):
        return parsed
    try:
        return calculate(parsed, library)
    except GuidelineError as error:
        return error.problems


def list_guidelines(library: GuidelineLibrary | None = None) -> list[dict[str, object]]:
    """Metadata of every guideline version, for choosing and displaying them."""
    return (library or default_library()).list_guidelines()


__all__ = [
    "calculate",
    "calculate_from_dict",
    "fraction_words",
    "list_guidelines",
    "suspension_problems",
]
