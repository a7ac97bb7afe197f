"""Recomputes the audit chain, checks it against the signed checkpoints, and names what broke.

The chain is read in id ranges ("spans") whose ends are the checkpoints' last events (and, with
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
from safeguard.audit.chain import FIELDS, GENESIS_HASH, canonical_details, encode_message, legacy_hash
from safeguard.audit.checkpoints import Checkpoint
from safeguard.audit.keys import SETTING, chain_keys
from safeguard.audit.models import AuditChainHead, AuditEvent

BATCH_SIZE = 20_000
_decode = msgspec.json.decode
# Columns in the order the verifier reads them: the id and hash, then the keyed message in order
# (previous hash, key id, the fields, the details), so that row[2:17] is the message itself.
_COLUMNS = ("id", "hash", "prev_hash", "key_id", *FIELDS, "details")
# The time as the keyed scheme hashes it (see chain.time_text), computed by the database.
_TIME_SQL = {
    "sqlite": "strftime('%%Y-%%m-%%dT%%H:%%M:%%fZ', {column})",
    "postgresql": "to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')",
}
LINK_BROKEN = (
    "its link to the previous event is broken (an event before it was removed, inserted or reordered)"
)
CONTENT_CHANGED = "its content does not match its hash (it was changed, or re-hashed without the key)"


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

    @property
    def legacy(self) -> int:
        return self.checked - self.keyed


def _select_sql(vendor: str, bounded: bool) -> str:
    if vendor not in _TIME_SQL:
        raise NotImplementedError(f"audit verify supports SQLite and PostgreSQL, not {vendor}")
    quote = connection.ops.quote_name
    # Every column's name is its field's name (none is renamed with db_column).
    columns = [
        _TIME_SQL[vendor].format(column=quote(name)) if name == "occurred_at" else quote(name)
        for name in _COLUMNS
    ]
    pk = quote("id")
    upper = f" AND {pk} <= %s" if bounded else ""
    # Only quoted names from the model go into the text; the bounds are parameters.
    return (
        f"SELECT {', '.join(columns)} FROM {quote(AuditEvent._meta.db_table)}"  # noqa: S608
        f" WHERE {pk} > %s{upper} ORDER BY {pk} LIMIT %s"
    )


def _canonical(stored: Any) -> str:
    """PostgreSQL's details (text of the jsonb, or already parsed) in the canonical form."""
    if stored == "{}":
        return "{}"
    return canonical_details(_decode(stored) if isinstance(stored, str) else stored)


def _legacy_matches(row: Sequence[Any], details: Any) -> bool:
    """Plain SHA-256 over the legacy canonical form (only for the events at the start of the chain)."""
    values = dict(zip(FIELDS, row[4:16], strict=True))
    # The same instant in the legacy scheme's text form (ISO 8601 with +00:00).
    values["occurred_at"] = f"{row[4][:-1]}+00:00"
    values["details"] = json.loads(details) if isinstance(details, str) else details
    return bool(legacy_hash(row[2], values) == row[1])


def verify_span(
    after_id: int,
    upto_id: int | None,
    keys: dict[str, bytes],
    first_keyed_id: int | None,
    batch_size: int = BATCH_SIZE,
) -> Span:
    """Verify every event with after_id < id <= upto_id (no upper bound when None)."""
    span = Span(after_id, upto_id)
    vendor = connection.vendor
    sql = _select_sql(vendor, bounded=upto_id is not None)
    # SQLite hands back the details column as the canonical text that was hashed; PostgreSQL's
    # jsonb comes back parsed (and re-ordered), so it is written canonically again.
    details_as_stored = vendor == "sqlite"
    digest, encode = hmac.digest, encode_message
    prev: str | None = None
    position = after_id
    count = keyed = 0
    key_id, key = "", None
    with connection.cursor() as cursor:
        while True:
            params = [position, upto_id, batch_size] if upto_id is not None else [position, batch_size]
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
                        message = encode(row[2:17] if details_as_stored else (*row[2:16], _canonical(row[16])))
                        if digest(key, message, "sha256").hex() != row[1]:
                            span.fail(row[0], CONTENT_CHANGED)
                    keyed += 1
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


def _verify_span_task(args: tuple[int, int | None, dict[str, bytes], int | None, int]) -> Span:
    return verify_span(*args)


def _first_keyed_id() -> int | None:
    return AuditEvent.objects.exclude(key_id="").order_by("id").values_list("id", flat=True).first()


def _split_points(workers: int) -> list[int]:
    """Extra span ends that share the chain between workers, by id."""
    bounds = AuditEvent.objects.order_by().values_list("id", flat=True)
    low, high = bounds.order_by("id").first(), bounds.order_by("-id").first()
    if low is None or high is None or workers <= 1:
        return []
    parts = workers * 4
    return [low + (high - low) * i // parts for i in range(1, parts)]


def _run(tasks: list[tuple[int, int | None, dict[str, bytes], int | None, int]], workers: int) -> list[Span]:
    if workers <= 1 or len(tasks) == 1:
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


def verify_chain(
    *,
    checkpoint_file: os.PathLike[str] | str | None = None,
    workers: int = 1,
    batch_size: int = BATCH_SIZE,
    split_at: Iterable[int] = (),
) -> VerifyResult:
    """Verify every event and every checkpoint; `split_at` adds span ends (ids), as workers do."""
    keys = dict(chain_keys().keys)
    file = checkpoints.path() if checkpoint_file is None else Path(checkpoint_file)
    anchors, checkpoint_problems = checkpoints.read(file)
    head = AuditChainHead.objects.filter(pk=1).first()
    # The head row is one more anchor (unsigned, read before the scan so later appends are fine).
    head_anchor = (
        Checkpoint(head.event_count, head.last_event_id, head.last_hash, "now", "", 0) if head else None
    )
    first_keyed = _first_keyed_id()
    workers = _usable_workers(workers)
    ends = {a.last_id for a in anchors if a.last_id is not None}
    if head_anchor is not None and head_anchor.last_id is not None:
        ends.add(head_anchor.last_id)
    ends |= set(split_at) | set(_split_points(workers))
    bounds = sorted(e for e in ends if e > 0)
    ranges: list[tuple[int, int | None]] = list(zip([0, *bounds], [*bounds, None], strict=True))
    spans = _run([(lo, hi, keys, first_keyed, batch_size) for lo, hi in ranges], workers)

    problems, position, verified_anchors = _stitch(spans, anchors, head_anchor)
    problems.sort(key=lambda p: (p.event_id is None, p.event_id or 0))
    problems.extend(Problem(None, text) for text in checkpoint_problems)
    notes = _notes(file, anchors, position)
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
        notes=notes,
        processes=workers if len(ranges) > 1 else 1,
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
