"""Agencies, the people who use Safeguard, their roles in each agency, and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from typing import ClassVar

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.crypto import salted_hmac

from safeguard.accounts.choices import AgencyKind, Role


class Agency(models.Model):
    """An organisation using Safeguard; agencies are the tenants of the platform."""

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=AgencyKind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="centres"
    )
    requires_justification = models.BooleanField(
        default=False,
        help_text="Users must give a reason before consulting records this agency owns.",
    )

    class Meta:
        ordering: ClassVar = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        # Police data always needs a justification for consultation (DPA 2018 s.62).
        if self.kind == AgencyKind.POLICE:
            self.requires_justification = True
        super().save(*args, **kwargs)  # type: ignore[arg-type]


def new_security_stamp() -> str:
    return secrets.token_hex(16)


class User(AbstractUser):
    """A member of staff (or a service account) who signs in to Safeguard."""

    security_stamp = models.CharField(max_length=32, default=new_security_stamp)
    locked_at = models.DateTimeField(null=True, blank=True)
    is_service_account = models.BooleanField(default=False)

    class Meta:
        ordering: ClassVar = ["username"]

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        # Sessions carry this hash; changing the stamp ends every session of the user
        # (sign-out everywhere, role change, disabling the account).
        return salted_hmac(
            "safeguard.accounts.User.session",
            f"{self.password}:{self.security_stamp}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None


class Membership(models.Model):
    """A user's role in one agency. A user may hold several."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    job_title = models.CharField(max_length=100, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering: ClassVar = ["agency__name", "role"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["user", "agency", "role"], name="unique_membership")
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}, {self.agency.name}"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for a service account, acting in one membership. Stored hashed."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="tokens")
    name = models.CharField(max_length=100)
    token_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
