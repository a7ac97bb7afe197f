"""Envelope encryption for sensitive text: AES-256-GCM with a data key per value.

Each value gets a fresh 256-bit data key; the data key is wrapped (AES-256-GCM) by the
key-encryption key (KEK) named in the value, taken from FIELD_ENCRYPTION_KEYS. Rotation
re-wraps data keys under the newest KEK without touching the ciphertext. The associated
data binds each ciphertext to its table and column, so a value moved elsewhere is refused.

Stored form: ``sg1:<kek id>:<base64 wrapped key>:<base64 nonce+ciphertext>``.
"""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = "sg1"
NONCE_BYTES = 12


class KeyConfigurationError(ValueError):
    """FIELD_ENCRYPTION_KEYS is malformed or does not name a needed key."""


class DecryptionError(ValueError):
    """A stored value could not be authenticated: tampered, moved, or under an unknown key."""


@dataclass(frozen=True)
class KeyRing:
    """The configured KEKs, newest first; the first one wraps new data keys."""

    keys: tuple[tuple[str, bytes], ...]

    @property
    def primary_id(self) -> str:
        return self.keys[0][0]

    def get(self, key_id: str) -> bytes:
        for kid, key in self.keys:
            if kid == key_id:
                return key
        raise DecryptionError(f"no key-encryption key with id {key_id!r} is configured")


@lru_cache(maxsize=8)
def parse_keyring(spec: str, setting: str = "FIELD_ENCRYPTION_KEYS") -> KeyRing:
    """Parse ``id:base64key[,id:base64key...]``; each key must decode to 32 bytes.

    `setting` names the configuration the spec came from, for the error messages (the audit
    chain's keys, AUDIT_CHAIN_KEYS, use the same form)."""
    keys: list[tuple[str, bytes]] = []
    for part in (p.strip() for p in spec.split(",")):
        if not part:
            continue
        kid, sep, encoded = part.partition(":")
        if not sep or not kid.isalnum():
            raise KeyConfigurationError(
                f"{setting} entries must look like id:base64key with an alphanumeric id"
            )
        try:
            key = base64.b64decode(encoded, validate=True)
        except ValueError as exc:
            raise KeyConfigurationError(f"key {kid!r} is not valid base64") from exc
        if len(key) != 32:
            raise KeyConfigurationError(f"key {kid!r} must be 32 bytes, not {len(key)}")
        keys.append((kid, key))
    if not keys:
        raise KeyConfigurationError(f"{setting} names no key")
    if len({kid for kid, _ in keys}) != len(keys):
        raise KeyConfigurationError(f"{setting} repeats a key id")
    return KeyRing(tuple(keys))


def new_key_spec(key_id: str) -> str:
    """A fresh 256-bit key entry for FIELD_ENCRYPTION_KEYS (or AUDIT_CHAIN_KEYS)."""
    return f"{key_id}:{base64.b64encode(AESGCM.generate_key(bit_length=256)).decode()}"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text.encode())


def encrypt(plaintext: str, *, ring: KeyRing, context: str) -> str:
    data_key = AESGCM.generate_key(bit_length=256)
    nonce = os.urandom(NONCE_BYTES)
    body = nonce + AESGCM(data_key).encrypt(nonce, plaintext.encode(), context.encode())
    return ":".join((PREFIX, ring.primary_id, _wrap(data_key, ring, ring.primary_id), _b64(body)))


def _wrap(data_key: bytes, ring: KeyRing, kek_id: str) -> str:
    nonce = os.urandom(NONCE_BYTES)
    wrapped = AESGCM(ring.get(kek_id)).encrypt(nonce, data_key, f"dek:{kek_id}".encode())
    return _b64(nonce + wrapped)


def _split(stored: str) -> tuple[str, str, str]:
    parts = stored.split(":")
    if len(parts) != 4 or parts[0] != PREFIX:
        raise DecryptionError("the stored value is not in the encrypted format")
    return parts[1], parts[2], parts[3]


def _unwrap(kek_id: str, wrapped: str, ring: KeyRing) -> bytes:
    try:
        raw = _unb64(wrapped)
        return AESGCM(ring.get(kek_id)).decrypt(
            raw[:NONCE_BYTES], raw[NONCE_BYTES:], f"dek:{kek_id}".encode()
        )
    except (InvalidTag, ValueError) as exc:
        raise DecryptionError("the data key failed its integrity check") from exc


def decrypt(stored: str, *, ring: KeyRing, context: str) -> str:
    kek_id, wrapped, body = _split(stored)
    data_key = _unwrap(kek_id, wrapped, ring)
    try:
        raw = _unb64(body)
        plaintext = AESGCM(data_key).decrypt(
            raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode()
        )
    except (InvalidTag, ValueError) as exc:
        raise DecryptionError("the text failed its integrity check") from exc
    return plaintext.decode()


def rewrap(stored: str, *, ring: KeyRing) -> str:
    """Re-wrap the data key under the primary KEK; the ciphertext itself is unchanged."""
    kek_id, wrapped, body = _split(stored)
    if kek_id == ring.primary_id:
        return stored
    data_key = _unwrap(kek_id, wrapped, ring)
    return ":".join((PREFIX, ring.primary_id, _wrap(data_key, ring, ring.primary_id), body))
