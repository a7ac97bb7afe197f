"""Deadlines of the sex offenders' register (Sexual Offences Act 2003 Part 2): the one code that says when
a notification is due and when an indefinite requirement may first be reviewed.

The sentencing engine (`notification.py`, the s.82 period) and the supervision app (due items, the
register pages and the `safeguard notification-due` command) all call these functions; nothing else
computes a register deadline. Each answer carries the rule in words with its section and the status
of the fact it rests on (verified, secondary or candidate, as the project's sentencing spec marks it),
so a page can say when a date rests on a rule read only in a secondary source.

Counting, chosen once in `dates.py`: a period "beginning with" a date counts that date as day one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from safeguard.calendar.dates import add_days, add_years, period_last_day
from safeguard.calendar.durations import Duration
from safeguard.guidelines.facts import Evidence, Fact

INITIAL_NOTIFICATION_FACT = Fact(Evidence.VERIFIED, "Sexual Offences Act 2003 s.83")
CHANGES_FACT = Fact(Evidence.VERIFIED, "Sexual Offences Act 2003 s.84")
ANNUAL_FACT = Fact(Evidence.SECONDARY, "Sexual Offences Act 2003 s.85, via a secondary source")
TRAVEL_FACT = Fact(Evidence.SECONDARY, "Foreign travel notification rules, via a secondary source")
REVIEW_FACT = Fact(Evidence.VERIFIED, "Sexual Offences Act 2003 ss.91A-91G (in force 30 July 2012)")

INITIAL_NOTIFICATION_DAYS = 3
CHANGE_NOTIFICATION_DAYS = 3
FOREIGN_TRAVEL_NOTICE_DAYS = 7
STAYING_ELSEWHERE_DAYS = 7
REVIEW_AFTER_YEARS = 15
REVIEW_AFTER_YEARS_UNDER_18 = 8
FURTHER_REVIEW_AFTER_YEARS = 8
ANNUAL_YEARS = 1


class ChangeKind(StrEnum):
    """What a change notification under s.84 is about (the spec's list)."""

    NAME = "name"
    HOME_ADDRESS = "home_address"
    STAYING_ELSEWHERE = "staying_elsewhere"
    RELEASE_FROM_CUSTODY = "release_from_custody"


_CHANGE_WORDS = {
    ChangeKind.NAME: "a change of name",
    ChangeKind.HOME_ADDRESS: "a change of home address",
    ChangeKind.STAYING_ELSEWHERE: "staying at another address for the qualifying period",
    ChangeKind.RELEASE_FROM_CUSTODY: "release from custody",
}


def status_words(fact: Fact) -> str:
    """How sure the rule is, in the spec's words: "verified", "secondary, unverified" or "candidate, unverified"."""
    if fact.evidence is Evidence.VERIFIED:
        return "verified"
    return f"{fact.evidence.value}, unverified"


@dataclass(frozen=True, slots=True)
class Deadline:
    """A computed register date with the rule that gives it and how sure that rule is."""

    due_date: date
    rule: str  # the rule in words, without its source or status
    section: str  # where the rule is written
    fact: Fact

    @property
    def verified(self) -> bool:
        return self.fact.verified

    @property
    def status(self) -> str:
        return status_words(self.fact)

    @property
    def basis(self) -> str:
        """The rule in words with its section and status: what the command line and pages show."""
        return f"{self.rule} ({self.section}; {self.status})."


def _within_days_beginning_with(start: date, days: int) -> date:
    return period_last_day(start, Duration.days(days))


def initial_notification_due(relevant_date: date) -> Deadline:
    """Initial notification: the last day of the period of 3 days beginning with the relevant date (s.83(1))."""
    return Deadline(
        _within_days_beginning_with(relevant_date, INITIAL_NOTIFICATION_DAYS),
        "Initial notification: the last day of the period of 3 days beginning with the relevant date",
        "Sexual Offences Act 2003 s.83(1)",
        INITIAL_NOTIFICATION_FACT,
    )


def change_notification_due(change_date: date, kind: ChangeKind | None = None) -> Deadline:
    """A change (name, home address, staying elsewhere, release from custody): the last day of the
    period of 3 days beginning with the date of the change (s.84(1))."""
    what = _CHANGE_WORDS[kind] if kind is not None else "a change"
    return Deadline(
        _within_days_beginning_with(change_date, CHANGE_NOTIFICATION_DAYS),
        f"Notification of {what}: the last day of the period of 3 days beginning with the date of the change",
        "Sexual Offences Act 2003 s.84(1)",
        CHANGES_FACT,
    )


def travel_notification_due(departure_date: date) -> Deadline:
    """Foreign travel: notice at least 7 days before departure, so the last day is 7 days before it."""
    return Deadline(
        add_days(departure_date, -FOREIGN_TRAVEL_NOTICE_DAYS),
        "Foreign travel: notice at least 7 days before the day of departure, so the last day on which it can "
        "be given is 7 days before departure",
        "foreign travel notification rules, read in a secondary source",
        TRAVEL_FACT,
    )


def annual_notification_due(last_notification_date: date) -> Deadline:
    """Periodic re-notification: once a year after the last notification (s.85; secondary source)."""
    return Deadline(
        add_years(last_notification_date, ANNUAL_YEARS),
        "Annual notification: one year after the last notification",
        "Sexual Offences Act 2003 s.85, read in a secondary source",
        ANNUAL_FACT,
    )


def review_qualifying_date(first_notification_date: date, *, under_18_on_relevant_date: bool) -> Deadline:
    """The qualifying date of s.91B(2): the day after the end of the 15-year period (8-year if the person was
    under 18 on the relevant date) beginning with the day of the first notification.

    On 29 February the period has no corresponding end date and runs to 28 February, so the qualifying
    date is 1 March (15 years beginning with 29 February 2024 end on 28 February 2039).
    """
    years = REVIEW_AFTER_YEARS_UNDER_18 if under_18_on_relevant_date else REVIEW_AFTER_YEARS
    who = " (the person was under 18 on the relevant date)" if under_18_on_relevant_date else ""
    return Deadline(
        add_days(period_last_day(first_notification_date, Duration.years(years)), 1),
        f"Review of indefinite notification requirements: the qualifying date is the day after the end of the "
        f"{years}-year period beginning with the day of the first notification{who}",
        "Sexual Offences Act 2003 s.91B(2)",
        REVIEW_FACT,
    )


def further_review_date(decision_to_continue_date: date) -> Deadline:
    """After a decision to keep the requirements, the next qualifying date is 8 years later (ss.91A-91G)."""
    return Deadline(
        add_years(decision_to_continue_date, FURTHER_REVIEW_AFTER_YEARS),
        "Further review: 8 years after the decision to keep the notification requirements",
        "Sexual Offences Act 2003 ss.91A-91G",
        REVIEW_FACT,
    )


def staying_elsewhere_counts(days_at_one_address: int, days_in_last_12_months: int) -> bool:
    """A stay must be notified if 7 days at once, or 7 days in total across 12 months (s.84)."""
    return days_at_one_address >= STAYING_ELSEWHERE_DAYS or days_in_last_12_months >= STAYING_ELSEWHERE_DAYS
