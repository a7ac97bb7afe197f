"""Agencies, the people who use Safeguard, their roles in each agency, and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from typing import ClassVar

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.crypto import salted_hmac

from safeguard.accounts.choices import AgencyKind, NoticeKind, RequestState, Role


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
    # A one-time set-up link (new account or password reset): only its SHA-256 is kept.
    setup_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    setup_expires_at = models.DateTimeField(null=True, blank=True)

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


class AccountNotice(models.Model):
    """Something an administrator did to a user's account, shown to the user at their next sign-in
    (the platform sends no email)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=30, choices=NoticeKind.choices)
    created_at = models.DateTimeField(default=timezone.now)
    shown_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes: ClassVar = [models.Index(fields=["user", "shown_at"], name="notice_user_shown")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.user})"


class PrivilegedChangeRequest(models.Model):
    """A change one person asks for and a different person approves or refuses (two-person rule).

    `kind` names a registered kind of change (`safeguard.accounts.approvals`), `payload` holds
    what it needs to apply. Requests belong to the requester's agency: its administrators, and
    those of the administration agency, see them.
    """

    kind = models.CharField(max_length=50)
    # What was asked, in plain words, as it stood when asked (shown on every list without lookups).
    summary = models.CharField(max_length=300)
    state = models.CharField(max_length=10, choices=RequestState.choices, default=RequestState.REQUESTED)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="change_requests")
    subject = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="change_requests_about"
    )
    payload = models.JSONField(default=dict)
    reason = models.TextField(max_length=500)
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="change_requests_made")
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="change_requests_decided"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(max_length=500, blank=True)

    class Meta:
        ordering: ClassVar = ["-requested_at", "-id"]
        indexes: ClassVar = [models.Index(fields=["state", "agency"], name="change_request_state")]
        constraints: ClassVar = [
            # The database itself refuses a request decided by the person who made it.
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("requested_by")),
                name="change_request_two_people",
            ),
            models.CheckConstraint(
                condition=(
                    Q(state=RequestState.REQUESTED, decided_by__isnull=True, decided_at__isnull=True)
                    | Q(
                        state__in=[RequestState.APPROVED, RequestState.REFUSED],
                        decided_by__isnull=False,
                        decided_at__isnull=False,
                    )
                ),
                name="change_request_decided_consistently",
            ),
        ]

    def __str__(self) -> str:
        return f"Request {self.pk} ({self.kind}, {self.state})"

    @property
    def is_pending(self) -> bool:
        return self.state == RequestState.REQUESTED
