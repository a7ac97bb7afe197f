"""Disclosure control: small counts hidden, no hidden count recoverable from what is published.

The recovery attempt is the attacker's: for every hidden entry, find the smallest and largest
value it can take given every published figure (each rounded figure only says the true value is
within half a rounding step), the totals' sums and non-negativity, by linear programming. A hidden
entry is protected when that range is wider than nothing and reaches at least the threshold or is
not pinned to one value.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from safeguard.stats.disclosure import (
    HIDDEN_TEXT,
    Rules,
    hidden_grid,
    protect_counts,
    protect_nested,
    protect_table,
    round_to,
)


def _with_margins(counts: list[list[int]]) -> list[list[int]]:
    rows = [[*row, sum(row)] for row in counts]
    columns = [sum(row[c] for row in counts) for c in range(len(counts[0]))]
    return [*rows, [*columns, sum(columns)]]


def feasible_range(counts: list[list[int]], rules: Rules, target: tuple[int, int]) -> tuple[float, float]:
    """What an attacker can learn about one hidden entry from the published table."""
    table = protect_table(
        counts,
        row_labels=[str(i) for i in range(len(counts))],
        column_labels=[str(j) for j in range(len(counts[0]))],
        rules=rules,
    )
    n_rows, n_cols = len(counts), len(counts[0])
    published: dict[tuple[int, int], int | None] = {}
    for r in range(n_rows):
        for c in range(n_cols):
            published[(r, c)] = table.cells[r][c].value
        published[(r, n_cols)] = table.row_totals[r].value
    for c in range(n_cols):
        published[(n_rows, c)] = table.column_totals[c].value
    published[(n_rows, n_cols)] = table.total.value
    # Unknowns: the inner cells. Totals are sums of them.
    index = {(r, c): r * n_cols + c for r in range(n_rows) for c in range(n_cols)}

    def row_of(entry: tuple[int, int]) -> np.ndarray:
        r, c = entry
        vec = np.zeros(len(index))
        cells = (
            [(r, c)]
            if r < n_rows and c < n_cols
            else (
                [(r, j) for j in range(n_cols)]
                if r < n_rows
                else [(i, c) for i in range(n_rows)]
                if c < n_cols
                else list(index)
            )
        )
        for cell in cells:
            vec[index[cell]] = 1
        return vec

    half = rules.round_to // 2 if rules.round_to > 1 else 0
    a_ub, b_ub = [], []
    for entry, value in published.items():
        vec = row_of(entry)
        if value is None:
            continue
        a_ub += [vec, -vec]
        b_ub += [value + half, -(value - half)]
    bounds = [(0, None)] * len(index)
    objective = row_of(target)
    constraints = {"A_ub": np.array(a_ub), "b_ub": np.array(b_ub)} if a_ub else {}
    low = linprog(objective, bounds=bounds, method="highs", **constraints)
    high = linprog(-objective, bounds=bounds, method="highs", **constraints)
    assert low.status == 0, "the published table must be consistent with the truth"
    if high.status == 3:  # unbounded above: nothing published limits it
        return low.fun, float("inf")
    assert high.status == 0
    return low.fun, -high.fun


def assert_nothing_recoverable(counts: list[list[int]], rules: Rules) -> None:
    table = protect_table(
        counts,
        row_labels=[str(i) for i in range(len(counts))],
        column_labels=[str(j) for j in range(len(counts[0]))],
        rules=rules,
    )
    hidden = [
        [f.hidden for f in row] + [total.hidden]
        for row, total in zip(table.cells, table.row_totals, strict=True)
    ]
    hidden.append([f.hidden for f in table.column_totals] + [table.total.hidden])
    values = _with_margins(counts)
    for r, row in enumerate(hidden):
        for c, is_hidden in enumerate(row):
            if is_hidden:
                low, high = feasible_range(counts, rules, (r, c))
                assert low <= values[r][c] <= high
                assert high - low >= 1, f"entry {(r, c)} = {values[r][c]} recovered from the table"


def test_a_small_count_alone_in_its_row_and_column_takes_a_second_cell_with_it():
    counts = [[3, 40, 25], [30, 50, 60]]
    hidden = hidden_grid(counts, Rules())
    assert hidden[0][0]
    # Row 0 and column 0 each need a second hidden entry: the smallest others.
    assert hidden[0][2] and hidden[1][0]
    assert sum(map(sum, hidden)) >= 4
    assert_nothing_recoverable(counts, Rules(round_to=0))


def test_published_figures_are_rounded_to_five_and_hidden_ones_say_so():
    table = protect_table([[3, 42], [17, 58]], row_labels=["a", "b"], column_labels=["x", "y"])
    assert table.cells[0][0].text() == HIDDEN_TEXT
    shown = [f.value for row in table.cells for f in row if not f.hidden]
    assert all(v % 5 == 0 for v in shown)
    assert table.total.value == 120
    assert "rounded to the nearest 5" in table.rules.explanation()
    assert "from 1 to 9" in table.rules.explanation()


def test_counts_by_category_hide_two_when_one_is_small():
    series = protect_counts({"phone": 120, "chat": 4, "message": 33})
    values = series.as_dict()
    assert values["chat"] is None and values["message"] is None and values["phone"] == 120
    assert series.total.value == 155


def test_zero_is_shown_unless_the_rules_say_it_discloses():
    assert protect_counts({"a": 0, "b": 50}).as_dict() == {"a": 0, "b": 50}
    assert protect_counts({"a": 0, "b": 50, "c": 60}, Rules(suppress_zero=True)).as_dict()["a"] is None


def test_nothing_small_means_nothing_hidden():
    table = protect_table(
        [[10, 20], [30, 40]], row_labels=["a", "b"], column_labels=["x", "y"], rules=Rules(round_to=1)
    )
    assert table.hidden_count() == 0
    assert [[f.value for f in row] for row in table.cells] == [[10, 20], [30, 40]]


def test_rounding_halves_go_up():
    assert [round_to(v, 5) for v in (0, 2, 3, 7, 8, 12, 13)] == [0, 0, 5, 5, 10, 10, 15]
    assert round_to(7, 1) == 7


@pytest.mark.parametrize("bad", [[[1, -2]], [[1.5, 2]], [[True, 2]], [[1, 2], [3]]])
def test_bad_counts_are_refused(bad):
    with pytest.raises(ValueError, match=r"counts|row"):
        hidden_grid(bad, Rules())


@settings(max_examples=150, deadline=None)
@given(
    st.integers(min_value=1, max_value=4).flatmap(
        lambda cols: st.lists(
            st.lists(st.integers(min_value=0, max_value=60), min_size=cols, max_size=cols),
            min_size=1,
            max_size=4,
        )
    ),
    st.sampled_from([0, 5]),
)
def test_no_hidden_count_can_be_worked_out_from_the_published_table(counts, rounding):
    assert_nothing_recoverable(counts, Rules(round_to=rounding))


# --- nested counts (referred ≥ offered ≥ taken up) ---------------------------------------------------


@pytest.mark.parametrize(
    ("counts", "shown"),
    [
        ((25, 12, 5), [25, 12, None]),
        ((15, 14, 0), [15, None, 0]),
        ((15, 15, 14), [15, 15, None]),
        ((9, 0, 0), [None, 0, 0]),
        ((40, 31, 22), [40, None, 22]),  # 40 - 31 = 9
        ((40, 30, 20), [40, 30, 20]),
        ((0, 0, 0), [0, 0, 0]),
    ],
)
def test_nested_counts_hide_small_counts_and_small_differences(counts, shown):
    assert protect_nested(counts) == shown


@given(st.lists(st.integers(min_value=0, max_value=60), min_size=1, max_size=5))
def test_no_two_shown_nested_counts_differ_by_a_small_amount(values):
    counts = sorted(values, reverse=True)
    published = protect_nested(counts)
    shown = [v for v in published if v is not None]
    assert all(v == c for v, c in zip(published, counts, strict=True) if v is not None)
    assert not any(0 < v < 10 for v in shown)
    assert not any(0 < a - b < 10 for i, a in enumerate(shown) for b in shown[i + 1 :])


def test_nested_counts_must_nest():
    with pytest.raises(ValueError, match="nested"):
        protect_nested([3, 5])
