"""Register deadlines (`safeguard.guidelines.register`): every boundary the calendar can put in the way.

Month and year ends, leap years (29 February as the start and as a day inside the period), the custody
rule (the s.82 custody boundaries deciding a fixed or an indefinite requirement, and release from
custody as a change), and an indefinite requirement with its review qualifying date.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safeguard.calendar.dates import add_years
from safeguard.calendar.durations import Duration
from safeguard.guidelines.notification import Disposal, notification_period
from safeguard.guidelines.register import (
    ChangeKind,
    annual_notification_due,
    change_notification_due,
    further_review_date,
    initial_notification_due,
    review_qualifying_date,
    staying_elsewhere_counts,
    travel_notification_due,
)


@pytest.mark.parametrize(
    ("start", "due"),
    [
        (date(2025, 3, 3), date(2025, 3, 5)),  # an ordinary week
        (date(2025, 1, 30), date(2025, 2, 1)),  # across a 31-day month's end
        (date(2025, 4, 29), date(2025, 5, 1)),  # across a 30-day month's end
        (date(2025, 12, 30), date(2026, 1, 1)),  # across the year's end
        (date(2025, 12, 31), date(2026, 1, 2)),
        (date(2024, 2, 27), date(2024, 2, 29)),  # a leap year: 29 February is a day of the period
        (date(2024, 2, 28), date(2024, 3, 1)),
        (date(2024, 2, 29), date(2024, 3, 2)),
        (date(2023, 2, 27), date(2023, 3, 1)),  # a common year: no 29 February
        (date(2023, 2, 28), date(2023, 3, 2)),
    ],
)
def test_initial_and_change_notifications_are_due_on_the_third_day_counting_the_date_itself(
    start: date, due: date
) -> None:
    initial = initial_notification_due(start)
    assert initial.due_date == due
    assert "s.83(1)" in initial.basis and initial.verified and initial.basis.endswith("verified).")
    for kind in (*ChangeKind, None):
        change = change_notification_due(start, kind)
        assert change.due_date == due
        assert "s.84(1)" in change.basis and change.verified


def test_each_change_says_what_changed_in_words() -> None:
    assert "change of home address" in change_notification_due(date(2025, 1, 1), ChangeKind.HOME_ADDRESS).basis
    assert "release from custody" in change_notification_due(date(2025, 1, 1), ChangeKind.RELEASE_FROM_CUSTODY).basis
    assert "qualifying period" in change_notification_due(date(2025, 1, 1), ChangeKind.STAYING_ELSEWHERE).basis


@pytest.mark.parametrize(
    ("departure", "due"),
    [
        (date(2025, 3, 15), date(2025, 3, 8)),
        (date(2025, 3, 7), date(2025, 2, 28)),  # back across a common February's end
        (date(2024, 3, 7), date(2024, 2, 29)),  # ... and a leap February's end
        (date(2024, 3, 8), date(2024, 3, 1)),
        (date(2026, 1, 6), date(2025, 12, 30)),  # back across the year's end
        (date(2026, 1, 1), date(2025, 12, 25)),
    ],
)
def test_travel_notice_is_due_seven_days_before_departure_and_says_it_is_unverified(departure: date, due: date) -> None:
    deadline = travel_notification_due(departure)
    assert deadline.due_date == due
    assert (departure - deadline.due_date).days == 7  # notice on the due date is exactly 7 days before
    assert not deadline.verified
    assert deadline.basis.endswith("(foreign travel notification rules, read in a secondary source; secondary, unverified).")


@pytest.mark.parametrize(
    ("first", "under_18", "qualifying"),
    [
        (date(2025, 6, 10), False, date(2040, 6, 10)),
        (date(2025, 6, 10), True, date(2033, 6, 10)),
        (date(2025, 1, 1), False, date(2040, 1, 1)),  # the period ends on 31 December 2039
        (date(2025, 12, 31), False, date(2040, 12, 31)),
        (date(2024, 2, 29), False, date(2039, 3, 1)),  # 15 years from 29 February end on 28 February 2039
        (date(2024, 2, 29), True, date(2032, 2, 29)),  # 2032 is a leap year: the period ends on 28 February
        (date(2020, 2, 29), True, date(2028, 2, 29)),
        (date(2023, 3, 1), False, date(2038, 3, 1)),
    ],
)
def test_review_qualifying_date_is_the_day_after_the_period_beginning_with_the_first_notification(
    first: date, under_18: bool, qualifying: date
) -> None:
    deadline = review_qualifying_date(first, under_18_on_relevant_date=under_18)
    assert deadline.due_date == qualifying
    assert "s.91B(2)" in deadline.basis and deadline.verified
    assert ("8-year" in deadline.basis) is under_18 and ("15-year" in deadline.basis) is not under_18


@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2200, 12, 31)), st.booleans())
def test_review_qualifying_date_matches_the_corresponding_day_except_after_29_february(first: date, under_18: bool) -> None:
    years = 8 if under_18 else 15
    qualifying = review_qualifying_date(first, under_18_on_relevant_date=under_18).due_date
    corresponding = add_years(first, years)
    if first.month == 2 and first.day == 29 and corresponding.day == 28:
        assert qualifying == corresponding + timedelta(days=1)
    else:
        assert qualifying == corresponding


def test_annual_and_further_review_dates() -> None:
    assert annual_notification_due(date(2024, 2, 29)).due_date == date(2025, 2, 28)
    assert annual_notification_due(date(2025, 12, 31)).due_date == date(2026, 12, 31)
    assert not annual_notification_due(date(2025, 1, 1)).verified
    assert further_review_date(date(2040, 2, 29)).due_date == date(2048, 2, 29)


def test_staying_elsewhere_counts_from_7_days() -> None:
    assert staying_elsewhere_counts(7, 0) and staying_elsewhere_counts(0, 7)
    assert not staying_elsewhere_counts(6, 6)


# --- the custody rule: the s.82 custody boundaries decide fixed or indefinite; release is a change -----


@pytest.mark.parametrize(
    ("months", "indefinite", "end"),
    [
        (6, False, date(2032, 2, 29)),  # 6 months or less: 7 years beginning with 1 March 2025
        (7, False, date(2035, 2, 28)),  # more than 6, less than 30: 10 years
        (29, False, date(2035, 2, 28)),
        (30, True, None),  # 30 months or more: indefinite, with a review qualifying date
    ],
)
def test_custody_length_decides_the_period_and_the_deadlines_follow(months: int, indefinite: bool, end: date | None) -> None:
    relevant = date(2025, 3, 1)
    result = notification_period(
        disposal=Disposal.IMPRISONMENT, relevant_date=relevant, age_at_relevant_date=30,
        custody_length=Duration.months(months), first_notification_date=date(2028, 2, 29),
    )
    assert result.indefinite is indefinite
    assert result.end_date == end
    assert result.initial_notification_by == initial_notification_due(relevant).due_date == date(2025, 3, 3)
    if indefinite:
        # Released and first notified on 29 February 2028: the review counts from that day.
        assert result.review_date == review_qualifying_date(date(2028, 2, 29), under_18_on_relevant_date=False).due_date
        assert result.review_date == date(2043, 3, 1)
    else:
        assert result.review_date is None


def test_release_from_custody_is_a_change_due_within_3_days() -> None:
    release = date(2026, 12, 30)
    deadline = change_notification_due(release, ChangeKind.RELEASE_FROM_CUSTODY)
    assert deadline.due_date == date(2027, 1, 1)


def test_indefinite_for_a_person_under_18_keeps_the_8_year_review() -> None:
    result = notification_period(
        disposal=Disposal.LIFE, relevant_date=date(2024, 2, 29), age_at_relevant_date=17,
        first_notification_date=date(2024, 2, 29),
    )
    assert result.indefinite and result.end_date is None
    assert result.review_date == date(2032, 2, 29)
