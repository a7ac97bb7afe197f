"""The audit chain's keys, from AUDIT_CHAIN_KEYS (configuration, never the database)."""

from __future__ import annotations

from django.conf import settings

from safeguard.core import crypto

SETTING = "AUDIT_CHAIN_KEYS"


def chain_keys() -> crypto.KeyRing:
    """Newest first: the first keys new events and checkpoints, the others verify older ones."""
    return crypto.parse_keyring(settings.AUDIT_CHAIN_KEYS, SETTING)
