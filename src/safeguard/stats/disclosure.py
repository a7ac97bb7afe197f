"""Disclosure control for counts shown outside the agency that owns them.

Rules (docs/insights.md; ONS / UK LLC practice, /work/shared/specs/security.md):

* Primary suppression: a count from 1 to `threshold - 1` is hidden (a zero too when
  `suppress_zero` is set, for tables where "nobody" would itself disclose something).
* Secondary suppression: a table is published with its totals, so a hidden cell that is the only
  hidden entry of its row or column (totals included) could be worked out by subtraction. Until no
  row or column has exactly one hidden entry, the smallest other entry of such a line is hidden too
  (an inner cell before a total; a total only when nothing else is left).
* Rounding: every figure still shown, totals included, is rounded to the nearest `round_to`
  (halves up) and rounded on its own, so published totals need not add up exactly.

A hidden figure is shown the same way whatever hid it: which cells were below the threshold is
itself disclosive. Pure Python; no Django.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

HIDDEN_TEXT = "[c]"
EXPLANATION = (
    "[c] means the figure is hidden: counts from 1 to {below} are hidden, and so are some others, so "
    "that no hidden count can be worked out from the totals.{rounding}"
)


@dataclass(frozen=True)
class Rules:
    """How figures are protected: `threshold` 10 hides 1–9; `round_to` 5 rounds to the nearest 5
    (0 or 1: no rounding)."""

    threshold: int = 10
    round_to: int = 5
    suppress_zero: bool = False

    def __post_init__(self) -> None:
        if self.threshold < 1:
            raise ValueError("threshold must be at least 1")
        if self.round_to < 0:
            raise ValueError("round_to must not be negative")

    def explanation(self) -> str:
        rounding = (
            f" Other figures are rounded to the nearest {self.round_to}, each on its own, so totals may "
            "not add up exactly."
            if self.round_to > 1
            else ""
        )
        return EXPLANATION.format(below=self.threshold - 1, rounding=rounding)


@dataclass(frozen=True)
class Figure:
    """One published figure: its rounded value, or hidden (`value` is None)."""

    value: int | None

    @property
    def hidden(self) -> bool:
        return self.value is None

    def text(self) -> str:
        return HIDDEN_TEXT if self.value is None else f"{self.value:,}"


@dataclass(frozen=True)
class ProtectedTable:
    """A table of counts ready to publish: cells by row and column, row and column totals, grand total."""

    row_labels: tuple[str, ...]
    column_labels: tuple[str, ...]
    cells: tuple[tuple[Figure, ...], ...]
    row_totals: tuple[Figure, ...]
    column_totals: tuple[Figure, ...]
    total: Figure
    rules: Rules

    def hidden_count(self) -> int:
        grid = [*self.cells, self.column_totals]
        return sum(f.hidden for row in grid for f in row) + sum(f.hidden for f in self.row_totals) + self.total.hidden


@dataclass(frozen=True)
class ProtectedSeries:
    """Counts by category with their total (a one-row table), ready to publish."""

    labels: tuple[str, ...]
    figures: tuple[Figure, ...]
    total: Figure
    rules: Rules

    def as_dict(self) -> dict[str, int | None]:
        return {label: figure.value for label, figure in zip(self.labels, self.figures, strict=True)}


def round_to(value: int, base: int) -> int:
    """Nearest multiple of `base`, halves up (0 and 1 leave the value as it is)."""
    if base <= 1:
        return value
    return ((value + base // 2) // base) * base


def _is_primary(value: int, rules: Rules) -> bool:
    return (0 < value < rules.threshold) or (value == 0 and rules.suppress_zero)


def _check_counts(counts: Sequence[Sequence[int]]) -> None:
    widths = {len(row) for row in counts}
    if len(widths) > 1:
        raise ValueError("every row must have the same number of cells")
    for row in counts:
        for value in row:
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"counts must be whole numbers of 0 or more, not {value!r}")


def hidden_grid(counts: Sequence[Sequence[int]], rules: Rules) -> list[list[bool]]:
    """Which entries of the table with its margins are hidden.

    The result has one more row and column than `counts`: the last column holds row totals, the
    last row column totals, and the corner the grand total.
    """
    _check_counts(counts)
    n_rows = len(counts)
    n_cols = len(counts[0]) if counts else 0
    values = [[*row, sum(row)] for row in counts]
    values.append([sum(counts[r][c] for r in range(n_rows)) for c in range(n_cols)] + [sum(map(sum, counts))])
    hidden = [[_is_primary(v, rules) for v in row] for row in values]

    def lines() -> list[list[tuple[int, int]]]:
        found = [[(r, c) for c in range(n_cols + 1)] for r in range(n_rows + 1)]
        found += [[(r, c) for r in range(n_rows + 1)] for c in range(n_cols + 1)]
        return found

    all_lines = lines()
    changed = True
    while changed:
        changed = False
        for line in all_lines:
            shown = [(r, c) for r, c in line if not hidden[r][c]]
            if len(line) - len(shown) != 1 or not shown:
                continue
            inner = [(r, c) for r, c in shown if r < n_rows and c < n_cols]
            pool = inner or shown
            r, c = min(pool, key=lambda rc: (values[rc[0]][rc[1]], rc))
            hidden[r][c] = True
            changed = True
    return hidden


def protect_table(
    counts: Sequence[Sequence[int]],
    *,
    row_labels: Sequence[str],
    column_labels: Sequence[str],
    rules: Rules | None = None,
) -> ProtectedTable:
    """Suppress and round a table of counts and its totals for publication."""
    rules = rules or Rules()
    if len(row_labels) != len(counts) or any(len(row) != len(column_labels) for row in counts):
        raise ValueError("labels must match the table's rows and columns")
    hidden = hidden_grid(counts, rules)
    n_rows, n_cols = len(counts), len(column_labels)
    values = [[*row, sum(row)] for row in counts]
    values.append([sum(counts[r][c] for r in range(n_rows)) for c in range(n_cols)] + [sum(map(sum, counts))])

    def figure(r: int, c: int) -> Figure:
        return Figure(None if hidden[r][c] else round_to(values[r][c], rules.round_to))

    return ProtectedTable(
        row_labels=tuple(row_labels),
        column_labels=tuple(column_labels),
        cells=tuple(tuple(figure(r, c) for c in range(n_cols)) for r in range(n_rows)),
        row_totals=tuple(figure(r, n_cols) for r in range(n_rows)),
        column_totals=tuple(figure(n_rows, c) for c in range(n_cols)),
        total=figure(n_rows, n_cols),
        rules=rules,
    )


def protect_counts(counts: Mapping[str, int], rules: Rules | None = None) -> ProtectedSeries:
    """Suppress and round counts by category, published with their total."""
    rules = rules or Rules()
    labels = list(counts)
    table = protect_table([[counts[k] for k in labels]], row_labels=["all"], column_labels=labels, rules=rules)
    return ProtectedSeries(labels=tuple(labels), figures=table.cells[0], total=table.row_totals[0], rules=rules)
