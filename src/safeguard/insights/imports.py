"""CSV imports of outcome events and follow-up periods: a column mapping, every row checked, all or nothing.

The user names which column of their file holds each field (the mapping). Every row is checked
before anything is saved — unknown person (or one the importing agency cannot see: the two are not
told apart), unknown kind or offence type, a date that is not a date or lies in the future, dates
out of order (follow-up ending before it starts), a row repeated in the file, an event or
follow-up already recorded — and each problem is reported with its line number (the header is
line 1). One problem anywhere and nothing is saved.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from safeguard import policy
from safeguard.audit.services import record_event
from safeguard.insights import services
from safeguard.insights.choices import (
    EndReason,
    EthnicGroup,
    OffenceType,
    OutcomeKind,
    ProgrammeStatus,
    Source,
    StartReason,
)
from safeguard.insights.models import FollowUp, OutcomeEvent
from safeguard.insights.policies import InsightsAction
from safeguard.people.ports import persons_visible_to
from safeguard.policy import Actor

MAX_ROWS = 100_000
MAX_BYTES = 20 * 1024 * 1024
MAX_REPORTED = 200
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")


@dataclass(frozen=True)
class Target:
    name: str
    label: str
    default_column: str
    required: bool = True


OUTCOME_TARGETS = (
    Target("reference", "Person reference", "reference"),
    Target("kind", "Kind of outcome", "kind"),
    Target("offence_type", "Offence type", "offence_type"),
    Target("event_date", "Date", "date"),
)
FOLLOW_UP_TARGETS = (
    Target("reference", "Person reference", "reference"),
    Target("start_date", "Start of follow-up", "start_date"),
    Target("start_reason", "Why follow-up started", "start_reason"),
    Target("end_date", "End of follow-up", "end_date", required=False),
    Target("end_reason", "Why follow-up ended", "end_reason", required=False),
    Target("programme_status", "Programme status", "programme_status", required=False),
    Target("programme", "Programme", "programme", required=False),
    Target("site", "Site", "site", required=False),
    Target("ethnic_group", "Ethnic group", "ethnic_group", required=False),
)
TARGETS = {"outcomes": OUTCOME_TARGETS, "follow_ups": FOLLOW_UP_TARGETS}


@dataclass(frozen=True)
class Problem:
    line: int
    column: str
    message: str


@dataclass
class ImportRefused(Exception):
    problems: list[Problem]
    total: int = 0

    def __str__(self) -> str:
        return f"{self.total or len(self.problems)} problems"


@dataclass
class Imported:
    rows: int
    batch_id: int
    persons: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def _choice(values: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Codes and labels, case-insensitive, to the code."""
    out: dict[str, str] = {}
    for code, label in values:
        if code:
            out[code.lower()] = code
            out[str(label).lower()] = code
    return out


KIND_VALUES = _choice(OutcomeKind.choices)
TYPE_VALUES = _choice(OffenceType.choices)
START_VALUES = _choice(StartReason.choices)
END_VALUES = _choice(EndReason.choices)
STATUS_VALUES = _choice(ProgrammeStatus.choices)
ETHNIC_VALUES = _choice(EthnicGroup.choices)


def _date(text: str) -> date | None:
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date, no time
        except ValueError:
            continue
    return None


