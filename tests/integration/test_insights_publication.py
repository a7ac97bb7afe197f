"""Public statistics: published only after disclosure control, in English and German without a
cookie — and every hidden figure survives an attempt to recover it from the published table."""

from __future__ import annotations

import itertools
import re
from datetime import date

import numpy as np
import pytest
from django.test import Client
from django.urls import reverse
from scipy.optimize import linprog

from safeguard.audit.models import AuditEvent
from safeguard.insights import publication, services
from safeguard.insights.models import PublishedStatistics
from safeguard.stats import disclosure
from tests.form_data import date_input
from tests.integration.insights_fixtures import event, follow_up, persons


def _cohort(world, counts: dict[tuple[str, bool], int]) -> None:
    """People followed for three years from 2021 with or without a sexual offence in the first year."""
    made = iter(persons(world, sum(counts.values()), prefix="PUB"))
    for (status, reoffended), n in counts.items():
        for _ in range(n):
            person = next(made)
            follow_up(world, person, start="2021-01-01", end="2024-01-01", status=status)
            if reoffended:
                event(world, person, "2021-06-01")


COUNTS = {("completed", True): 3, ("completed", False): 150, ("started_not_completed", True): 21,
          ("started_not_completed", False): 80, ("not_referred", True): 44, ("not_referred", False): 600}


def test_an_analyst_previews_and_publishes_only_protected_figures(world, as_user):
    _cohort(world, COUNTS)
    client = as_user("analyst")
    preview = client.get(reverse("insights:publish"), date_input("start_to", "2025-01-01")).content.decode()
    assert 'data-testid="publish-preview"' in preview and "[c]" in preview
    response = client.post(reverse("insights:publish"), {**date_input("start_to", "2025-01-01"), "confirm": "yes"})
    assert response.status_code == 302
    published = PublishedStatistics.objects.get()
    stored = published.table
    values = [v for row in stored["cells"] for v in row] + stored["row_totals"] + stored["column_totals"] + [stored["total"]]
    assert all(v is None or v % 5 == 0 for v in values)  # hidden or rounded: no raw count is stored
    assert stored["cells"][0][0] is None  # three people: hidden
    assert AuditEvent.objects.filter(action="insights.publish").count() == 1


def _publish(world, counts=COUNTS) -> PublishedStatistics:
    _cohort(world, counts)
    raw = publication.raw_counts(actor=world.actor("analyst"), start_from=None, start_to=None, today=date(2026, 6, 1))
    table = publication.protect(raw, start_from=None, start_to=date(2026, 6, 1))
    return services.publish(actor=world.actor("analyst"), title="t", period_label="p", table=table)


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_public_page_in_both_languages_sets_no_cookie(world, language):
    _publish(world)
    client = Client()
    response = client.get(reverse("public-statistics:page", args=[language]))
    page = response.content.decode()
    assert response.status_code == 200 and not response.cookies and not client.cookies
    assert f'<html lang="{language}"' in page and "[c]" in page
    assert "<form" not in page
    addresses = re.findall(r'(?:src|href|action)="([^"]*)"', page)
    assert all(a.startswith(("/", "#")) and not a.startswith("//") for a in addresses)
    if language == "de":
        assert "Veröffentlichte Statistiken" in page and "Programm abgeschlossen" in page and "Gesamt" in page
    else:
        assert "Published statistics" in page and "Completed the programme" in page
    download = client.get(reverse("public-statistics:csv", args=[language]))
    text = download.content.decode("utf-8-sig")
    assert download.status_code == 200 and "[c]" in text and not download.cookies


def test_before_anything_is_published_the_page_says_so(db):
    page = Client().get(reverse("public-statistics:page", args=["en"])).content.decode()
    assert "No figures have been published yet." in page
    assert Client().get(reverse("public-statistics:csv", args=["en"])).status_code == 404


# ---------------------------------------------------------------- recovery attempts


def _grid(table: dict) -> list[list[int | None]]:
    """The published table with its margins: rows with their totals, then the column totals."""
    return [[*row, total] for row, total in zip(table["cells"], table["row_totals"], strict=True)] + [
        [*table["column_totals"], table["total"]]
    ]


