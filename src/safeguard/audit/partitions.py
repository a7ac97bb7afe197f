"""Partitions of the audit log: separate chains that different auditors read (ADR 0015).

Every event belongs to one partition, and each partition is its own chain with its own head, so
it can be verified, checkpointed and read on its own. The general partition holds everything
except what a sealed partition claims. The prevention partition is sealed: the prevention service
promises the people who contact it that nothing they say reaches anyone outside it, so its events
are read only by auditors of the prevention network, never by the platform's global auditors
(`safeguard.policy.audit_partitions`).

A sealed partition claims one app's events by name, so an event cannot land in the general log by
a forgotten keyword: an action name `prevention.…`, a record type `prevention.…`, a page in the URL
namespace `prevention…`, or an address under `/prevention/` or `/api/v1/prevention/`. A caller may
also ask for a sealed partition for any other event (`record_event(…, partition="prevention")`),
but never take an event a sealed partition claims out of it.

This module imports nothing but Django's choices, so that the policy can use it.
"""

from __future__ import annotations

from django.db import models

from safeguard.audit.chain import DEFAULT_PARTITION


class Partition(models.TextChoices):
    GENERAL = DEFAULT_PARTITION, "General"
    PREVENTION = "prevention", "Prevention (sealed)"


# A sealed partition and the app whose events it claims (the app's label, its URL namespace and
# the first part of its addresses).
SEALED_APPS: dict[str, str] = {"prevention": Partition.PREVENTION}
SEALED = frozenset(SEALED_APPS.values())
# Pages a sealed app serves under another name: the prevention service's public help pages.
SEALED_PAGES: dict[str, str] = {**SEALED_APPS, "help": Partition.PREVENTION}
_API_PREFIXES = ("api",)


def _app_of(name: str) -> str:
    """The app a dotted name belongs to ("prevention.conversation.view" → "prevention")."""
    return name.split(".", 1)[0] if "." in name else ""


def claimed_by(*names: str) -> str | None:
    """The sealed partition that claims any of these action names or record types, if one does."""
    for name in names:
        partition = SEALED_APPS.get(_app_of(name))
        if partition is not None:
            return partition
    return None


def claimed_by_page(namespaces: list[str], path: str) -> str | None:
    """The sealed partition that claims a page, by its URL namespaces or its address."""
    for namespace in namespaces:
        for app, partition in SEALED_PAGES.items():
            if namespace == app or namespace.startswith((f"{app}_", f"{app}-")):
                return partition
    parts = [part for part in path.split("/") if part]
    if parts and parts[0] in _API_PREFIXES:
        parts = parts[2:]  # /api/v1/<app>/…
    return SEALED_PAGES.get(parts[0]) if parts else None


def is_known(partition: str) -> bool:
    return partition in Partition.values
