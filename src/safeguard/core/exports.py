"""One way to download a list the user may see, as CSV or XLSX: bounded, streamed, audited, formula-safe.

A list view hands `export_response` the queryset it already scoped through the policy (or any
sequence of rows), the columns, and the filters the user applied:

- Bounded: more rows than the format's limit (settings `EXPORT_ROW_LIMITS`) are refused with a
  page that says so and how to narrow the list; the check counts at most limit + 1 rows, so its
  cost does not grow with the table.
- Streamed: CSV goes out row by row (`StreamingHttpResponse`, the query read in chunks). XLSX is a
  zip that can only be finished at the end, so it is written with xlsxwriter's constant-memory mode
  to a temporary file and sent from there: memory stays flat, and its lower limit keeps the wait
  short.
- Audited: one `list.export` event of the "aggregate" kind per download (who, which list, format,
  filters, row count; `audit.services.record_aggregate`), written before the first row is sent:
  never one event or id per row.
- Formula-safe: a text cell beginning with `=`, `+`, `-`, `@`, a tab or a carriage return gets a
  leading apostrophe, so a spreadsheet shows it as text instead of running it. Numbers, dates and
  booleans are written as such (they cannot hold a formula).
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone

from safeguard.audit.models import Outcome
from safeguard.audit.partitions import claimed_by
from safeguard.audit.services import record_aggregate
from safeguard.policy import Actor

T = TypeVar("T")

EXPORT_ACTION = "list.export"
FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK = 2000
BOM = "\ufeff"  # so that spreadsheet programs read the CSV as UTF-8


@dataclass(frozen=True)
class Column(Generic[T]):
    """A column: its heading and how to get its value from a row (text, number, date, bool or None)."""

    label: str
    value: Callable[[T], object]


def neutralise(text: str) -> str:
    """Text a spreadsheet would read as a formula, made plain text with a leading apostrophe."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _local(moment: datetime) -> datetime:
    return timezone.localtime(moment) if timezone.is_aware(moment) else moment


def csv_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return _local(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float | Decimal):
        return str(value)
    return neutralise(str(value))


def row_limit(fmt: str) -> int:
    limits: Mapping[str, int] = settings.EXPORT_ROW_LIMITS
    return int(limits[fmt])


def _count_upto(rows: QuerySet[Any] | Sequence[T], limit: int) -> int:
    if isinstance(rows, QuerySet):
        return rows[: limit + 1].count()
    return min(len(rows), limit + 1)


def _iterate(rows: QuerySet[Any] | Sequence[T], limit: int) -> Iterator[T]:
    if isinstance(rows, QuerySet):
        return rows[:limit].iterator(chunk_size=CHUNK)
    return iter(rows[:limit])


class _Line:
    """A write-only file for csv.writer that hands back each line instead of storing it."""

    def write(self, text: str) -> str:
        return text


def _csv_lines(rows: Iterator[T], columns: Sequence[Column[T]]) -> Iterator[str]:
    writer = csv.writer(_Line())
    yield BOM + writer.writerow([neutralise(c.label) for c in columns])
    for row in rows:
        yield writer.writerow([csv_cell(c.value(row)) for c in columns])


def _xlsx_file(rows: Iterator[T], columns: Sequence[Column[T]], sheet: str) -> Any:
    import xlsxwriter

    handle = tempfile.TemporaryFile()  # noqa: SIM115 - handed to FileResponse, which closes it
    book = xlsxwriter.Workbook(handle, {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    page = book.add_worksheet(sheet[:31])
    heading = book.add_format({"bold": True})
    day = book.add_format({"num_format": "d mmmm yyyy"})
    moment = book.add_format({"num_format": "d mmmm yyyy hh:mm"})
    for index, column in enumerate(columns):
        page.set_column(index, index, max(12, min(len(column.label) + 4, 50)))
    page.freeze_panes(1, 0)
    for index, column in enumerate(columns):
        page.write_string(0, index, neutralise(column.label), heading)
    for number, row in enumerate(rows, start=1):
        for index, column in enumerate(columns):
            value = column.value(row)
            if value is None:
                continue
            if isinstance(value, bool):
                page.write_string(number, index, "Yes" if value else "No")
            elif isinstance(value, int | float | Decimal):
                page.write_number(number, index, float(value))
            elif isinstance(value, datetime):
                page.write_datetime(number, index, _local(value).replace(tzinfo=None), moment)
            elif isinstance(value, date):
                page.write_datetime(number, index, value, day)
            else:
                page.write_string(number, index, neutralise(str(value)))
    book.close()
    handle.seek(0)
    return handle


@dataclass(frozen=True)
class ExportList(Generic[T]):
    """What is being exported: rows the actor may see (already scoped), their columns, and names."""

    rows: QuerySet[Any] | Sequence[T]
    columns: Sequence[Column[T]]
    name: str  # the list's audit name, e.g. "sentencing.cases"
    filename: str  # without extension, e.g. "sentencing-cases"
    list_url: str  # the list's own page, where a refused download sends the user back
    object_type: str = ""
    filters: Mapping[str, str] | None = None


def export_response(request: HttpRequest, *, actor: Actor, export: ExportList[T], fmt: str) -> HttpResponseBase:
    """The download of `export` in `fmt` (csv or xlsx), or the page refusing one over the limit."""
    if fmt not in FORMATS:
        raise Http404
    limit = row_limit(fmt)
    count = _count_upto(export.rows, limit)
    details: dict[str, Any] = {"list": export.name, "format": fmt, "filters": dict(export.filters or {})}
    # A sealed app's list (its name starts with the app, e.g. "prevention.contacts") is audited in
    # its sealed partition even when the rows name no record type.
    partition = claimed_by(export.name)
    if count > limit:
        record_aggregate(
            action=EXPORT_ACTION, actor=actor, object_type=export.object_type, outcome=Outcome.FAILURE,
            description={**details, "rows": f"more than {limit}"}, partition=partition,
        )
        larger = [f.upper() for f in FORMATS if row_limit(f) > limit]
        context = {"limit": limit, "fmt": fmt.upper(), "larger": larger[0] if larger else "", "list_url": export.list_url}
        return render(request, "core/export_refused.html", context, status=422)
    details["rows"] = count
    record_aggregate(
        action=EXPORT_ACTION, actor=actor, object_type=export.object_type, description=details, partition=partition
    )
    rows = _iterate(export.rows, limit)
    filename = f"{export.filename}-{timezone.localdate().isoformat()}.{fmt}"
    if fmt == "csv":
        response = StreamingHttpResponse(_csv_lines(rows, export.columns), content_type=CONTENT_TYPES[fmt])
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    handle = _xlsx_file(rows, export.columns, export.name)
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=CONTENT_TYPES[fmt])

