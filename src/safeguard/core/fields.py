"""A text field encrypted at rest with the envelope scheme in `safeguard.core.crypto`."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db import models

from safeguard.core import crypto

logger = logging.getLogger(__name__)


class UnreadableText(str):
    """Shown in place of a value that failed its integrity check; it never carries content."""

    unreadable = True

    def __new__(cls) -> UnreadableText:
        return super().__new__(cls, "")


def keyring() -> crypto.KeyRing:
    return crypto.parse_keyring(settings.FIELD_ENCRYPTION_KEYS)


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """Stores AES-256-GCM ciphertext; reads back plaintext, or `UnreadableText` if tampered."""

    def context(self) -> str:
        return f"{self.model._meta.db_table}.{self.column}"

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        try:
            return crypto.decrypt(value, ring=keyring(), context=self.context())
        except crypto.DecryptionError:
            logger.error("Refused an encrypted value in %s: integrity check failed", self.context())
            return UnreadableText()

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        if isinstance(value, UnreadableText):
            raise crypto.DecryptionError("refusing to save a value that could not be decrypted")
        return crypto.encrypt(value, ring=keyring(), context=self.context())
