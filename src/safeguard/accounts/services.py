"""Writes for accounts: locking, unlocking, sessions, memberships, MFA enrolment, API tokens."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from axes.utils import reset as axes_reset
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguard.accounts.models import ApiToken, Membership, User, hash_token
from safeguard.audit.models import Outcome
from safeguard.audit.services import record_event

if TYPE_CHECKING:
    from safeguard.policy import Actor

RECOVERY_CODE_COUNT = 10


@transaction.atomic
def account_lock(*, username: str) -> None:
    user = User.objects.filter(username=username, locked_at__isnull=True).first()
    if user is None:
        return
    user.locked_at = timezone.now()
    user.security_stamp = secrets.token_hex(16)
    user.save(update_fields=["locked_at", "security_stamp"])
    record_event(action="account.locked", user=user, obj=user, details={"reason": "failed sign-ins"})


@transaction.atomic
def account_unlock(*, actor: Actor, user: User) -> User:
    user.locked_at = None
    user.save(update_fields=["locked_at"])
    axes_reset(username=user.username)
    record_event(action="account.unlocked", actor=actor, obj=user)
    return user


@transaction.atomic
def account_set_active(*, actor: Actor, user: User, active: bool) -> User:
    user.is_active = active
    user.security_stamp = secrets.token_hex(16)  # ends every session of a disabled account
    user.save(update_fields=["is_active", "security_stamp"])
    record_event(action="account.enabled" if active else "account.disabled", actor=actor, obj=user)
    return user


@transaction.atomic
def membership_set_role(*, actor: Actor, membership: Membership, role: str) -> Membership:
    old = membership.role
    membership.role = role
    membership.full_clean()
    membership.save(update_fields=["role"])
    user = membership.user
    user.security_stamp = secrets.token_hex(16)  # a permission change ends every session
    user.save(update_fields=["security_stamp"])
    record_event(
        action="membership.role_changed",
        actor=actor,
        obj=user,
        details={"membership": membership.pk, "from": old, "to": role},
    )
    return membership


@transaction.atomic
def sessions_end_everywhere(*, user: User) -> None:
    user.security_stamp = secrets.token_hex(16)
    user.save(update_fields=["security_stamp"])
    record_event(action="account.signed_out_everywhere", user=user, obj=user)


def record_sign_in(*, username: str, user: User | None, outcome: str, stage: str) -> None:
    record_event(
        action=f"sign_in.{stage}",
        user=user,
        username=username,
        object_type="accounts.User" if user else "",
        object_id=str(user.pk) if user else "",
        outcome=outcome,
    )


@transaction.atomic
def totp_device_start(*, user: User) -> TOTPDevice:
    """A new, unconfirmed authenticator for this user; replaces any unconfirmed one."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


@transaction.atomic
def totp_device_confirm(*, device: TOTPDevice) -> list[str]:
    """Confirm the authenticator and issue fresh single-use recovery codes."""
    TOTPDevice.objects.filter(user=device.user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    record_event(action="mfa.enrolled", user=device.user, obj=device.user)
    return recovery_codes_issue(user=device.user)


RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def _recovery_code() -> str:
    """12 characters from a 31-letter alphabet (about 59 bits), grouped for reading aloud."""
    raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


@transaction.atomic
def recovery_codes_issue(*, user: User) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name="Recovery codes", defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    record_event(action="mfa.recovery_codes_issued", user=user, obj=user)
    return codes


@transaction.atomic
def api_token_create(*, membership: Membership, name: str) -> str:
    """Create a token and return it once; only its hash is stored."""
    token = "sgt_" + secrets.token_urlsafe(32)
    ApiToken.objects.create(
        membership=membership, name=name, token_hash=hash_token(token), prefix=token[:8]
    )
    record_event(action="api_token.created", user=membership.user, obj=membership.user)
    return token


def outcome_for(ok: bool) -> str:
    return Outcome.SUCCESS if ok else Outcome.FAILURE
