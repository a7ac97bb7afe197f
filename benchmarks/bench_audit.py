"""Audit chain: append rate through the one audit writer, a register of 12 through the bulk writer
against 12 single calls, and `audit verify` rate over a large chain.

    .venv/bin/python benchmarks/bench_audit.py --events 1000000            # SQLite in a temp dir
    DATABASE_URL=postgres://… .venv/bin/python benchmarks/bench_audit.py --events 1000000

The verify chain is built in bulk (hashed by the application's own chain functions, with a
signed checkpoint every --checkpoint-every events, as a running service writes them) because
appending millions of events one transaction at a time would take hours; the append rate is
measured separately, through `record_event`, on --append events. Verify is timed with one
process and with two (spans between checkpoints, in parallel). The register (--registers times,
12 people each) is written three ways: 12 `record_event` calls each in its own transaction, 12 calls
in one transaction (as one request), and one `record_events` call; each with its queries and head
locks counted; the three ways take turns and the median register is reported.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=200_000, help="events in the chain verify reads")
    parser.add_argument("--append", type=int, default=2_000, help="events appended through record_event")
    parser.add_argument("--checkpoint-every", type=int, default=100_000)
    parser.add_argument("--workers", default="1,2", help="verify with each of these process counts")
    parser.add_argument("--registers", type=int, default=300, help="registers of 12 written each way")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-audit-"))
    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{work / 'audit.sqlite3'}"
    os.environ["AUDIT_CHECKPOINT_DIR"] = str(work / "checkpoints")
    os.environ["AUDIT_CHECKPOINT_EVERY"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguard.site.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    build = time.perf_counter()
    _build_chain(args.events, args.checkpoint_every)
    print(f"built {args.events:,} events in {time.perf_counter() - build:.0f} s", file=sys.stderr)

    from safeguard.audit.verify import verify_chain

    rows = []
    for workers in (int(w) for w in args.workers.split(",")):
        start = time.perf_counter()
        result = verify_chain(workers=workers)
        seconds = time.perf_counter() - start
        assert result.ok and result.checked == args.events, result
        rate = result.checked / seconds
        rows.append((workers, rate, seconds, result.checkpoints))

    lookups = _time_record_filters()

    from safeguard.audit.services import record_event

    start = time.perf_counter()
    for i in range(args.append):
        record_event(action="person.view", username="bench", object_type="people.Person", object_id=str(i),
                     details={"n": i})
    append = args.append / (time.perf_counter() - start)

    registers = _time_registers(args.registers)

    print("| database | events | verify processes | checkpoints | verify (events/s) | verify time | 10M events (extrapolated) | append (events/s) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for workers, rate, seconds, matched in rows:
        print(f"| {connection.vendor} | {args.events:,} | {workers} | {matched} | {rate:,.0f} | {seconds:.1f} s | "
              f"{10_000_000 / rate:.0f} s | {append:,.0f} |")
    print()
    print("| database | events | record filter | median per page (ms) | events shown |")
    print("|---|---:|---|---:|---:|")
    for label, median, shown in lookups:
        print(f"| {connection.vendor} | {args.events:,} | {label} | {median:.2f} | {shown} |")
    print()
    print("| database | register of 12 written as | median ms per register | events/s | queries | head locks |")
    print("|---|---|---:|---:|---:|---:|")
    for label, ms, rate, queries, locks in registers:
        print(f"| {connection.vendor} | {label} | {ms:.2f} | {rate:,.0f} | {queries} | {locks} |")
    return 0


def _time_registers(count: int) -> list[tuple[str, float, float, int, int]]:
    """A register of 12 people (one event each, its own details) written `count` times each way."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from safeguard.audit.services import AuditEntry, record_event, record_events

    def entries(n: int) -> list[AuditEntry]:
        return [AuditEntry(object_type="people.Person", object_id=str(uuid.UUID(int=2**120 + n * 12 + i)),
                           details={"attended": i % 4 != 0, "session": n}) for i in range(12)]

    def singly(n: int) -> None:
        for e in entries(n):
            record_event(action="person.view", username="bench", object_type=e.object_type, object_id=e.object_id,
                         details=e.details)

    def one_transaction(n: int) -> None:
        with transaction.atomic():
            singly(n)

    def bulk(n: int) -> None:
        record_events(action="person.view", username="bench", entries=entries(n))

    ways = {"12 `record_event`, a transaction each": singly, "12 `record_event` in one transaction": one_transaction,
            "one `record_events`": bulk}
    counted = {}
    for label, write in ways.items():
        with CaptureQueriesContext(connection) as captured:
            write(-1)
        sql = [q["sql"] for q in captured.captured_queries]
        counted[label] = (len(sql), sum("audit_auditchainhead" in q and q.lstrip().startswith("SELECT") for q in sql))
    # The three ways take turns, register by register, so that other work on the machine slows
    # each of them alike; the median time of a register is reported.
    times: dict[str, list[float]] = {label: [] for label in ways}
    for n in range(count):
        for label, write in ways.items():
            start = time.perf_counter()
            write(n)
            times[label].append(time.perf_counter() - start)
    results = []
    for label, taken in times.items():
        median = statistics.median(taken)
        results.append((label, median * 1000, 12 / median, *counted[label]))
    return results


