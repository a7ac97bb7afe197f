"""Makes a django-axes lockout of a real account last until an administrator unlocks it."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.dispatch import receiver

from safeguard.accounts import services


@receiver(user_locked_out)
def lock_account_on_axes_lockout(sender: Any, request: Any, username: str | None, **kwargs: Any) -> None:
    if username:
        services.account_lock(username=username)
