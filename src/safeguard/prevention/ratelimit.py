"""Limits on guessing and on writing, kept without any identity of the person trying.

There is no IP address to key on (none is ever stored, and django-axes, which stores one, is not
used here). Failed returns are counted per reference code as typed (the keyed hash of the code,
whether or not a conversation has it, so a lockout never tells that a code exists) and across the
whole service (a budget per window, which bounds what one guesser can try across many codes). New
conversations have a service-wide budget too. Counters are fixed windows (ADR 0020).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction

from safeguard.prevention.codes import keyed_digest, normalise_code
from safeguard.prevention.models import AttemptCounter


def setting(name: str) -> int:
    return int(settings.SAFEGUARD_PREVENTION[name])


def return_window() -> timedelta:
    return timedelta(minutes=setting("RETURN_WINDOW_MINUTES"))


def code_key(typed_code: str) -> str:
    return keyed_digest("return-attempts", normalise_code(typed_code))


RETURN_BUDGET_KEY = "service-returns"
START_BUDGET_KEY = "service-starts"


def budget_key(name: str) -> str:
    return keyed_digest("budget", name)


@dataclass(frozen=True)
class Count:
    count: int
    locked_until: datetime | None


def _locked(counter: AttemptCounter, now: datetime) -> bool:
    return counter.locked_until is not None and counter.locked_until > now


def is_locked(key: str, now: datetime) -> bool:
    counter = AttemptCounter.objects.filter(key_digest=key).only("locked_until").first()
    return counter is not None and _locked(counter, now)


def current(key: str, now: datetime, window: timedelta) -> int:
    """How many were counted in the window running now (0 when it has ended)."""
    counter = AttemptCounter.objects.filter(key_digest=key).only("count", "window_started_at").first()
    if counter is None or now - counter.window_started_at >= window:
        return 0
    return counter.count


@transaction.atomic
def bump(key: str, now: datetime, *, window: timedelta, limit: int, lock_for: timedelta | None = None) -> Count:
    """Count one more in the key's window (a new window starts when the last one has ended); at
    `limit` the key is locked for `lock_for` from now (if given)."""
    counter = AttemptCounter.objects.select_for_update().filter(key_digest=key).first()
    if counter is None:
        try:
            with transaction.atomic():
                counter = AttemptCounter.objects.create(key_digest=key, window_started_at=now, count=0)
        except IntegrityError:  # created meanwhile by a concurrent request
            counter = AttemptCounter.objects.select_for_update().get(key_digest=key)
    if now - counter.window_started_at >= window:
        counter.window_started_at, counter.count = now, 0
    counter.count += 1
    if lock_for is not None and counter.count >= limit and not _locked(counter, now):
        counter.locked_until = now + lock_for
    counter.save(update_fields=["window_started_at", "count", "locked_until"])
    return Count(counter.count, counter.locked_until)


def forget(key: str) -> None:
    AttemptCounter.objects.filter(key_digest=key).delete()


def purge(now: datetime) -> int:
    """Counters whose window and lock are both over (run by the retention job)."""
    oldest_window = max(return_window(), timedelta(hours=1))
    stale = AttemptCounter.objects.filter(window_started_at__lt=now - oldest_window).exclude(locked_until__gt=now)
    deleted, _ = stale.delete()
    return deleted
