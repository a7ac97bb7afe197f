"""The programmes app's calendar feed: the sessions a person runs, by group code and session number.

A feed leaves the platform, so an event says only the group's code, the session's number and kind,
and the place: never a participant's name or pseudonym, nor the programme's name (which can say what
kind of offence it is for). A booked one-to-one carries the person's reference number.
"""

from __future__ import annotations

from datetime import datetime, time

from django.utils import timezone

from safeguard.feeds.registry import FeedEvent, Window
from safeguard.policy import Actor
from safeguard.programmes.models import SessionFacilitator

PROVIDER = "programmes.sessions"
LIMIT = 500


def sessions_for_feed(actor: Actor, window: Window) -> list[FeedEvent]:
    zone = timezone.get_default_timezone()
    start = timezone.make_aware(datetime.combine(window.start, time.min), zone)
    end = timezone.make_aware(datetime.combine(window.end, time.max), zone)
    rows = (
        SessionFacilitator.objects.filter(
            user_id=actor.user.pk, session__group__provider_agency=actor.agency, starts_at__gte=start, starts_at__lte=end
        )
        .select_related("session", "session__group", "session__group__site", "session__room", "session__member__person")
        .order_by("starts_at", "pk")[:LIMIT]
    )
    events = []
    for sf in rows:
        session = sf.session
        if session.member_id is None:
            summary = f"Group session: {session.group.code}, session {session.number}"
        else:
            member = session.member
            who = member.person.reference if member is not None and member.person is not None else "participant"
            what = "Catch-up" if session.catch_up else "One-to-one"
            summary = f"{what}: {session.group.code}, session {session.number} ({who})"
        place = session.group.site.name + (f", {session.room.name}" if session.room else "")
        events.append(FeedEvent(uid=f"programme-session-{session.pk}@safeguard", start=sf.starts_at, end=sf.ends_at,
                                summary=summary, location=place))
    return events
