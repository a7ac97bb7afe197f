"""Account administration (issue 8, item 22): new users with a one-time set-up link, roles added,
changed and ended, password and second-factor resets with a notice at the next sign-in, unlocking,
and disabling after a confirmation page. Bad input names the field and saves nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguard.accounts import services
from safeguard.accounts.models import AccountNotice, Membership, User
from safeguard.audit.models import AuditEvent
from tests.conftest import TEST_PASSWORD, sign_in

DASHBOARD = reverse("core:dashboard")
NEW_PASSWORD = "a-fresh-synthetic-passphrase"


@pytest.fixture
def admin_client(client, world):
    sign_in(client, world.users["admin"])
    return client


def setup_link(client: Client, user: User) -> str:
    """The link shown once after a creation or reset, as the administrator sees it."""
    page = client.get(reverse("accounts:user-setup-link", kwargs={"pk": user.pk}))
    assert page.status_code == 200
    return page.context["link"].removeprefix("http://testserver")


def new_user_data(world, **changes) -> dict:
    data = {
        "username": "pat.testington", "first_name": "Pat", "last_name": "Testington",
        "agency": world.agencies["probation"].pk, "role": "practitioner", "job_title": "Probation officer",
    }
    return {**data, **changes}


def test_a_new_user_sets_a_password_with_their_link_then_enrols_and_signs_in(admin_client, world):
    response = admin_client.post(reverse("accounts:user-create"), new_user_data(world))
    user = User.objects.get(username="pat.testington")
    assert response.url == reverse("accounts:user-setup-link", kwargs={"pk": user.pk})
    assert not user.has_usable_password()
    assert list(user.memberships.values_list("agency__name", "role", "job_title")) == [
        ("Test probation agency", "practitioner", "Probation officer")
    ]
    link = setup_link(admin_client, user)
    # Shown once: the page does not show it again.
    again = admin_client.get(reverse("accounts:user-setup-link", kwargs={"pk": user.pk}))
    assert again.status_code == 302 and again.url == reverse("accounts:user-detail", kwargs={"pk": user.pk})
    assert user.setup_token_hash and link.split("/")[-2] not in user.setup_token_hash

    newcomer = Client()
    assert newcomer.get(link).status_code == 200
    mismatch = newcomer.post(link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD + "x"})
    assert "The passwords do not match" in mismatch.content.decode()
    weak = newcomer.post(link, {"password": "password1234", "confirm": "password1234"})
    assert weak.status_code == 200 and "too common" in weak.content.decode()
    assert not User.objects.get(pk=user.pk).has_usable_password()
    done = newcomer.post(link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.url == reverse("accounts:sign-in-enrol")
    assert newcomer.get(done.url).status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    enrolled = newcomer.post(done.url, {"code": f"{totp(device.bin_key):06d}"})
    assert enrolled.url == reverse("accounts:recovery-codes")
    assert newcomer.get(DASHBOARD).status_code == 200
    # The link worked once.
    assert Client().get(link).status_code == 404
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD) and not user.setup_token_hash
    actions = set(AuditEvent.objects.filter(object_id=str(user.pk)).values_list("action", flat=True))
    assert {"user.created", "membership.added", "account.set_up", "mfa.enrolled"} <= actions


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"username": ""}, "Enter a username"),
        ({"username": "Pat Testington"}, "Username must use only lower-case letters"),
        ({"username": "PROB_PRAC".lower()}, "A user called prob_prac already exists"),
        ({"first_name": ""}, "Enter a first name"),
        ({"last_name": "x" * 151}, "Last name must be 150 characters or fewer"),
        ({"agency": ""}, "Select an agency"),
        ({"agency": "999999"}, "Select an agency from the list"),
        ({"role": "superuser"}, "Select a role from the list"),
        ({"role": ""}, "Select a role"),
        ({"job_title": "y" * 101}, "Job title must be 100 characters or fewer"),
    ],
)
def test_creating_a_user_with_bad_input_names_the_field_and_saves_nothing(admin_client, world, changes, message):
    users, events = User.objects.count(), AuditEvent.objects.filter(action="user.created").count()
    response = admin_client.post(reverse("accounts:user-create"), new_user_data(world, **changes))
    text = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in text
    assert message in text
    assert User.objects.count() == users
    assert AuditEvent.objects.filter(action="user.created").count() == events


def test_a_username_differing_only_in_case_is_refused(world):
    with pytest.raises(Exception, match="already exists"):
        services.user_create(
            actor=world.actor("admin"), username="Prob_Prac", first_name="A", last_name="B",
            agency=world.agencies["probation"], role="practitioner",
        )


def test_a_password_reset_ends_the_old_password_and_tells_the_user(admin_client, world):
    user = world.users["prob_prac"]
    session = Client()
    sign_in(session, user)
    page = admin_client.get(reverse("accounts:user-reset-password", kwargs={"pk": user.pk}))
    assert page.status_code == 200 and "Reset prob_prac" in page.content.decode()
    response = admin_client.post(reverse("accounts:user-reset-password", kwargs={"pk": user.pk}))
    assert response.url == reverse("accounts:user-setup-link", kwargs={"pk": user.pk})
    link = setup_link(admin_client, user)
    assert session.get(DASHBOARD).status_code == 302  # sessions ended
    old = Client().post(reverse("accounts:sign-in"), {"username": "prob_prac", "password": TEST_PASSWORD})
    assert old.status_code == 200  # the old password no longer works
    newcomer = Client()
    done = newcomer.post(link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.url == reverse("accounts:sign-in-verify")  # the authenticator stays
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    signed_in = newcomer.post(done.url, {"code": f"{totp(device.bin_key):06d}"}, follow=True)
    text = signed_in.content.decode()
    assert "An administrator reset your password on" in text and "tell your administrator" in text
    assert AccountNotice.objects.get(user=user).shown_at is not None
    assert "An administrator reset your password" not in newcomer.get(DASHBOARD).content.decode()
    assert AuditEvent.objects.filter(action="account.password_reset", object_id=str(user.pk), username="admin").exists()


def test_a_password_reset_unlocks_a_locked_account(world):
    user = world.users["prob_prac"]
    services.account_lock(username="prob_prac")
    result = services.password_reset(actor=world.actor("admin"), user=user)
    user.refresh_from_db()
    assert user.locked_at is None and result.setup_token


def test_a_second_factor_reset_makes_the_user_enrol_again_and_tells_them(admin_client, world):
    user = world.users["prob_prac"]
    services.recovery_codes_issue(user=user)
    session = Client()
    sign_in(session, user)
    page = admin_client.get(reverse("accounts:user-reset-second-factor", kwargs={"pk": user.pk}))
    assert "lost the phone" in page.content.decode()
    response = admin_client.post(reverse("accounts:user-reset-second-factor", kwargs={"pk": user.pk}))
    assert response.url == reverse("accounts:user-detail", kwargs={"pk": user.pk})
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticDevice.objects.filter(user=user).exists()
    assert session.get(DASHBOARD).status_code == 302
    again = Client()
    step = again.post(reverse("accounts:sign-in"), {"username": "prob_prac", "password": TEST_PASSWORD})
    assert step.url == reverse("accounts:sign-in-enrol")
    enrol = again.get(step.url)
    assert 'data-testid="reset-notice"' in enrol.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    done = again.post(step.url, {"code": f"{totp(device.bin_key):06d}"}, follow=True)
    assert "An administrator reset your second factor on" in done.content.decode()
    event = AuditEvent.objects.get(action="account.second_factor_reset")
    assert (event.username, event.object_id) == ("admin", str(user.pk))


def test_service_accounts_have_no_password_or_second_factor_to_reset(world):
    robot = User.objects.create(username="robot.service", is_service_account=True)
    Membership.objects.create(user=robot, agency=world.agencies["probation"], role="practitioner")
    for reset in (services.password_reset, services.second_factor_reset):
        with pytest.raises(Exception, match="Service accounts sign in with API tokens"):
            reset(actor=world.actor("admin"), user=robot)
    assert not AuditEvent.objects.filter(action__startswith="account.", object_id=str(robot.pk)).exists()


def test_disabling_asks_for_confirmation_first(admin_client, world):
    user = world.users["prob_prac"]
    url = reverse("accounts:user-disable", kwargs={"pk": user.pk})
    page = admin_client.get(url)
    assert page.status_code == 200 and "Disable prob_prac" in page.content.decode()
    assert User.objects.get(pk=user.pk).is_active  # the page alone changes nothing
    assert admin_client.post(url).status_code == 302
    assert not User.objects.get(pk=user.pk).is_active
    admin_client.post(reverse("accounts:user-enable", kwargs={"pk": user.pk}))
    assert User.objects.get(pk=user.pk).is_active
    actions = list(AuditEvent.objects.filter(object_id=str(user.pk), action__startswith="account.").order_by("id").values_list("action", flat=True))
    assert actions == ["account.disabled", "account.enabled"]


def test_unlocking_from_the_user_page(admin_client, world):
    user = world.users["prob_prac"]
    services.account_lock(username="prob_prac")
    page = admin_client.get(reverse("accounts:user-detail", kwargs={"pk": user.pk})).content.decode()
    assert "Locked since" in page and "Unlock account" in page
    assert admin_client.post(reverse("accounts:user-unlock", kwargs={"pk": user.pk})).status_code == 302
    assert User.objects.get(pk=user.pk).locked_at is None


def test_adding_changing_and_ending_roles(admin_client, world):
    user = world.users["prob_prac"]
    add = reverse("accounts:membership-add", kwargs={"pk": user.pk})
    response = admin_client.post(add, {"agency": world.agencies["treatment"].pk, "role": "supervisor"})
    assert response.status_code == 302
    added = Membership.objects.get(user=user, agency=world.agencies["treatment"])
    duplicate = admin_client.post(add, {"agency": world.agencies["treatment"].pk, "role": "supervisor"})
    assert "already has this role in Test treatment agency" in duplicate.content.decode()
    end = reverse("accounts:membership-end", kwargs={"pk": user.pk, "membership_pk": added.pk})
    confirm = admin_client.get(end)
    assert confirm.status_code == 200 and "End the role Supervisor in Test treatment agency?" in confirm.content.decode()
    assert Membership.objects.get(pk=added.pk).is_active
    assert admin_client.post(end).status_code == 302
    assert not Membership.objects.get(pk=added.pk).is_active
    twice = admin_client.post(end)
    assert twice.status_code == 200 and "This role has already ended" in twice.content.decode()
    # Adding the ended role again brings it back rather than duplicating it.
    assert admin_client.post(add, {"agency": world.agencies["treatment"].pk, "role": "supervisor"}).status_code == 302
    assert Membership.objects.filter(user=user, agency=world.agencies["treatment"]).count() == 1
    assert Membership.objects.get(pk=added.pk).is_active
    actions = list(AuditEvent.objects.filter(action__startswith="membership.").order_by("id").values_list("action", flat=True))
    assert actions == ["membership.added", "membership.ended", "membership.added"]


@pytest.mark.parametrize(
    ("role", "message"),
    [
        ("practitioner", "already has this role"),
        ("", "Select a role"),
        ("owner", "Select a role from the list"),
        ("supervisor", "already has, or had, this role in Test probation agency"),
    ],
)
def test_changing_a_role_with_bad_input_names_the_problem_and_changes_nothing(admin_client, world, role, message):
    user, membership = world.users["prob_prac"], world.memberships["prob_prac"]
    Membership.objects.create(user=user, agency=world.agencies["probation"], role="supervisor", is_active=False)
    url = reverse("accounts:membership-role", kwargs={"pk": user.pk, "membership_pk": membership.pk})
    response = admin_client.post(url, {"role": role})
    assert response.status_code == 200 and message in response.content.decode()
    assert Membership.objects.get(pk=membership.pk).role == "practitioner"
    assert not AuditEvent.objects.filter(action="membership.role_changed").exists()


def test_an_ended_role_cannot_be_changed(world):
    membership = world.memberships["prob_prac"]
    services.membership_end(actor=world.actor("admin"), membership=membership)
    with pytest.raises(Exception, match="This role has ended"):
        services.membership_set_role(actor=world.actor("admin"), membership=membership, role="supervisor")


def test_an_expired_or_unknown_set_up_link_is_refused(world):
    _, result = services.user_create(
        actor=world.actor("admin"), username="late.testington", first_name="Late", last_name="Testington",
        agency=world.agencies["probation"], role="practitioner",
    )
    link = reverse("accounts:set-up", kwargs={"token": result.setup_token})
    User.objects.filter(username="late.testington").update(setup_expires_at=timezone.now() - timedelta(seconds=1))
    expired = Client().post(link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert expired.status_code == 404 and "This link does not work" in expired.content.decode()
    assert not User.objects.get(username="late.testington").has_usable_password()
    unknown = Client().get(reverse("accounts:set-up", kwargs={"token": "not-a-real-token"}))
    assert unknown.status_code == 404


def test_a_second_reset_replaces_the_first_link(world):
    user = world.users["prob_prac"]
    first = services.password_reset(actor=world.actor("admin"), user=user).setup_token
    second = services.password_reset(actor=world.actor("admin"), user=user).setup_token
    assert services.setup_user(token=first) is None
    assert services.setup_user(token=second) == user


def test_the_user_page_shows_what_an_administrator_needs(admin_client, world):
    user = world.users["prob_prac"]
    text = admin_client.get(reverse("accounts:user-detail", kwargs={"pk": user.pk})).content.decode()
    for words in ("Authenticator app set up", "Change role", "End role", "Add a role", "Reset password",
                  "Reset second factor", "Disable account"):
        assert words in text
    own = admin_client.get(reverse("accounts:user-detail", kwargs={"pk": world.users["admin"].pk})).content.decode()
    assert 'data-testid="own-account"' in own
    assert "Reset password" not in own and "Change role" not in own and "Disable account" not in own
