"""Exports (core.exports) through their first user, the sentencing case list: CSV and XLSX,
formula injection, the row limit, the audit event, scoping and bounded queries."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest
from django.core.signals import request_finished
from django.db import close_old_connections, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from openpyxl.utils.escape import unescape

from safeguard.audit.models import AuditEvent, Outcome
from safeguard.core.exports import Column, ExportList, csv_cell, export_response, neutralise
from safeguard.courts import services as court_services
from tests.conftest import sign_in

HOSTILE = ["=HYPERLINK(\"http://example.invalid\",\"x\")", "+1+1", "-2+3", "@SUM(A1)", "\tTab first", "\rReturn first"]


@pytest.mark.parametrize("text", HOSTILE)
def test_text_a_spreadsheet_would_run_gets_a_leading_apostrophe(text):
    assert neutralise(text) == "'" + text
    assert csv_cell(text) == "'" + text


@pytest.mark.parametrize("text", ["Plain title", "", "A=B", "Case 2 - review", "'already quoted"])
def test_other_text_is_left_alone(text):
    assert neutralise(text) == text


def test_numbers_dates_and_booleans_are_values_not_text():
    assert csv_cell(-3) == "-3"
    assert csv_cell(None) == ""
    assert csv_cell(True) == "Yes"


def cases(world, titles, who="prob_prac"):
    return [court_services.case_create(actor=world.actor(who), title=title) for title in titles]


def download(client, fmt="csv"):
    return client.get(reverse("courts:case-list-export", kwargs={"fmt": fmt}))


def csv_rows(response) -> list[list[str]]:
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def test_csv_download_is_streamed_neutralised_and_audited_once(client, world):
    stored = HOSTILE[:4]  # case titles are stripped, so a leading tab or return never reaches the list
    cases(world, ["Ordinary scenario", *stored])
    sign_in(client, world.users["prob_prac"])
    response = download(client)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="sentencing-cases-')
    rows = csv_rows(response)
    assert rows[0] == ["Case", "Person reference", "Scenarios", "Started by", "Started", "Last changed"]
    titles = {row[0] for row in rows[1:]}
    assert titles == {"Ordinary scenario", *("'" + t for t in stored)}
    assert all(row[2] == "1" for row in rows[1:])
    event = AuditEvent.objects.get(action="list.export")
    assert (event.username, event.outcome) == ("prob_prac", Outcome.SUCCESS)
    assert event.details == {"list": "sentencing.cases", "format": "csv", "filters": {}, "rows": 5}
    # An aggregate extract: what was downloaded and how many rows, never the cases' ids.
    assert (event.kind, event.object_type, event.object_id) == ("aggregate", "courts.SentencingCase", "")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_any_list_of_rows_exports_with_every_hostile_start(rf, world, fmt):
    """The helper takes any sequence too; every trigger, tab and return included, comes out as text."""
    request = rf.get("/anything")
    listed = ExportList(
        rows=[{"text": text, "n": -5} for text in HOSTILE], columns=[Column("=Label", lambda r: r["text"]), Column("N", lambda r: r["n"])],
        name="test.rows", filename="rows", list_url="/anything", filters={"q": "=x"},
    )
    response = export_response(request, actor=world.actor("analyst"), export=listed, fmt=fmt)
    body = b"".join(response.streaming_content)
    # Closing a response ends the request, which closes the database connection; keep the test's own.
    request_finished.disconnect(close_old_connections)
    try:
        response.close()  # the XLSX response's temporary file
    finally:
        request_finished.connect(close_old_connections)
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(body.decode().removeprefix("\ufeff"), newline="")))
    else:
        sheet = load_workbook(io.BytesIO(body), read_only=True).active
        # XLSX stores a carriage return as _x000D_, which spreadsheet programs (not this reader) decode.
        rows = [[unescape(v) if isinstance(v, str) else v for v in r] for r in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "'=Label"
    assert [r[0] for r in rows[1:]] == ["'" + t for t in HOSTILE]
    assert [r[1] for r in rows[1:]] == (["-5"] * 6 if fmt == "csv" else [-5] * 6)
    assert AuditEvent.objects.get(action="list.export").details == {
        "list": "test.rows", "format": fmt, "filters": {"q": "=x"}, "rows": 6
    }


def test_xlsx_download_keeps_types_and_neutralises_text(client, world):
    cases(world, ["=1+1", "Plain"])
    sign_in(client, world.users["prob_prac"])
    response = download(client, "xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Case", "Person reference", "Scenarios", "Started by", "Started", "Last changed")
    assert {r[0] for r in rows[1:]} == {"'=1+1", "Plain"}
    assert all(r[2] == 1 and isinstance(r[5], datetime) for r in rows[1:])
    assert AuditEvent.objects.get(action="list.export").details["format"] == "xlsx"


def test_a_list_over_the_limit_is_refused_with_a_clear_page(client, world, settings):
    settings.EXPORT_ROW_LIMITS = {"csv": 3, "xlsx": 2}
    cases(world, ["One", "Two", "Three"])
    sign_in(client, world.users["prob_prac"])
    assert download(client, "csv").status_code == 200  # exactly at the limit
    refused = download(client, "xlsx")
    assert refused.status_code == 422
    page = refused.content.decode()
    assert "more than 2 rows, the most one XLSX download can hold" in page
    assert "A CSV download can hold more rows." in page and reverse("courts:case-list") in page
    failed = AuditEvent.objects.get(action="list.export", outcome=Outcome.FAILURE)
    assert failed.details["rows"] == "more than 2"
    assert failed.kind == "aggregate"


def test_each_agency_exports_only_its_own_cases(client, world):
    cases(world, ["Probation case"])
    cases(world, ["Court case"], who="court_prac")
    sign_in(client, world.users["court_prac"])
    assert [r[0] for r in csv_rows(download(client))[1:]] == ["Court case"]


def test_roles_without_the_list_cannot_export_and_unknown_formats_are_404(client, world):
    sign_in(client, world.users["analyst"])
    assert download(client).status_code == 403
    sign_in(client, world.users["prob_prac"])
    assert download(client, "pdf").status_code == 404
    assert not AuditEvent.objects.filter(action="list.export").exists()


def test_queries_do_not_grow_with_the_rows(client, world):
    sign_in(client, world.users["prob_prac"])
    cases(world, ["A", "B"])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            csv_rows(download(client))
        return len(captured)

    few = queries()
    cases(world, [f"Case {n}" for n in range(30)])
    assert queries() == few


def test_the_case_list_links_to_both_downloads(client, world):
    cases(world, ["One"])
    sign_in(client, world.users["prob_prac"])
    page = client.get(reverse("courts:case-list")).content.decode()
    assert reverse("courts:case-list-export", kwargs={"fmt": "csv"}) in page
    assert reverse("courts:case-list-export", kwargs={"fmt": "xlsx"}) in page


def test_a_sealed_apps_list_is_audited_in_its_sealed_partition(rf, world):
    """A prevention list (its name starts with the app) is recorded where only prevention auditors
    read it, even when its rows name no record type."""
    listed = ExportList(rows=[{"n": 1}, {"n": 2}], columns=[Column("N", lambda r: r["n"])], name="prevention.contacts",
                        filename="contacts", list_url="/anything")
    export_response(rf.get("/anything"), actor=world.actor("prev_prac"), export=listed, fmt="csv")
    event = AuditEvent.objects.get(action="list.export")
    assert (event.partition, event.kind, event.details["rows"]) == ("prevention", "aggregate", 2)