def recover(table: dict) -> dict[tuple[int, int], tuple[float, float]]:
    """What an attacker can learn about each hidden figure from the published one.

    Every shown figure was rounded to the nearest `round_to` (halves up), so the true value lies
    within ±(round_to // 2) of it; hidden ones are unknown counts ≥ 0; each row and column adds up
    to its total. Linear programming gives the least and greatest value each hidden figure can take.
    """
    grid = _grid(table)
    n_rows, n_cols = len(grid) - 1, len(grid[0]) - 1
    cells = list(itertools.product(range(n_rows + 1), range(n_cols + 1)))
    index = {cell: i for i, cell in enumerate(cells)}
    slack = table["rules"]["round_to"] // 2
    bounds = [(0, None) if grid[r][c] is None else (max(0, grid[r][c] - slack), grid[r][c] + slack) for r, c in cells]
    equalities, rhs = [], []
    for r in range(n_rows + 1):
        row = np.zeros(len(cells))
        for c in range(n_cols):
            row[index[(r, c)]] = 1
        row[index[(r, n_cols)]] = -1
        equalities.append(row)
        rhs.append(0)
    for c in range(n_cols + 1):
        col = np.zeros(len(cells))
        for r in range(n_rows):
            col[index[(r, c)]] = 1
        col[index[(n_rows, c)]] = -1
        equalities.append(col)
        rhs.append(0)
    found = {}
    for cell in cells:
        if grid[cell[0]][cell[1]] is not None:
            continue
        objective = np.zeros(len(cells))
        objective[index[cell]] = 1
        low = linprog(objective, A_eq=equalities, b_eq=rhs, bounds=bounds, method="highs")
        high = linprog(-objective, A_eq=equalities, b_eq=rhs, bounds=bounds, method="highs")
        assert low.status == 0 and high.status == 0
        found[cell] = (low.fun, -high.fun)
    return found


def _true_grid(counts: list[list[int]]) -> list[list[int]]:
    rows = [[*row, sum(row)] for row in counts]
    return [*rows, [sum(col) for col in zip(*rows, strict=True)]]


def assert_unrecoverable(counts: list[list[int]], table: dict) -> None:
    truth = _true_grid(counts)
    slack = table["rules"]["round_to"] // 2
    for (r, c), (low, high) in recover(table).items():
        assert low - 1e-6 <= truth[r][c] <= high + 1e-6  # the attack is sound: the truth is possible
        # Recovered would mean pinned down as closely as a shown, rounded figure is.
        assert high - low > 2 * slack, f"hidden figure at {(r, c)} recovered to [{low}, {high}] (true {truth[r][c]})"


def test_no_hidden_figure_on_the_public_page_can_be_recovered(world):
    published = _publish(world)
    counts = [[COUNTS[(s, True)], COUNTS[(s, False)]] for s in ("completed", "started_not_completed", "not_referred")]
    hidden = recover(published.table)
    assert (0, 0) in hidden  # the three who completed and reoffended
    assert_unrecoverable(counts, published.table)


def test_the_attack_recovers_a_table_with_primary_suppression_only():
    """Hiding the small counts alone is not enough: without rounding the attack works them out from
    the totals exactly."""
    counts = [[3, 150], [21, 80], [44, 600]]
    shown = [[None if 0 < v < 10 else v for v in row] for row in _true_grid(counts)]
    table = {"cells": [row[:2] for row in shown[:3]], "row_totals": [row[2] for row in shown[:3]],
             "column_totals": shown[3][:2], "total": shown[3][2], "rules": {"round_to": 1}}
    assert recover(table)[(0, 0)] == pytest.approx((3, 3))
    with pytest.raises(AssertionError, match="recovered"):
        assert_unrecoverable(counts, table)


@pytest.mark.parametrize("round_to", [5, 1])
@pytest.mark.parametrize("seed", range(60))
def test_random_tables_resist_recovery(seed, round_to):
    """The programme-status table's shape (3 × 2) and a wider one, with small counts planted, with
    rounding to 5 and without rounding (both are configurable)."""
    rng = np.random.default_rng(seed)
    shape = (3, 2) if seed % 2 else (4, 5)
    counts = rng.integers(0, 200, size=shape)
    small = rng.random(shape) < 0.25
    counts[small] = rng.integers(1, 10, size=int(small.sum()))
    grid = counts.astype(int).tolist()
    protected = disclosure.protect_table(grid, row_labels=[str(i) for i in range(shape[0])],
                                         column_labels=[str(i) for i in range(shape[1])],
                                         rules=disclosure.Rules(round_to=round_to))
    table = {
        "cells": [[f.value for f in row] for row in protected.cells],
        "row_totals": [f.value for f in protected.row_totals],
        "column_totals": [f.value for f in protected.column_totals],
        "total": protected.total.value,
        "rules": {"round_to": protected.rules.round_to},
    }
    assert_unrecoverable(grid, table)
