"""Synthetic supervision demo data: police register cases for the demo offender manager (`police.manager`)
and probation cases for `probation.officer`, with notification requirements, visits (some overdue), plans,
MAPPA levels and a meeting, a breach, and a risk-level override waiting for a supervisor.

Everything goes through the services, so the demo obeys the same rules as the pages (and is audited).
Safe to run again: nothing is added once any supervision case exists.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from safeguard.accounts.models import Membership
from safeguard.calendar.dates import add_months
from safeguard.people.ports import Person
from safeguard.policy import Actor
from safeguard.supervision import services
from safeguard.supervision.choices import (
    NotificationKind,
    PlanItemKind,
    RequirementSource,
    VisitKind,
    VisitOutcome,
)
from safeguard.supervision.models import NotificationRequirement, SupervisionCase

POLICE = "Demo Police Offender Management Unit"
PROBATION = "Demo Probation Region"
LEVELS = ("high", "medium", "low", "very_high", "medium", "low")
POLICE_CASES = 24
PROBATION_CASES = 24
OBSERVATIONS = [
    "Home visit completed. Address checked; the person was cooperative. No concerns recorded at this visit.",
    "Spoke with the person at home about work and housing. Devices checked as agreed in the plan.",
    "The person was at home and engaged well. New employment confirmed with the employer.",
]
RISK_FACTORS = ["Sexual preoccupation (demo)", "Opportunity to offend through online contact (demo)"]
PROTECTIVE = ["Positive routine: stable work (demo)", "Commitment to desist (demo)"]


def _actor(username: str, agency_name: str) -> Actor | None:
    membership = (
        Membership.objects.filter(user__username=username, agency__name=agency_name, is_active=True)
        .select_related("user", "agency").first()
    )  # fmt: skip
    return Actor(user=membership.user, membership=membership, endpoint="demo load") if membership else None


def load(agencies: Mapping[str, Any]) -> dict[str, int]:
    if SupervisionCase.objects.exists():
        return {"supervision cases": SupervisionCase.objects.count()}
    police = _actor("police.manager", POLICE)
    probation = _actor("probation.officer", PROBATION)
    if police is None or probation is None:
        return {"supervision cases": 0}
    today = timezone.localdate()
    rng = random.Random(2017)  # noqa: S311 - synthetic demo data, not security
    police_people = list(Person.objects.filter(owner_agency__name=POLICE).order_by("reference")[:POLICE_CASES])
    probation_people = list(Person.objects.filter(owner_agency__name=PROBATION).order_by("reference")[:PROBATION_CASES])
    police_sup = _actor("police.supervisor", POLICE)
    probation_sup = _actor("probation.manager", PROBATION)
    _mappa(police, police_people[:3], today)
    for index, person in enumerate(police_people):
        _police_case(police, police_sup, person, index, today, rng)
    for index, person in enumerate(probation_people):
        _probation_case(probation, probation_sup, person, index, today, rng)
    if probation_people:
        case = SupervisionCase.objects.get(person=probation_people[2], agency=probation.agency)
        services.override_request(actor=probation, case=case, level="high",
                                  reason="New intelligence about contact with children (synthetic demo reason).")  # fmt: skip
    return {"supervision cases": SupervisionCase.objects.count()}


def _level(actor: Actor, supervisor: Actor | None, case: SupervisionCase, index: int) -> None:
    """Demo persons have no RM2000/S: a level agreed by override (asked for, then approved by a supervisor)."""
    if case.risk_level or supervisor is None:
        return
    level = LEVELS[index % len(LEVELS)]
    override = services.override_request(actor=actor, case=case, level=level,
                                         reason="Agreed at the case review pending an RM2000/S assessment (demo).")  # fmt: skip
    services.override_move(actor=supervisor, override=override, transition="approve", expected_state="requested")
    case.refresh_from_db()


def _opened(person: Person, index: int, today: date) -> date:
    return today - timedelta(days=400 + 37 * index)


def _police_case(actor: Actor, supervisor: Actor | None, person: Person, index: int, today: date,
                 rng: random.Random) -> None:  # fmt: skip
    opened = _opened(person, index, today)
    case = services.case_open(actor=actor, person=person, officer=actor.user, opened_on=opened,
                              sexual_offence_history=True, today=today)  # fmt: skip
    relevant = opened - timedelta(days=rng.randint(3, 60))
    disposal = ("imprisonment", "caution", "community_order", "imprisonment")[index % 4]
    months = 36 if index % 8 == 0 else 8
    requirement = services.requirement_create(
        actor=actor, person=person, source=RequirementSource.COMPUTED, relevant_date=relevant, disposal=disposal,
        custody_months=months if disposal == "imprisonment" else None,
        first_notification_on=None if index == 5 else relevant + timedelta(days=rng.randint(0, 2)), today=today,
    )  # fmt: skip
    _annual(actor, requirement, index, today, rng)
    still_in_force = requirement.end_date is None or requirement.end_date > today
    if index % 3 == 0 and still_in_force:
        changed = today - timedelta(days=20 + index)
        if changed > relevant:
            services.notification_record(
                actor=actor, requirement=requirement, kind=NotificationKind.HOME_ADDRESS, change_date=changed,
                notified_on=changed + timedelta(days=1 if index % 6 else 5), details="Moved to a new demo address.",
                today=today,
            )  # fmt: skip
    if index % 7 == 2 and (requirement.end_date is None or requirement.end_date > today + timedelta(days=40)):
        departure = today + timedelta(days=25)
        services.notification_record(
            actor=actor, requirement=requirement, kind=NotificationKind.TRAVEL, departure_date=departure,
            return_date=departure + timedelta(days=7), destination="Exampleland (demo)", carrier="Demo Air DA123",
            accommodation="Hotel Placeholder, Sample City (demo)", notified_on=today - timedelta(days=1), today=today,
        )  # fmt: skip
    if index == 5:
        services.breach_record(actor=actor, requirement=requirement, noticed_on=today - timedelta(days=2),
                               description="Initial notification not made within 3 days (synthetic demo).", today=today)  # fmt: skip
    _plan(actor, case, index, today)
    _level(actor, supervisor, case, index)
    _visits(actor, case, index, today, rng)


def _annual(actor: Actor, requirement: NotificationRequirement, index: int, today: date, rng: random.Random) -> None:
    """The yearly notifications made so far, mostly a few days early; one person's latest is missing."""
    while True:
        requirement.refresh_from_db()
        due = requirement.next_annual_due
        if due is None or due > today or (index == 7 and due > today - timedelta(days=200)):
            return
        services.notification_record(actor=actor, requirement=requirement, kind=NotificationKind.ANNUAL,
                                     notified_on=min(today, due - timedelta(days=rng.randint(0, 14))), today=today)  # fmt: skip


