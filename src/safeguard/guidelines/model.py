"""The guideline data model: offences and their statutory maxima, guideline versions and their tables.

Everything here is immutable and carries its `Fact` (evidence grade and source), so each figure the
engine reports can say where it came from and whether it is verified.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from safeguard.calendar.durations import Duration, compare
from safeguard.guidelines.errors import GuidelineError, Problem
from safeguard.guidelines.facts import Evidence, Fact, Status, weakest
from safeguard.guidelines.sentences import Sentence


class TrialMode(StrEnum):
    SUMMARY = "summary"
    INDICTMENT = "indictment"


class Condition(StrEnum):
    """Which form of an offence a statutory maximum applies to."""

    ANY = "any"
    PENETRATIVE = "penetrative"
    NON_PENETRATIVE = "non_penetrative"


@dataclass(frozen=True, slots=True)
class StatutoryMaximum:
    mode: TrialMode
    condition: Condition
    maximum: Duration
    indictable_only: bool
    fact: Fact
    # Inclusive dates of the offence for which this maximum applies; None = not recorded.
    in_force_from: date | None = None
    in_force_until: date | None = None

    def covers(self, offence_date: date) -> bool:
        if self.in_force_from is not None and offence_date < self.in_force_from:
            return False
        return self.in_force_until is None or offence_date <= self.in_force_until


@dataclass(frozen=True, slots=True)
class Schedule3Check:
    """Whether a conviction falls within Schedule 3, and what is still needed to say so."""

    applies: str  # "yes", "no" or "unknown"
    reason: str
    needs: tuple[str, ...] = ()  # request inputs that would decide an "unknown"
    by_custody_only: bool = False  # met only through the length of imprisonment


@dataclass(frozen=True, slots=True)
class NotificationThreshold:
    """Schedule 3 threshold for the indecent-photograph offences (paragraphs 13 and 15): the images
    showed a person under `images_showed_under` in every case, AND either the offender was
    `offender_at_least` or over, or is sentenced to imprisonment for at least `or_custody_at_least`.
    """

    images_showed_under: int
    offender_at_least: int
    or_custody_at_least: Duration
    fact: Fact

    def rule(self, statute: str) -> str:
        return (
            f"Schedule 3 threshold for {statute}: the images showed a child under "
            f"{self.images_showed_under}, and the offender was {self.offender_at_least} or over or is "
            f"sentenced to imprisonment for at least {self.or_custody_at_least.text()}"
        )

    def check(
        self,
        statute: str,
        *,
        youngest_age_shown: int | None,
        offender_age: int | None,
        custody: Duration | None,
        life: bool = False,
    ) -> Schedule3Check:
        """Apply the threshold. `custody` is the term of imprisonment (None if none); `life` is a life
        sentence or imprisonment for public protection, which meets any length."""
        rule = self.rule(statute)
        adult = None if offender_age is None else offender_age >= self.offender_at_least
        long_enough = life or (custody is not None and compare(custody, self.or_custody_at_least) >= 0)
        if adult is False and not long_enough:
            return Schedule3Check(
                "no",
                f"{rule}: not met (the offender was under {self.offender_at_least} and the sentence is "
                f"not imprisonment for {self.or_custody_at_least.text()} or more), so notification "
                "requirements do not arise from this conviction.",
            )
        needs: list[str] = []
        if adult is None and not long_enough:
            needs.append("age_at_offence")
        if youngest_age_shown is None:
            needs.append("youngest_age_shown")
        if needs:
            return Schedule3Check(
                "unknown",
                f"{rule}: depends on "
                + " and on ".join(_NEEDED_WORDS[name] for name in needs)
                + ", not given yet.",
                tuple(needs),
            )
        if youngest_age_shown is not None and youngest_age_shown >= self.images_showed_under:
            return Schedule3Check(
                "no",
                f"{rule}: not met (the youngest child shown was {youngest_age_shown}), so notification "
                "requirements do not arise from this conviction.",
            )
        return Schedule3Check("yes", f"{rule}: met.", by_custody_only=not adult)


_NEEDED_WORDS = {
    "age_at_offence": "the offender's age at the offence",
    "youngest_age_shown": "the age of the youngest child shown in the images",
}


@dataclass(frozen=True, slots=True)
class AgeLimit:
    minimum: int | None
    maximum: int | None
    fact: Fact

    def allows(self, age: int) -> bool:
        return (self.minimum is None or age >= self.minimum) and (self.maximum is None or age <= self.maximum)

    def describe(self) -> str:
        if self.minimum is not None and self.maximum is not None:
            return f"aged {self.minimum} to {self.maximum}"
        if self.minimum is not None:
            return f"aged {self.minimum} or over"
        return f"aged {self.maximum} or under"


@dataclass(frozen=True, slots=True)
class Offence:
    id: str
    title: str
    statute: str
    maxima: tuple[StatutoryMaximum, ...]
    offender_age_at_offence: AgeLimit | None = None
    victim_age_under: int | None = None
    victim_age_fact: Fact | None = None
    notification_threshold: NotificationThreshold | None = None
    note: str = ""

    @property
    def has_penetration_condition(self) -> bool:
        return any(m.condition is not Condition.ANY for m in self.maxima)


@dataclass(frozen=True, slots=True)
class Factor:
    id: str
    label: str
    penetrative: bool = False


@dataclass(frozen=True, slots=True)
class Category:
    id: str
    label: str
    factors: tuple[Factor, ...]
    description: str = ""


@dataclass(frozen=True, slots=True)
class Axis:
    """Harm or culpability: categories listed most serious first."""

    name: str  # "harm" or "culpability"
    label: str
    categories: tuple[Category, ...]
    fact: Fact
    # "most_serious": the most serious category with a selected factor applies;
    # "single": all selected factors must belong to one category.
    selection: str = "most_serious"
    residual: str | None = None  # category that applies when no factor is selected
    note: str = ""

    def factor_ids(self) -> list[str]:
        return [f.id for c in self.categories for f in c.factors]

    def category_of(self, factor_id: str) -> Category | None:
        for category in self.categories:
            if any(f.id == factor_id for f in category.factors):
                return category
        return None

    def factor(self, factor_id: str) -> Factor | None:
        for category in self.categories:
            for item in category.factors:
                if item.id == factor_id:
                    return item
        return None

    def category(self, category_id: str) -> Category | None:
        return next((c for c in self.categories if c.id == category_id), None)


@dataclass(frozen=True, slots=True)
class Cell:
    harm: str
    culpability: str
    starting_point: Sentence
    range_from: Sentence
    range_to: Sentence
    fact: Fact


@dataclass(frozen=True, slots=True)
class Table:
    """A starting-point table; when the table was not found, `available` is False and fact/status None."""

    available: bool
    fact: Fact | None
    status: Status | None
    cells: Mapping[tuple[str, str], Cell] = field(default_factory=dict)
    note: str = ""

    def cell(self, harm: str, culpability: str) -> Cell | None:
        return self.cells.get((harm, culpability))


@dataclass(frozen=True, slots=True)
class StepFactor:
    """An aggravating or mitigating factor the guideline names for step two."""

    id: str
    label: str
    fact: Fact


@dataclass(frozen=True, slots=True)
class Consideration:
    """A matter the guideline says bears on seriousness, without categories attached."""

    label: str
    fact: Fact


@dataclass(frozen=True, slots=True)
class OffenceRule:
    """A restriction of the table for one offence (e.g. simple possession has only one column)."""

    offence: str
    culpability_categories: tuple[str, ...]
    fact: Fact


@dataclass(frozen=True, slots=True)
class OffenceRange:
    lowest: Sentence
    highest: Sentence
    fact: Fact


@dataclass(frozen=True, slots=True)
class Provenance:
    source: str
    date_read: date
    status: Status
    transcribed_from: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class Guideline:
    id: str
    version: str
    title: str
    publication: str
    effective_from: date
    effective_fact: Fact
    offences: tuple[str, ...]
    provenance: Provenance
    table: Table
    file_name: str
    offender_age: AgeLimit | None = None
    offence_range: OffenceRange | None = None
    harm: Axis | None = None
    culpability: Axis | None = None
    aggravating: tuple[StepFactor, ...] = ()
    mitigating: tuple[StepFactor, ...] = ()
    considerations: tuple[Consideration, ...] = ()
    offence_rules: tuple[OffenceRule, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def status(self) -> Status:
        return self.provenance.status

    def all_facts(self) -> list[Fact]:
        facts = [self.effective_fact]
        if self.table.fact is not None:
            facts.append(self.table.fact)
        facts += [cell.fact for cell in self.table.cells.values()]
        for optional in (self.offender_age, self.offence_range, self.harm, self.culpability):
            if optional is not None:
                facts.append(optional.fact)
        facts += [f.fact for f in self.aggravating + self.mitigating]
        facts += [c.fact for c in self.considerations] + [r.fact for r in self.offence_rules]
        return facts

    def weakest_evidence(self) -> Evidence:
        return weakest(self.all_facts())

    def rule_for(self, offence_id: str) -> OffenceRule | None:
        return next((r for r in self.offence_rules if r.offence == offence_id), None)

    def summary(self) -> dict[str, object]:
        return {
            "id": self.id,
            "version": self.version,
            "title": self.title,
            "publication": self.publication,
            "effective_from": self.effective_from.isoformat(),
            "offences": list(self.offences),
            "status": self.status.value,
            "table_available": self.table.available,
            "table_status": self.table.status.value if self.table.status else "not available",
            "source": self.provenance.source,
            "date_read": self.provenance.date_read.isoformat(),
        }


@dataclass(frozen=True, slots=True)
class GuidelineLibrary:
    """All offences and guideline versions known to the engine."""

    offences: Mapping[str, Offence]
    guidelines: tuple[Guideline, ...]

    def offence(self, offence_id: str) -> Offence | None:
        return self.offences.get(offence_id)

    def versions_for(self, offence_id: str) -> list[Guideline]:
        """Guideline versions covering the offence, earliest first."""
        found = [g for g in self.guidelines if offence_id in g.offences]
        return sorted(found, key=lambda g: g.effective_from)

    def select(self, offence_id: str, sentencing_date: date, *, field_name: str) -> Guideline:
        """The version in force on the sentencing date: the latest one effective on or before it."""
        versions = self.versions_for(offence_id)
        if not versions:
            raise GuidelineError(
                [Problem(field_name, "no_guideline", f"no guideline in the data covers {offence_id}")]
            )
        applicable = [g for g in versions if g.effective_from <= sentencing_date]
        if not applicable:
            earliest = versions[0]
            raise GuidelineError(
                [
                    Problem(
                        field_name,
                        "before_first_guideline",
                        f"no guideline version for {offence_id} applies on "
                        f"{sentencing_date.isoformat()}: the earliest in the data "
                        f"({earliest.title}, version {earliest.version}) applies to sentencing on "
                        f"or after {earliest.effective_from.isoformat()}",
                    )
                ]
            )
        return applicable[-1]

    def maxima_for(
        self, offence_id: str, offence_date: date, condition: Condition | None
    ) -> list[StatutoryMaximum]:
        """Maxima in force at the offence date, for the given form of the offence (None = any)."""
        offence = self.offences.get(offence_id)
        if offence is None:
            return []
        found = [m for m in offence.maxima if m.covers(offence_date)]
        if condition is None:
            return found
        return [m for m in found if m.condition in (Condition.ANY, condition)]

    def list_guidelines(self) -> list[dict[str, object]]:
        ordered = sorted(self.guidelines, key=lambda g: (g.id, g.effective_from))
        return [g.summary() for g in ordered]
