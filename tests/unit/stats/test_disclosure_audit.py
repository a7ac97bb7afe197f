"""The disclosure audit: a hidden figure that rows and columns together would give away is found by
the linear-programming attack, and protect_table hides more until none is."""

from __future__ import annotations

import math

import pytest

from safeguard.stats import disclosure

# Hidden by the line rule alone (every line has two or more hidden entries), yet the cell 1 at
# row 1, column 0 follows from rows 0 and 1 and columns 1 and 2 taken together.
TABLE = [[178, 79, 42, 143, 173], [1, 73, 16, 192, 193], [4, 112, 113, 8, 147], [8, 156, 95, 72, 24]]
NO_ROUNDING = disclosure.Rules(round_to=1)


def _published(counts, hidden, rules):
    values = [[*row, sum(row)] for row in counts]
    values.append([sum(col) for col in zip(*values, strict=True)])
    return [[None if h else disclosure.round_to(v, rules.round_to) for v, h in zip(row, hrow, strict=True)]
            for row, hrow in zip(values, hidden, strict=True)]


def test_the_line_rule_alone_leaves_a_figure_that_can_be_worked_out():
    hidden = disclosure.hidden_grid(TABLE, NO_ROUNDING)
    ranges = disclosure.feasible_ranges(_published(TABLE, hidden, NO_ROUNDING), slack=0)
    assert ranges[(1, 0)] == pytest.approx((1, 1))


@pytest.mark.parametrize("rules", [NO_ROUNDING, disclosure.Rules()])
def test_protect_table_hides_more_until_nothing_can_be_worked_out(rules):
    table = disclosure.protect_table(TABLE, row_labels=list("abcd"), column_labels=list("vwxyz"), rules=rules)
    grid = [[*row, total] for row, total in zip(table.cells, table.row_totals, strict=True)]
    grid.append([*table.column_totals, table.total])
    published = [[f.value for f in row] for row in grid]
    slack = rules.round_to // 2 if rules.round_to > 1 else 0
    ranges = disclosure.feasible_ranges(published, slack=slack)
    assert ranges  # something is hidden
    values = [[*row, sum(row)] for row in TABLE]
    values.append([sum(col) for col in zip(*values, strict=True)])
    for (r, c), (low, high) in ranges.items():
        assert low - 1e-6 <= values[r][c] <= high + 1e-6
        assert high - low > 2 * slack


def test_an_unbounded_figure_is_reported_as_such():
    ranges = disclosure.feasible_ranges([[None, None], [None, None]], slack=0)
    assert ranges[(0, 0)] == (0.0, math.inf)
