"""Password rules beyond Django's own: long passphrases are welcome, up to a sane limit."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

MAX_PASSWORD_LENGTH = 128


class MaximumLengthValidator:
    def validate(self, password: str, user: Any = None) -> None:
        if len(password) > MAX_PASSWORD_LENGTH:
            raise ValidationError(
                f"Password must be {MAX_PASSWORD_LENGTH} characters or fewer",
                code="password_too_long",
            )

    def get_help_text(self) -> str:
        return f"Your password can be up to {MAX_PASSWORD_LENGTH} characters long."
