"""Background work: an analysis too large to run while the page waits, and the nightly clean-up of
cached results."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.utils import timezone
from django_tasks import task

from safeguard.jobs.registry import periodic
from safeguard.jobs.services import tracked


@task()
def run_analysis(*, progress_id: str, membership_id: int, kind: str, filters: dict[str, Any], today: str, result_url: str) -> str:
    """Compute an analysis for the analyst who asked (in the role they asked in) and cache it."""
    from safeguard.accounts.models import Membership
    from safeguard.insights import services
    from safeguard.insights.analysis import Filters
    from safeguard.policy import Actor

    with tracked(progress_id, clock=timezone.now) as progress:
        progress.start(total=2, message="Reading the cohort")
        membership = Membership.objects.select_related("user", "agency").get(pk=membership_id)
        actor = Actor(user=membership.user, membership=membership, endpoint="insights analysis task")
        chosen = Filters.from_dict(filters)
        progress.advance(1, message="Computing")
        computed = services.compute(actor=actor, kind=kind, filters=chosen, today=date.fromisoformat(today))
        services.record_analysis(actor=actor, kind=kind, filters=chosen, computed=computed, action="insights.analysis.run")
        people = computed.result.get("n", 0)
        progress.succeed(message=f"Finished: {people:,} people analysed.", result_url=result_url, result_label="See the results")
    return f"{kind}: {people} people"


@periodic("insights.forget-results", "daily at 03:10", title="Remove cached analysis results older than 30 days")
def forget_results(*, now: datetime, due_at: datetime) -> str:
    from safeguard.insights import services

    removed = services.forget_old_results(now=now)
    return f"Removed {removed} cached analysis results."
