"""Recomputes the audit chains, checks them against the signed checkpoints, and names what broke.

Each partition (partitions.py) is its own chain with its own head and checkpoints, verified on its
own; `verify_chain()` verifies every partition (or the one asked for) and adds up the results.
A chain is read in id ranges ("spans") whose ends are the checkpoints' last events (and, with
several workers, extra split points). Each span is verified on its own: every event's hash is
recomputed (HMAC with its key, or SHA-256 for the legacy events at the start of the chain) and
every link to the previous event is compared. The spans are then stitched: the first event of a
span must link to the last event of the one before, and at every checkpoint the number of events
so far, the last event and its hash must be what the checkpoint recorded. Spans can be verified
in parallel processes (`workers`), each reading its range in batches by id (keyset), as plain
tuples from the database: the keyed message is built from the columns as stored, with no
per-row conversion.
"""

from __future__ import annotations

import hmac
import json
import multiprocessing
import os
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec
from django.db import connection, connections

from safeguard.audit import checkpoints
from safeguard.audit.chain import (
    DEFAULT_KIND,
    DEFAULT_PARTITION,
    FIELDS,
    GENESIS_HASH,
    canonical_details,
    encode_message,
    legacy_hash,
)
from safeguard.audit.checkpoints import Checkpoint
from safeguard.audit.keys import SETTING, chain_keys
from safeguard.audit.models import AuditChainHead, AuditEvent
from safeguard.audit.partitions import Partition

BATCH_SIZE = 20_000
_decode = msgspec.json.decode
# Columns in the order the verifier reads them: the id and hash, then the keyed message in order
# (previous hash, key id, the fields, the details), so that row[2:17] is the message of a
# general-partition "event"; then the kind, NULL for an "event" (a span reads one partition, which
# is known), which with the partition extends the message of any other event (chain.extension).
_COLUMNS = ("id", "hash", "prev_hash", "key_id", *FIELDS, "details", "kind")
# The time as the keyed scheme hashes it (see chain.time_text), computed by the database.
_TIME_SQL = {
    "sqlite": "strftime('%%Y-%%m-%%dT%%H:%%M:%%fZ', {column})",
    "postgresql": "to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')",
}
LINK_BROKEN = (
    "its link to the previous event is broken (an event before it was removed, inserted or reordered)"
)
CONTENT_CHANGED = "its content does not match its hash (it was changed, or re-hashed without the key)"
Task = tuple[str, int, int | None, dict[str, bytes], int | None, int]


@dataclass(frozen=True)
class Problem:
    event_id: int | None
    message: str


@dataclass
class Span:
    """What one id range (after_id, upto_id] of the chain holds and whether it verified."""

    after_id: int
    upto_id: int | None
    count: int = 0
    keyed: int = 0
    failed: int = 0
    first_id: int | None = None
    first_prev: str | None = None
    last_id: int | None = None
    last_hash: str | None = None
    problem: Problem | None = None

    def fail(self, event_id: int, message: str) -> None:
        self.failed += 1
        if self.problem is None:
            self.problem = Problem(event_id, message)


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    first_broken_id: int | None = None
    problem: str = ""
    problems: tuple[Problem, ...] = ()
    failed: int = 0
    keyed: int = 0
    checkpoints: int = 0
    notes: tuple[str, ...] = field(default=())
    processes: int = 1
    partition: str = ""  # empty for the result over every partition
    parts: tuple[VerifyResult, ...] = ()  # that result's partitions, each verified on its own

    @property
    def legacy(self) -> int:
        return self.checked - self.keyed

    def part(self, partition: str) -> VerifyResult | None:
        return next((p for p in self.parts if p.partition == partition), None)


def _select_sql(vendor: str, bounded: bool) -> str:
    if vendor not in _TIME_SQL:
        raise NotImplementedError(f"audit verify supports SQLite and PostgreSQL, not {vendor}")
    quote = connection.ops.quote_name
    # Every column's name is its field's name (none is renamed with db_column).
    columns = [
        _TIME_SQL[vendor].format(column=quote(name)) if name == "occurred_at" else quote(name)
        for name in _COLUMNS
    ]
    # The kind as NULL for a plain event (nearly every one): no text to hand back per row.
    columns[-1] = f"NULLIF({quote('kind')}, '{DEFAULT_KIND}')"
    pk = quote("id")
    upper = f" AND {pk} <= %s" if bounded else ""
    # Only quoted names from the model go into the text; the partition and bounds are parameters.
    return (
        f"SELECT {', '.join(columns)} FROM {quote(AuditEvent._meta.db_table)}"  # noqa: S608
        f" WHERE {quote('partition')} = %s AND {pk} > %s{upper} ORDER BY {pk} LIMIT %s"
    )


