"""Service statistics: contacts and conversations per week by channel and by concern, time to first
reply, referrals and appointment take-up.

Counted in the database per week (a bounded number of grouped queries over the requested weeks,
whatever the size of the tables); medians over the window's rows only. Inside the prevention agency
the figures are shown as they are; `ports.py` applies disclosure control before anything leaves.
"""

from __future__ import annotations

import statistics as pystats
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from safeguard.prevention.choices import Channel, Concern, ReferralState
from safeguard.prevention.models import CentreReferral, ContactRecord, Conversation

UNCATEGORISED = "uncategorised"
CONCERN_COLUMNS = [*Concern.values, UNCATEGORISED]
CHANNEL_COLUMNS = list(Channel.values)


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


@dataclass
class WeekFigures:
    week: date
    by_channel: dict[str, int] = field(default_factory=dict)
    by_concern: dict[str, int] = field(default_factory=dict)
    conversations: int = 0
    answered: int = 0
    unanswered: int = 0
    median_hours_to_first_reply: float | None = None
    referrals: int = 0
    offered: int = 0
    accepted: int = 0
    attended: int = 0

    @property
    def contacts_total(self) -> int:
        return sum(self.by_channel.values())


@dataclass
class ServiceStatistics:
    first_week: date
    last_week: date
    weeks: list[WeekFigures]

    def totals(self, attribute: str) -> int:
        return sum(int(getattr(w, attribute)) for w in self.weeks)


def _bounds(first_week: date, last_week: date) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    start = datetime.combine(first_week, time.min, tzinfo=zone)
    end = datetime.combine(last_week + timedelta(days=7), time.min, tzinfo=zone)
    return start, end


def _week_of(value: datetime | date) -> date:
    if isinstance(value, datetime):
        value = timezone.localtime(value).date()
    return week_start(value)


def _grouped(queryset: QuerySet[Any], moment: str, column: str,
             weeks: list[tuple[date, datetime, datetime]]) -> Iterable[tuple[date, str, int]]:
    """(week, value of `column`, count): one query, grouped by the column, with one filtered count
    per week (plain range comparisons the database can do on its index, no per-row date function)."""
    counts = {
        f"w{index}": Count("pk", filter=Q(**{f"{moment}__gte": start, f"{moment}__lt": end}))
        for index, (_week, start, end) in enumerate(weeks)
    }
    for row in queryset.values(column).annotate(**counts).order_by():
        for index, (week, _start, _end) in enumerate(weeks):
            if row[f"w{index}"]:
                yield week, row[column], row[f"w{index}"]


def service_statistics(*, centres: Iterable[int] | None, first_week: date, last_week: date) -> ServiceStatistics:
    """The figures for these centres (None: every centre) for the weeks first_week..last_week
    (Mondays), in seven grouped queries."""
    first_week, last_week = week_start(first_week), week_start(last_week)
    start, end = _bounds(first_week, last_week)
    weeks: dict[date, WeekFigures] = {}
    bounds: list[tuple[date, datetime, datetime]] = []
    day = first_week
    while day <= last_week:
        weeks[day] = WeekFigures(week=day, by_channel=dict.fromkeys(CHANNEL_COLUMNS, 0),
                                 by_concern=dict.fromkeys(CONCERN_COLUMNS, 0))
        bounds.append((day, *_bounds(day, day)))
        day += timedelta(days=7)
    centre_filter = Q() if centres is None else Q(centre_id__in=list(centres))
    contacts = ContactRecord.objects.filter(centre_filter, started_at__gte=start, started_at__lt=end)
    conversations = Conversation.objects.filter(centre_filter, created_at__gte=start, created_at__lt=end)

    for week, channel, n in _grouped(contacts, "started_at", "channel", bounds):
        weeks[week].by_channel[channel] += n
    for week, concern, n in _grouped(contacts, "started_at", "concern", bounds):
        weeks[week].by_concern[concern] += n
    for week, concern, n in _grouped(conversations, "created_at", "concern", bounds):
        weeks[week].by_channel[Channel.SECURE_MESSAGING] += n
        weeks[week].by_concern[concern or UNCATEGORISED] += n
        weeks[week].conversations += n

    replies: dict[date, list[float]] = defaultdict(list)
    for created, first_reply in conversations.values_list("created_at", "first_reply_at"):
        figures = weeks[_week_of(created)]
        if first_reply is None:
            figures.unanswered += 1
        else:
            figures.answered += 1
            replies[figures.week].append((first_reply - created).total_seconds() / 3600)
    for week, hours in replies.items():
        weeks[week].median_hours_to_first_reply = round(pystats.median(hours), 1)

    referrals = CentreReferral.objects.filter(centre_filter, referred_at__gte=start, referred_at__lt=end)
    took_up = {ReferralState.ACCEPTED, ReferralState.ATTENDED, ReferralState.MISSED}
    for week, state, n in _grouped(referrals, "referred_at", "state", bounds):
        figures = weeks[week]
        figures.referrals += n
        if state != ReferralState.WAITING:
            figures.offered += n if state != ReferralState.WITHDRAWN else 0
        if state in took_up:
            figures.accepted += n
        if state == ReferralState.ATTENDED:
            figures.attended += n
    # A withdrawal after an offer still counts as an offer made.
    for week, _state, n in _grouped(
        referrals.filter(state=ReferralState.WITHDRAWN, offered_at__isnull=False), "referred_at", "state", bounds
    ):
        weeks[week].offered += n
    ordered = [weeks[w] for w in sorted(weeks)]
    return ServiceStatistics(first_week=first_week, last_week=last_week, weeks=ordered)
