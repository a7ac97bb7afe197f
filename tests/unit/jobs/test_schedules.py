"""Schedules on a fixed clock: due times at and around their boundaries, and summer-time changes."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safeguard.jobs.schedules import DailyAt, Every, parse


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_every_fifteen_minutes_is_due_on_the_quarter_hours():
    every = Every(timedelta(minutes=15))
    assert every.latest_due(utc(2026, 3, 2, 9, 7, 30)) == utc(2026, 3, 2, 9, 0)
    assert every.next_due(utc(2026, 3, 2, 9, 7, 30)) == utc(2026, 3, 2, 9, 15)
    # Exactly on a due time: that one is due now, the next is a period later.
    assert every.latest_due(utc(2026, 3, 2, 9, 15)) == utc(2026, 3, 2, 9, 15)
    assert every.next_due(utc(2026, 3, 2, 9, 15)) == utc(2026, 3, 2, 9, 30)
    assert every.latest_due(utc(2026, 3, 2, 9, 14, 59, 999999)) == utc(2026, 3, 2, 9, 0)


def test_daily_at_two_uk_time_follows_the_clock_change():
    daily = DailyAt(time(2, 0))
    # Winter (GMT): 02:00 UTC. Summer (BST): 01:00 UTC.
    assert daily.latest_due(utc(2026, 1, 15, 12, 0)) == utc(2026, 1, 15, 2, 0)
    assert daily.latest_due(utc(2026, 7, 15, 12, 0)) == utc(2026, 7, 15, 1, 0)
    # Before today's due time, yesterday's is the latest.
    assert daily.latest_due(utc(2026, 1, 15, 1, 59)) == utc(2026, 1, 14, 2, 0)
    assert daily.next_due(utc(2026, 1, 15, 1, 59)) == utc(2026, 1, 15, 2, 0)
    assert daily.next_due(utc(2026, 1, 15, 2, 0)) == utc(2026, 1, 16, 2, 0)


def test_daily_in_the_skipped_and_the_repeated_hour_is_due_once_a_day():
    daily = DailyAt(time(1, 30))
    # 29 March 2026: clocks go from 01:00 GMT to 02:00 BST; 01:30 does not exist that day.
    spring = [daily.next_due(utc(2026, 3, 28, 12)), daily.next_due(utc(2026, 3, 29, 12))]
    assert spring == [utc(2026, 3, 29, 1, 30), utc(2026, 3, 30, 0, 30)]
    # 25 October 2026: 01:00–01:59 happens twice; the first one counts.
    assert daily.next_due(utc(2026, 10, 24, 12)) == utc(2026, 10, 25, 0, 30)
    assert daily.next_due(utc(2026, 10, 25, 0, 30)) == utc(2026, 10, 26, 1, 30)


@given(
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)),
    st.sampled_from([Every(timedelta(minutes=1)), Every(timedelta(minutes=15)), Every(timedelta(hours=6)),
                     DailyAt(time(2, 30)), DailyAt(time(1, 30)), DailyAt(time(23, 59), "America/New_York")]),
)
def test_latest_due_is_at_or_before_now_and_next_due_after(now, schedule):
    latest, following = schedule.latest_due(now), schedule.next_due(now)
    assert latest <= now < following
    # Nothing is due between the two: the next due time after the latest is the following one.
    assert schedule.next_due(latest) == following


def test_parse_reads_the_short_forms():
    assert parse("every 15 minutes") == Every(timedelta(minutes=15))
    assert parse("Every minute") == Every(timedelta(minutes=1))
    assert parse("every 6 hours") == Every(timedelta(hours=6))
    assert parse("every hour") == Every(timedelta(hours=1))
    assert parse("daily at 02:00") == DailyAt(time(2, 0), "Europe/London")
    assert parse("daily at 7:05 Europe/Berlin") == DailyAt(time(7, 5), "Europe/Berlin")
    assert parse("daily at 02:00").describe() == "Every day at 02:00 (UK time)"
    assert parse("every 90 minutes").describe() == "Every 90 minutes"
    assert parse("every 2 hours").describe() == "Every 2 hours"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("weekly on Monday", "not understood"),
        ("every 0 minutes", "1 or more"),
        ("every 25 hours", "between 1 minute and 24 hours"),
        ("daily at 24:00", "between 00:00 and 23:59"),
        ("daily at 02:00 Mars/Olympus", "unknown time zone"),
        ("", "not understood"),
    ],
)
def test_parse_refuses_what_it_does_not_understand_and_says_what_it_accepts(text, message):
    with pytest.raises(ValueError, match=message):
        parse(text)


def test_times_must_be_aware():
    with pytest.raises(ValueError, match="timezone-aware"):
        Every(timedelta(minutes=5)).latest_due(datetime(2026, 1, 1))
