"""Separation of duties (issue 8, items 5 and 22): nobody grants themselves power, and giving the
auditor or administrator role, or taking over such an account, needs two administrators."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguard.accounts import approvals, services
from safeguard.accounts.approvals import ChangeRefused
from safeguard.accounts.models import Membership, PrivilegedChangeRequest, User
from safeguard.audit.models import AuditEvent
from safeguard.policy import Actor
from tests.conftest import password_hash, sign_in

DASHBOARD = reverse("core:dashboard")
REASON = "Covering the audit duties while the usual auditor is away."


@pytest.fixture
def admin2(world) -> User:
    """A second administrator of the administration agency."""
    user = User.objects.create(username="admin2", password=password_hash(), first_name="Second")
    TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    Membership.objects.create(user=user, agency=world.agencies["admin"], role="administrator")
    return user


def actor_for(user: User) -> Actor:
    return Actor(user=user, membership=user.memberships.get(is_active=True), endpoint="test")


def client_for(user: User) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def role_url(user: User, membership: Membership) -> str:
    return reverse("accounts:membership-role", kwargs={"pk": user.pk, "membership_pk": membership.pk})


def ask_auditor_for(client: Client, world) -> PrivilegedChangeRequest:
    user, membership = world.users["prob_prac"], world.memberships["prob_prac"]
    response = client.post(role_url(user, membership), {"role": "auditor", "reason": REASON})
    request = PrivilegedChangeRequest.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("accounts:approval-detail", kwargs={"request_pk": request.pk})
    return request


def test_an_administrator_cannot_make_themselves_auditor(client, world):
    admin = world.users["admin"]
    membership = world.memberships["admin"]
    sign_in(client, admin)
    response = client.post(role_url(admin, membership), {"role": "auditor"})
    assert response.status_code == 403
    assert "You cannot change your own roles" in response.content.decode()
    assert Membership.objects.get(pk=membership.pk).role == "administrator"
    assert not Membership.objects.filter(user=admin, role="auditor").exists()
    refused = AuditEvent.objects.filter(user_id=admin.pk, outcome="denied").last()
    assert refused is not None and refused.action == "membership.role_change_refused"
    # Signing in again opens no audit log: the role is unchanged.
    again = client_for(admin)
    assert again.get(reverse("audit:list")).status_code == 403


@pytest.mark.parametrize(
    ("url_name", "data", "attempt", "message"),
    [
        ("accounts:membership-add", {"agency": "AGENCY", "role": "auditor", "reason": REASON}, "membership.add",
         "You cannot give yourself a role"),
        ("accounts:membership-end", {}, "membership.end", "You cannot end your own roles"),
        ("accounts:user-reset-password", {}, "account.password_reset", "You cannot reset your own password"),
        ("accounts:user-reset-second-factor", {}, "account.second_factor_reset",
         "You cannot reset your own second factor"),
        ("accounts:user-disable", {}, "account.disable", "You cannot disable your own account"),
        ("accounts:user-enable", {}, "account.enable", "You cannot enable your own account"),
        ("accounts:user-unlock", {}, "account.unlock", "You cannot unlock your own account"),
    ],
)
def test_nobody_changes_their_own_account_through_administration(client, world, url_name, data, attempt, message):
    admin = world.users["admin"]
    sign_in(client, admin)
    kwargs = {"pk": admin.pk}
    if url_name == "accounts:membership-end":
        kwargs["membership_pk"] = world.memberships["admin"].pk
    data = {k: (world.agencies["admin"].pk if v == "AGENCY" else v) for k, v in data.items()}
    password, memberships = admin.password, list(Membership.objects.filter(user=admin).values_list("role", "is_active"))
    response = client.post(reverse(url_name, kwargs=kwargs), data)
    assert response.status_code == 403
    assert message in response.content.decode()
    admin.refresh_from_db()
    assert admin.password == password and admin.is_active
    assert list(Membership.objects.filter(user=admin).values_list("role", "is_active")) == memberships
    assert TOTPDevice.objects.filter(user=admin).exists()
    assert not PrivilegedChangeRequest.objects.exists()
    assert AuditEvent.objects.filter(user_id=admin.pk, action=f"{attempt}_refused", outcome="denied").count() == 1


def test_two_person_rule_request_then_another_administrator_approves(world, admin2):
    user, membership = world.users["prob_prac"], world.memberships["prob_prac"]
    first, second, subject_session = client_for(world.users["admin"]), client_for(admin2), client_for(user)
    request = ask_auditor_for(first, world)
    # Nothing has changed yet; the request waits, with its reason.
    assert Membership.objects.get(pk=membership.pk).role == "practitioner"
    assert request.state == "requested" and request.reason == REASON
    assert subject_session.get(DASHBOARD).status_code == 200

    # The requester sees it as theirs and cannot approve it.
    page = first.get(reverse("accounts:approval-detail", kwargs={"request_pk": request.pk})).content.decode()
    assert "You asked for this change" in page and "Approve" not in page
    own = first.post(reverse("accounts:approval-approve", kwargs={"request_pk": request.pk}))
    assert own.status_code == 403 and "another administrator must decide" in own.content.decode()
    assert Membership.objects.get(pk=membership.pk).role == "practitioner"

    # The other administrator sees it waiting, on the dashboard and the approvals page.
    assert "Give" not in first.get(DASHBOARD).content.decode()
    dashboard = second.get(DASHBOARD).content.decode()
    assert "Change Prob_Prac (prob_prac)’s role in Test probation agency from Practitioner to Auditor" in dashboard
    listing = second.get(reverse("accounts:approval-list"))
    assert [r.pk for r in listing.context["waiting"]] == [request.pk]
    response = second.post(reverse("accounts:approval-approve", kwargs={"request_pk": request.pk}))
    assert response.status_code == 302

    request.refresh_from_db()
    assert (request.state, request.decided_by, request.requested_by) == ("approved", admin2, world.users["admin"])
    assert Membership.objects.get(pk=membership.pk).role == "auditor"
    assert subject_session.get(DASHBOARD).status_code == 302  # the role change ended their sessions
    events = AuditEvent.objects.filter(action__in=["approval.requested", "approval.approved", "membership.role_changed"])
    assert [(e.action, e.username) for e in events.order_by("id")] == [
        ("approval.requested", "admin"),
        ("membership.role_changed", "admin2"),
        ("approval.approved", "admin2"),
    ]
    requested = events.get(action="approval.requested")
    assert requested.justification == REASON and requested.details["role"] == "auditor"
    assert events.get(action="membership.role_changed").details["request"] == request.pk
    assert AuditEvent.objects.filter(action="approval.approve_refused", username="admin", outcome="denied").exists()


def test_a_refused_request_changes_nothing_and_is_recorded(world, admin2):
    membership = world.memberships["prob_prac"]
    request = ask_auditor_for(client_for(world.users["admin"]), world)
    second = client_for(admin2)
    url = reverse("accounts:approval-refuse", kwargs={"request_pk": request.pk})
    missing = second.post(url, {"reason": ""})
    assert missing.status_code == 200 and "Enter why you are refusing" in missing.content.decode()
    assert PrivilegedChangeRequest.objects.get(pk=request.pk).state == "requested"
    response = second.post(url, {"reason": "Auditors are appointed by the governance board only."})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.state == "refused" and request.decided_by == admin2 and request.decided_at is not None
    assert Membership.objects.get(pk=membership.pk).role == "practitioner"
    refused = AuditEvent.objects.get(action="approval.refused")
    assert refused.username == "admin2" and refused.justification.startswith("Auditors are appointed")
    assert not AuditEvent.objects.filter(action="membership.role_changed").exists()
    # A decided request cannot be decided again.
    again = second.post(reverse("accounts:approval-approve", kwargs={"request_pk": request.pk}))
    assert again.status_code == 200 and "already been decided" in again.content.decode()
    assert Membership.objects.get(pk=membership.pk).role == "practitioner"


def test_the_person_a_request_is_about_cannot_decide_it(world, admin2):
    admin = world.users["admin"]
    membership = Membership.objects.get(user=admin2)
    result = services.membership_set_role(
        actor=world.actor("admin"), membership=membership, role="auditor", reason=REASON
    )
    assert result.request is not None
    with pytest.raises(ChangeRefused, match="about your own account"):
        approvals.change_request_approve(actor=actor_for(admin2), request=result.request)
    assert Membership.objects.get(pk=membership.pk).role == "administrator"
    assert result.request.requested_by == admin


def test_the_database_refuses_a_request_decided_by_its_requester(world):
    request = PrivilegedChangeRequest.objects.create(
        kind="membership.role", agency=world.agencies["admin"], subject=world.users["prob_prac"],
        payload={}, reason=REASON, requested_by=world.users["admin"],
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        PrivilegedChangeRequest.objects.filter(pk=request.pk).update(
            state="approved", decided_by=world.users["admin"], decided_at=timezone.now()
        )


def test_if_the_change_can_no_longer_be_made_nothing_changes_and_the_request_stays_open(world, admin2):
    membership = world.memberships["prob_prac"]
    result = services.membership_set_role(
        actor=world.actor("admin"), membership=membership, role="administrator", reason=REASON
    )
    services.membership_end(actor=world.actor("prob_admin"), membership=membership)
    response = client_for(admin2).post(
        reverse("accounts:approval-approve", kwargs={"request_pk": result.request.pk})
    )
    assert response.status_code == 200 and "This role has ended" in response.content.decode()
    membership.refresh_from_db()
    assert (membership.role, membership.is_active) == ("practitioner", False)
    assert PrivilegedChangeRequest.objects.get(pk=result.request.pk).state == "requested"
    assert not AuditEvent.objects.filter(action="approval.approved").exists()


def test_a_new_membership_with_a_privileged_role_waits_for_approval(world, admin2):
    user = world.users["prob_prac"]
    url = reverse("accounts:membership-add", kwargs={"pk": user.pk})
    first = client_for(world.users["admin"])
    data = {"agency": world.agencies["admin"].pk, "role": "administrator", "job_title": ""}
    # The first time the role is chosen, the reason is asked for (no error yet); then it is required.
    step = first.post(url, data)
    assert step.status_code == 200 and 'data-testid="approval-needed"' in step.content.decode()
    assert "There is a problem" not in step.content.decode()
    short = first.post(url, {**data, "reason": "because"})
    assert "Reason must be at least 10 characters" in short.content.decode()
    assert not PrivilegedChangeRequest.objects.exists()
    assert first.post(url, {**data, "reason": REASON}).status_code == 302
    assert not Membership.objects.filter(user=user, role="administrator").exists()
    request = PrivilegedChangeRequest.objects.get()
    assert request.kind == "membership.add"
    approvals.change_request_approve(actor=actor_for(admin2), request=request)
    added = Membership.objects.get(user=user, role="administrator")
    assert added.agency == world.agencies["admin"] and added.is_active


def test_a_new_user_with_a_privileged_first_role_has_no_role_until_approved(world, admin2):
    user, result = services.user_create(
        actor=world.actor("admin"), username="new.auditor", first_name="Newly", last_name="Testington",
        agency=world.agencies["admin"], role="auditor", reason=REASON,
    )
    assert result.pending and result.setup_token
    assert not user.memberships.exists()
    approvals.change_request_approve(actor=actor_for(admin2), request=result.request)
    assert list(user.memberships.values_list("role", flat=True)) == ["auditor"]


def test_resetting_an_administrators_password_needs_a_second_administrator(world, admin2):
    first = client_for(world.users["admin"])
    url = reverse("accounts:user-reset-password", kwargs={"pk": admin2.pk})
    page = first.get(url).content.decode()
    assert "a second administrator must approve" in page
    missing = first.post(url, {"reason": ""})
    assert missing.status_code == 200 and "Enter why this change is needed" in missing.content.decode()
    password = admin2.password
    assert first.post(url, {"reason": REASON}).status_code == 302
    admin2.refresh_from_db()
    assert admin2.password == password and not admin2.setup_token_hash
    # The probation administrator cannot see (or approve) a request of the platform's administrators.
    request = PrivilegedChangeRequest.objects.get()
    prob_admin = client_for(world.users["prob_admin"])
    assert prob_admin.get(reverse("accounts:approval-detail", kwargs={"request_pk": request.pk})).status_code == 404
    # Another platform administrator approves; they, not the requester, get the one-time link.
    third = User.objects.create(username="admin3", password=password_hash())
    TOTPDevice.objects.create(user=third, name="test", confirmed=True)
    Membership.objects.create(user=third, agency=world.agencies["admin"], role="administrator")
    approver = client_for(third)
    response = approver.post(reverse("accounts:approval-approve", kwargs={"request_pk": request.pk}))
    assert response.url == reverse("accounts:user-setup-link", kwargs={"pk": admin2.pk})
    assert "/set-up/" in approver.get(response.url).content.decode()
    admin2.refresh_from_db()
    assert not admin2.has_usable_password() and admin2.setup_token_hash


def test_an_agency_administrator_acts_only_on_accounts_wholly_in_their_agency(world):
    user = world.users["prob_prac"]
    Membership.objects.create(user=user, agency=world.agencies["police"], role="practitioner")
    client = client_for(world.users["prob_admin"])
    for name in ("accounts:user-reset-password", "accounts:user-reset-second-factor", "accounts:user-disable"):
        assert client.post(reverse(name, kwargs={"pk": user.pk})).status_code == 403
    assert client.post(reverse("accounts:user-unlock", kwargs={"pk": user.pk})).status_code == 403
    police = Membership.objects.get(user=user, agency=world.agencies["police"])
    assert client.get(role_url(user, police)).status_code == 404  # another agency's role
    # Roles are given only in the administrator's own agency.
    response = client.post(
        reverse("accounts:membership-add", kwargs={"pk": user.pk}),
        {"agency": world.agencies["police"].pk, "role": "supervisor"},
    )
    assert response.status_code == 200 and "Select an agency from the list" in response.content.decode()
    assert not Membership.objects.filter(user=user, role="supervisor").exists()
    user.refresh_from_db()
    assert user.is_active and user.has_usable_password()


def test_approval_pages_cost_the_same_however_many_requests_wait(world, admin2):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_for(url: str) -> int:
        client = client_for(admin2)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    def ask(name: str) -> None:
        user = User.objects.create(username=name, password=password_hash())
        membership = Membership.objects.create(user=user, agency=world.agencies["probation"], role="practitioner")
        services.membership_set_role(actor=world.actor("admin"), membership=membership, role="auditor", reason=REASON)

    ask("one.testington")
    few = [queries_for(reverse("accounts:approval-list")), queries_for(DASHBOARD)]
    for i in range(6):
        ask(f"more{i}.testington")
    assert [queries_for(reverse("accounts:approval-list")), queries_for(DASHBOARD)] == few
