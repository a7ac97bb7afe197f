"""Problems found in a request or a guideline data file, reported together rather than one at a time."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input: where it is, a stable code, and what is allowed instead."""

    field: str
    code: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"field": self.field, "code": self.code, "message": self.message}


@dataclass(frozen=True, slots=True)
class Problems:
    """Every problem found in one input; returned instead of a result when the input is refused."""

    items: tuple[Problem, ...]

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def codes(self) -> list[str]:
        return [problem.code for problem in self.items]

    def fields(self) -> list[str]:
        return [problem.field for problem in self.items]

    def to_dict(self) -> dict[str, list[dict[str, str]]]:
        return {"errors": [problem.to_dict() for problem in self.items]}


class GuidelineError(ValueError):
    """Raised when input cannot be accepted; carries every problem found, not just the first."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = Problems(tuple(problems))
        super().__init__("; ".join(f"{p.field}: {p.message}" for p in self.problems))

    def to_dict(self) -> dict[str, list[dict[str, str]]]:
        return self.problems.to_dict()


class GuidelineDataError(GuidelineError):
    """Raised when a guideline data file is malformed; a programming error, not a user error."""
