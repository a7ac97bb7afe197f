"""Account administration pages: users, roles, resets, unlocking, disabling, and the two-person
approvals. Thin: parse, authorise (policy via the selectors), call a service, render."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguard import policy
from safeguard.accounts import approvals, selectors, services
from safeguard.accounts.approvals import ChangeRefused
from safeguard.accounts.choices import PRIVILEGED_ROLES, RequestState
from safeguard.accounts.forms import (
    ApprovalReasonForm,
    MembershipAddForm,
    NewUserForm,
    RefusalForm,
    RoleChangeForm,
)
from safeguard.accounts.models import PrivilegedChangeRequest, User
from safeguard.core.decorators import actor_required
from safeguard.core.forms import add_service_errors
from safeguard.policy import Action

SETUP_LINK = "safeguard_setup_link"


def refusals_shown(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A change the rules refuse (e.g. to one's own account) answers 403 with the reason."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except ChangeRefused as exc:
            return render(request, "accounts/refused.html", {"message": exc.message}, status=403)

    return wrapped


def _actor(request: HttpRequest) -> policy.Actor:
    return request.actor  # type: ignore[attr-defined, no-any-return]


def _reason_form(request: HttpRequest, needed: bool) -> ApprovalReasonForm | None:
    """The reason step of a change that needs approval: asked for (unbound) the first time the
    change is chosen, checked once it has been given."""
    if not needed:
        return None
    return ApprovalReasonForm(request.POST if "reason" in request.POST else None)


def _reason(reason_form: ApprovalReasonForm | None) -> str:
    return str(reason_form.cleaned_data["reason"]) if reason_form is not None else ""


def _ready(reason_form: ApprovalReasonForm | None) -> bool:
    return reason_form is None or reason_form.is_valid()


def _show_errors(exc: ValidationError, form: forms.Form, reason_form: ApprovalReasonForm | None) -> None:
    if reason_form is not None and hasattr(exc, "error_dict") and "reason" in exc.error_dict:
        add_service_errors(reason_form, ValidationError({"reason": exc.error_dict.pop("reason")}))
        if not exc.error_dict:
            return
    add_service_errors(form, exc)


def _after_change(request: HttpRequest, result: services.ChangeResult, subject: User, done: str) -> HttpResponse:
    if result.setup_token:
        request.session[SETUP_LINK] = {"user": subject.pk, "token": result.setup_token}
    if result.request is not None:
        messages.success(request, "Your request is waiting for another administrator's approval.")
        if result.setup_token:
            return redirect("accounts:user-setup-link", pk=subject.pk)
        return redirect("accounts:approval-detail", request_pk=result.request.pk)
    messages.success(request, done)
    if result.setup_token:
        return redirect("accounts:user-setup-link", pk=subject.pk)
    return redirect("accounts:user-detail", pk=subject.pk)


@actor_required(Action.USERS_VIEW)
def user_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:150]
    users = selectors.user_list(actor=_actor(request), query=query)
    waiting = selectors.approvals_waiting(actor=_actor(request)).count()
    return render(request, "accounts/user_list.html", {"users": users[:200], "query": query, "waiting": waiting})


@actor_required(Action.USERS_VIEW)
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    subject = selectors.user_get(actor=actor, pk=pk)
    is_self = subject.pk == request.user.pk
    manages = policy.allows(actor, Action.USERS_MANAGE) and not is_self
    expires = subject.setup_expires_at
    return render(
        request,
        "accounts/user_detail.html",
        {
            "subject": subject,
            "memberships": selectors.memberships_all(user=subject),
            "is_self": is_self,
            "may_add_role": manages,
            "can_manage": manages and selectors.user_manageable(actor=actor, user=subject),
            "manageable": selectors.memberships_manageable(actor=actor, user=subject) if manages else set(),
            "has_second_factor": TOTPDevice.objects.filter(user=subject, confirmed=True).exists(),
            "setup_until": expires if subject.setup_token_hash and expires and expires > timezone.now() else None,
            "requests": selectors.change_requests(actor=actor).filter(subject=subject, state=RequestState.REQUESTED),
        },
    )


def _role_change(
    request: HttpRequest, form: forms.Form, call: Callable[[dict[str, Any], str], HttpResponse]
) -> tuple[HttpResponse | None, ApprovalReasonForm | None]:
    """Submit a form that chooses a role: once it is valid, and the reason step is done when the
    role needs approval, `call(cleaned_data, reason)` makes the change (or the request). Returns
    the response to send, if done, and the reason form to show."""
    if request.method != "POST" or not form.is_valid():
        return None, None
    reason_form = _reason_form(request, form.cleaned_data["role"] in PRIVILEGED_ROLES)
    if not _ready(reason_form):
        return None, reason_form
    try:
        return call(form.cleaned_data, _reason(reason_form)), reason_form
    except ValidationError as exc:
        _show_errors(exc, form, reason_form)
        return None, reason_form


@require_http_methods(["GET", "POST"])
@actor_required(Action.USERS_MANAGE)
def user_create(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form = NewUserForm(request.POST or None, agencies=selectors.agencies_for_roles(actor=actor))

    def create(data: dict[str, Any], reason: str) -> HttpResponse:
        user, result = services.user_create(
            actor=actor, username=data["username"], first_name=data["first_name"], last_name=data["last_name"],
            agency=data["agency"], role=data["role"], job_title=data["job_title"], reason=reason,
        )
        request.session[SETUP_LINK] = {"user": user.pk, "token": result.setup_token}
        waits = " Their role waits for another administrator's approval; until then they have no role."
        messages.success(request, f"Account {user.username} created.{waits if result.pending else ''}")
        return redirect("accounts:user-setup-link", pk=user.pk)

    done, reason_form = _role_change(request, form, create)
    return done or render(request, "accounts/user_create.html", {"form": form, "reason_form": reason_form})


@actor_required(Action.USERS_MANAGE)
def user_setup_link(request: HttpRequest, pk: int) -> HttpResponse:
    """The one-time set-up link, shown once to the administrator who created or reset the account."""
    subject = selectors.user_get(actor=_actor(request), pk=pk)
    shown = request.session.pop(SETUP_LINK, None)
    if not shown or shown.get("user") != subject.pk:
        return redirect("accounts:user-detail", pk=pk)
    link = request.build_absolute_uri(reverse("accounts:set-up", kwargs={"token": shown["token"]}))
    return render(request, "accounts/setup_link.html", {"subject": subject, "link": link})


def _subject_for(request: HttpRequest, pk: int, attempt: str) -> tuple[policy.Actor, User]:
    """The account an administration page acts on; refused (and recorded) if it is the actor's own."""
    actor = _actor(request)
    subject = selectors.user_get(actor=actor, pk=pk)
    services.refuse_own_account(actor=actor, user=subject, attempt=attempt)
    return actor, subject


