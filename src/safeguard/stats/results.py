"""Shared result types: an estimate with its 95% interval, and "too few events" as a result."""

from __future__ import annotations

from dataclasses import dataclass

Z_95 = 1.959963984540054  # the standard normal 97.5% point: two-sided 95% intervals


@dataclass(frozen=True, slots=True)
class Interval:
    """A 95% confidence interval; `None` at an end that cannot be estimated (e.g. no events)."""

    low: float | None
    high: float | None

    def as_list(self) -> list[float | None]:
        return [self.low, self.high]


@dataclass(frozen=True, slots=True)
class TooFewEvents:
    """An analysis that was not run because the data cannot support it, and why, in plain words.

    `n` people and `events` events were available; `needed` says what the method asks for.
    """

    what: str
    n: int
    events: int
    needed: str

    @property
    def message(self) -> str:
        people = "person" if self.n == 1 else "people"
        events = "event" if self.events == 1 else "events"
        return (
            f"Too few events for {self.what}: {self.events} {events} among {self.n} {people}. "
            f"It needs {self.needed}."
        )


def rounded(value: float | None, digits: int = 6) -> float | None:
    """A float for JSON and pages: None stays None, NaN becomes None, else rounded."""
    if value is None or value != value:
        return None
    return round(float(value), digits)


@dataclass(frozen=True, slots=True)
class NotEstimated:
    """An analysis the method could not complete on these data (e.g. the model did not converge)."""

    what: str
    reason: str

    @property
    def message(self) -> str:
        return f"{self.what[:1].upper()}{self.what[1:]} could not be estimated: {self.reason}"
