"""What leaves the prevention service for other apps: network-wide weekly aggregates, every count
under 10 suppressed, no totals, no records (safeguard.prevention.ports)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from safeguard.prevention import ports
from safeguard.prevention.models import ContactRecord
from safeguard.prevention.statistics import week_start


def contacts(world, count: int, channel: str, concern: str) -> None:
    now = timezone.now()
    for _ in range(count):
        ContactRecord.objects.create(centre=world.agencies["prevention"], channel=channel, started_at=now,
                                     duration_minutes=5, contact_by="self", concern=concern, outcome="information",
                                     recorded_at=now)


def test_counts_under_ten_are_suppressed_and_nothing_identifies_a_record(world):
    contacts(world, 12, "phone", "own_thoughts")
    contacts(world, 3, "live_chat", "abuse_images")
    this_week = week_start(timezone.localdate())
    weeks = ports.weekly_aggregates(actor=world.actor("analyst"), first_week=this_week - timedelta(weeks=1),
                                    last_week=this_week)
    latest = weeks[-1]
    assert latest.by_channel["phone"] == 12 and latest.by_channel["live_chat"] is None
    assert latest.by_concern["own_thoughts"] == 12 and latest.by_concern["abuse_images"] is None
    assert latest.by_channel["email"] == 0  # nothing happened: not disclosive
    assert latest.median_hours_to_first_reply is None  # fewer than 10 answered conversations
    assert not hasattr(latest, "contacts_total")  # no totals a suppressed cell could be worked back from
    assert [ports.suppress(n) for n in (0, 1, 9, 10)] == [0, None, None, 10]


def test_at_most_two_years_at_once(world):
    with pytest.raises(ValueError, match="104 weeks"):
        ports.weekly_aggregates(actor=world.actor("analyst"), first_week=timezone.localdate() - timedelta(weeks=200),
                                last_week=timezone.localdate())


def test_only_roles_that_see_insights_or_the_services_statistics_may_ask(world):
    from django.core.exceptions import PermissionDenied

    week = week_start(timezone.localdate())
    for who in ("police_prac", "prob_prac", "auditor", "admin"):
        with pytest.raises(PermissionDenied):
            ports.weekly_aggregates(actor=world.actor(who), first_week=week, last_week=week)
    assert len(ports.weekly_aggregates(actor=world.actor("prev_prac"), first_week=week, last_week=week)) == 1
