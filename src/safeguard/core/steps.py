"""Guided forms taken one step at a time: the steps in order, which step owns a field (so an error
returns the user to the step that can answer it), and where the user stands (done, current, to do).

Pure Python, shared by every app with a step-by-step form (sentencing scenarios, programme
referrals). The pages and forms around it are in `core.step_forms` and `core/templates/core/steps/`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import overload


@dataclass(frozen=True)
class Step:
    slug: str  # the step's part of its page address
    title: str
    fields: tuple[str, ...] = ()  # the top-level fields this step answers (form fields, request keys)
    summary: str = ""


# The top-level name of a field path: "harm_factors[0]" and "community_order.requirements" name
# the fields "harm_factors" and "community_order".
_TOP = re.compile(r"^([^.\[]+)")


def top_field(field: str) -> str:
    match = _TOP.match(field or "")
    return match.group(1) if match else ""


class Steps(Sequence[Step]):
    """Steps in the order they are taken. A slug names one step only, and a field belongs to one step."""

    def __init__(self, *steps: Step) -> None:
        self._steps = tuple(steps)
        self._index = {item.slug: index for index, item in enumerate(self._steps)}
        if len(self._index) != len(self._steps):
            raise ValueError("two steps have the same slug")
        self._owner: dict[str, int] = {}
        for index, item in enumerate(self._steps):
            for name in item.fields:
                if self._owner.setdefault(name, index) != index:
                    raise ValueError(f"the field {name!r} belongs to two steps")

    @overload
    def __getitem__(self, index: int) -> Step: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[Step, ...]: ...
    def __getitem__(self, index: int | slice) -> Step | tuple[Step, ...]:
        return self._steps[index]

    def __len__(self) -> int:
        return len(self._steps)

    def __iter__(self) -> Iterator[Step]:
        return iter(self._steps)

    def __repr__(self) -> str:
        return f"Steps({', '.join(self.slugs)})"

    @property
    def slugs(self) -> tuple[str, ...]:
        return tuple(self._index)

    @property
    def first(self) -> Step:
        return self._steps[0]

    @property
    def last(self) -> Step:
        return self._steps[-1]

    def get(self, slug: str) -> Step | None:
        index = self._index.get(slug)
        return None if index is None else self._steps[index]

    def index_of(self, slug: str) -> int:
        """The step's position (0 for the first); ValueError for a slug that is not one of these steps."""
        try:
            return self._index[slug]
        except KeyError:
            raise ValueError(f"no step {slug!r}") from None

    def next_step(self, slug: str) -> Step | None:
        position = self.index_of(slug) + 1
        return self._steps[position] if position < len(self._steps) else None

    def previous_step(self, slug: str) -> Step | None:
        position = self.index_of(slug) - 1
        return self._steps[position] if position >= 0 else None

    def owner_index(self, field: str) -> int | None:
        """The position of the step a field (or a path inside it) belongs to; None if no step sets it."""
        return self._owner.get(top_field(field))

    def index_for_field(self, field: str) -> int:
        """Which step an error on this field belongs to: its owner; unknown or empty fields, the first."""
        found = self.owner_index(field)
        return 0 if found is None else found

    def step_for_field(self, field: str) -> Step:
        return self._steps[self.index_for_field(field)]

    def earliest(self, fields: Iterable[str]) -> Step | None:
        """The first step owning any of these fields with errors (the step to return to); None for none.

        An error on a field no step sets (a form-wide error, `__all__`) belongs to the first step.
        """
        positions = [self.index_for_field(name) for name in fields]
        return self._steps[min(positions)] if positions else None

    def progress(
        self,
        current: str | None,
        done: Collection[str] = (),
        url: Callable[[Step], str] | None = None,
    ) -> list[StepProgress]:
        """Each step with where the user stands: the current one, those done, those still to do."""
        found = []
        for index, item in enumerate(self._steps):
            if item.slug == current:
                state = CURRENT
            elif item.slug in done:
                state = DONE
            else:
                state = TO_DO
            found.append(StepProgress(item, index + 1, state, url(item) if url else ""))
        return found


DONE = "done"
CURRENT = "current"
TO_DO = "to do"
STATE_WORDS = {DONE: "Completed", CURRENT: "You are here", TO_DO: "Not yet started"}


@dataclass(frozen=True)
class StepProgress:
    """One line of the step list beside a step's page (`core/steps/_nav.html`)."""

    step: Step
    number: int  # from 1
    state: str  # DONE, CURRENT or TO_DO
    url: str = ""
    hint: str = ""

    @property
    def status(self) -> str:
        """The state in words, as the step list shows it."""
        return STATE_WORDS[self.state]

    @property
    def current(self) -> bool:
        return self.state == CURRENT
