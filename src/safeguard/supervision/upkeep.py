"""Derived fields of supervision records, kept current: a case's risk level, visit frequency and every
due date, the earliest of them (`attention_on`), its tier; a requirement's first notification, review
qualifying date and next notification due.

One batch function serves a single write (a batch of one, inside the service's transaction) and the daily
job (batches of 1,000 open cases): a fixed number of queries per batch, whatever the size of the data,
and only rows whose values changed are written. Nothing here is audited: the service that calls it has
audited the change, and the daily job records one aggregate event.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import connection
from django.db.models import Min, OuterRef, Subquery

from safeguard.assessments.ports import LatestResult, latest_results_for_upkeep
from safeguard.calendar.dates import add_months
from safeguard.guidelines.register import annual_notification_due, review_qualifying_date
from safeguard.supervision import config
from safeguard.supervision.choices import Management, RiskSource, VisitOutcome, VisitStatus
from safeguard.supervision.models import (
    AgencyVisitFrequency,
    MappaStatus,
    NotificationRequirement,
    PlanItem,
    ReviewTrigger,
    RiskLevelOverride,
    RiskManagementPlan,
    SupervisionCase,
    Visit,
)
from safeguard.supervision.rules import tiering, visits
from safeguard.supervision.rules.levels import Level
from safeguard.supervision.rules.visits import ReviewTrigger as TriggerKind

SEXUAL_PREDICTOR = "osp-dc"
INSTRUMENT_NAMES = {"rm2000-s": "RM2000/S", "osp-dc": "OSP/DC"}
CASE_DERIVED = (
    "risk_level", "risk_source", "risk_instrument", "risk_assessed_on", "low_risk_since", "visit_every_months",
    "visit_frequency_source", "last_visit_on", "next_visit_due", "next_notification_due", "plan_review_due",
    "order_end_due", "review_trigger_due", "attention_on", "tier", "tier_provisional", "tier_reason",
    "tier_detail", "refresh_due",
)  # fmt: skip
# Without a risk level the visits are not left undue: monthly, as for very high risk, until one is known.
UNKNOWN_LEVEL_MONTHS = visits.DEFAULT_VISIT_MONTHS[Level.VERY_HIGH]


@dataclass
class _Batch:
    """Everything the batch's cases need, read with one query per kind of record."""

    results: dict[str, dict[str, LatestResult]]
    overrides: dict[Any, tuple[str, date]]
    last_visits: dict[Any, date]
    plans: dict[Any, Any]
    order_ends: dict[Any, date]
    triggers: dict[Any, tuple[date, set[str]]]
    notifications: dict[tuple[str, int], date]
    registered: set[str]
    mappa: dict[str, int]
    tables: dict[int, dict[Level, int]]


def _read(cases: Sequence[SupervisionCase], today: date) -> _Batch:
    case_ids = [c.pk for c in cases]
    person_ids = {str(c.person_id) for c in cases}
    agency_ids = {c.agency_id for c in cases}
    instruments = (*visits.RISK_LEVEL_INSTRUMENTS, SEXUAL_PREDICTOR)
    results = latest_results_for_upkeep(person_ids=person_ids, instruments=instruments)
    overrides = {
        case_id: (level, created_at.date())
        for case_id, level, created_at in RiskLevelOverride.objects.filter(case_id__in=case_ids, state="approved")
        .order_by("case_id", "created_at")
        .values_list("case_id", "level", "created_at")
    }
    # One index probe per case (visit_case_completed), not an aggregate over all of its visits.
    latest = Visit.objects.filter(case_id=OuterRef("pk"), status=VisitStatus.DONE, outcome=VisitOutcome.COMPLETED)
    last_visits = {
        case_id: last
        for case_id, last in SupervisionCase.objects.filter(pk__in=case_ids)
        .annotate(last=Subquery(latest.order_by("-visited_on").values("visited_on")[:1]))
        .values_list("pk", "last")
        if last is not None
    }
    plans = {
        row["case_id"]: row
        for row in RiskManagementPlan.objects.filter(case_id__in=case_ids).values(
            "id", "case_id", "reviewed_on", "review_every_months", "visit_override_months"
        )
    }
    plan_case = {row["id"]: case_id for case_id, row in plans.items()}
    order_ends = {
        plan_case[plan_id]: first
        for plan_id, first in PlanItem.objects.filter(plan_id__in=list(plan_case), removed_on__isnull=True, ends_on__gte=today)
        .values("plan_id")
        .annotate(first=Min("ends_on"))
        .values_list("plan_id", "first")
    }
    triggers: dict[Any, tuple[date, set[str]]] = {}
    for case_id, occurred_on, kind in ReviewTrigger.objects.filter(
        case_id__in=case_ids, reviewed_on__isnull=True
    ).values_list("case_id", "occurred_on", "kind"):
        first, kinds = triggers.get(case_id, (occurred_on, set()))
        triggers[case_id] = (min(first, occurred_on), kinds | {kind})
    notifications: dict[tuple[str, int], date] = {}
    registered: set[str] = set()
    for person_id, agency_id, next_due, end_date in NotificationRequirement.objects.filter(
        person_id__in=person_ids
    ).values_list("person_id", "agency_id", "next_due", "end_date"):
        registered.add(str(person_id))
        if next_due is None or (end_date is not None and end_date < today):
            continue
        key = (str(person_id), agency_id)
        notifications[key] = min(notifications.get(key, next_due), next_due)
    mappa = {
        str(person_id): category
        for person_id, category in MappaStatus.objects.filter(
            person_id__in=person_ids, ended_on__isnull=True
        ).values_list("person_id", "category")
    }
    tables: dict[int, dict[Level, int]] = defaultdict(dict)
    for agency_id, level, months in AgencyVisitFrequency.objects.filter(agency_id__in=agency_ids).values_list(
        "agency_id", "risk_level", "months"
    ):
        tables[agency_id][Level(level)] = months
    return _Batch(results, overrides, last_visits, plans, order_ends, triggers, notifications, registered, mappa, tables)


