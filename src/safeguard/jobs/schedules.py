"""When a periodic job is due. Pure Python: the time is always passed in, never read here.

Two kinds of schedule cover what the apps need:

- `Every(period)`: due at every multiple of the period since 1 January 1970 UTC ("every 15
  minutes" is due at :00, :15, :30 and :45 of every hour, on every machine alike).
- `DailyAt(time, zone)`: due once a day at a wall-clock time in a time zone ("daily at 02:00
  Europe/London"). On the day the clocks go forward a time in the skipped hour is taken before the
  change (01:30 becomes 02:30 summer time); on the day they go back, the first 01:30 counts.

Each schedule answers two questions about an aware `now`: the latest due time at or before it, and
the first due time after it. The scheduler runs a job for its latest due time once; missed due
times (the worker was stopped for a day) collapse into that one run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
DEFAULT_ZONE = "Europe/London"


class Schedule(Protocol):
    def latest_due(self, now: datetime) -> datetime: ...

    def next_due(self, now: datetime) -> datetime: ...

    def describe(self) -> str: ...


def _aware(now: datetime) -> datetime:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    return now


@dataclass(frozen=True)
class Every:
    """Due at each whole multiple of `period` counted from the Unix epoch (UTC)."""

    period: timedelta

    def __post_init__(self) -> None:
        if self.period < timedelta(minutes=1) or self.period > timedelta(days=1):
            raise ValueError("the period must be between 1 minute and 24 hours")
        if self.period % timedelta(minutes=1):
            raise ValueError("the period must be a whole number of minutes")

    def latest_due(self, now: datetime) -> datetime:
        elapsed = _aware(now) - EPOCH
        return EPOCH + (elapsed // self.period) * self.period

    def next_due(self, now: datetime) -> datetime:
        return self.latest_due(now) + self.period

    def describe(self) -> str:
        minutes = int(self.period.total_seconds() // 60)
        if minutes == 1:
            return "Every minute"
        if minutes % 60:
            return f"Every {minutes} minutes"
        hours = minutes // 60
        return "Every hour" if hours == 1 else f"Every {hours} hours"


@dataclass(frozen=True)
class DailyAt:
    """Due once a day at `at` on the wall clock of `zone`."""

    at: time
    zone: str = DEFAULT_ZONE

    def __post_init__(self) -> None:
        if self.at.tzinfo is not None:
            raise ValueError("give the time without a zone; the zone is separate")
        try:
            ZoneInfo(self.zone)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone {self.zone!r}") from error

    def _on(self, day: date) -> datetime:
        # fold=0: in the hour that repeats, the first occurrence; in the skipped hour, the
        # offset from before the change.
        return datetime.combine(day, self.at, tzinfo=ZoneInfo(self.zone)).astimezone(UTC)

    def latest_due(self, now: datetime) -> datetime:
        today = _aware(now).astimezone(ZoneInfo(self.zone)).date()
        due = self._on(today)
        return due if due <= now else self._on(today - timedelta(days=1))

    def next_due(self, now: datetime) -> datetime:
        today = _aware(now).astimezone(ZoneInfo(self.zone)).date()
        due = self._on(today)
        return due if due > now else self._on(today + timedelta(days=1))

    def describe(self) -> str:
        where = "UK time" if self.zone == DEFAULT_ZONE else f"{self.zone} time"
        return f"Every day at {self.at:%H:%M} ({where})"


_EVERY = re.compile(r"every\s+(?:(\d+)\s+)?(minute|minutes|hour|hours)", re.IGNORECASE)
_DAILY = re.compile(r"daily\s+at\s+(\d{1,2}):(\d{2})(?:\s+(\S+))?", re.IGNORECASE)
FORMS = '"every N minutes", "every N hours", "every minute", "every hour" or "daily at HH:MM [Zone/Name]"'


def parse(text: str) -> Every | DailyAt:
    """A schedule from its short form; a ValueError names what is accepted."""
    text = " ".join(str(text).split())
    if match := _EVERY.fullmatch(text):
        count = int(match.group(1) or 1)
        unit = match.group(2).lower()
        if count < 1:
            raise ValueError(f"schedule {text!r}: the number must be 1 or more")
        period = timedelta(minutes=count) if unit.startswith("minute") else timedelta(hours=count)
        try:
            return Every(period)
        except ValueError as error:
            raise ValueError(f"schedule {text!r}: {error}") from error
    if match := _DAILY.fullmatch(text):
        hour, minute = int(match.group(1)), int(match.group(2))
        if hour > 23 or minute > 59:
            raise ValueError(f"schedule {text!r}: the time must be between 00:00 and 23:59")
        try:
            return DailyAt(time(hour, minute), match.group(3) or DEFAULT_ZONE)
        except ValueError as error:
            raise ValueError(f"schedule {text!r}: {error}") from error
    raise ValueError(f"schedule {text!r} is not understood: use {FORMS}")
