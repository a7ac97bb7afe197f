"""Demo data: a few completed assessments for demo persons, loaded once however often `load` runs."""

from __future__ import annotations

from django.utils import timezone

from safeguard import demo
from safeguard.accounts.models import Membership
from safeguard.assessments.due import reassessments_due
from safeguard.assessments.models import Assessment
from safeguard.core.due import DueQuery
from safeguard.instruments import registry
from safeguard.policy import Actor


def test_demo_assessments_are_valid_stored_results_and_idempotent(db):
    demo.load(count=40)
    first = Assessment.objects.count()
    demo.load(count=40)
    assert Assessment.objects.count() == first
    instruments = set(Assessment.objects.values_list("instrument_id", flat=True))
    assert {"stable-2007", "osp-dc", "static-99r"} <= instruments
    for assessment in Assessment.objects.all():
        assert assessment.status == "completed"
        assert assessment.result == registry.score(
            assessment.instrument_id, assessment.inputs, today=assessment.assessment_date
        ).to_dict()
    assert Assessment.objects.filter(instrument_id="stable-2007").count() == 16
    # The dashboard of the demo probation officer: six due within 30 days, two of them overdue.
    membership = Membership.objects.select_related("user", "agency").get(user__username="probation.officer")
    today = timezone.localdate()
    due = reassessments_due(DueQuery(actor=Actor(user=membership.user, membership=membership), today=today))
    assert (len(due), sum(item.status(today) == "overdue" for item in due)) == (6, 2)
