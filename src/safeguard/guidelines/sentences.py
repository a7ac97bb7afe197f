"""A sentence as a point on one scale (discharge < fine < community order levels < custody by length).

Guideline ranges run across kinds ("high-level community order - 2 years' custody"), so a position
within a range can only be checked on a single ordered scale. Community-order levels are kept as
labels: the spec has no verified table of what each level contains.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from safeguard.calendar.durations import Duration


class SentenceKind(StrEnum):
    CONDITIONAL_DISCHARGE = "conditional_discharge"
    FINE = "fine"
    COMMUNITY_ORDER = "community_order"
    CUSTODY = "custody"


class CommunityLevel(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


_KIND_RANK = {
    SentenceKind.CONDITIONAL_DISCHARGE: 0,
    SentenceKind.FINE: 1,
    SentenceKind.COMMUNITY_ORDER: 2,
    SentenceKind.CUSTODY: 3,
}
# A community order given without a level ranks as the lowest level: a range that starts at
# "community order" (the offence range) then admits every level.
_LEVEL_RANK = {None: 1, CommunityLevel.LOW: 1, CommunityLevel.MEDIUM: 2, CommunityLevel.HIGH: 3}


@dataclass(frozen=True, slots=True)
class Sentence:
    """One disposal: custody needs a length; a community order may carry a level and a length."""

    kind: SentenceKind
    length: Duration | None = None
    level: CommunityLevel | None = None

    def __post_init__(self) -> None:
        if self.kind is SentenceKind.CUSTODY and (self.length is None or self.length.amount == 0):
            raise ValueError("a custodial sentence needs a length of more than zero")
        if self.level is not None and self.kind is not SentenceKind.COMMUNITY_ORDER:
            raise ValueError("only a community order has a level")
        if self.kind is SentenceKind.FINE and self.length is not None:
            raise ValueError("a fine has no length")

    @classmethod
    def custody(cls, length: Duration) -> Sentence:
        return cls(SentenceKind.CUSTODY, length)

    @classmethod
    def community_order(cls, level: CommunityLevel | None = None, length: Duration | None = None) -> Sentence:
        return cls(SentenceKind.COMMUNITY_ORDER, length, level)

    @property
    def is_custody(self) -> bool:
        return self.kind is SentenceKind.CUSTODY

    def _custody_length(self) -> Duration:
        if self.length is None:  # __post_init__ prevents this; the check narrows the type
            raise ValueError("a custodial sentence needs a length")
        return self.length

    def rank(self) -> tuple[int, Fraction]:
        """Position on the single severity scale used for range checks."""
        if self.kind is SentenceKind.CUSTODY:
            return (_KIND_RANK[self.kind], self._custody_length().in_months())
        if self.kind is SentenceKind.COMMUNITY_ORDER:
            return (_KIND_RANK[self.kind], Fraction(_LEVEL_RANK[self.level]))
        return (_KIND_RANK[self.kind], Fraction(0))

    def text(self) -> str:
        if self.kind is SentenceKind.CUSTODY:
            length = self._custody_length()
            # "1 year's custody" but "2 years' custody": the possessive follows the number.
            return f"{length.text()}'s custody" if length.amount == 1 else f"{length.text()}' custody"
        if self.kind is SentenceKind.COMMUNITY_ORDER:
            label = f"{self.level.value}-level community order" if self.level else "community order"
            return f"{label} ({self.length.text()})" if self.length else label
        if self.kind is SentenceKind.CONDITIONAL_DISCHARGE:
            return (
                f"conditional discharge ({self.length.text()})" if self.length else ("conditional discharge")
            )
        return "fine"

    def __str__(self) -> str:
        return self.text()

    def to_dict(self) -> dict[str, str | None]:
        return {
            "kind": self.kind.value,
            "length": self.length.to_json() if self.length else None,
            "level": self.level.value if self.level else None,
            "text": self.text(),
        }

    @classmethod
    def parse_table_entry(cls, text: str) -> Sentence:
        """Read a guideline-table entry: '5y' (custody), 'community_order' or 'community_order:high'."""
        if text == "community_order":
            return cls.community_order()
        if text.startswith("community_order:"):
            level = text.removeprefix("community_order:")
            if level not in {item.value for item in CommunityLevel}:
                raise ValueError(f"unknown community-order level {level!r}; use low, medium or high")
            return cls.community_order(CommunityLevel(level))
        return cls.custody(Duration.parse(text))

    def table_entry(self) -> str:
        """Inverse of `parse_table_entry`, for writing data files and JSON."""
        if self.kind is SentenceKind.CUSTODY:
            return self._custody_length().to_json()
        if self.kind is SentenceKind.COMMUNITY_ORDER and self.length is None:
            return f"community_order:{self.level.value}" if self.level else "community_order"
        raise ValueError("only custody and community orders without a length appear in tables")


def within(position: Sentence, low: Sentence, high: Sentence) -> bool:
    return low.rank() <= position.rank() <= high.rank()
