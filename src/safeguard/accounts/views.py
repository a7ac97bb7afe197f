"""Sign-in with password then TOTP, MFA enrolment, the one-time set-up link, sessions, role choice.

Account administration pages are in `admin_views`."""

from __future__ import annotations

import base64
import time
from typing import Any, cast

import segno
from axes.utils import reset as axes_reset
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguard.accounts import selectors, services
from safeguard.accounts.choices import NoticeKind
from safeguard.accounts.forms import ChooseRoleForm, CodeForm, EnrolForm, SetUpForm, SignInForm
from safeguard.accounts.middleware import MEMBERSHIP_KEY, SIGNED_IN_AT, is_mfa_verified
from safeguard.accounts.models import AccountNotice, User
from safeguard.audit.models import Outcome
from safeguard.core.decorators import actor_required
from safeguard.core.forms import add_service_errors
from safeguard.policy import Action

PENDING_USER = "safeguard_pending_user"
PENDING_AT = "safeguard_pending_at"
PENDING_NEXT = "safeguard_pending_next"
NEW_CODES = "safeguard_new_recovery_codes"
PENDING_LIFETIME = 5 * 60
GENERIC_FAILURE = (
    "Enter a correct username and password. After 5 failed attempts an account is locked "
    "until an administrator unlocks it."
)


def _render_sign_in(request: HttpRequest, form: SignInForm) -> HttpResponse:
    return render(request, "accounts/sign_in.html", {"form": form})


def _failed_sign_in(request: HttpRequest, username: str) -> HttpResponse:
    form = SignInForm(initial={"username": username})
    form.is_bound = False
    return render(
        request,
        "accounts/sign_in.html",
        {"form": form, "failure": GENERIC_FAILURE, "username": username},
    )


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """django-axes lockout: the same page as any failed sign-in, so accounts cannot be probed."""
    if original_response is not None:
        return original_response
    username = (credentials or {}).get("username", "") if isinstance(credentials, dict) else ""
    return _failed_sign_in(request, username)


def _pending_user(request: HttpRequest) -> User | None:
    user_id = request.session.get(PENDING_USER)
    started = request.session.get(PENDING_AT, 0)
    if user_id is None or time.time() - float(started) > PENDING_LIFETIME:
        return None
    return User.objects.filter(pk=user_id, is_active=True, locked_at__isnull=True).first()


def _safe_next(request: HttpRequest, target: str | None) -> str:
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("core:dashboard")


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and getattr(request, "actor", None) is not None:
        return redirect("core:dashboard")
    if request.method == "GET":
        request.session[PENDING_NEXT] = request.GET.get("next", "")
        return _render_sign_in(request, SignInForm())
    form = SignInForm(request.POST)
    if not form.is_valid():
        return _render_sign_in(request, form)
    username = form.cleaned_data["username"]
    user = authenticate(request, username=username, password=form.cleaned_data["password"])
    if user is None:
        known = User.objects.filter(username=username).first()
        services.record_sign_in(username=username, user=known, outcome=Outcome.FAILURE, stage="password")
        return _failed_sign_in(request, username)
    services.record_sign_in(username=username, user=user, outcome=Outcome.SUCCESS, stage="password")
    # The right password ends a run of failures (django-axes only sees the final login()).
    axes_reset(username=username)
    return _start_pending_sign_in(request, user)


def _complete_sign_in(request: HttpRequest, user: User, device: Any) -> None:
    next_url = request.session.get(PENDING_NEXT, "")
    login(request, user, backend="safeguard.accounts.backends.AccountBackend")
    otp_login(request, device)
    for key in (PENDING_USER, PENDING_AT):
        request.session.pop(key, None)
    request.session[SIGNED_IN_AT] = time.time()
    request.session[PENDING_NEXT] = next_url
    services.record_sign_in(username=user.username, user=user, outcome=Outcome.SUCCESS, stage="mfa")
    for notice in services.notices_take(user=user):
        messages.info(request, notice_text(notice))


def notice_text(notice: AccountNotice) -> str:
    when = dateformat.format(timezone.localtime(notice.created_at), r"j F Y \a\t H:i")
    if notice.kind == NoticeKind.SECOND_FACTOR_RESET:
        return (
            f"An administrator reset your second factor on {when}, so you set up your authenticator app "
            "again. If you did not ask for this, tell your administrator."
        )
    return f"An administrator reset your password on {when}. If you did not ask for this, tell your administrator."


def _start_pending_sign_in(request: HttpRequest, user: User) -> HttpResponse:
    """The password step is done: on to the security code, or to setting up an authenticator."""
    request.session.cycle_key()
    request.session[PENDING_USER] = user.pk
    request.session[PENDING_AT] = time.time()
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return redirect("accounts:sign-in-verify")
    return redirect("accounts:sign-in-enrol")


