"""The demo loader: every demo person followed up, outcomes drawn, figures published, idempotent."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from safeguard import demo
from safeguard.insights.models import FollowUp, OutcomeEvent, PublishedStatistics


def test_demo_outcome_cohort_is_loaded_once_and_published(db):
    counts = demo.load(count=60)
    assert counts["follow-up periods"] == 60 and counts["published tables"] == 1
    events = OutcomeEvent.objects.count()
    assert events > 0
    assert set(FollowUp.objects.values_list("programme_status", flat=True)) <= {
        "completed", "started_not_completed", "not_referred"}
    assert FollowUp.objects.filter(baseline_instrument="osp-dc").exclude(person__sex="male").count() == 0
    demo.load(count=60)
    assert (FollowUp.objects.count(), OutcomeEvent.objects.count(), PublishedStatistics.objects.count()) == (60, events, 1)
    page = Client().get(reverse("public-statistics:page", args=["en"])).content.decode()
    assert 'data-testid="public-table"' in page and "[c]" in page  # sixty people: small counts are hidden
