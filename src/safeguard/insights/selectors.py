"""Reads: a person's outcome events and follow-up (scoped, audited), and the cohort of an analysis
(aggregated; the analysis records one aggregate event, never a person id)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from django.db.models import OuterRef, QuerySet, Subquery

from safeguard import policy
from safeguard.assessments.ports import scores_for_aggregates
from safeguard.insights import sources
from safeguard.insights.analysis import ETHNIC_LABELS, Dataset, Filters, age_band, years
from safeguard.insights.choices import COUNTED_KINDS, MEASURE_TYPES
from safeguard.insights.models import FollowUp, OutcomeEvent
from safeguard.insights.policies import InsightsAction
from safeguard.people.ports import Person, demographics
from safeguard.policy import Actor

EVENTS_SHOWN = 50


@dataclass(frozen=True)
class PersonOutcomes:
    events: list[OutcomeEvent]
    follow_up: FollowUp | None
    more: bool


def person_outcomes(*, actor: Actor, person: Person) -> PersonOutcomes | None:
    """A person's outcome events (newest first, at most EVENTS_SHOWN) and follow-up, for the person
    page, or None when the actor's role may not see them. Not audited here: the person page's own
    `person.view` event covers everything it shows (one event per page view)."""
    if not policy.allows(actor, InsightsAction.OUTCOME_VIEW):
        return None
    events = list(
        policy.scope(actor, InsightsAction.OUTCOME_VIEW, OutcomeEvent.objects.all())
        .filter(person=person).order_by("-event_date")[: EVENTS_SHOWN + 1]
    )
    follow_up = policy.scope(actor, InsightsAction.OUTCOME_VIEW, FollowUp.objects.all()).filter(person=person).first()
    return PersonOutcomes(events[:EVENTS_SHOWN], follow_up, len(events) > EVENTS_SHOWN)


def analysis_follow_ups(*, actor: Actor, filters: Filters) -> QuerySet[FollowUp]:
    """The follow-ups an analysis covers: the analyst's scope, then the page's filters."""
    rows = policy.scope(actor, InsightsAction.ANALYSE, FollowUp.objects.all())
    if filters.start_from:
        rows = rows.filter(start_date__gte=filters.start_from)
    if filters.start_to:
        rows = rows.filter(start_date__lte=filters.start_to)
    if filters.agency:
        rows = rows.filter(agency_id=filters.agency)
    if filters.programme:
        rows = rows.filter(programme=filters.programme)
    if filters.site:
        rows = rows.filter(site=filters.site)
    return rows


def choices_for_filters(*, actor: Actor) -> dict[str, list[tuple[str, str]]]:
    """Programmes, sites and agencies present in the analyst's scope (for the filter form)."""
    from safeguard.accounts.models import Agency

    rows = policy.scope(actor, InsightsAction.ANALYSE, FollowUp.objects.all()).order_by()
    programmes = sorted({p for p in rows.values_list("programme", flat=True).distinct()[:200] if p})
    sites = sorted({s for s in rows.values_list("site", flat=True).distinct()[:200] if s})
    agency_ids = set(rows.values_list("agency_id", flat=True).distinct()[:200])
    agencies = [(str(a.pk), a.name) for a in Agency.objects.filter(pk__in=agency_ids).order_by("name")]
    return {"programmes": [(p, p) for p in programmes], "sites": [(s, s) for s in sites], "agencies": agencies}


def _score_as_of(points: list[Any], start: date) -> Any | None:
    """The latest result on or before the start of follow-up: the score a prediction had then."""
    found = None
    for point in points:
        if point.assessment_date <= start:
            found = point
        else:
            break
    return found


