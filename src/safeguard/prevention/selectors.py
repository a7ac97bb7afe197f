"""Reads of the prevention service: scoped to the handling centre through the policy, audited.

Lists are keyset pages (no OFFSET, no unbounded COUNT): the same number of queries at 3 records
and at 30,000. A record outside the actor's scope is a 404, recorded as a denied event.
"""

from __future__ import annotations

import math
import statistics as pystats
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from safeguard import policy
from safeguard.accounts.choices import AgencyKind
from safeguard.audit.models import Outcome as AuditOutcome
from safeguard.policy import Actor
from safeguard.prevention import statistics
from safeguard.prevention.auditing import CONVERSATION, audit
from safeguard.prevention.choices import REFERRAL_OPEN, Author, ConversationStatus, ReferralState
from safeguard.prevention.help_seekers import HelpSeeker
from safeguard.prevention.models import (
    CentreProfile,
    CentreReferral,
    ContactRecord,
    Conversation,
    Disclosure,
    Message,
    ReplyTemplate,
)
from safeguard.prevention.policies import PreventionAction

PAGE_SIZE = 25
MESSAGE_LIMIT = 200
WAITING_WINDOW = timedelta(days=180)
INBOX_VIEWS = ("waiting", "mine", "open", "closed")


@dataclass(frozen=True)
class Page:
    rows: list[Any]
    next_cursor: str


def _cursor(moment: datetime | None, pk: Any) -> str:
    return f"{moment.isoformat() if moment else ''}|{pk}"


def _parse_cursor(cursor: str) -> tuple[datetime, str] | None:
    moment, _sep, pk = (cursor or "").partition("|")
    try:
        return datetime.fromisoformat(moment), str(uuid.UUID(pk))
    except ValueError:
        return None


def _keyset(queryset: QuerySet[Any], moment: str, cursor: str, ascending: bool) -> Page:
    after = _parse_cursor(cursor)
    if after is not None:
        at, pk = after
        if ascending:
            queryset = queryset.filter(Q(**{f"{moment}__gt": at}) | Q(**{moment: at, "pk__gt": pk}))
        else:
            queryset = queryset.filter(Q(**{f"{moment}__lt": at}) | Q(**{moment: at, "pk__lt": pk}))
    order = [moment, "pk"] if ascending else [f"-{moment}", "-pk"]
    rows = list(queryset.order_by(*order)[: PAGE_SIZE + 1])
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    next_cursor = _cursor(getattr(rows[-1], moment), rows[-1].pk) if more else ""
    return Page(rows=rows, next_cursor=next_cursor)


def _scoped(actor: Actor, action: str, queryset: QuerySet[Any]) -> QuerySet[Any]:
    return policy.scope(actor, action, queryset)


# --- the adviser's inbox -----------------------------------------------------------------------


def inbox(*, actor: Actor, show: str, cursor: str = "") -> Page:
    """Conversations of the actor's centre: those waiting for a reply (longest wait first), the
    actor's own, every open one, or the closed ones."""
    show = show if show in INBOX_VIEWS else "waiting"
    conversations = _scoped(actor, PreventionAction.CONVERSATION_VIEW, Conversation.objects.all()).select_related(
        "assigned_to"
    )
    if show == "waiting":
        page = _keyset(conversations.filter(status=ConversationStatus.OPEN, waiting_since__isnull=False),
                       "waiting_since", cursor, ascending=True)
    elif show == "mine":
        page = _keyset(conversations.filter(status=ConversationStatus.OPEN, assigned_to=actor.user),
                       "last_activity_at", cursor, ascending=False)
    elif show == "open":
        page = _keyset(conversations.filter(status=ConversationStatus.OPEN), "last_activity_at", cursor,
                       ascending=False)
    else:
        page = _keyset(conversations.filter(status=ConversationStatus.CLOSED), "last_activity_at", cursor,
                       ascending=False)
    audit(action="prevention.inbox.view", actor=actor, object_type=CONVERSATION,
          details={"show": show, "rows": len(page.rows)})
    return page


def waiting_count(actor: Actor, cap: int = 99) -> int:
    """How many conversations wait for a reply (counted up to `cap`: the badge says "99+")."""
    waiting = _scoped(actor, PreventionAction.CONVERSATION_VIEW, Conversation.objects.all()).filter(
        status=ConversationStatus.OPEN, waiting_since__isnull=False
    )
    return waiting[: cap + 1].count()


def _locate(actor: Actor, action: str, model: Any, pk: Any, label: str) -> Any:
    found = _scoped(actor, action, model.objects.all()).filter(pk=pk).first()
    if found is None:
        audit(action=action, actor=actor, object_type=label, object_id=str(pk), outcome=AuditOutcome.DENIED,
              details={"status": 404})
        raise Http404
    return found


@dataclass(frozen=True)
class ConversationView:
    conversation: Conversation
    messages: list[Message]
    notes: list[Any]
    triage: list[Any]
    referrals: list[CentreReferral]
    disclosures: list[Disclosure]


