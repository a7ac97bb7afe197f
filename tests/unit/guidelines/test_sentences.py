"""The single severity scale used for range checks, and how sentences are written."""

from __future__ import annotations

import pytest

from safeguard.calendar.durations import Duration
from safeguard.guidelines.sentences import CommunityLevel, Sentence, SentenceKind, within

LOW = Sentence.community_order(CommunityLevel.LOW)
MEDIUM = Sentence.community_order(CommunityLevel.MEDIUM)
HIGH = Sentence.community_order(CommunityLevel.HIGH)


def test_scale_orders_kinds_then_levels_then_lengths() -> None:
    ordered = [
        Sentence(SentenceKind.CONDITIONAL_DISCHARGE, Duration.months(12)),
        Sentence(SentenceKind.FINE),
        LOW,
        MEDIUM,
        HIGH,
        Sentence.custody(Duration.days(14)),
        Sentence.custody(Duration.weeks(26)),
        Sentence.custody(Duration.months(7)),
        Sentence.custody(Duration.years(2)),
    ]
    ranks = [s.rank() for s in ordered]
    assert ranks == sorted(ranks)
    assert len(set(ranks)) == len(ranks)


def test_community_order_without_level_ranks_as_lowest_level() -> None:
    assert Sentence.community_order().rank() == LOW.rank()
    assert within(
        Sentence.community_order(), Sentence.community_order(), Sentence.custody(Duration.years(10))
    )


def test_within_is_inclusive() -> None:
    low, high = HIGH, Sentence.custody(Duration.years(2))
    assert within(HIGH, low, high)
    assert within(Sentence.custody(Duration.months(24)), low, high)
    assert not within(Sentence.custody(Duration.months(25)), low, high)
    assert not within(MEDIUM, low, high)


@pytest.mark.parametrize(
    ("sentence", "text"),
    [
        (Sentence.custody(Duration.years(1)), "1 year's custody"),
        (Sentence.custody(Duration.years(5)), "5 years' custody"),
        (Sentence.custody(Duration.weeks(26)), "26 weeks' custody"),
        (HIGH, "high-level community order"),
        (Sentence.community_order(length=Duration.months(24)), "community order (24 months)"),
        (Sentence(SentenceKind.FINE), "fine"),
    ],
)
def test_text(sentence: Sentence, text: str) -> None:
    assert sentence.text() == text


@pytest.mark.parametrize("entry", ["5y", "26w", "community_order", "community_order:high"])
def test_table_entries_round_trip(entry: str) -> None:
    assert Sentence.parse_table_entry(entry).table_entry() == entry


def test_impossible_sentences_are_refused() -> None:
    with pytest.raises(ValueError):
        Sentence(SentenceKind.CUSTODY)
    with pytest.raises(ValueError):
        Sentence(SentenceKind.FINE, level=CommunityLevel.LOW)
    with pytest.raises(ValueError):
        Sentence(SentenceKind.FINE, Duration.months(1))
    with pytest.raises(ValueError, match="level"):
        Sentence.parse_table_entry("community_order:extreme")