def cohort_dataset(*, actor: Actor, filters: Filters, today: date) -> Dataset:
    """One row per person followed up in the analyst's scope and filters, as arrays.

    Follow-up runs from its start to its end (death, emigration) or `today`, whichever is first.
    The outcome is the first event of the chosen types and kinds after the start and by the end.
    The score is the chosen instrument's, recorded with the follow-up or else the latest assessment
    on or before the start (a later one might already reflect the outcome).
    """
    follow_ups = analysis_follow_ups(actor=actor, filters=filters).filter(start_date__lte=today)
    first_event = (
        OutcomeEvent.objects.filter(
            person=OuterRef("person"), event_date__gt=OuterRef("start_date"),
            offence_type__in=MEASURE_TYPES[filters.measure], kind__in=COUNTED_KINDS[filters.counted],
        )
        .order_by("event_date")
        .values("event_date")[:1]
    )
    rows = list(
        follow_ups.annotate(first_event=Subquery(first_event)).order_by().values_list(
            "person_id", "start_date", "end_date", "first_event", "programme_status", "ethnic_group",
            "baseline_instrument", "baseline_points", "baseline_band", "baseline_probability",
        )
    )
    ids = follow_ups.values("person_id")
    people = demographics(person_ids=ids)
    scores = scores_for_aggregates(person_ids=ids, instrument=filters.instrument)
    statuses = sources.programme_status(actor=actor, person_ids=ids, as_of=today) if rows else {}
    n = len(rows)
    time = np.zeros(n)
    event = np.zeros(n, dtype=np.bool_)
    status, band, sex, ages, ethnic = ([""] * n for _ in range(5))
    score, probability = np.full(n, np.nan), np.full(n, np.nan)
    for i, (pid, start, end, first, recorded_status, ethnic_group, b_inst, b_points, b_band, b_prob) in enumerate(rows):
        key = str(pid)
        stop = min(end or today, today)
        if first is not None and first <= stop:
            event[i], time[i] = True, years((first - start).days)
        else:
            time[i] = years(max((stop - start).days, 0))
        status[i] = statuses.get(key, recorded_status)
        person_sex, born = people.get(key, ("not_recorded", None))
        sex[i] = person_sex
        if born is not None:
            ages[i] = age_band(start.year - born.year - ((start.month, start.day) < (born.month, born.day)))
        ethnic[i] = ETHNIC_LABELS.get(ethnic_group, "Not recorded")
        if b_inst == filters.instrument and b_points is not None:
            score[i] = b_points
            band[i] = b_band
            probability[i] = np.nan if b_prob is None else b_prob
        else:
            point = _score_as_of(scores.get(key, []), start)
            if point is not None and point.points is not None:
                score[i] = point.points
                band[i] = point.band or ""
                probability[i] = np.nan if point.probability is None else point.probability
    data = Dataset(time, event, np.array(status, dtype=np.str_), score, probability, np.array(band, dtype=np.str_),
                   np.array(sex, dtype=np.str_), np.array(ages, dtype=np.str_), np.array(ethnic, dtype=np.str_))
    if len(statuses) < n:
        data.notes.append(
            "Programme status from the programmes app's referrals; for people it holds no referral for, the status"
            " recorded with the follow-up."
        )
    keep = np.ones(n, dtype=np.bool_)
    if filters.sex:
        keep &= data.sex == filters.sex
    if filters.band:
        keep &= data.band == filters.band
    return data if keep.all() else data.subset(keep)


def follow_up_of(*, actor: Actor, person: Person) -> FollowUp | None:
    return policy.scope(actor, InsightsAction.OUTCOME_VIEW, FollowUp.objects.all()).filter(person=person).first()


def summary(*, actor: Actor) -> dict[str, int]:
    """How much outcome data the analyst's analyses cover: two counts, no rows."""
    follow_ups = policy.scope(actor, InsightsAction.ANALYSE, FollowUp.objects.all()).order_by()
    events = policy.scope(actor, InsightsAction.ANALYSE, OutcomeEvent.objects.all()).order_by()
    return {"follow_ups": follow_ups.count(), "events": events.count()}