@require_http_methods(["GET", "POST"])
@actor_required(Action.USERS_MANAGE)
@refusals_shown
def membership_add(request: HttpRequest, pk: int) -> HttpResponse:
    actor, subject = _subject_for(request, pk, "membership.add")
    form = MembershipAddForm(request.POST or None, agencies=selectors.agencies_for_roles(actor=actor))

    def add(data: dict[str, Any], reason: str) -> HttpResponse:
        result = services.membership_add(
            actor=actor, user=subject, agency=data["agency"], role=data["role"], job_title=data["job_title"],
            reason=reason,
        )
        return _after_change(request, result, subject, "Role added. Their sessions have ended.")

    done, reason_form = _role_change(request, form, add)
    context = {"subject": subject, "form": form, "reason_form": reason_form}
    return done or render(request, "accounts/membership_add.html", context)


@require_http_methods(["GET", "POST"])
@actor_required(Action.USERS_MANAGE)
@refusals_shown
def membership_role(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    actor, subject = _subject_for(request, pk, "membership.role_change")
    membership = selectors.membership_for_change(actor=actor, user=subject, pk=membership_pk)
    form = RoleChangeForm(request.POST or None, initial={"role": membership.role})

    def change(data: dict[str, Any], reason: str) -> HttpResponse:
        result = services.membership_set_role(actor=actor, membership=membership, role=data["role"], reason=reason)
        return _after_change(request, result, subject, "Role changed. Their sessions have ended.")

    done, reason_form = _role_change(request, form, change)
    context = {"subject": subject, "membership": membership, "form": form, "reason_form": reason_form}
    return done or render(request, "accounts/membership_role.html", context)


@require_http_methods(["GET", "POST"])
@actor_required(Action.USERS_MANAGE)
@refusals_shown
def membership_end(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    actor, subject = _subject_for(request, pk, "membership.end")
    membership = selectors.membership_for_change(actor=actor, user=subject, pk=membership_pk)
    errors: list[str] = []
    if request.method == "POST":
        try:
            services.membership_end(actor=actor, membership=membership)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, f"Role ended: {membership}. Their sessions have ended.")
            return redirect("accounts:user-detail", pk=pk)
    return render(
        request, "accounts/membership_end.html", {"subject": subject, "membership": membership, "errors": errors}
    )


def _account_change(
    request: HttpRequest,
    pk: int,
    attempt: str,
    template: str,
    change: Callable[..., services.ChangeResult],
    done: str,
) -> HttpResponse:
    """A change to the account itself (confirmation page, then the change), with the reason step
    when the account holds a role whose changes need a second administrator."""
    actor = _actor(request)
    subject = selectors.user_for_change(actor=actor, pk=pk)
    services.refuse_own_account(actor=actor, user=subject, attempt=attempt)
    needs_approval = services.holds_privileged_role(subject)
    reason_form = ApprovalReasonForm(request.POST or None) if needs_approval else None
    errors: list[str] = []
    if request.method == "POST" and _ready(reason_form):
        try:
            result = change(actor=actor, user=subject, reason=_reason(reason_form))
        except ValidationError as exc:
            if reason_form is not None and hasattr(exc, "error_dict") and "reason" in exc.error_dict:
                add_service_errors(reason_form, exc)
            else:
                errors = exc.messages
        else:
            return _after_change(request, result, subject, done)
    return render(
        request,
        template,
        {"subject": subject, "reason_form": reason_form, "needs_approval": needs_approval, "errors": errors},
    )


@require_http_methods(["GET", "POST"])
@actor_required(Action.USERS_MANAGE)
@refusals_shown
def user_reset_password(request: HttpRequest, pk: int) -> HttpResponse:
    return _account_change(
        request, pk, "account.password_reset", "accounts/reset_password.html", services.password_reset,
        "Password reset. Their old password no longer works and their sessions have ended.",
    )


@require_http_methods(["GET", "POST"])
@actor_required(Action.USERS_MANAGE)
@refusals_shown
def user_reset_second_factor(request: HttpRequest, pk: int) -> HttpResponse:
    return _account_change(
        request, pk, "account.second_factor_reset", "accounts/reset_second_factor.html", services.second_factor_reset,
        "Second factor reset. They will set up their authenticator app again at their next sign-in.",
    )


@require_POST
@actor_required(Action.USERS_MANAGE)
@refusals_shown
def user_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    subject = selectors.user_for_change(actor=_actor(request), pk=pk)
    services.account_unlock(actor=_actor(request), user=subject)
    messages.success(request, f"{subject.username} is unlocked and can sign in again.")
    return redirect("accounts:user-detail", pk=pk)


@require_http_methods(["GET", "POST"])
@actor_required(Action.USERS_MANAGE)
@refusals_shown
def user_disable(request: HttpRequest, pk: int) -> HttpResponse:
    """A confirmation page, then the account is disabled and every session of it ends."""
    subject = selectors.user_for_change(actor=_actor(request), pk=pk)
    services.refuse_own_account(actor=_actor(request), user=subject, attempt="account.disable")
    if request.method == "POST":
        services.account_set_active(actor=_actor(request), user=subject, active=False)
        messages.success(request, f"{subject.username} is disabled; their sessions have ended.")
        return redirect("accounts:user-detail", pk=pk)
    return render(request, "accounts/user_disable.html", {"subject": subject})


@require_POST
@actor_required(Action.USERS_MANAGE)
@refusals_shown
def user_enable(request: HttpRequest, pk: int) -> HttpResponse:
    subject = selectors.user_for_change(actor=_actor(request), pk=pk)
    services.account_set_active(actor=_actor(request), user=subject, active=True)
    messages.success(request, f"{subject.username} is enabled and can sign in again.")
    return redirect("accounts:user-detail", pk=pk)


@actor_required(Action.USERS_MANAGE)
def approval_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    decided = selectors.change_requests(actor=actor).exclude(state=RequestState.REQUESTED)
    return render(
        request,
        "accounts/approval_list.html",
        {
            "waiting": selectors.approvals_waiting(actor=actor)[:50],
            "mine": selectors.approvals_requested_by(actor=actor)[:50],
            "decided": decided[:20],
        },
    )


def _approval_page(
    request: HttpRequest, change: PrivilegedChangeRequest, refusal: RefusalForm | None = None,
    errors: list[str] | None = None,
) -> HttpResponse:
    user_pk = request.user.pk
    own = user_pk in (change.requested_by_id, change.subject_id)
    return render(
        request,
        "accounts/approval_detail.html",
        {
            "change": change,
            "can_decide": change.is_pending and not own,
            "own": own,
            "refusal": refusal or RefusalForm(),
            "errors": errors or [],
        },
    )


@actor_required(Action.USERS_MANAGE)
def approval_detail(request: HttpRequest, request_pk: int) -> HttpResponse:
    return _approval_page(request, selectors.change_request_get(actor=_actor(request), pk=request_pk))


@require_POST
@actor_required(Action.USERS_MANAGE)
@refusals_shown
def approval_approve(request: HttpRequest, request_pk: int) -> HttpResponse:
    change = selectors.change_request_get(actor=_actor(request), pk=request_pk)
    try:
        secret = approvals.change_request_approve(actor=_actor(request), request=change)
    except ValidationError as exc:
        return _approval_page(request, change, errors=exc.messages)
    messages.success(request, f"Approved: {change.summary}.")
    if secret and change.subject_id is not None:
        request.session[SETUP_LINK] = {"user": change.subject_id, "token": secret}
        return redirect("accounts:user-setup-link", pk=change.subject_id)
    return redirect("accounts:approval-detail", request_pk=request_pk)


@require_POST
@actor_required(Action.USERS_MANAGE)
@refusals_shown
def approval_refuse(request: HttpRequest, request_pk: int) -> HttpResponse:
    change = selectors.change_request_get(actor=_actor(request), pk=request_pk)
    refusal = RefusalForm(request.POST)
    try:
        # The service checks who decides before the reason, so a requester is refused either way.
        approvals.change_request_refuse(actor=_actor(request), request=change, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            return _approval_page(request, change, refusal=refusal, errors=exc.messages)
        if refusal.is_valid():  # the form's own rules are the service's; this is a fallback
            add_service_errors(refusal, exc)
        return _approval_page(request, change, refusal=refusal)
    messages.success(request, f"Refused: {change.summary}. Nothing has changed.")
    return redirect("accounts:approval-list")
