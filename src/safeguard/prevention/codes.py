"""Reference codes, passphrases and the prevention service's keyed hashes.

A reference code is 12 characters from an alphabet without look-alikes (no I, L, O, 0 or 1), shown
in groups of four: 31^12 ≈ 7.9 × 10^17 codes, so codes are not guessed; the passphrase is the
secret, and guesses at it are limited per code (`ratelimit`). The code is found again through
HMAC-SHA256 under a PREVENTION_KEYS key, a key used for nothing else (docs/security.md), and the
passphrase is kept only as an Argon2 hash.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from functools import cache

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password

from safeguard.core import crypto

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12
GROUP = 4
PASSPHRASE_MIN = 10
PASSPHRASE_MAX = 200
_NOT_CODE = re.compile(r"[\s\-–—.]+")
HASHER = "argon2"


def new_reference_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return format_code(raw)


def format_code(raw: str) -> str:
    return "-".join(raw[i : i + GROUP] for i in range(0, len(raw), GROUP))


def normalise_code(typed: str) -> str:
    """What a person typed, as compared: upper case, without spaces and dashes. Anything else
    (wrong length, other characters) stays as typed and simply matches no conversation."""
    return _NOT_CODE.sub("", typed or "").upper()[:64]


def keyring() -> crypto.KeyRing:
    return crypto.parse_keyring(settings.PREVENTION_KEYS, "PREVENTION_KEYS")


def keyed_digest(purpose: str, value: str, key_id: str | None = None) -> str:
    """HMAC-SHA256 under the prevention key (the primary one unless `key_id` names an older one)."""
    ring = keyring()
    key = ring.get(key_id or ring.primary_id)
    return hmac.new(key, f"{purpose}\x00{value}".encode(), hashlib.sha256).hexdigest()


def code_digests(typed: str) -> list[str]:
    """The digests a typed code may be stored under: one per configured key, newest first, so a
    conversation started before a key change is still found."""
    code = normalise_code(typed)
    return [keyed_digest("code", code, key_id) for key_id, _ in keyring().keys]


def code_digest(code: str) -> str:
    return keyed_digest("code", normalise_code(code))


def hash_passphrase(passphrase: str) -> str:
    return make_password(passphrase, hasher=HASHER)


@cache
def _dummy_hash() -> str:
    # Hashed once per process with the same hasher and parameters as real passphrases.
    return make_password(secrets.token_urlsafe(24), hasher=HASHER)


def passphrase_matches(passphrase: str, stored: str | None) -> bool:
    """Checks against the stored hash, or against a dummy hash when there is none, so that an
    unknown code costs the same slow hash as a wrong passphrase (identical timing, within noise)."""
    if stored is None:
        check_password(passphrase, _dummy_hash())
        return False
    return check_password(passphrase, stored)


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_course_pseudonym() -> str:
    """The name the prevention course knows a person by: random, unrelated to the reference code."""
    return "PC-" + "".join(secrets.choice(ALPHABET) for _ in range(8))