def _canonical(stored: Any) -> str:
    """PostgreSQL's details (text of the jsonb, or already parsed) in the canonical form."""
    if stored == "{}":
        return "{}"
    return canonical_details(_decode(stored) if isinstance(stored, str) else stored)


def _legacy_matches(row: Sequence[Any], details: Any) -> bool:
    """Plain SHA-256 over the legacy canonical form (only for the events at the start of the
    general chain: legacy events were all written before partitions and kinds)."""
    if row[17] is not None:
        return False
    values = dict(zip(FIELDS, row[4:16], strict=True))
    # The same instant in the legacy scheme's text form (ISO 8601 with +00:00).
    values["occurred_at"] = f"{row[4][:-1]}+00:00"
    values["details"] = json.loads(details) if isinstance(details, str) else details
    return bool(legacy_hash(row[2], values) == row[1])


def verify_span(
    partition: str,
    after_id: int,
    upto_id: int | None,
    keys: dict[str, bytes],
    first_keyed_id: int | None,
    batch_size: int = BATCH_SIZE,
) -> Span:
    """Verify every event of the partition with after_id < id <= upto_id (no upper bound when None)."""
    span = Span(after_id, upto_id)
    vendor = connection.vendor
    sql = _select_sql(vendor, bounded=upto_id is not None)
    # SQLite hands back the details column as the canonical text that was hashed; PostgreSQL's
    # jsonb comes back parsed (and re-ordered), so it is written canonically again.
    details_as_stored = vendor == "sqlite"
    general = partition == DEFAULT_PARTITION
    digest, encode = hmac.digest, encode_message
    prev: str | None = None
    position = after_id
    count = keyed = 0
    key_id, key = "", None
    with connection.cursor() as cursor:
        while True:
            bounds: list[int] = [position, upto_id] if upto_id is not None else [position]
            params: list[str | int] = [partition, *bounds, batch_size]
            cursor.execute(sql, params)
            rows = cursor.fetchall()
            if not rows:
                break
            if prev is None:
                span.first_id, span.first_prev = rows[0][0], rows[0][2]
                prev = rows[0][2]
            for row in rows:
                if row[2] != prev:
                    span.fail(row[0], LINK_BROKEN)
                if row[3]:
                    if row[3] != key_id:
                        key_id, key = row[3], keys.get(row[3])
                    if key is None:
                        span.fail(
                            row[0],
                            f"it was chained with key {key_id!r}, which is not in {SETTING} "
                            "(keep retired keys after the current one)",
                        )
                    else:
                        plain = general and row[17] is None
                        tail = () if plain else (partition, DEFAULT_KIND if row[17] is None else row[17])
                        if details_as_stored:
                            message = encode(row[2:17] if plain else (*row[2:17], *tail))
                        else:
                            message = encode((*row[2:16], _canonical(row[16]), *tail))
                        if digest(key, message, "sha256").hex() != row[1]:
                            span.fail(row[0], CONTENT_CHANGED)
                    keyed += 1
                elif partition != DEFAULT_PARTITION:
                    span.fail(
                        row[0],
                        f"it carries the unkeyed legacy hash, which no event of the {partition} partition "
                        "ever had (it was re-hashed without the key)",
                    )
                elif first_keyed_id is not None and row[0] > first_keyed_id:
                    span.fail(
                        row[0],
                        "it carries the unkeyed legacy hash although the chain is keyed from event "
                        f"{first_keyed_id} on (it was re-hashed without the key)",
                    )
                elif not _legacy_matches(row, row[16]):
                    span.fail(row[0], CONTENT_CHANGED)
                prev = row[1]
            count += len(rows)
            position = rows[-1][0]
            span.last_id, span.last_hash = position, prev
            if len(rows) < batch_size:
                break
    span.count, span.keyed = count, keyed
    return span


def _verify_span_task(args: Task) -> Span:
    return verify_span(*args)


def _first_keyed_id(partition: str) -> int | None:
    """The first keyed event of the chain: legacy events may only come before it. Only the
    general chain had events before the key; every other one is keyed from its first event."""
    if partition != DEFAULT_PARTITION:
        return None
    events = AuditEvent.objects.filter(partition=partition).order_by("id").values_list("id", flat=True)
    return events.exclude(key_id="").first()