def _probation_case(actor: Actor, supervisor: Actor | None, person: Person, index: int, today: date,
                    rng: random.Random) -> None:  # fmt: skip
    opened = _opened(person, index, today)
    case = services.case_open(actor=actor, person=person, officer=actor.user, opened_on=opened, today=today)
    services.case_update(
        actor=actor, case=case, rosh_level=("high", "medium", "low", "very_high")[index % 4],
        rosh_assessed_on=today - timedelta(days=30 + 20 * index), sexual_offence_history=index % 2 == 0,
        child_protection=index % 5 == 0, domestic_abuse=index % 7 == 0,
        release_date=today + timedelta(days=15 + index) if index % 6 == 3 else None, today=today,
    )  # fmt: skip
    _plan(actor, case, index, today)
    _level(actor, supervisor, case, index)
    _visits(actor, case, index, today, rng)


def _plan(actor: Actor, case: SupervisionCase, index: int, today: date) -> None:
    reviewed = max(case.opened_on, add_months(today, -(index % 14)))
    services.plan_save(actor=actor, case=case, reviewed_on=reviewed, review_every_months=12,
                       visit_override_months=2 if index == 4 else None,
                       visit_override_reason="Recent change of address: closer contact agreed (demo)." if index == 4 else "",
                       today=today)  # fmt: skip
    services.plan_item_add(actor=actor, case=case, kind=PlanItemKind.RISK_FACTOR, text=RISK_FACTORS[index % 2], today=today)
    services.plan_item_add(actor=actor, case=case, kind=PlanItemKind.PROTECTIVE_FACTOR, text=PROTECTIVE[index % 2], today=today)
    if index % 4 == 1:
        services.plan_item_add(
            actor=actor, case=case, kind=PlanItemKind.PROHIBITION, order="Sexual Harm Prevention Order",
            text="Not to have unsupervised contact with any child under 16 (demo).", starts_on=case.opened_on,
            ends_on=today + timedelta(days=10 + 30 * index), today=today,
        )  # fmt: skip
    services.plan_item_add(actor=actor, case=case, kind=PlanItemKind.CONTINGENCY,
                           text="If the person goes missing: inform the duty sergeant the same day (demo).", today=today)  # fmt: skip


def _visits(actor: Actor, case: SupervisionCase, index: int, today: date, rng: random.Random) -> None:
    # One case in four is overdue for its visit; the others were visited within their frequency.
    months = case.visit_every_months or 1
    days = months * 30 + 12 if index % 4 == 0 else max(3, months * 30 - 10 - (index * 7) % (months * 20))
    last = today - timedelta(days=days)
    if last < case.opened_on:
        return
    earlier = add_months(last, -months)
    for day in (earlier, last):
        if day >= case.opened_on:
            services.visit_record(
                actor=actor, case=case, visited_on=day, kind=VisitKind.UNANNOUNCED if index % 3 else VisitKind.PLANNED,
                outcome=VisitOutcome.COMPLETED, officers=[actor.user], present="The person only (demo).",
                observations=OBSERVATIONS[rng.randrange(len(OBSERVATIONS))], today=today,
            )  # fmt: skip
    if index % 5 == 0:
        services.visit_schedule(actor=actor, case=case, kind=VisitKind.PLANNED, planned_for=today + timedelta(days=3 + index),
                                today=today)  # fmt: skip


def _mappa(actor: Actor, persons: list[Person], today: date) -> None:
    for index, person in enumerate(persons):
        level = 2 if index < 2 else 1
        services.mappa_set(actor=actor, person=person, category=1, level=level, since=today - timedelta(days=200), today=today)
        if level == 2:
            services.meeting_record(
                actor=actor, person=person, held_on=today - timedelta(days=40), next_meeting_on=today + timedelta(days=50),
                agencies_present="Police\nProbation\nChildren's services",
                attendees="DS Demo (police), Pat Example (probation), A Social Worker (demo)",
                minutes="Risk reviewed; the plan's conditions remain proportionate (synthetic demo minutes).",
                actions=[("Check the new employer's safeguarding arrangements (demo).", actor.user, today - timedelta(days=3)),
                         ("Share the travel plans with the border unit (demo).", actor.user, today + timedelta(days=12))],
                today=today,
            )  # fmt: skip
