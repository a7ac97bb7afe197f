"""Background work of the supervision app: the daily refresh of every open case's derived fields (due
dates, risk level, tier), and the refresh of one agency's cases after its visit table changes.

Writes keep the derived fields current as they happen; the daily job catches what time alone changes
(an order's end passing, an input growing stale for the tier, an assessment completed in the
assessments app) so that nothing due is silently missed.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django_tasks import task

from safeguard.assessments.ports import persons_assessed_since
from safeguard.audit.services import record_event
from safeguard.jobs.registry import periodic
from safeguard.supervision import upkeep
from safeguard.supervision.models import SupervisionCase

BATCH = 2000


def refresh_open_cases(*, today: date, agency_id: int | None = None, batch: int = BATCH) -> tuple[int, int]:
    """Refresh every open case (of one agency, or all) in batches in primary-key order: (read, changed).
    Idempotent: a second run over unchanged records writes nothing."""
    cases = SupervisionCase.objects.filter(closed_on__isnull=True)
    if agency_id is not None:
        cases = cases.filter(agency_id=agency_id)
    return _refresh(cases, today=today, batch=batch)


def refresh_due_cases(*, today: date, assessed_since: datetime, batch: int = BATCH) -> tuple[int, int]:
    """The daily refresh: only the open cases whose `refresh_due` has come (time alone changed something) or
    whose person has an assessment completed since `assessed_since` (another app changed an input). Every
    other derived value was made current by the write that changed its inputs."""
    due = Q(refresh_due__lte=today) | Q(person_id__in=persons_assessed_since(assessed_since))
    return _refresh(SupervisionCase.objects.filter(due, closed_on__isnull=True), today=today, batch=batch)


def _refresh(cases: QuerySet[SupervisionCase], *, today: date, batch: int) -> tuple[int, int]:
    cases = cases.order_by("pk")
    read = changed = 0
    last = None
    while True:
        page = cases.filter(pk__gt=last) if last is not None else cases
        rows = list(page[:batch])
        if not rows:
            return read, changed
        with transaction.atomic():
            changed += upkeep.refresh_cases(rows, today=today)
        read += len(rows)
        last = rows[-1].pk


# Assessments completed this long before a run are looked at again, so that a missed night loses nothing.
ASSESSED_LOOKBACK = timedelta(days=7)


@periodic("supervision.refresh", "daily at 01:30", title="Bring supervision due dates, risk levels and tiers up to date")
def daily_refresh(*, now: datetime, due_at: datetime) -> str:
    today = timezone.localdate(due_at)
    read, changed = refresh_due_cases(today=today, assessed_since=due_at - ASSESSED_LOOKBACK)
    record_event(action="supervision.refresh", username="supervision.refresh", object_type="supervision.SupervisionCase",
                 details={"cases": read, "changed": changed, "as_at": today.isoformat()})  # fmt: skip
    return f"Checked {read} open cases whose dates or assessments moved; {changed} had something to bring up to date."


@task()
def refresh_agency(agency_id: int) -> str:
    """After an agency changes its visit table: its open cases' visit due dates."""
    read, changed = refresh_open_cases(today=timezone.localdate(), agency_id=agency_id)
    return f"{changed} of {read} cases changed."
