"""Writes for accounts: sign-in support (locking, sessions, MFA enrolment, API tokens) and account
administration (new users, roles, resets, unlocking, disabling) under two rules: nobody changes
their own account through administration, and giving the auditor or administrator role, or
resetting the password or second factor of someone who holds one, needs a second administrator's
approval (`safeguard.accounts.approvals`).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from axes.utils import reset as axes_reset
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguard import policy
from safeguard.accounts import approvals
from safeguard.accounts.approvals import ChangeKind, ChangeRefused
from safeguard.accounts.choices import PRIVILEGED_ROLES, NoticeKind, Role
from safeguard.accounts.models import (
    AccountNotice,
    Agency,
    ApiToken,
    Membership,
    PrivilegedChangeRequest,
    User,
    hash_token,
)
from safeguard.audit.models import Outcome
from safeguard.audit.services import record_event
from safeguard.policy import Action

if TYPE_CHECKING:
    from safeguard.policy import Actor

RECOVERY_CODE_COUNT = 10
SETUP_LINK_LIFETIME = timedelta(hours=72)


@transaction.atomic
def account_lock(*, username: str) -> None:
    user = User.objects.filter(username=username, locked_at__isnull=True).first()
    if user is None:
        return
    user.locked_at = timezone.now()
    user.security_stamp = secrets.token_hex(16)
    user.save(update_fields=["locked_at", "security_stamp"])
    record_event(action="account.locked", user=user, obj=user, details={"reason": "failed sign-ins"})


@dataclass(frozen=True)
class ChangeResult:
    """What an administration service did: applied at once, or asked a second administrator."""

    request: PrivilegedChangeRequest | None = None  # set when the change waits for approval
    setup_token: str = ""  # a one-time set-up link's token, to show once

    @property
    def pending(self) -> bool:
        return self.request is not None


def display_name(user: User) -> str:
    full = user.get_full_name()
    return f"{full} ({user.username})" if full else user.username


def holds_privileged_role(user: User) -> bool:
    return Membership.objects.filter(user=user, is_active=True, role__in=PRIVILEGED_ROLES).exists()


def _new_stamp(user: User) -> None:
    user.security_stamp = secrets.token_hex(16)  # ends every session of the user


# What an administrator is told when they try to change their own account (the attempt's name
# is also the audit action, with "_refused" added).
OWN_ACCOUNT_REFUSALS = {
    "membership.add": "You cannot give yourself a role. Ask another administrator.",
    "membership.role_change": "You cannot change your own roles. Ask another administrator.",
    "membership.end": "You cannot end your own roles. Ask another administrator.",
    "account.password_reset": "You cannot reset your own password through user administration. "
    "Ask another administrator.",
    "account.second_factor_reset": "You cannot reset your own second factor through user administration. "
    "Ask another administrator.",
    "account.unlock": "You cannot unlock your own account. Ask another administrator.",
    "account.enable": "You cannot enable your own account. Ask another administrator.",
    "account.disable": "You cannot disable your own account. Ask another administrator.",
}


def refuse_own_account(*, actor: Actor, user: User, attempt: str) -> None:
    """Nobody changes their own account through administration: raises `ChangeRefused` and
    records the attempt (in its own transaction, so that the record stays)."""
    if actor.user.pk != user.pk:
        return
    record_event(
        action=f"{attempt}_refused", actor=actor, obj=user, outcome=Outcome.DENIED, details={"reason": "own account"}
    )
    raise ChangeRefused(OWN_ACCOUNT_REFUSALS[attempt])


def _require_manageable(actor: Actor, user: User) -> None:
    """The administrator may change this account (checked again when a second one approves)."""
    if not policy.scope(actor, Action.USERS_MANAGE, User.objects.filter(pk=user.pk)).exists():
        raise ChangeRefused("You cannot change this account: it also acts for another agency.")


def _require_agency(actor: Actor, agency: Agency) -> None:
    if not policy.scope(actor, Action.USERS_MANAGE, Agency.objects.filter(pk=agency.pk)).exists():
        raise ValidationError({"agency": f"You can give roles only in {actor.agency.name}"})


def _require_role(role: str) -> None:
    if role not in Role.values:
        raise ValidationError({"role": "Select a role from the list"})


# --- Set-up links (new accounts and password resets) and notices ---------------------------


def _issue_setup_token(user: User) -> str:
    token = secrets.token_urlsafe(32)
    user.setup_token_hash = hash_token(token)
    user.setup_expires_at = timezone.now() + SETUP_LINK_LIFETIME
    return token


def setup_user(*, token: str) -> User | None:
    """The account a set-up link belongs to, while the link is unused and unexpired and the
    account enabled and not locked (a password reset unlocks it and gives a new link)."""
    if not token or len(token) > 100:
        return None
    return User.objects.filter(
        setup_token_hash=hash_token(token), setup_expires_at__gt=timezone.now(), is_active=True,
        locked_at__isnull=True, is_service_account=False,
    ).first()


@transaction.atomic
def account_set_up(*, token: str, password: str) -> User:
    """The user chooses a password through their one-time link; the link then stops working."""
    user = setup_user(token=token)
    if user is None:
        raise ValidationError("This set-up link has expired or has already been used.")
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)
    user.setup_token_hash = ""
    user.setup_expires_at = None
    _new_stamp(user)
    user.save(update_fields=["password", "setup_token_hash", "setup_expires_at", "security_stamp"])
    record_event(action="account.set_up", user=user, obj=user)
    return user


@transaction.atomic
def notices_take(*, user: User) -> list[AccountNotice]:
    """The notices not yet shown to this user, marked shown."""
    notices = list(AccountNotice.objects.filter(user=user, shown_at__isnull=True).order_by("created_at"))
    AccountNotice.objects.filter(pk__in=[n.pk for n in notices]).update(shown_at=timezone.now())
    return notices


# --- Account administration ----------------------------------------------------------------


def account_unlock(*, actor: Actor, user: User) -> User:
    refuse_own_account(actor=actor, user=user, attempt="account.unlock")
    with transaction.atomic():
        user.locked_at = None
        user.save(update_fields=["locked_at"])
        axes_reset(username=user.username)
        record_event(action="account.unlocked", actor=actor, obj=user)
    return user


def account_set_active(*, actor: Actor, user: User, active: bool) -> User:
    verb = "enable" if active else "disable"
    refuse_own_account(actor=actor, user=user, attempt=f"account.{verb}")
    with transaction.atomic():
        user.is_active = active
        _new_stamp(user)
        user.save(update_fields=["is_active", "security_stamp"])
        record_event(action="account.enabled" if active else "account.disabled", actor=actor, obj=user)
    return user


def user_create(
    *, actor: Actor, username: str, first_name: str, last_name: str, agency: Agency, role: str,
    job_title: str = "", reason: str = "",
) -> tuple[User, ChangeResult]:
    """A new account with a one-time set-up link and a first role. A privileged first role waits
    for a second administrator; until then the account has no role."""
    username = username.strip()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": f"A user called {username} already exists"})
    _require_agency(actor, agency)
    _require_role(role)
    if role in PRIVILEGED_ROLES:
        reason = approvals.clean_reason(reason)
    with transaction.atomic():
        user = User(username=username, first_name=first_name.strip(), last_name=last_name.strip())
        user.set_unusable_password()
        token = _issue_setup_token(user)
        user.save()
        record_event(action="user.created", actor=actor, obj=user,
                     details={"agency": agency.pk, "role": role})
        if role in PRIVILEGED_ROLES:
            request = approvals.change_request_open(
                actor=actor, kind=MEMBERSHIP_ADD.code, subject=user, reason=reason,
                payload={"agency": agency.pk, "role": role, "job_title": job_title},
            )
            return user, ChangeResult(request=request, setup_token=token)
        _membership_add_now(actor, user, agency, role, job_title)
    return user, ChangeResult(setup_token=token)


def _membership_add_now(
    actor: Actor, user: User, agency: Agency, role: str, job_title: str, request: int | None = None
) -> Membership:
    membership = Membership.objects.filter(user=user, agency=agency, role=role).first()
    if membership is not None and membership.is_active:
        raise ValidationError({"role": f"{display_name(user)} already has this role in {agency.name}"})
    if membership is None:
        membership = Membership.objects.create(user=user, agency=agency, role=role, job_title=job_title)
    else:  # an ended role given again
        membership.is_active = True
        membership.job_title = job_title or membership.job_title
        membership.save(update_fields=["is_active", "job_title"])
    _new_stamp(user)
    user.save(update_fields=["security_stamp"])
    record_event(action="membership.added", actor=actor, obj=user,
                 details={"membership": membership.pk, "agency": agency.pk, "role": role, "request": request})
    return membership


def membership_add(
    *, actor: Actor, user: User, agency: Agency, role: str, job_title: str = "", reason: str = ""
) -> ChangeResult:
    """Give a user a role in an agency (again, if it had ended)."""
    refuse_own_account(actor=actor, user=user, attempt="membership.add")
    _require_agency(actor, agency)
    _require_role(role)
    if Membership.objects.filter(user=user, agency=agency, role=role, is_active=True).exists():
        raise ValidationError({"role": f"{display_name(user)} already has this role in {agency.name}"})
    if role in PRIVILEGED_ROLES:
        request = approvals.change_request_open(
            actor=actor, kind=MEMBERSHIP_ADD.code, subject=user, reason=reason,
            payload={"agency": agency.pk, "role": role, "job_title": job_title},
        )
        return ChangeResult(request=request)
    with transaction.atomic():
        _membership_add_now(actor, user, agency, role, job_title)
    return ChangeResult()


def _check_role_change(membership: Membership, role: str) -> None:
    _require_role(role)
    if not membership.is_active:
        raise ValidationError({"role": "This role has ended. Add a new role instead"})
    if membership.role == role:
        raise ValidationError({"role": f"{display_name(membership.user)} already has this role"})
    if Membership.objects.filter(user=membership.user, agency=membership.agency, role=role).exists():
        raise ValidationError({"role": f"{display_name(membership.user)} already has, or had, this role in "
                                       f"{membership.agency.name}. Add that role instead"})


def _membership_role_now(actor: Actor, membership: Membership, role: str, request: int | None = None) -> Membership:
    _check_role_change(membership, role)
    old = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    user = membership.user
    _new_stamp(user)  # a permission change ends every session
    user.save(update_fields=["security_stamp"])
    record_event(action="membership.role_changed", actor=actor, obj=user,
                 details={"membership": membership.pk, "from": old, "to": role, "request": request})
    return membership


def membership_set_role(*, actor: Actor, membership: Membership, role: str, reason: str = "") -> ChangeResult:
    """Change the role of one membership. To auditor or administrator: a request for approval."""
    refuse_own_account(actor=actor, user=membership.user, attempt="membership.role_change")
    _check_role_change(membership, role)
    if role in PRIVILEGED_ROLES:
        request = approvals.change_request_open(
            actor=actor, kind=MEMBERSHIP_ROLE.code, subject=membership.user, reason=reason,
            payload={"membership": membership.pk, "from": membership.role, "role": role},
        )
        return ChangeResult(request=request)
    with transaction.atomic():
        _membership_role_now(actor, membership, role)
    return ChangeResult()


def membership_end(*, actor: Actor, membership: Membership) -> Membership:
    """End a role (kept, marked ended). Ending a role never needs approval: it takes power away."""
    refuse_own_account(actor=actor, user=membership.user, attempt="membership.end")
    if not membership.is_active:
        raise ValidationError("This role has already ended")
    with transaction.atomic():
        membership.is_active = False
        membership.save(update_fields=["is_active"])
        user = membership.user
        _new_stamp(user)
        user.save(update_fields=["security_stamp"])
        record_event(action="membership.ended", actor=actor, obj=user,
                     details={"membership": membership.pk, "agency": membership.agency_id, "role": membership.role})
    return membership


def _require_person_account(user: User) -> None:
    if user.is_service_account:
        raise ValidationError("Service accounts sign in with API tokens, not a password or second factor")


def _password_reset_now(actor: Actor, user: User, request: int | None = None) -> str:
    _require_person_account(user)
    token = _issue_setup_token(user)
    user.set_unusable_password()
    user.locked_at = None  # the administrator restores access deliberately
    _new_stamp(user)
    user.save(update_fields=["password", "setup_token_hash", "setup_expires_at", "locked_at", "security_stamp"])
    axes_reset(username=user.username)
    AccountNotice.objects.create(user=user, kind=NoticeKind.PASSWORD_RESET)
    record_event(action="account.password_reset", actor=actor, obj=user, details={"request": request})
    return token


def _second_factor_reset_now(actor: Actor, user: User, request: int | None = None) -> str:
    _require_person_account(user)
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    _new_stamp(user)
    user.save(update_fields=["security_stamp"])
    AccountNotice.objects.create(user=user, kind=NoticeKind.SECOND_FACTOR_RESET)
    record_event(action="account.second_factor_reset", actor=actor, obj=user, details={"request": request})
    return ""


def _account_reset(actor: Actor, user: User, reason: str, kind: ChangeKind, now: Callable[..., str]) -> ChangeResult:
    refuse_own_account(actor=actor, user=user, attempt=kind.code)
    _require_person_account(user)
    if holds_privileged_role(user):
        request = approvals.change_request_open(actor=actor, kind=kind.code, subject=user, reason=reason, payload={})
        return ChangeResult(request=request)
    with transaction.atomic():
        return ChangeResult(setup_token=now(actor, user))


def password_reset(*, actor: Actor, user: User, reason: str = "") -> ChangeResult:
    """The old password stops working and the user's sessions end; a one-time set-up link lets
    them choose a new one. For an auditor or administrator: a request for approval."""
    return _account_reset(actor, user, reason, PASSWORD_RESET, _password_reset_now)


def second_factor_reset(*, actor: Actor, user: User, reason: str = "") -> ChangeResult:
    """Remove the user's authenticator and recovery codes: they set up a new authenticator at
    their next sign-in and are told why. For an auditor or administrator: a request for approval."""
    return _account_reset(actor, user, reason, SECOND_FACTOR_RESET, _second_factor_reset_now)


# --- The kinds of change that need a second administrator ----------------------------------


def _subject(request: PrivilegedChangeRequest) -> User:
    if request.subject is None:
        raise ValidationError("The account this request was about no longer exists")
    return request.subject


def _agency_named(pk: Any) -> Agency:
    agency = Agency.objects.filter(pk=pk).first()
    if agency is None:
        raise ValidationError("The agency this request named no longer exists")
    return agency


def _role_label(role: object) -> str:
    return Role(role).label if role in Role.values else str(role)


def _apply_membership_add(actor: Actor, request: PrivilegedChangeRequest) -> str:
    user, payload = _subject(request), request.payload
    agency = _agency_named(payload["agency"])
    _require_agency(actor, agency)
    _membership_add_now(actor, user, agency, payload["role"], payload.get("job_title", ""), request=request.pk)
    return ""


def _apply_membership_role(actor: Actor, request: PrivilegedChangeRequest) -> str:
    payload = request.payload
    membership = policy.scope(
        actor, Action.USERS_MANAGE, Membership.objects.filter(pk=payload["membership"], user=request.subject_id)
    ).select_related("user", "agency").first()
    if membership is None:
        raise ValidationError("You cannot change this role: it is not in an agency you administer")
    _membership_role_now(actor, membership, payload["role"], request=request.pk)
    return ""


def _apply_password_reset(actor: Actor, request: PrivilegedChangeRequest) -> str:
    user = _subject(request)
    _require_manageable(actor, user)
    return _password_reset_now(actor, user, request=request.pk)


def _apply_second_factor_reset(actor: Actor, request: PrivilegedChangeRequest) -> str:
    user = _subject(request)
    _require_manageable(actor, user)
    return _second_factor_reset_now(actor, user, request=request.pk)


def _describe_membership_add(request: PrivilegedChangeRequest) -> str:
    agency = Agency.objects.filter(pk=request.payload.get("agency")).first()
    where = agency.name if agency else "an agency that no longer exists"
    return f"Give {display_name(_subject(request))} the role {_role_label(request.payload.get('role'))} in {where}"


def _describe_membership_role(request: PrivilegedChangeRequest) -> str:
    membership = Membership.objects.filter(pk=request.payload.get("membership")).select_related("agency").first()
    where = f" in {membership.agency.name}" if membership else ""
    return (f"Change {display_name(_subject(request))}’s role{where} from "
            f"{_role_label(request.payload.get('from'))} to {_role_label(request.payload.get('role'))}")


MEMBERSHIP_ADD = approvals.register(ChangeKind(
    code="membership.add", action=Action.USERS_MANAGE, describe=_describe_membership_add, apply=_apply_membership_add,
))
MEMBERSHIP_ROLE = approvals.register(ChangeKind(
    code="membership.role", action=Action.USERS_MANAGE, describe=_describe_membership_role,
    apply=_apply_membership_role,
))
PASSWORD_RESET = approvals.register(ChangeKind(
    code="account.password_reset", action=Action.USERS_MANAGE,
    describe=lambda r: f"Reset the password of {display_name(_subject(r))}",
    apply=_apply_password_reset,
))
SECOND_FACTOR_RESET = approvals.register(ChangeKind(
    code="account.second_factor_reset", action=Action.USERS_MANAGE,
    describe=lambda r: f"Reset the second factor of {display_name(_subject(r))}",
    apply=_apply_second_factor_reset,
))


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
