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
* Audit: a hidden figure can still be worked out from several lines together (two rows and two
  columns whose hidden cells overlap), or pinned down because no count is negative. The table as
  it would be published is therefore attacked the way an outsider could — the least and greatest
  value each hidden figure can take, by linear programming over the published figures (each shown
  one within ±round_to/2 of the truth, hidden ones ≥ 0, every row and column adding up to its
  total) — and while any hidden figure is pinned down as closely as a shown figure is (a range no
  wider than the rounding's), the smallest shown inner cell of its row or column is hidden too,
  and the line rule above applied again.

A hidden figure is shown the same way whatever hid it: which cells were below the threshold is
itself disclosive. Pure Python; no Django.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
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


def hidden_grid(
    counts: Sequence[Sequence[int]], rules: Rules, *, also_hidden: Iterable[tuple[int, int]] = ()
) -> list[list[bool]]:
    """Which entries of the table with its margins are hidden (the line rule, without the audit).

    The result has one more row and column than `counts`: the last column holds row totals, the
    last row column totals, and the corner the grand total. `also_hidden` are entries to hide
    besides the small counts (the audit's additions).
    """
    _check_counts(counts)
    n_rows = len(counts)
    n_cols = len(counts[0]) if counts else 0
    values = [[*row, sum(row)] for row in counts]
    values.append([sum(counts[r][c] for r in range(n_rows)) for c in range(n_cols)] + [sum(map(sum, counts))])
    hidden = [[_is_primary(v, rules) for v in row] for row in values]
    for r, c in also_hidden:
        hidden[r][c] = True

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


def feasible_ranges(published: Sequence[Sequence[int | None]], slack: int) -> dict[tuple[int, int], tuple[float, float]]:
    """The attack: least and greatest value of each hidden entry (None) of a published table with
    its margins (last column row totals, last row column totals), given that each shown figure is
    within ±`slack` of the truth, no count is negative, and rows and columns add up."""
    import numpy as np
    from scipy.optimize import linprog

    n_rows, n_cols = len(published) - 1, len(published[0]) - 1
    cells = [(r, c) for r in range(n_rows + 1) for c in range(n_cols + 1)]
    index = {cell: i for i, cell in enumerate(cells)}
    bounds = [
        (0, None) if published[r][c] is None else (max(0, published[r][c] - slack), published[r][c] + slack)  # type: ignore[operator]
        for r, c in cells
    ]
    equations = []
    for r in range(n_rows + 1):
        line = np.zeros(len(cells))
        line[[index[(r, c)] for c in range(n_cols)]] = 1
        line[index[(r, n_cols)]] = -1
        equations.append(line)
    for c in range(n_cols + 1):
        line = np.zeros(len(cells))
        line[[index[(r, c)] for r in range(n_rows)]] = 1
        line[index[(n_rows, c)]] = -1
        equations.append(line)
    zeros = np.zeros(len(equations))
    found: dict[tuple[int, int], tuple[float, float]] = {}
    for cell in cells:
        if published[cell[0]][cell[1]] is not None:
            continue
        objective = np.zeros(len(cells))
        objective[index[cell]] = 1
        low = linprog(objective, A_eq=equations, b_eq=zeros, bounds=bounds, method="highs")
        high = linprog(-objective, A_eq=equations, b_eq=zeros, bounds=bounds, method="highs")
        # Status 0: solved; otherwise (everything hidden, say) the value is unbounded that way.
        found[cell] = (float(low.fun) if low.status == 0 else 0.0, float(-high.fun) if high.status == 0 else math.inf)
    return found


def _audited_hidden(counts: Sequence[Sequence[int]], rules: Rules) -> list[list[bool]]:
    """The line rule, then the audit: hide more until no hidden figure can be pinned down."""
    n_rows, n_cols = len(counts), len(counts[0]) if counts else 0
    values = [[*row, sum(row)] for row in counts]
    values.append([sum(counts[r][c] for r in range(n_rows)) for c in range(n_cols)] + [sum(map(sum, counts))])
    slack = rules.round_to // 2 if rules.round_to > 1 else 0
    extra: set[tuple[int, int]] = set()
    while True:
        hidden = hidden_grid(counts, rules, also_hidden=extra)
        published = [
            [None if hidden[r][c] else round_to(values[r][c], rules.round_to) for c in range(n_cols + 1)]
            for r in range(n_rows + 1)
        ]
        exposed = sorted(
            cell for cell, (low, high) in feasible_ranges(published, slack).items() if high - low <= 2 * slack + 1e-6
        )
        if not exposed:
            return hidden
        r0, c0 = exposed[0]
        line = [(r0, c) for c in range(n_cols + 1)] + [(r, c0) for r in range(n_rows + 1)]
        shown = [(r, c) for r, c in line if not hidden[r][c]]
        inner = [(r, c) for r, c in shown if r < n_rows and c < n_cols]
        pool = inner or shown or [(r, c) for r in range(n_rows + 1) for c in range(n_cols + 1) if not hidden[r][c]]
        extra.add(min(pool, key=lambda rc: (values[rc[0]][rc[1]], rc)))


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
    _check_counts(counts)
    hidden = _audited_hidden(counts, rules)
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


def protect_nested(counts: Sequence[int], rules: Rules | None = None) -> list[int | None]:
    """Counts that nest, largest first (referred ≥ offered ≥ taken up), each published on its own: the
    difference of two shown counts is a count too (referred but not offered), so it must not be one
    from 1 to threshold − 1 either. Primary suppression first; then, while two shown counts differ by a
    small amount, the smaller (inner) of the two is hidden as well. No rounding (nested counts are
    published exactly or not at all). A hidden count then lies between shown neighbours at least a
    threshold apart, or equals one of them exactly (a difference of 0, which discloses no one)."""
    rules = rules or Rules()
    if any(b > a for a, b in itertools.pairwise(counts)) or any(c < 0 for c in counts):
        raise ValueError("nested counts must not be negative and must not grow from one to the next")
    shown: list[int | None] = [None if _is_primary(c, rules) else c for c in counts]
    changed = True
    while changed:
        changed = False
        visible = [i for i, v in enumerate(shown) if v is not None]
        for n, i in enumerate(visible):
            for j in visible[n + 1 :]:
                a, b = shown[i], shown[j]
                if a is not None and b is not None and 0 < a - b < rules.threshold:
                    shown[j] = None  # the inner count: the outer one is the better-known figure
                    changed = True
                    break
            if changed:
                break
    return shown