def read_csv(content: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """(header, [(line number, cells)]): the file as text rows, blank lines skipped."""
    if len(content) > MAX_BYTES:
        raise ImportRefused([Problem(0, "", f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB: split it into smaller files.")])
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused([Problem(0, "", "The file is not UTF-8 text: save it as CSV UTF-8 and try again.")]) from None
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        raise ImportRefused([Problem(0, "", f"The file is not valid CSV: {exc}.")]) from None
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise ImportRefused([Problem(1, "", "The file is empty: its first line must name the columns.")])
    header = [cell.strip() for cell in rows[0]]
    body = [(number, row) for number, row in enumerate(rows[1:], start=2) if any(cell.strip() for cell in row)]
    if not body:
        raise ImportRefused([Problem(2, "", "The file has a header but no rows.")])
    if len(body) > MAX_ROWS:
        raise ImportRefused([Problem(0, "", f"The file has {len(body):,} rows; at most {MAX_ROWS:,} can be imported at once.")])
    return header, body


class _Rows:
    """Collects problems while reading mapped cells."""

    def __init__(self, header: list[str], mapping: dict[str, str], targets: tuple[Target, ...]) -> None:
        self.problems: list[Problem] = []
        self.index: dict[str, int] = {}
        self.columns = mapping
        for target in targets:
            column = (mapping.get(target.name) or "").strip()
            if not column:
                if target.required:
                    self.problems.append(Problem(1, target.label, f"Enter the column that holds the {target.label.lower()}"))
                continue
            if column not in header:
                if not target.required and column == target.default_column:
                    continue  # an optional field the file does not have, under its usual name
                self.problems.append(Problem(1, column, f"The file has no column “{column}” (for the {target.label.lower()}); its columns are: {', '.join(header)}"))
                continue
            self.index[target.name] = header.index(column)

    def cell(self, row: list[str], name: str) -> str:
        i = self.index.get(name)
        return row[i].strip() if i is not None and i < len(row) else ""

    def add(self, line: int, name: str, message: str) -> None:
        self.problems.append(Problem(line, self.columns.get(name, name), message))

    def coded(self, line: int, row: list[str], name: str, values: dict[str, str], what: str, required: bool = True) -> str | None:
        text = self.cell(row, name)
        if not text:
            if required:
                self.add(line, name, f"Enter the {what}")
            return None
        code = values.get(text.lower())
        if code is None:
            allowed = ", ".join(sorted({v for v in values.values() if v}))
            self.add(line, name, f"“{text}” is not a known {what}; use one of: {allowed}")
        return code

    def day(self, line: int, row: list[str], name: str, what: str, today: date, required: bool = True) -> date | None:
        text = self.cell(row, name)
        if not text:
            if required:
                self.add(line, name, f"Enter the {what}")
            return None
        found = _date(text)
        if found is None:
            self.add(line, name, f"“{text}” is not a date: write it as day/month/year (01/06/2024) or year-month-day")
        elif found > today:
            self.add(line, name, f"The {what} ({found:%-d %B %Y}) is in the future")
            return None
        return found


def _persons(actor: Actor, references: set[str]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    visible = persons_visible_to(actor)
    refs = sorted(references)
    for i in range(0, len(refs), 900):
        found.update(dict(visible.filter(reference__in=refs[i : i + 900]).values_list("reference", "pk")))
    return found


def _refuse_if(problems: list[Problem]) -> None:
    if problems:
        problems.sort(key=lambda p: (p.line, p.column))
        raise ImportRefused(problems[:MAX_REPORTED], total=len(problems))


def import_outcomes(*, actor: Actor, content: bytes, filename: str, mapping: dict[str, str], today: date) -> Imported:
    return _import(actor=actor, content=content, filename=filename, mapping=mapping, today=today, kind="outcomes",
                   build=_outcome_rows)


def import_follow_ups(*, actor: Actor, content: bytes, filename: str, mapping: dict[str, str], today: date) -> Imported:
    return _import(actor=actor, content=content, filename=filename, mapping=mapping, today=today, kind="follow_ups",
                   build=_follow_up_rows)


Builder = Callable[[Actor, "_Rows", list[tuple[int, list[str]]], date], list[dict[str, Any]]]


def _import(*, actor: Actor, content: bytes, filename: str, mapping: dict[str, str], today: date, kind: str,
            build: Builder) -> Imported:
    if not policy.allows(actor, InsightsAction.OUTCOME_IMPORT):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    header, body = read_csv(content)
    reader = _Rows(header, mapping, TARGETS[kind])
    _refuse_if(reader.problems)
    records = build(actor, reader, body, today)
    _refuse_if(reader.problems)
    with transaction.atomic():
        batch = services.batch_create(actor=actor, kind=kind, filename=filename, rows=len(records))
        now = timezone.now()
        if kind == "outcomes":
            OutcomeEvent.objects.bulk_create(
                [OutcomeEvent(**r, batch=batch, source=Source.IMPORTED, agency=actor.agency, recorded_by=actor.user,
                              recorded_at=now) for r in records],
                batch_size=2000,
            )
        else:
            FollowUp.objects.bulk_create(
                [FollowUp(**r, batch=batch, source=Source.IMPORTED, agency=actor.agency, recorded_by=actor.user,
                          recorded_at=now) for r in records],
                batch_size=2000,
            )
        services._bump_version()
        persons = len({r["person_id"] for r in records})
        record_event(
            action=f"insights.{'outcome' if kind == 'outcomes' else 'follow_up'}.import", actor=actor, obj=batch,
            details={"rows": len(records), "persons": persons, "file": filename[:200]},
        )
    return Imported(rows=len(records), batch_id=batch.pk, persons=persons)


def _outcome_rows(actor: Actor, reader: _Rows, body: list[tuple[int, list[str]]], today: date) -> list[dict[str, Any]]:
    persons = _persons(actor, {reader.cell(row, "reference") for _, row in body} - {""})
    seen: dict[tuple[Any, ...], int] = {}
    records: list[dict[str, Any]] = []
    for line, row in body:
        reference = reader.cell(row, "reference")
        pk = persons.get(reference)
        if not reference:
            reader.add(line, "reference", "Enter the person reference")
        elif pk is None:
            reader.add(line, "reference", f"No person with reference {reference} that your agency can see")
        kind = reader.coded(line, row, "kind", KIND_VALUES, "kind of outcome")
        offence = reader.coded(line, row, "offence_type", TYPE_VALUES, "offence type")
        day = reader.day(line, row, "event_date", "date", today)
        if pk is None or kind is None or offence is None or day is None:
            continue
        key = (pk, kind, offence, day)
        if key in seen:
            reader.add(line, "event_date", f"The same outcome is on line {seen[key]}")
            continue
        seen[key] = line
        records.append({"person_id": pk, "kind": kind, "offence_type": offence, "event_date": day, "_line": line})
    ids = list({r["person_id"] for r in records})
    existing: set[tuple[Any, ...]] = set()
    for i in range(0, len(ids), 900):
        existing.update(
            OutcomeEvent.objects.filter(person_id__in=ids[i : i + 900]).values_list("person_id", "kind", "offence_type", "event_date")
        )
    for record in records:
        if (record["person_id"], record["kind"], record["offence_type"], record["event_date"]) in existing:
            reader.add(record["_line"], "event_date", "This outcome is already recorded for this person")
    for record in records:
        record.pop("_line")
    return records


def _follow_up_rows(actor: Actor, reader: _Rows, body: list[tuple[int, list[str]]], today: date) -> list[dict[str, Any]]:
    persons = _persons(actor, {reader.cell(row, "reference") for _, row in body} - {""})
    seen: dict[Any, int] = {}
    records: list[dict[str, Any]] = []
    for line, row in body:
        reference = reader.cell(row, "reference")
        pk = persons.get(reference)
        if not reference:
            reader.add(line, "reference", "Enter the person reference")
        elif pk is None:
            reader.add(line, "reference", f"No person with reference {reference} that your agency can see")
        start = reader.day(line, row, "start_date", "start of follow-up", today)
        start_reason = reader.coded(line, row, "start_reason", START_VALUES, "reason follow-up started")
        end = reader.day(line, row, "end_date", "end of follow-up", today, required=False)
        end_reason = reader.coded(line, row, "end_reason", END_VALUES, "reason follow-up ended", required=False)
        status = reader.coded(line, row, "programme_status", STATUS_VALUES, "programme status", required=False)
        ethnic = reader.coded(line, row, "ethnic_group", ETHNIC_VALUES, "ethnic group", required=False)
        if start and end and end < start:
            reader.add(line, "end_date", f"The end of follow-up ({end:%-d %B %Y}) is before its start ({start:%-d %B %Y})")
            continue
        if end and not end_reason and "end_reason" in reader.index:
            reader.add(line, "end_reason", "Enter why follow-up ended (death or emigration)")
        if pk is None or start is None or start_reason is None:
            continue
        if pk in seen:
            reader.add(line, "reference", f"{reference} is also on line {seen[pk]}: one follow-up per person")
            continue
        seen[pk] = line
        records.append({
            "person_id": pk, "start_date": start, "start_reason": start_reason, "end_date": end,
            "end_reason": end_reason or "", "programme_status": status or "", "programme": reader.cell(row, "programme")[:100],
            "site": reader.cell(row, "site")[:100], "ethnic_group": ethnic or EthnicGroup.NOT_RECORDED, "_line": line,
        })
    ids = [r["person_id"] for r in records]
    existing: set[Any] = set()
    for i in range(0, len(ids), 900):
        existing.update(FollowUp.objects.filter(person_id__in=ids[i : i + 900]).values_list("person_id", flat=True))
    for record in records:
        if record["person_id"] in existing:
            reader.add(record.pop("_line"), "reference", "This person already has a follow-up: change it on their page")
        else:
            record.pop("_line")
    return records