def _time_record_filters() -> list[tuple[str, float, int]]:
    """The auditor's record filter (one page, 51 rows) on a rarely viewed person and on a busy one,
    by whole id and by the first 8 characters: the selector's own queries."""
    from safeguard.audit.models import AuditEvent
    from safeguard.audit.selectors import for_record
    from safeguard.audit.services import record_event

    rare = str(uuid.UUID(int=2**127 + 12345))
    record_event(action="person.view", username="bench", object_type="people.Person", object_id=rare)
    busy = AuditEvent.objects.order_by("id").values_list("object_id", flat=True)[:1][0]
    newest = AuditEvent.objects.filter(partition="general").order_by("-id")  # as the audit scope filters
    queries = {
        "rare person, whole id": for_record(newest, "people.Person", rare),
        "rare person, first 8 characters": for_record(newest, "people.Person", rare[:8]),
        "busy person, whole id": for_record(newest, "people.Person", busy),
        # The filter as it was before: the id without the type, which no index serves.
        "rare person, id without type (before)": newest.filter(object_id=rare),
    }
    results = []
    for label, query in queries.items():
        times, shown = [], 0
        for _ in range(20):
            start = time.perf_counter()
            shown = len(list(query[:51]))
            times.append((time.perf_counter() - start) * 1000)
        results.append((label, statistics.median(times), shown))
    return results


def _build_chain(count: int, checkpoint_every: int) -> None:
    """Events as the service writes them (a mix of views, searches and changes, most with details),
    hashed with the application's chain functions, inserted in batches."""
    from django.db import transaction

    from safeguard.audit import checkpoints
    from safeguard.audit.chain import GENESIS_HASH, canonical_details, keyed_fields, keyed_hash
    from safeguard.audit.keys import chain_keys
    from safeguard.audit.models import AuditChainHead, AuditEvent

    ring = chain_keys()
    key_id = ring.primary_id
    key = ring.get(key_id)
    prev = GENESIS_HASH
    start = datetime(2026, 1, 1, tzinfo=UTC)
    persons = [str(uuid.UUID(int=i * 7919 + 1)) for i in range(5_000)]
    batch: list[AuditEvent] = []
    head = AuditChainHead.objects.create(partition="general", last_hash=GENESIS_HASH)
    for i in range(count):
        person = persons[i % len(persons)]
        kind = i % 10
        if kind < 6:
            action, details, justification = "person.view", {}, ""
        elif kind < 8:
            action, justification = "person.search", ""
            details = {"query": f"Testington{i % 97}", "page": 1, "shown": persons[i % 50:(i % 50) + 5]}
        elif kind == 8:
            action, details, justification = "assessment.save", {"assessment": person, "changed": ["q1", "q7"]}, ""
        else:
            action, details, justification = "person.view", {}, "Planning the home visit this week"
        values = {
            "occurred_at": start + timedelta(milliseconds=i * 37),
            "user_id": 10 + i % 40,
            "username": f"practitioner{i % 40}",
            "agency_id": 1 + i % 6,
            "agency_name": f"Demo agency {i % 6}",
            "role": "practitioner",
            "action": action,
            "object_type": "people.Person",
            "object_id": person,
            "outcome": "success",
            "endpoint": f"GET /people/{person}/",
            "justification": justification,
            "details": details,
        }
        values["hash"] = keyed_hash(key, prev, key_id, keyed_fields(values), canonical_details(details))
        batch.append(AuditEvent(prev_hash=prev, key_id=key_id, **values))
        prev = values["hash"]
        if len(batch) == 10_000 or i == count - 1:
            with transaction.atomic():
                AuditEvent.objects.bulk_create(batch)
                head.last_event_id = AuditEvent.objects.order_by("-id").values_list("id", flat=True)[0]
                head.last_hash, head.event_count = prev, i + 1
                head.save()
            batch = []
            if (i + 1) % checkpoint_every == 0:
                checkpoints.write()


if __name__ == "__main__":
    sys.exit(main())
