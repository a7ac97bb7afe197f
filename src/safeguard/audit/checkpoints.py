"""Signed checkpoints of the audit chains, appended to a file outside the database.

A checkpoint says "after COUNT events the chain of PARTITION ended at event LAST_ID with hash
HEAD", at a time, signed with an AUDIT_CHAIN_KEYS key (HMAC-SHA256). A checkpoint of the general
partition signs the same six fields it always did (so the lines written before partitions existed
still verify); one of another partition also signs its partition's name. Checkpoints of every
partition are appended, one JSON line each, to `checkpoints.jsonl` in AUDIT_CHECKPOINT_DIR, a file
opened with O_APPEND only: deploy it where the database owner cannot rewrite it (another account's
directory, `chattr +a`, or shipped on to write-once storage; docs/security.md). `audit verify`
checks every checkpoint against its partition's chain, so rewriting a chain before a checkpoint,
or removing events it covers, is detected even by someone who holds the key. A checkpoint holds
counts and hashes only, nothing about the events.
"""

from __future__ import annotations

import hmac
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from safeguard.audit.chain import DEFAULT_PARTITION, GENESIS_HASH, time_text
from safeguard.audit.keys import SETTING, chain_keys
from safeguard.audit.models import AuditChainHead, AuditEvent
from safeguard.audit.partitions import Partition

logger = logging.getLogger(__name__)

FILE_NAME = "checkpoints.jsonl"
VERSION = 1
# Domain separation: a checkpoint signature can never be mistaken for an event hash.
_CONTEXT = b"safeguard.audit.checkpoint\n"
_FIELDS: dict[str, type | tuple[type, ...]] = {"v": int, "count": int, "last_id": (int, type(None)), "head": str, "at": str, "key_id": str}


class CheckpointError(RuntimeError):
    """A checkpoint could not be written (the chain head is inconsistent, or the file is not writable)."""


@dataclass(frozen=True)
class Checkpoint:
    count: int
    last_id: int | None
    head: str
    at: str
    key_id: str
    line: int = 0
    partition: str = DEFAULT_PARTITION

    def payload(self) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "v": VERSION,
            "count": self.count,
            "last_id": self.last_id,
            "head": self.head,
            "at": self.at,
            "key_id": self.key_id,
        }
        if self.partition != DEFAULT_PARTITION:
            payload["partition"] = self.partition
        return payload

    def describe(self) -> str:
        return f"the checkpoint of {self.at} (line {self.line}: {self.count} events, last event {self.last_id})"


def _signature(payload: dict[str, Any], key: bytes) -> str:
    text = json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()
    return hmac.digest(key, _CONTEXT + text, "sha256").hex()


def path(directory: str | os.PathLike[str] | None = None) -> Path:
    return Path(directory if directory is not None else settings.AUDIT_CHECKPOINT_DIR) / FILE_NAME


def write(
    *, directory: str | os.PathLike[str] | None = None, partition: str = DEFAULT_PARTITION
) -> Checkpoint:
    """Append a signed checkpoint of one partition's chain as it stands now (its committed head)."""
    if partition not in Partition.values:
        raise CheckpointError(f"there is no audit partition {partition!r} (known: {', '.join(Partition.values)})")
    head = AuditChainHead.objects.filter(partition=partition).first()
    count, last_id, head_hash = (0, None, GENESIS_HASH)
    if head is not None and head.last_event_id is not None:
        count, last_id, head_hash = head.event_count, head.last_event_id, head.last_hash
        newest = (
            AuditEvent.objects.filter(pk=last_id, partition=partition).values_list("hash", flat=True).first()
        )
        if newest != head_hash:
            raise CheckpointError(
                f"the chain head of the {partition} partition names event {last_id} with a hash that "
                "event does not have: run `safeguard audit verify` before writing a checkpoint"
            )
    ring = chain_keys()
    checkpoint = Checkpoint(
        count, last_id, head_hash, time_text(timezone.now()), ring.primary_id, partition=partition
    )
    payload = checkpoint.payload()
    line = json.dumps({**payload, "sig": _signature(payload, ring.get(ring.primary_id))}, sort_keys=True)
    target = path(directory)
    try:
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        # Append only: this process never opens the file for anything but adding a line.
        fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, (line + "\n").encode())
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        raise CheckpointError(f"could not append to {target}: {exc.strerror}") from exc
    return checkpoint


def write_all(*, directory: str | os.PathLike[str] | None = None) -> list[Checkpoint]:
    """A checkpoint of every partition that has a chain (always the general one)."""
    written = set(AuditChainHead.objects.values_list("partition", flat=True))
    return [
        write(directory=directory, partition=partition)
        for partition in Partition.values
        if partition == DEFAULT_PARTITION or partition in written
    ]


def write_quietly(*, partition: str = DEFAULT_PARTITION) -> None:
    """The automatic checkpoint after every AUDIT_CHECKPOINT_EVERY events of a partition: never
    fails a request."""
    try:
        write(partition=partition)
    except CheckpointError as exc:
        logger.error("Audit checkpoint not written: %s", exc)


def read(file: Path) -> tuple[list[Checkpoint], list[str]]:
    """Every checkpoint in the file whose signature holds, and a problem for each line that does not."""
    if not file.exists():
        return [], []
    keys = dict(chain_keys().keys)
    found: list[Checkpoint] = []
    problems: list[str] = []
    with file.open(encoding="utf-8", errors="replace") as lines:
        for number, text in enumerate(lines, start=1):
            if not text.strip():
                continue
            where = f"line {number} of {file}"
            try:
                data = json.loads(text)
            except ValueError:
                problems.append(f"{where} is not a checkpoint (not JSON): the file was altered")
                continue
            if (
                not isinstance(data, dict)
                or any(
                    not isinstance(data.get(name), kind) or isinstance(data.get(name), bool)
                    for name, kind in {**_FIELDS, "sig": str}.items()
                )
                or not isinstance(data.get("partition", DEFAULT_PARTITION), str)
            ):
                problems.append(f"{where} is not a complete checkpoint: the file was altered")
                continue
            key = keys.get(data["key_id"])
            if key is None:
                problems.append(
                    f"{where} was signed with key {data['key_id']!r}, which is not in {SETTING} "
                    "(keep retired keys after the current one)"
                )
                continue
            checkpoint = Checkpoint(
                data["count"], data["last_id"], data["head"], data["at"], data["key_id"], number,
                data.get("partition", DEFAULT_PARTITION),
            )
            if not hmac.compare_digest(_signature(checkpoint.payload(), key), data["sig"]):
                problems.append(f"{where} has a signature that does not match: the checkpoint was altered or forged")
                continue
            found.append(checkpoint)
    return found, problems
