"""`core.due.provide_once`: a provider is asked once per request; a smaller ask is the front of the answer."""

from __future__ import annotations

from datetime import date

from safeguard.core.due import DueQuery, provide_once
from safeguard.policy import Actor

DAY = date(2026, 12, 6)


def counting(calls: list[int]):
    def provide(query: DueQuery) -> list[int]:  # stands in for DueItems: only the order matters here
        calls.append(query.limit)
        return list(range(query.limit))

    return provide


def actor() -> Actor:
    return Actor(user=None, membership=None)  # type: ignore[arg-type]


def test_a_smaller_ask_is_the_front_of_the_earlier_answer():
    calls: list[int] = []
    provide, who = counting(calls), actor()
    assert provide_once(provide, DueQuery(actor=who, today=DAY, limit=51)) == list(range(51))
    assert provide_once(provide, DueQuery(actor=who, today=DAY, limit=8)) == list(range(8))
    assert calls == [51]


def test_a_larger_ask_another_day_team_or_actor_asks_again():
    calls: list[int] = []
    provide, who = counting(calls), actor()
    provide_once(provide, DueQuery(actor=who, today=DAY, limit=8))
    provide_once(provide, DueQuery(actor=who, today=DAY, limit=51))
    provide_once(provide, DueQuery(actor=who, today=date(2026, 12, 7), limit=8))
    provide_once(provide, DueQuery(actor=who, today=DAY, limit=8, team=True))
    provide_once(provide, DueQuery(actor=actor(), today=DAY, limit=8))  # another request
    assert calls == [8, 51, 8, 8, 8]
