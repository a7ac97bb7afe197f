"""The one list of periodic jobs. Each app declares its own in its `tasks.py`:

    from safeguard.jobs.registry import periodic

    @periodic("supervision.visits-overdue", "daily at 06:00", title="Mark overdue home visits")
    def visits_overdue(*, now: datetime, due_at: datetime) -> str:
        ...
        return f"{count} visits became overdue."

`safeguard.jobs` imports every installed app's `tasks` module when Django starts, so the web pages
and every worker see the same list. A job function takes the time as `now` (never reads the clock
itself) and the due time it runs for as `due_at` (the same on every attempt: compute "yesterday"
from it, not from `now`), must be idempotent (it may run again after a failure or a lost worker)
and returns a short summary in plain words for the administrators' "Background jobs" page.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from safeguard.jobs import schedules

JobFunction = Callable[..., str | None]
_NAME = re.compile(r"[a-z0-9]+(?:[.-][a-z0-9]+)*")


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    schedule: schedules.Every | schedules.DailyAt
    func: JobFunction = field(compare=False)
    title: str = ""
    # A failed run is tried again after retry_base, then twice that, and so on up to retry_cap,
    # until max_attempts runs in all have failed; the last failure stays on the jobs page.
    max_attempts: int = 4
    retry_base: timedelta = timedelta(minutes=1)
    retry_cap: timedelta = timedelta(hours=1)

    def __post_init__(self) -> None:
        if not _NAME.fullmatch(self.name) or len(self.name) > 100:
            raise ValueError(
                f"periodic job name {self.name!r}: use lower-case letters, digits, dots and hyphens "
                "(at most 100 characters), e.g. 'accounts.sessions-expired'"
            )
        if self.max_attempts < 1:
            raise ValueError(f"periodic job {self.name}: max_attempts must be 1 or more")

    def retry_delay(self, attempt: int) -> timedelta:
        """How long to wait after failed attempt number `attempt` (1, 2, …) before the next."""
        return min(self.retry_base * int(2 ** max(attempt - 1, 0)), self.retry_cap)

    def latest_due(self, now: datetime) -> datetime:
        return self.schedule.latest_due(now)

    def next_due(self, now: datetime) -> datetime:
        return self.schedule.next_due(now)


_JOBS: dict[str, PeriodicJob] = {}


def _code(func: JobFunction) -> tuple[str, str]:
    return getattr(func, "__module__", ""), getattr(func, "__qualname__", "")


def register(job: PeriodicJob) -> PeriodicJob:
    """Add a job; registering the same name twice for a different function is a mistake."""
    known = _JOBS.get(job.name)
    # The same declaration seen again (a module imported twice) is fine; another one is not.
    if known is not None and (known != job or _code(known.func) != _code(job.func)):
        raise ValueError(f"a periodic job named {job.name!r} is already registered")
    _JOBS[job.name] = job
    return job


def periodic(
    name: str,
    schedule: str | schedules.Every | schedules.DailyAt,
    *,
    title: str,
    max_attempts: int = 4,
    retry_base: timedelta = timedelta(minutes=1),
    retry_cap: timedelta = timedelta(hours=1),
) -> Callable[[JobFunction], JobFunction]:
    """Decorator form of `register`; the schedule may be given in its short written form."""
    parsed = schedules.parse(schedule) if isinstance(schedule, str) else schedule

    def decorator(func: JobFunction) -> JobFunction:
        register(
            PeriodicJob(
                name=name, schedule=parsed, func=func, title=title, max_attempts=max_attempts,
                retry_base=retry_base, retry_cap=retry_cap,
            )
        )
        return func

    return decorator


def get(name: str) -> PeriodicJob | None:
    return _JOBS.get(name)


def all_jobs() -> list[PeriodicJob]:
    return sorted(_JOBS.values(), key=lambda job: job.name)


def unregister(name: str) -> None:
    """For tests that register jobs of their own."""
    _JOBS.pop(name, None)
