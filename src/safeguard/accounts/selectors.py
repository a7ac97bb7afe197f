"""Reads for accounts, scoped through the policy module."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from safeguard import policy
from safeguard.accounts import approvals
from safeguard.accounts.choices import RequestState
from safeguard.accounts.models import Agency, Membership, PrivilegedChangeRequest, User
from safeguard.audit.services import record_event
from safeguard.policy import Action, Actor


def user_list(*, actor: Actor, query: str = "") -> QuerySet[User]:
    users = policy.scope(actor, Action.USERS_VIEW, User.objects.all())
    if query:
        users = users.filter(username__icontains=query)
    active = Membership.objects.filter(is_active=True).select_related("agency")
    return users.prefetch_related(Prefetch("memberships", queryset=active, to_attr="active_memberships")).order_by(
        "username"
    )


def user_get(*, actor: Actor, pk: int) -> User:
    user = policy.scope(actor, Action.USERS_VIEW, User.objects.all()).filter(pk=pk).first()
    if user is None:
        raise Http404
    record_event(action="user.view", actor=actor, obj=user)
    return user


def user_manageable(*, actor: Actor, user: User) -> bool:
    """May this administrator change the account itself (not only see it)?"""
    return policy.scope(actor, Action.USERS_MANAGE, User.objects.filter(pk=user.pk)).exists()


def user_for_change(*, actor: Actor, pk: int) -> User:
    """An account to change: 404 if not visible, 403 if visible but acting for another agency too."""
    user = user_get(actor=actor, pk=pk)
    if not user_manageable(actor=actor, user=user):
        raise PermissionDenied
    return user


def memberships_of(*, user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user, is_active=True).select_related("agency")


def memberships_all(*, user: User) -> QuerySet[Membership]:
    """Every role of a user, ended ones included (active first)."""
    return Membership.objects.filter(user=user).select_related("agency").order_by("-is_active", "agency__name", "role")


def membership_for_change(*, actor: Actor, user: User, pk: int) -> Membership:
    membership = (
        policy.scope(actor, Action.USERS_MANAGE, Membership.objects.filter(user=user, pk=pk))
        .select_related("agency", "user")
        .first()
    )
    if membership is None:
        raise Http404
    return membership


def memberships_manageable(*, actor: Actor, user: User) -> set[int]:
    """The ids of this user's roles that this administrator may change or end."""
    scoped = policy.scope(actor, Action.USERS_MANAGE, Membership.objects.filter(user=user))
    return set(scoped.values_list("pk", flat=True))


def agencies_for_roles(*, actor: Actor) -> QuerySet[Agency]:
    """The agencies this administrator may give roles in."""
    return policy.scope(actor, Action.USERS_MANAGE, Agency.objects.all()).order_by("name")


def change_requests(*, actor: Actor) -> QuerySet[PrivilegedChangeRequest]:
    """Two-person requests this actor may see: per kind, through the policy action it needs."""
    allowed = Q(pk__in=[])
    for action, kinds in approvals.kinds_by_action().items():
        scoped = policy.scope(actor, action, PrivilegedChangeRequest.objects.filter(kind__in=kinds))
        allowed |= Q(pk__in=scoped.values("pk"))
    return PrivilegedChangeRequest.objects.filter(allowed).select_related(
        "requested_by", "decided_by", "subject", "agency"
    )


def change_request_get(*, actor: Actor, pk: int) -> PrivilegedChangeRequest:
    request = change_requests(actor=actor).filter(pk=pk).first()
    if request is None:
        raise Http404
    record_event(action="approval.view", actor=actor, obj=request)
    return request


def approvals_waiting(*, actor: Actor) -> QuerySet[PrivilegedChangeRequest]:
    """Requests waiting for a decision that this actor may take (not their own, not about them)."""
    return (
        change_requests(actor=actor)
        .filter(state=RequestState.REQUESTED)
        .exclude(requested_by=actor.user)
        .exclude(subject=actor.user)
    )


def approvals_requested_by(*, actor: Actor) -> QuerySet[PrivilegedChangeRequest]:
    return change_requests(actor=actor).filter(state=RequestState.REQUESTED, requested_by=actor.user)