def _split_points(workers: int, partition: str) -> list[int]:
    """Extra span ends that share the chain between workers, by id."""
    bounds = AuditEvent.objects.filter(partition=partition).order_by().values_list("id", flat=True)
    low, high = bounds.order_by("id").first(), bounds.order_by("-id").first()
    if low is None or high is None or workers <= 1:
        return []
    parts = workers * 4
    return [low + (high - low) * i // parts for i in range(1, parts)]


def _run(tasks: list[Task], workers: int) -> list[Span]:
    if workers <= 1 or len(tasks) <= 1:
        return [verify_span(*task) for task in tasks]
    # Each process opens its own database connection: none may be inherited across the fork.
    connections.close_all()
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        return list(pool.map(_verify_span_task, tasks))


def _usable_workers(workers: int) -> int:
    if connection.vendor == "sqlite" and getattr(connection, "is_in_memory_db", lambda: False)():
        return 1  # another process cannot see an in-memory database
    return max(1, workers)


def _check_boundary(
    anchor: Checkpoint,
    position: int,
    last_id: int | None,
    last_hash: str,
    previous: Checkpoint | None,
    first_suspect: int | None,
) -> Problem | None:
    """Does the chain up to this checkpoint's last event still hold what it recorded?"""
    if (position, last_id, last_hash) == (anchor.count, anchor.last_id, anchor.head):
        return None
    since = f"after {previous.describe()}, which matches" if previous is not None else "from the first event"
    since = f"events {first_suspect} to {last_id}, {since}" if first_suspect is not None else since
    if position < anchor.count:
        what = (
            f"{anchor.describe()} recorded {anchor.count} events but the chain now has {position} up to "
            f"that point: {anchor.count - position} event(s) were removed"
        )
    elif position > anchor.count:
        what = (
            f"{anchor.describe()} recorded {anchor.count} events but the chain now has {position} up to "
            f"that point: {position - anchor.count} event(s) were inserted"
        )
    else:
        what = (
            f"{anchor.describe()} recorded a different chain: the events up to it were changed and "
            "re-hashed (by someone holding the key)"
        )
    return Problem(first_suspect if first_suspect is not None else anchor.last_id, f"{what} ({since})")


def _stitch(
    spans: list[Span], anchors: list[Checkpoint], head: Checkpoint | None
) -> tuple[list[Problem], int, int]:
    """Walk the spans in order: links between them, then each checkpoint (and the head) at its end.

    Returns the problems, the number of events and the number of checkpoints that matched."""
    problems: list[Problem] = []
    by_end: dict[int, list[Checkpoint]] = {}
    for anchor in sorted(anchors, key=lambda a: a.count):
        by_end.setdefault(anchor.last_id or 0, []).append(anchor)
    position, last_id, last_hash = 0, None, GENESIS_HASH
    matched: Checkpoint | None = None
    first_suspect: int | None = None  # the first event after the newest checkpoint that matched
    verified = 0
    for anchor in by_end.pop(0, []):  # checkpoints written while the chain was still empty
        problem = _check_boundary(anchor, 0, None, GENESIS_HASH, None, None)
        problems.extend([problem] if problem else [])
    for span in spans:
        if span.count:
            if span.first_prev != last_hash:
                problems.append(Problem(span.first_id, LINK_BROKEN))
            position += span.count
            last_id, last_hash = span.last_id, span.last_hash or last_hash
            first_suspect = span.first_id if first_suspect is None else first_suspect
        if span.problem is not None:
            problems.append(span.problem)
        for anchor in by_end.get(span.upto_id, []) if span.upto_id is not None else []:
            problem = _check_boundary(anchor, position, last_id, last_hash, matched, first_suspect)
            if problem is None:
                matched, verified, first_suspect = anchor, verified + 1, None
            problems.extend([problem] if problem else [])
        if head is not None and span.upto_id == head.last_id and (position, last_hash) != (head.count, head.head):
            problems.append(
                Problem(
                    last_id,
                    f"the chain ends after {position} events but {head.count} were written "
                    "(events at the end were removed)",
                )
            )
    if head is not None and head.last_id is None and position:
        problems.append(Problem(None, "the chain head records no events but the chain has some"))
    return problems, position, verified


def _plan(
    partition: str, anchors: list[Checkpoint], workers: int, batch_size: int, split_at: Iterable[int],
    keys: dict[str, bytes],
) -> tuple[list[Task], Checkpoint | None]:
    """The spans of one partition's chain, and its head as one more (unsigned) anchor."""
    head = AuditChainHead.objects.filter(partition=partition).first()
    if head is None and not anchors and not AuditEvent.objects.filter(partition=partition).exists():
        return [], None  # a partition nothing was ever written to
    # Read before the scan, so that events appended meanwhile are simply not looked at.
    head_anchor = (
        Checkpoint(head.event_count, head.last_event_id, head.last_hash, "now", "", 0, partition)
        if head
        else None
    )
    ends = {a.last_id for a in anchors if a.last_id is not None}
    if head_anchor is not None and head_anchor.last_id is not None:
        ends.add(head_anchor.last_id)
    ends |= set(split_at) | set(_split_points(workers, partition))
    bounds = sorted(e for e in ends if e > 0)
    first_keyed = _first_keyed_id(partition)
    ranges = zip([0, *bounds], [*bounds, None], strict=True)
    return [(partition, lo, hi, keys, first_keyed, batch_size) for lo, hi in ranges], head_anchor


def _in_partition(partition: str, text: str) -> str:
    """A problem or note of a partition other than the general one says which chain it is about."""
    return text if partition == DEFAULT_PARTITION else f"{Partition(partition).label} partition: {text}"


def _partition_result(
    partition: str, spans: list[Span], anchors: list[Checkpoint], head: Checkpoint | None, file: Path,
    processes: int,
) -> VerifyResult:
    problems, position, verified_anchors = _stitch(spans, anchors, head)
    problems.sort(key=lambda p: (p.event_id is None, p.event_id or 0))
    problems = [Problem(p.event_id, _in_partition(partition, p.message)) for p in problems]
    notes = _notes(file, anchors, position) if position or partition == DEFAULT_PARTITION else ()
    first = problems[0] if problems else None
    return VerifyResult(
        ok=not problems,
        checked=position,
        first_broken_id=first.event_id if first else None,
        problem=first.message if first else "",
        problems=tuple(problems),
        failed=sum(s.failed for s in spans),
        keyed=sum(s.keyed for s in spans),
        checkpoints=verified_anchors,
        notes=tuple(_in_partition(partition, note) for note in notes),
        processes=processes,
        partition=partition,
    )


def _strays(partitions: Iterable[str]) -> list[Problem]:
    """Events whose partition names no chain: they were moved out of theirs (which shows a gap)."""
    stray = AuditEvent.objects.exclude(partition__in=list(partitions)).order_by("id")
    return [
        Problem(event_id, f"it names the partition {name!r}, which is not a chain (it was moved out of its own)")
        for event_id, name in stray.values_list("id", "partition")[:10]
    ]


def verify_chain(
    *,
    checkpoint_file: os.PathLike[str] | str | None = None,
    workers: int = 1,
    batch_size: int = BATCH_SIZE,
    split_at: Iterable[int] = (),
    partition: str | None = None,
) -> VerifyResult:
    """Verify every event and every checkpoint of every partition (or of the one named); `split_at`
    adds span ends (ids), as workers do. The result adds the partitions up; `parts` has each."""
    if partition is not None and partition not in Partition.values:
        raise ValueError(f"there is no audit partition {partition!r} (known: {', '.join(Partition.values)})")
    chosen = [partition] if partition is not None else list(Partition.values)
    keys = dict(chain_keys().keys)
    file = checkpoints.path() if checkpoint_file is None else Path(checkpoint_file)
    anchors, checkpoint_problems = checkpoints.read(file)
    strangers = sorted({a.partition for a in anchors} - set(Partition.values))
    checkpoint_problems += [f"checkpoints in {file} name the partition {name!r}, which does not exist" for name in strangers]
    workers = _usable_workers(workers)
    plans = {
        name: _plan(name, [a for a in anchors if a.partition == name], workers, batch_size, split_at, keys)
        for name in chosen
    }
    tasks = [task for planned, _ in plans.values() for task in planned]
    spans = iter(_run(tasks, workers))
    processes = workers if len(tasks) > 1 else 1
    parts = tuple(
        _partition_result(
            name, [next(spans) for _ in planned], [a for a in anchors if a.partition == name], head, file, processes
        )
        for name, (planned, head) in plans.items()
    )
    problems = [problem for part in parts for problem in part.problems]
    if partition is None:
        problems += _strays(Partition.values)
    problems += [Problem(None, text) for text in checkpoint_problems]
    first = next((p for part in parts for p in part.problems), problems[0] if problems else None)
    return VerifyResult(
        ok=not problems,
        checked=sum(p.checked for p in parts),
        first_broken_id=first.event_id if first else None,
        problem=first.message if first else "",
        problems=tuple(problems),
        failed=sum(p.failed for p in parts),
        keyed=sum(p.keyed for p in parts),
        checkpoints=sum(p.checkpoints for p in parts),
        notes=tuple(note for part in parts for note in part.notes),
        processes=processes,
        partition=partition or "",
        parts=parts,
    )


def _notes(file: Any, anchors: list[Checkpoint], position: int) -> tuple[str, ...]:
    if not anchors:
        return (
            f"No checkpoints in {file}: the key protects each event, but without checkpoints removal "
            "of the newest events, or a rewrite by someone holding the key, cannot be detected "
            "(`safeguard audit checkpoint`).",
        )
    newest = max(anchors, key=lambda a: a.count)
    after = position - newest.count
    if after > 0:
        return (f"{after} events after the newest checkpoint ({newest.at}) are protected by the key only.",)
    return ()
