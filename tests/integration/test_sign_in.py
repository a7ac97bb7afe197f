"""T7 and T9: sign-in, lockout, enumeration, MFA (replay, recovery codes) and session lifetimes."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguard.accounts import services
from safeguard.accounts.middleware import RENEWED_AT, SIGNED_IN_AT
from safeguard.accounts.models import User
from safeguard.audit.models import AuditEvent
from tests.conftest import TEST_PASSWORD, sign_in

SIGN_IN = reverse("accounts:sign-in")
VERIFY = reverse("accounts:sign-in-verify")
DASHBOARD = reverse("core:dashboard")


def code_for(user: User) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def password_step(client: Client, username: str, password: str = TEST_PASSWORD):
    return client.post(SIGN_IN, {"username": username, "password": password})


def body_without_tokens(response) -> str:
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    return re.sub(r'nonce="[^"]+"', "", text)


def test_password_then_code_signs_in_and_rotates_the_session(client, world):
    client.get(SIGN_IN)
    anonymous_key = client.session.session_key
    response = password_step(client, "prob_prac")
    assert response.status_code == 302 and response.url == VERIFY
    assert client.get(DASHBOARD).status_code == 302  # password alone is not enough
    response = client.post(VERIFY, {"code": code_for(world.users["prob_prac"])})
    assert response.status_code == 302 and response.url == DASHBOARD
    assert client.session.session_key != anonymous_key
    page = client.get(DASHBOARD)
    assert page.status_code == 200
    assert "Test probation agency" in page.content.decode()
    stages = list(AuditEvent.objects.filter(username="prob_prac").values_list("action", "outcome"))
    assert ("sign_in.password", "success") in stages and ("sign_in.mfa", "success") in stages


def test_a_used_code_is_refused_as_a_replay(client, world):
    user = world.users["prob_prac"]
    code = code_for(user)
    password_step(client, "prob_prac")
    assert client.post(VERIFY, {"code": code}).status_code == 302
    other = Client()
    password_step(other, "prob_prac")
    response = other.post(VERIFY, {"code": code})
    assert response.status_code == 200
    assert "already been used" in response.content.decode()
    assert other.get(DASHBOARD).status_code == 302


def test_recovery_codes_work_once(client, world):
    user = world.users["prob_prac"]
    codes = services.recovery_codes_issue(user=user)
    password_step(client, "prob_prac")
    assert client.post(VERIFY, {"code": codes[0]}).status_code == 302
    assert not StaticToken.objects.filter(token=codes[0]).exists()
    other = Client()
    password_step(other, "prob_prac")
    assert other.post(VERIFY, {"code": codes[0]}).status_code == 200
    assert len(codes) == 10 and len(set(codes)) == 10


def test_unknown_and_known_accounts_get_identical_failure_pages(world):
    wrong = password_step(Client(), "prob_prac", "wrong-password-123")
    unknown = password_step(Client(), "nobody_here", "wrong-password-123")
    assert wrong.status_code == unknown.status_code == 200
    assert body_without_tokens(wrong).replace("prob_prac", "X") == body_without_tokens(unknown).replace("nobody_here", "X")


def test_five_failures_lock_the_account_until_an_administrator_unlocks(client, world):
    for _ in range(5):
        password_step(Client(), "prob_prac", "wrong-password-123")
    user = User.objects.get(username="prob_prac")
    assert user.locked_at is not None
    locked = password_step(Client(), "prob_prac")  # the right password, now refused
    assert locked.status_code == 200 and "Enter a correct username and password" in locked.content.decode()
    unknown_locked = [password_step(Client(), "ghost_user", "wrong-password-123") for _ in range(6)][-1]
    assert body_without_tokens(locked).replace("prob_prac", "X") == body_without_tokens(unknown_locked).replace("ghost_user", "X")
    assert AuditEvent.objects.filter(username="prob_prac", action="sign_in.password", outcome="failure").count() >= 5
    sign_in(client, world.users["admin"])
    response = client.post(reverse("accounts:user-unlock", kwargs={"pk": user.pk}))
    assert response.status_code == 302
    assert User.objects.get(pk=user.pk).locked_at is None
    assert password_step(Client(), "prob_prac").status_code == 302


def test_four_failures_then_success_resets_the_count(world):
    for _ in range(4):
        password_step(Client(), "prob_prac", "wrong-password-123")
    assert password_step(Client(), "prob_prac").status_code == 302
    for _ in range(4):
        password_step(Client(), "prob_prac", "wrong-password-123")
    assert User.objects.get(username="prob_prac").locked_at is None


def test_enrolment_shows_a_key_and_issues_recovery_codes(client, world):
    user = User.objects.create(username="newcomer", password=world.users["prob_prac"].password)
    user.memberships.create(agency=world.agencies["probation"], role="practitioner")
    response = password_step(client, "newcomer")
    assert response.url == reverse("accounts:sign-in-enrol")
    page = client.get(response.url)
    assert page.status_code == 200 and "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    bad = client.post(response.url, {"code": "12"})
    assert "Security code must be 6 digits" in bad.content.decode()
    code = f"{totp(device.bin_key):06d}"
    done = client.post(response.url, {"code": code})
    assert done.url == reverse("accounts:recovery-codes")
    codes_page = client.get(done.url)
    assert codes_page.status_code == 200 and len(codes_page.context["codes"]) == 10
    assert TOTPDevice.objects.get(pk=device.pk).confirmed


def test_session_ends_after_twelve_hours_however_active(client, world):
    sign_in(client, world.users["prob_prac"])
    session = client.session
    session[SIGNED_IN_AT] = time.time() - 12 * 3600 - 1
    session.save()
    assert client.get(DASHBOARD).status_code == 302


def test_session_ends_after_fifteen_idle_minutes(client, world, settings):
    sign_in(client, world.users["prob_prac"])
    assert settings.SESSION_COOKIE_AGE == 15 * 60
    key = client.session.session_key
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    assert client.get(DASHBOARD).status_code == 302


def _last_renewed(client, seconds_ago):
    session = client.session
    session[RENEWED_AT] = time.time() - seconds_ago
    session.save()


def test_activity_renews_the_idle_limit(client, world):
    sign_in(client, world.users["prob_prac"])
    key = client.session.session_key
    _last_renewed(client, 14 * 60)  # fourteen minutes without a request
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + timedelta(minutes=1))
    client.get(DASHBOARD)
    assert Session.objects.get(session_key=key).expire_date > timezone.now() + timedelta(minutes=14)


def test_reading_pages_writes_the_session_at_most_once_a_minute(client, world, settings):
    sign_in(client, world.users["prob_prac"])
    key = client.session.session_key
    _last_renewed(client, settings.SESSION_RENEW_SECONDS - 5)
    before = Session.objects.get(session_key=key).expire_date
    response = client.get(DASHBOARD)
    assert response.status_code == 200 and "sessionid" not in response.cookies  # no new cookie either
    assert Session.objects.get(session_key=key).expire_date == before  # not written: renewed 55 s ago
    _last_renewed(client, settings.SESSION_RENEW_SECONDS + 1)
    expiry = Session.objects.get(session_key=key).expire_date
    assert client.get(DASHBOARD).status_code == 200
    assert Session.objects.get(session_key=key).expire_date > expiry  # a minute on: renewed


@pytest.mark.parametrize("how", ["everywhere", "disable", "role_change"])
def test_sessions_end_on_sign_out_everywhere_disable_or_role_change(world, how):
    first, second, admin = Client(), Client(), Client()
    user = world.users["prob_prac"]
    sign_in(first, user)
    sign_in(second, user)
    sign_in(admin, world.users["admin"])
    assert second.get(DASHBOARD).status_code == 200
    if how == "everywhere":
        first.post(reverse("accounts:sign-out-everywhere"))
    elif how == "disable":
        admin.post(reverse("accounts:user-disable", kwargs={"pk": user.pk}))
    else:
        admin.post(
            reverse("accounts:membership-role", kwargs={"pk": user.pk, "membership_pk": world.memberships["prob_prac"].pk}),
            {"role": "supervisor"},
        )
    assert second.get(DASHBOARD).status_code == 302


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("short-pass1", False),  # 11 characters
        ("password1234", False),  # common
        ("a-long-enough-passphrase", True),
        ("x" * 40 + "-unusual-passphrase-" + "y" * 10, True),  # 70 characters accepted
        ("z" * 129, False),
    ],
)
def test_password_rules(password, ok):
    if ok:
        validate_password(password)
    else:
        with pytest.raises(ValidationError):
            validate_password(password)


def test_sign_in_form_names_missing_fields(client, db):
    response = client.post(SIGN_IN, {"username": "", "password": ""})
    text = response.content.decode()
    assert "Enter your username" in text and "Enter your password" in text
    assert 'href="#id_username"' in text