def conversation_for_staff(*, actor: Actor, pk: Any) -> ConversationView:
    conversation = _locate(actor, PreventionAction.CONVERSATION_VIEW, Conversation, pk, CONVERSATION)
    view = ConversationView(
        conversation=conversation,
        messages=_recent_messages(conversation, with_adviser=True),
        notes=list(conversation.notes.select_related("author").order_by("-created_at")[:100]),
        triage=list(conversation.triage.order_by("-created_at")[:10]),
        referrals=list(conversation.referrals.select_related("centre").order_by("-referred_at")[:10]),
        disclosures=list(conversation.disclosures.order_by("-requested_at")[:10]),
    )
    audit(action="prevention.conversation.read", actor=actor, obj=conversation)
    return view


def conversation_locate(*, actor: Actor, pk: Any, action: str = PreventionAction.CONVERSATION_VIEW) -> Conversation:
    """The conversation for a change (the service audits the change itself)."""
    found: Conversation = _locate(actor, action, Conversation, pk, CONVERSATION)
    return found


def _recent_messages(conversation: Conversation, with_adviser: bool = False) -> list[Message]:
    messages = Message.objects.filter(conversation=conversation)
    if with_adviser:
        messages = messages.select_related("adviser")
    latest = list(messages.order_by("-created_at", "-id")[:MESSAGE_LIMIT])
    return list(reversed(latest))


def templates_for(*, actor: Actor) -> list[ReplyTemplate]:
    templates = _scoped(actor, PreventionAction.CONVERSATION_REPLY, ReplyTemplate.objects.filter(is_active=True))
    return list(templates.order_by("language", "title")[:100])


def templates_all(*, actor: Actor) -> list[ReplyTemplate]:
    return list(_scoped(actor, PreventionAction.TEMPLATE_MANAGE, ReplyTemplate.objects.all())
                .select_related("created_by").order_by("-is_active", "language", "title")[:200])


# --- what the help-seeker sees ------------------------------------------------------------------

def service_message_text(body: str) -> str:
    if body == "appointment-offered":
        return _("A centre has offered you an appointment: see below.")
    return ""


@dataclass(frozen=True)
class HelpSeekerView:
    conversation: Conversation
    messages: list[Message]
    referrals: list[CentreReferral]
    code: str
    show_code: bool


def conversation_for_help_seeker(*, seeker: HelpSeeker) -> HelpSeekerView:
    conversation = Conversation.objects.select_related("centre").get(pk=seeker.conversation.pk)
    referrals = list(conversation.referrals.order_by("-referred_at")[:5])
    names = dict(CentreProfile.objects.filter(agency_id__in=[r.centre_id for r in referrals])
                 .values_list("agency_id", "public_name"))
    for referral in referrals:
        referral.centre_name = names.get(referral.centre_id, "")  # type: ignore[attr-defined]
    view = HelpSeekerView(
        conversation=conversation,
        messages=_recent_messages(conversation),
        referrals=referrals,
        code=conversation.reference_code,
        show_code=not seeker.session.code_shown,
    )
    audit(action="prevention.help.read", object_type=CONVERSATION, object_id=str(conversation.pk),
          endpoint=seeker.endpoint)
    return view


def has_open_referral(conversation: Conversation) -> bool:
    return CentreReferral.objects.filter(conversation=conversation, state__in=REFERRAL_OPEN).exists()


# --- centres and their waiting times (public) ---------------------------------------------------


@dataclass(frozen=True)
class CentreListing:
    profile: CentreProfile
    waiting_days: int | None

    @property
    def waiting_weeks(self) -> int | None:
        return None if self.waiting_days is None else max(1, math.ceil(self.waiting_days / 7))


def waiting_days(samples: list[float]) -> int | None:
    """The typical wait in days: the median of recent offers' waits and of the current waits."""
    return None if not samples else round(pystats.median(samples))


def centres_with_waiting_times(*, now: datetime, referrals_only: bool = False) -> list[CentreListing]:
    """Every listed centre, with its current waiting time computed from its waiting list: the
    median of the waits of the people waiting now and of the appointments offered in the last 180
    days (three queries, however many centres)."""
    profiles = CentreProfile.objects.filter(listed=True, agency__kind=AgencyKind.PREVENTION).select_related("agency")
    if referrals_only:
        profiles = profiles.filter(accepts_referrals=True)
    profiles_list = list(profiles)
    ids = [p.agency_id for p in profiles_list]
    samples: dict[int, list[float]] = defaultdict(list)
    waiting = CentreReferral.objects.filter(centre_id__in=ids, state=ReferralState.WAITING).values_list(
        "centre_id", "referred_at"
    )
    for centre_id, referred_at in waiting:
        samples[centre_id].append((now - referred_at).total_seconds() / 86400)
    offered = CentreReferral.objects.filter(
        centre_id__in=ids, offered_at__gte=now - WAITING_WINDOW, offered_at__isnull=False
    ).values_list("centre_id", "referred_at", "offered_at")
    for centre_id, referred_at, offered_at in offered:
        if offered_at is not None:
            samples[centre_id].append((offered_at - referred_at).total_seconds() / 86400)
    return [CentreListing(profile=p, waiting_days=waiting_days(samples[p.agency_id])) for p in profiles_list]


