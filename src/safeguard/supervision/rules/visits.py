"""Home visits: how often by risk level, when the next is due, reactive management, and which assessment
gives the current risk level.

From the supervision spec ("Police management of registered sexual offenders"):

- Before June 2017 the minimum visit frequency followed the risk level: very high monthly, high every 3
  months, medium every 6 months, low every 12 months (secondary: a press report of the NPCC guidance).
  Since 2017 the frequency is set in each person's risk management plan. Encoded as a table each agency
  may change, with these values as the default, and an override in the plan that needs a reason.
- People assessed low risk for at least 3 years may be managed "reactively" (no home visits, an annual
  station notification), reviewed whenever intelligence arrives or circumstances change (secondary: NPCC
  release; HMICFRS glossary).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from safeguard.calendar.dates import add_months, add_years
from safeguard.supervision.rules.levels import LEVEL_WORDS, Level

FREQUENCY_SOURCE = "supervision spec: pre-June 2017 NPCC minimum visit frequency, read in a press report"
FREQUENCY_STATUS = "secondary, unverified"
REACTIVE_SOURCE = "supervision spec: NPCC release and HMICFRS glossary on reactive management"
REACTIVE_STATUS = "secondary, unverified"

DEFAULT_VISIT_MONTHS: Mapping[Level, int] = {
    Level.VERY_HIGH: 1,
    Level.HIGH: 3,
    Level.MEDIUM: 6,
    Level.LOW: 12,
}
MIN_MONTHS = 1
MAX_MONTHS = 24
REACTIVE_AFTER_YEARS = 3
# The latest of these results gives the current risk level (RM2000/S for the police, OSP/DC for probation).
RISK_LEVEL_INSTRUMENTS = ("rm2000-s", "osp-dc")
# A date after every real one: "nothing is due" sorts last.
NOTHING_DUE = date(9999, 12, 31)
_LEVEL_VALUES = frozenset(level.value for level in Level)


class ReviewTrigger(StrEnum):
    """What makes a reactively managed person's arrangements due for review."""

    INTELLIGENCE = "intelligence"
    CIRCUMSTANCES = "circumstances"
    CHANGE_OF_ADDRESS = "change_of_address"
    RISK_LEVEL_ROSE = "risk_level_rose"
    BREACH = "breach"


TRIGGER_WORDS = {
    ReviewTrigger.INTELLIGENCE: "New intelligence received",
    ReviewTrigger.CIRCUMSTANCES: "A change of circumstances",
    ReviewTrigger.CHANGE_OF_ADDRESS: "A change of home address was notified",
    ReviewTrigger.RISK_LEVEL_ROSE: "The risk level is no longer low",
    ReviewTrigger.BREACH: "A breach was recorded",
}


@dataclass(frozen=True, slots=True)
class Frequency:
    months: int
    source: str  # in words: the agency's table, the default table, or the plan's override


def visit_frequency(
    level: Level | None, *, table: Mapping[Level, int] | None = None, override_months: int | None = None
) -> Frequency | None:
    """How often to visit: the plan's override, else the agency's table, else the default; None without a level."""
    if override_months is not None:
        if not MIN_MONTHS <= override_months <= MAX_MONTHS:
            raise ValueError(f"a visit frequency must be {MIN_MONTHS} to {MAX_MONTHS} months")
        return Frequency(override_months, "set in the risk management plan")
    if level is None:
        return None
    if table is not None and level in table:
        return Frequency(table[level], f"the agency's table for {LEVEL_WORDS[level]} risk")
    return Frequency(DEFAULT_VISIT_MONTHS[level], f"the default table for {LEVEL_WORDS[level]} risk")


def next_visit_due(*, last_visit_on: date | None, opened_on: date, months: int) -> date:
    """The next home visit is due `months` calendar months after the last one (or after the case opened)."""
    return add_months(last_visit_on or opened_on, months)


def reactive_eligible_from(low_since: date | None) -> date | None:
    """The first day a person assessed low risk since `low_since` may be managed reactively."""
    return add_years(low_since, REACTIVE_AFTER_YEARS) if low_since is not None else None


def reactive_eligible(low_since: date | None, today: date) -> bool:
    eligible_from = reactive_eligible_from(low_since)
    return eligible_from is not None and eligible_from <= today


def low_since_after(previous_level: Level | None, previous_low_since: date | None, new_level: Level | None,
                    assessed_on: date | None) -> date | None:  # fmt: skip
    """Since when the person has been assessed low risk, after a new current level: kept while the level
    stays low, started at the assessment's date when it becomes low, and ended when it is not low."""
    if new_level is not Level.LOW:
        return None
    if previous_level is Level.LOW and previous_low_since is not None:
        return previous_low_since
    return assessed_on


@dataclass(frozen=True, slots=True)
class ResultForLevel:
    instrument: str
    band: str | None
    assessed_on: date | None


def current_level(results: Mapping[str, ResultForLevel]) -> ResultForLevel | None:
    """The latest result (by assessment date; on a tie, RM2000/S first) among the risk-level instruments
    whose band is one of the four levels."""
    usable = [
        (r.assessed_on or date.min, -RISK_LEVEL_INSTRUMENTS.index(name), r)
        for name, r in results.items()
        if name in RISK_LEVEL_INSTRUMENTS and r.band in _LEVEL_VALUES
    ]
    if not usable:
        return None
    return max(usable, key=lambda item: (item[0], item[1]))[2]


def earliest(dates: Iterable[date | None]) -> date:
    """The earliest of the dates given, or NOTHING_DUE when none is."""
    return min((d for d in dates if d is not None), default=NOTHING_DUE)