def _risk(case: SupervisionCase, batch: _Batch) -> None:
    results = batch.results.get(str(case.person_id), {})
    usable = {
        name: visits.ResultForLevel(name, r.band, r.assessment_date)
        for name, r in results.items()
        if name in visits.RISK_LEVEL_INSTRUMENTS
    }
    assessed = visits.current_level(usable)
    previous = Level(case.risk_level) if case.risk_level else None
    override = batch.overrides.get(case.pk)
    if override:
        case.risk_level, case.risk_source = override[0], RiskSource.OVERRIDE
    elif assessed is not None:
        case.risk_level, case.risk_source = str(assessed.band), RiskSource.ASSESSMENT
    else:
        case.risk_level, case.risk_source = "", RiskSource.NONE
    case.risk_instrument = INSTRUMENT_NAMES.get(assessed.instrument, assessed.instrument) if assessed else ""
    case.risk_assessed_on = assessed.assessed_on if assessed else None
    level = Level(case.risk_level) if case.risk_level else None
    # Low since the assessment that said so, or since a supervisor's override to low was asked for.
    judged_on = override[1] if override else case.risk_assessed_on
    case.low_risk_since = visits.low_since_after(previous, case.low_risk_since, level, judged_on)


def _visits(case: SupervisionCase, batch: _Batch) -> None:
    plan = batch.plans.get(case.pk)
    case.last_visit_on = batch.last_visits.get(case.pk)
    if case.management == Management.REACTIVE:
        case.visit_every_months, case.next_visit_due = None, None
        case.visit_frequency_source = "Reactive management: no home visits"
        return
    level = Level(case.risk_level) if case.risk_level else None
    frequency = visits.visit_frequency(
        level, table=batch.tables.get(case.agency_id), override_months=plan["visit_override_months"] if plan else None
    )
    if frequency is None:
        frequency = visits.Frequency(UNKNOWN_LEVEL_MONTHS, "no risk level yet: monthly, as for very high risk")
    case.visit_every_months = frequency.months
    case.visit_frequency_source = frequency.source
    case.next_visit_due = visits.next_visit_due(
        last_visit_on=case.last_visit_on, opened_on=case.opened_on, months=frequency.months
    )


def _tier(case: SupervisionCase, batch: _Batch, today: date) -> None:
    osp = batch.results.get(str(case.person_id), {}).get(SEXUAL_PREDICTOR)
    predictor = None
    if osp is not None and osp.band:
        predictor = tiering.SexualPredictor(
            band=osp.band, assessed_on=osp.assessment_date, probability=osp.probability,
            risk_reduction_applied=bool(osp.extra.get("risk_reduction_applied")),
        )  # fmt: skip
    rosh = (
        tiering.RiskOfSeriousHarm(Level(case.rosh_level), case.rosh_assessed_on)
        if case.rosh_level and case.rosh_assessed_on
        else None
    )
    inputs = tiering.TierInputs(
        today=today,
        sexual_predictor=predictor,
        rosh=rosh,
        mappa_category=batch.mappa.get(str(case.person_id)),
        sexual_offence=case.sexual_offence_history or str(case.person_id) in batch.registered,
        child_protection=case.child_protection,
        domestic_abuse=case.domestic_abuse,
        stale_after_months=config.TIER_STALE_AFTER_MONTHS,
    )
    result = tiering.tier_for(inputs)
    case.tier, case.tier_provisional, case.tier_reason = result.tier, result.provisional, result.reason
    case.tier_detail = result.to_dict()
    # The day after an order's end or a release date has passed, or an input has grown stale.
    passing = [d + timedelta(days=1) for d in (case.order_end_due, case.release_date) if d is not None and d >= today]
    case.refresh_due = min([*passing, *filter(None, [tiering.next_change(inputs)])], default=None)


