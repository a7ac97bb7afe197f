"""Password authentication that refuses locked and disabled accounts like a wrong password."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend


class AccountBackend(ModelBackend):
    def user_can_authenticate(self, user: Any) -> bool:
        if getattr(user, "locked_at", None) is not None:
            return False
        if getattr(user, "is_service_account", False):
            return False  # service accounts use API tokens only
        return super().user_can_authenticate(user)