@require_http_methods(["GET", "POST"])
def account_set_up(request: HttpRequest, token: str) -> HttpResponse:
    """The one-time link an administrator gave: choose a password, then the second factor."""
    subject = services.setup_user(token=token)
    if subject is None:
        return render(request, "accounts/set_up_invalid.html", status=404)
    form = SetUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.account_set_up(token=token, password=form.cleaned_data["password"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if request.user.is_authenticated:
                logout(request)
            request.session[PENDING_NEXT] = ""
            messages.success(request, "Your password is set.")
            return _start_pending_sign_in(request, user)
    return render(request, "accounts/set_up.html", {"form": form, "subject": subject})


@require_http_methods(["GET", "POST"])
def sign_in_verify(request: HttpRequest) -> HttpResponse:
    user = _pending_user(request)
    if user is None:
        messages.info(request, "Your sign-in expired. Sign in again.")
        return redirect("accounts:sign-in")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        device: Any = None
        for candidate in TOTPDevice.objects.filter(user=user, confirmed=True):
            if candidate.verify_token(code):
                device = candidate
                break
        if device is None:
            for candidate in StaticDevice.objects.filter(user=user, confirmed=True):
                if candidate.verify_token(code):
                    device = candidate
                    break
        if device is not None:
            _complete_sign_in(request, user, device)
            return redirect(_safe_next(request, request.session.pop(PENDING_NEXT, "")))
        services.record_sign_in(username=user.username, user=user, outcome=Outcome.FAILURE, stage="mfa")
        form.add_error("code", "The security code is not correct, or it has already been used")
    return render(request, "accounts/sign_in_verify.html", {"form": form})


@require_http_methods(["GET", "POST"])
def sign_in_enrol(request: HttpRequest) -> HttpResponse:
    user = _pending_user(request)
    if user is None:
        messages.info(request, "Your sign-in expired. Sign in again.")
        return redirect("accounts:sign-in")
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return redirect("accounts:sign-in-verify")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = services.totp_device_start(user=user)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            codes = services.totp_device_confirm(device=device)
            _complete_sign_in(request, user, device)
            request.session[NEW_CODES] = codes
            return redirect("accounts:recovery-codes")
        form.add_error("code", "The security code is not correct. Check the time on your phone and try again")
    qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#0b0c0c", light="#ffffff")
    secret_b32 = base64.b32encode(device.bin_key).decode().rstrip("=")
    was_reset = AccountNotice.objects.filter(
        user=user, kind=NoticeKind.SECOND_FACTOR_RESET, shown_at__isnull=True
    ).exists()
    return render(
        request,
        "accounts/sign_in_enrol.html",
        {"form": form, "qr_svg": qr_svg, "secret": secret_b32, "was_reset": was_reset},
    )


@actor_required(Action.DASHBOARD_VIEW)
def recovery_codes(request: HttpRequest) -> HttpResponse:
    codes = request.session.pop(NEW_CODES, None)
    if not codes:
        return redirect("accounts:account")
    return render(
        request,
        "accounts/recovery_codes.html",
        {"codes": codes, "next_url": _safe_next(request, request.session.pop(PENDING_NEXT, ""))},
    )


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        services.record_sign_in(
            username=request.user.get_username(), user=request.user, outcome=Outcome.SUCCESS, stage="sign_out"
        )
    logout(request)
    messages.success(request, "You have signed out.")
    return redirect("accounts:sign-in")


@actor_required(Action.DASHBOARD_VIEW)
def account(request: HttpRequest) -> HttpResponse:
    memberships = selectors.memberships_of(user=request.user)  # type: ignore[arg-type]
    remaining = sum(d.token_set.count() for d in StaticDevice.objects.filter(user=request.user))
    return render(
        request,
        "accounts/account.html",
        {"memberships": memberships, "recovery_codes_remaining": remaining},
    )


@require_POST
@actor_required(Action.DASHBOARD_VIEW)
def sign_out_everywhere(request: HttpRequest) -> HttpResponse:
    services.sessions_end_everywhere(user=request.user)  # type: ignore[arg-type]
    logout(request)
    messages.success(request, "You have been signed out on every device.")
    return redirect("accounts:sign-in")


@require_POST
@actor_required(Action.DASHBOARD_VIEW)
def recovery_codes_regenerate(request: HttpRequest) -> HttpResponse:
    request.session[NEW_CODES] = services.recovery_codes_issue(user=request.user)  # type: ignore[arg-type]
    return redirect("accounts:recovery-codes")


@require_http_methods(["GET", "POST"])
def choose_role(request: HttpRequest) -> HttpResponse:
    if not is_mfa_verified(request.user):
        return redirect("accounts:sign-in")
    memberships = list(selectors.memberships_of(user=cast(User, request.user)))
    form = ChooseRoleForm(request.POST or None, memberships=memberships)
    if request.method == "POST" and form.is_valid():
        request.session[MEMBERSHIP_KEY] = form.cleaned_data["membership"]
        return redirect("core:dashboard")
    return render(request, "accounts/choose_role.html", {"form": form, "memberships": memberships})