# --- the contact log and the waiting list --------------------------------------------------------


def contacts(*, actor: Actor, cursor: str = "") -> Page:
    rows = _scoped(actor, PreventionAction.CONTACT_VIEW, ContactRecord.objects.all()).select_related("recorded_by")
    page = _keyset(rows, "started_at", cursor, ascending=False)
    audit(action="prevention.contact.list", actor=actor, object_type="prevention.ContactRecord",
          details={"rows": len(page.rows)})
    return page


WAITING_LIST_VIEWS = ("waiting", "offered", "closed")


def waiting_list(*, actor: Actor, show: str, cursor: str = "") -> Page:
    """The referrals to the actor's centre: waiting (longest first), offered, or closed."""
    show = show if show in WAITING_LIST_VIEWS else "waiting"
    referrals = _scoped(actor, PreventionAction.REFERRAL_MANAGE, CentreReferral.objects.all())
    if show == "waiting":
        page = _keyset(referrals.filter(state=ReferralState.WAITING), "referred_at", cursor, ascending=True)
    elif show == "offered":
        page = _keyset(referrals.filter(state__in=[ReferralState.OFFERED, ReferralState.ACCEPTED]),
                       "referred_at", cursor, ascending=True)
    else:
        page = _keyset(referrals.exclude(state__in=REFERRAL_OPEN), "updated_at", cursor, ascending=False)
    audit(action="prevention.referral.list", actor=actor, object_type="prevention.CentreReferral",
          details={"show": show, "rows": len(page.rows)})
    return page


def referral_for_staff(*, actor: Actor, pk: Any) -> CentreReferral:
    referral = _locate(actor, PreventionAction.REFERRAL_VIEW, CentreReferral, pk, "prevention.CentreReferral")
    referral = CentreReferral.objects.select_related("centre", "conversation").get(pk=referral.pk)
    audit(action="prevention.referral.view", actor=actor, obj=referral)
    return referral


# --- statistics ---------------------------------------------------------------------------------


def service_statistics(*, actor: Actor, today: date, weeks: int = 12) -> statistics.ServiceStatistics:
    """The actor's centre, last `weeks` weeks (this one included), shown inside the agency only."""
    if not policy.allows(actor, PreventionAction.STATISTICS_VIEW):
        return statistics.ServiceStatistics(today, today, [])
    last = statistics.week_start(today)
    first = last - timedelta(weeks=weeks - 1)
    figures = statistics.service_statistics(centres=[actor.agency.pk], first_week=first, last_week=last)
    audit(action="prevention.statistics.view", actor=actor, object_type=CONVERSATION,
          details={"weeks": weeks})
    return figures


# --- the disclosure register ---------------------------------------------------------------------


def disclosure_register(*, actor: Actor) -> list[Disclosure]:
    """Every disclosure the actor may see on the register (their centre's; every centre's for the
    administration agency's auditor), newest first, with who asked and who decided."""
    rows = list(
        _scoped(actor, PreventionAction.DISCLOSURE_REGISTER, Disclosure.objects.all())
        .select_related("centre", "requested_by", "decided_by", "released_by")
        .order_by("-requested_at", "-id")[:200]
    )
    audit(action="prevention.disclosure.register", actor=actor, object_type="prevention.Disclosure",
          details={"rows": len(rows)})
    return rows


def disclosure_for_supervisor(*, actor: Actor, pk: Any) -> Disclosure:
    disclosure = _locate(actor, PreventionAction.DISCLOSURE_REQUEST, Disclosure, pk, "prevention.Disclosure")
    disclosure = Disclosure.objects.select_related("centre", "requested_by", "decided_by", "released_by").get(
        pk=disclosure.pk
    )
    audit(action="prevention.disclosure.view", actor=actor, obj=disclosure)
    return disclosure


def help_seeker_author(message: Message) -> bool:
    return message.author == Author.HELP_SEEKER


def disclosure_reasons(rows: list[Disclosure]) -> dict[str, str]:
    """The written reason of each disclosure request (kept encrypted in the workflow's history)."""
    from safeguard.prevention.disclosure_workflow import DISCLOSURE
    from safeguard.workflows.models import TransitionRecord

    records = TransitionRecord.objects.filter(
        workflow=DISCLOSURE.name, subject_type="prevention.Disclosure",
        subject_id__in=[str(d.pk) for d in rows], transition="request",
    ).values_list("subject_id", "reason_text")
    return {subject_id: str(reason) for subject_id, reason in records}
