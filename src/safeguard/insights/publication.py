"""Figures for the public page: a table of counts built from the analyst's data, protected by
disclosure control (safeguard.stats.disclosure) before anything is stored or shown.

The table: people whose follow-up started in the chosen period and who were either followed for
at least two years or had a new sexual offence (charge, conviction or caution) within two years —
the fixed-horizon rule of the analyses — by programme status, with and without such an offence.
Only the protected figures are stored (`PublishedStatistics.table`); the raw counts never leave
this module. Labels are stored as keys and worded in the reader's language when shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import formats
from django.utils.translation import gettext_lazy as _

from safeguard.insights import selectors
from safeguard.insights.analysis import STATUS_ORDER, Filters
from safeguard.policy import Actor

HORIZON_YEARS = 2.0
ROW_LABELS = {
    "completed": _("Completed the programme"),
    "started_not_completed": _("Started, did not complete"),
    "not_referred": _("Not referred"),
}
COLUMN_LABELS = {
    "reoffended": _("New sexual offence within two years"),
    "not_reoffended": _("No new sexual offence within two years"),
}


@dataclass(frozen=True)
class RawCounts:
    rows: tuple[str, ...]
    columns: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]


def raw_counts(*, actor: Actor, start_from: date | None, start_to: date | None, today: date) -> RawCounts:
    """The unprotected counts (never stored, never shown outside the analyst's own page)."""
    data = selectors.cohort_dataset(
        actor=actor, filters=Filters(start_from=start_from, start_to=start_to), today=today
    )
    positive = data.event & (data.time <= HORIZON_YEARS)
    negative = ~positive & (data.time >= HORIZON_YEARS)
    counts = tuple(
        (int((positive & (data.status == key)).sum()), int((negative & (data.status == key)).sum()))
        for key in STATUS_ORDER
    )
    return RawCounts(rows=tuple(STATUS_ORDER), columns=tuple(COLUMN_LABELS), counts=counts)


def protect(raw: RawCounts, *, start_from: date | None, start_to: date) -> dict[str, Any]:
    """The table as it may be published: hidden or rounded figures only, keys for labels."""
    from safeguard.stats import disclosure

    rules = disclosure.Rules()
    table = disclosure.protect_table(
        [list(row) for row in raw.counts], row_labels=list(raw.rows), column_labels=list(raw.columns), rules=rules
    )
    return {
        "rows": list(raw.rows),
        "columns": list(raw.columns),
        "cells": [[f.value for f in row] for row in table.cells],
        "row_totals": [f.value for f in table.row_totals],
        "column_totals": [f.value for f in table.column_totals],
        "total": table.total.value,
        "rules": {"threshold": rules.threshold, "round_to": rules.round_to, "suppress_zero": rules.suppress_zero},
        "period": {"from": start_from.isoformat() if start_from else None, "to": start_to.isoformat()},
    }


def worded(table: dict[str, Any]) -> dict[str, Any]:
    """The stored table with labels in the active language and hidden figures as "[c]"."""
    def text(value: int | None) -> str:
        # Grouped in the reader's language: 1,675 in English, 1.675 in German.
        return "[c]" if value is None else formats.number_format(value, force_grouping=True)

    rows = [
        {"label": ROW_LABELS.get(key, key), "cells": [text(v) for v in cells], "total": text(total)}
        for key, cells, total in zip(table["rows"], table["cells"], table["row_totals"], strict=True)
    ]
    return {
        "columns": [COLUMN_LABELS.get(key, key) for key in table["columns"]],
        "rows": rows,
        "column_totals": [text(v) for v in table["column_totals"]],
        "total": text(table["total"]),
        "threshold": table["rules"]["threshold"],
        "below": table["rules"]["threshold"] - 1,
        "round_to": table["rules"]["round_to"],
        "period_from": date.fromisoformat(table["period"]["from"]) if table["period"]["from"] else None,
        "period_to": date.fromisoformat(table["period"]["to"]),
    }


def csv_rows(table: dict[str, Any]) -> list[list[str]]:
    """The published table as CSV rows (hidden figures as "[c]"), in the active language."""
    shown = worded(table)
    header = [str(_("Programme status")), *[str(c) for c in shown["columns"]], str(_("Total"))]
    body = [[str(r["label"]), *r["cells"], r["total"]] for r in shown["rows"]]
    return [header, *body, [str(_("Total")), *shown["column_totals"], shown["total"]]]