def _derive(case: SupervisionCase, batch: _Batch, today: date) -> None:
    """Everything after the risk level (`_risk`, which runs first for the whole batch)."""
    _visits(case, batch)
    plan = batch.plans.get(case.pk)
    case.plan_review_due = add_months(plan["reviewed_on"], plan["review_every_months"]) if plan else case.opened_on
    case.order_end_due = batch.order_ends.get(case.pk)
    case.next_notification_due = batch.notifications.get((str(case.person_id), case.agency_id))
    trigger = batch.triggers.get(case.pk)
    case.review_trigger_due = trigger[0] if trigger and case.management == Management.REACTIVE else None
    release = case.release_date if case.release_date is not None and case.release_date >= today else None
    case.attention_on = visits.earliest(
        [case.next_visit_due, case.next_notification_due, case.plan_review_due, case.order_end_due,
         case.review_trigger_due, release]
    )  # fmt: skip
    _tier(case, batch, today)


def _raise_triggers(cases: Sequence[SupervisionCase], batch: _Batch, today: date) -> None:
    """A reactively managed case whose risk level is no longer low is due for review (one open trigger)."""
    new = [
        ReviewTrigger(case=case, person_id=case.person_id, agency_id=case.agency_id, kind=TriggerKind.RISK_LEVEL_ROSE,
                      occurred_on=today, recorded_by_id=case.officer_id)
        for case in cases
        if case.management == Management.REACTIVE and case.risk_level not in ("", Level.LOW)
        and TriggerKind.RISK_LEVEL_ROSE not in batch.triggers.get(case.pk, (today, set()))[1]
    ]  # fmt: skip
    if new:
        ReviewTrigger.objects.bulk_create(new)
    for trigger in new:
        first, kinds = batch.triggers.get(trigger.case_id, (today, set()))
        batch.triggers[trigger.case_id] = (min(first, today), kinds | {TriggerKind.RISK_LEVEL_ROSE.value})


def refresh_cases(cases: Iterable[SupervisionCase], *, today: date) -> int:
    """Recompute the derived fields of these cases and write those that changed; returns how many did."""
    cases = list(cases)
    if not cases:
        return 0
    batch = _read(cases, today)
    before = {case.pk: tuple(getattr(case, name) for name in CASE_DERIVED) for case in cases}
    for case in cases:
        _risk(case, batch)
    _raise_triggers(cases, batch, today)
    changed: list[SupervisionCase] = []
    for case in cases:
        _derive(case, batch, today)
        if tuple(getattr(case, name) for name in CASE_DERIVED) != before[case.pk]:
            case.refreshed_on = today
            changed.append(case)
    _write(changed)
    return len(changed)


def _write(cases: Sequence[SupervisionCase]) -> None:
    """One plain UPDATE per changed case, sent with executemany (pipelined on PostgreSQL): Django's
    `bulk_update` builds a CASE expression per field and row, which costs milliseconds a row in Python."""
    if not cases:
        return
    by_name = {f.name: f for f in SupervisionCase._meta.concrete_fields}
    fields = [by_name[name] for name in (*CASE_DERIVED, "refreshed_on")]
    table = connection.ops.quote_name(SupervisionCase._meta.db_table)
    assignments = ", ".join(f"{connection.ops.quote_name(str(f.column))} = %s" for f in fields)
    key = by_name["id"]
    rows = [
        [f.get_db_prep_save(getattr(case, f.attname), connection) for f in fields]
        + [key.get_db_prep_save(case.pk, connection)]
        for case in cases
    ]
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET {assignments} WHERE {connection.ops.quote_name(str(key.column))} = %s", rows)  # noqa: S608 - names from the model, values as parameters


def refresh_person(person_id: uuid.UUID | str, *, today: date) -> int:
    """Refresh every open case of a person (after a change to their register record or MAPPA level)."""
    return refresh_cases(SupervisionCase.objects.filter(person_id=person_id, closed_on__isnull=True), today=today)


def refresh_requirement(requirement: NotificationRequirement) -> None:
    """First notification, review qualifying date, next annual notification and the next date due,
    from the requirement's events (one query)."""
    events = list(requirement.events.values_list("kind", "due_date", "notified_on"))
    initial = [notified for kind, _, notified in events if kind == "initial" and notified is not None]
    requirement.first_notification_on = min(initial) if initial else None
    if requirement.indefinite:
        counted_from = requirement.first_notification_on or requirement.relevant_date
        review = review_qualifying_date(counted_from, under_18_on_relevant_date=requirement.age_at_relevant_date < 18)
        requirement.review_qualifying_date = review.due_date
        requirement.review_basis = review.basis + (
            "" if requirement.first_notification_on else
            " Counted from the relevant date until the first notification is recorded; the real date may be later."
        )  # fmt: skip
    else:
        requirement.review_qualifying_date, requirement.review_basis = None, ""
    made = [notified for _, _, notified in events if notified is not None]
    annual = annual_notification_due(max(made)).due_date if made else None
    if annual is not None and requirement.end_date is not None and annual > requirement.end_date:
        annual = None
    requirement.next_annual_due = annual
    pending = [due for _, due, notified in events if notified is None]
    requirement.next_due = min([*pending, *([annual] if annual else [])], default=None)
    requirement.save(
        update_fields=["first_notification_on", "review_qualifying_date", "review_basis", "next_annual_due", "next_due"]
    )
