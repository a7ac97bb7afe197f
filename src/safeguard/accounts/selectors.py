"""Reads for accounts, scoped through the policy module."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from safeguard import policy
from safeguard.accounts.models import Membership, User
from safeguard.audit.services import record_event
from safeguard.policy import Action, Actor


def user_list(*, actor: Actor, query: str = "") -> QuerySet[User]:
    users = policy.scope(actor, Action.USERS_VIEW, User.objects.all())
    if query:
        users = users.filter(username__icontains=query)
    return users.prefetch_related("memberships__agency").order_by("username")


def user_get(*, actor: Actor, pk: int) -> User:
    user = policy.scope(actor, Action.USERS_VIEW, User.objects.all()).filter(pk=pk).first()
    if user is None:
        raise Http404
    record_event(action="user.view", actor=actor, obj=user)
    return user


def memberships_of(*, user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user, is_active=True).select_related("agency")
