"""Due items of the prevention service: a first reply owed to a person who wrote (core.due)."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from safeguard import policy
from safeguard.core.due import DueItem, DueProvider, DueQuery
from safeguard.prevention import services
from safeguard.prevention.choices import ConversationStatus
from safeguard.prevention.models import Conversation
from safeguard.prevention.policies import PreventionAction

KIND = "prevention.first-reply"


def first_replies(query: DueQuery) -> list[DueItem]:
    """Open conversations of the actor's centre still waiting for their first reply: the actor's
    own and those nobody has taken (the team view: all of them, with who has each)."""
    actor = query.actor
    waiting = policy.scope(actor, PreventionAction.CONVERSATION_VIEW, Conversation.objects.all()).filter(
        status=ConversationStatus.OPEN, first_reply_at__isnull=True, waiting_since__isnull=False
    )
    if not query.team:
        waiting = waiting.filter(Q(assigned_to__isnull=True) | Q(assigned_to=actor.user))
    days = services.limit("FIRST_REPLY_WORKING_DAYS")
    items = []
    for conversation in waiting.select_related("assigned_to").order_by("created_at", "pk")[: query.limit]:
        started = timezone.localtime(conversation.created_at).date()
        owner = conversation.assigned_to
        items.append(DueItem(
            key=f"{KIND}:{conversation.pk}",
            kind=KIND,
            title=f"First reply to conversation {conversation.reference}",
            reason=f"A person wrote on {started:%-d %B %Y}; the first reply is due within {days} working days.",
            due_on=services.first_reply_due(conversation.created_at),
            url=reverse("prevention:conversation", kwargs={"pk": conversation.pk}),
            reference=conversation.reference,
            owner_id=owner.pk if owner else None,
            owner_name=(owner.get_full_name() or owner.username) if owner else "",
        ))
    return items


PROVIDER = DueProvider(kind=KIND, label="First replies to prevention conversations",
                       action=PreventionAction.CONVERSATION_REPLY, provide=first_replies)
