"""What leaves the prevention service for other apps: network-wide weekly aggregates, disclosure-
controlled by safeguard.stats.disclosure (counts under 10 hidden, and more where a breakdown and its
total would give one away), no records (safeguard.prevention.ports)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from safeguard.prevention import ports, statistics
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
    assert latest.contacts == 15  # the total both breakdowns add up to
    # ... so one hidden figure per breakdown would be 15 - 12: another one is hidden beside it
    assert sum(v is None for v in latest.by_channel.values()) >= 2
    assert sum(v is None for v in latest.by_concern.values()) >= 2
    assert latest.median_hours_to_first_reply is None  # fewer than 10 answered conversations
    assert [ports.suppress(n) for n in (0, 1, 9, 10)] == [0, None, None, 10]


def test_no_hidden_figure_can_be_worked_out_from_the_total_and_the_other_breakdown(world):
    contacts(world, 20, "phone", "own_thoughts")
    contacts(world, 4, "email", "own_thoughts")
    contacts(world, 11, "live_chat", "someone_else")
    this_week = week_start(timezone.localdate())
    [latest] = ports.weekly_aggregates(actor=world.actor("analyst"), first_week=this_week, last_week=this_week)
    for breakdown in (latest.by_channel, latest.by_concern):
        hidden = [k for k, v in breakdown.items() if v is None]
        shown = sum(v for v in breakdown.values() if v is not None)
        assert len(hidden) != 1, breakdown  # a single hidden figure would be contacts - shown
        assert latest.contacts is None or len(hidden) == 0 or latest.contacts - shown > 0
    assert latest.by_channel["email"] is None and latest.by_channel["phone"] == 20


@pytest.mark.parametrize(
    ("referred", "offered", "taken_up", "published"),
    [
        (25, 12, 5, (25, 12, None)),  # 5 is hidden; 25 - 12 = 13 discloses no one
        (15, 14, 0, (15, None, 0)),  # 15 - 14 would say one person was referred and not offered
        (30, 30, 22, (30, 30, None)),  # 30 - 22: eight offered and not taken up
        (40, 30, 20, (40, 30, 20)),
        (20, 12, 11, (20, None, None)),  # 20 - 12 = 8, then 20 - 11 = 9
    ],
)
def test_referrals_offers_and_take_up_hide_small_differences_too(world, monkeypatch, referred, offered, taken_up,
                                                                  published):
    this_week = week_start(timezone.localdate())
    figures = statistics.ServiceStatistics(first_week=this_week, last_week=this_week, weeks=[statistics.WeekFigures(
        week=this_week, referrals=referred, offered=offered, accepted=taken_up)])  # fmt: skip
    monkeypatch.setattr(ports.statistics, "service_statistics", lambda **_: figures)
    [week] = ports.weekly_aggregates(actor=world.actor("analyst"), first_week=this_week, last_week=this_week)
    assert (week.referrals, week.appointments_offered, week.appointments_taken_up) == published


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
