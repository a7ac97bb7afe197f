"""Building outcome data for the insights tests: follow-ups and events of the world's persons, and
synthetic persons in bulk (obviously made up) for cohorts."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from safeguard.insights.models import FollowUp, OutcomeEvent


def follow_up(world, person, *, start: str, end: str | None = None, status: str = "not_referred", agency: str = "probation",
              points: int | None = None, band: str = "", probability: float | None = None, **extra) -> FollowUp:
    return FollowUp.objects.create(
        person=person, start_date=date.fromisoformat(start), start_reason="release",
        end_date=date.fromisoformat(end) if end else None, end_reason="death" if end else "",
        agency=world.agencies[agency], programme_status=status, recorded_by=world.users["prob_prac"],
        recorded_at=timezone.now(), baseline_instrument="osp-dc" if points is not None else "",
        baseline_points=points, baseline_band=band, baseline_probability=probability, **extra,
    )


def event(world, person, day: str, *, kind: str = "conviction", offence_type: str = "sexual_contact") -> OutcomeEvent:
    return OutcomeEvent.objects.create(
        person=person, kind=kind, offence_type=offence_type, event_date=date.fromisoformat(day),
        agency=world.agencies["probation"], recorded_by=world.users["prob_prac"], recorded_at=timezone.now(),
    )


def persons(world, count: int, *, owner: str = "probation", prefix: str = "SYN") -> list:
    """`count` synthetic persons owned by (and linked to) one agency."""
    from safeguard.people.models import Person, PersonAgencyLink

    made = Person.objects.bulk_create([
        Person(reference=f"{prefix}{i:05d}", given_name="Testy", family_name="Syntheticson",
               date_of_birth=date(1950, 1, 1) + timedelta(days=(97 * i) % (365 * 50)), sex="male" if i % 10 else "female",
               owner_agency=world.agencies[owner])
        for i in range(count)
    ])
    PersonAgencyLink.objects.bulk_create([
        PersonAgencyLink(person=p, agency=world.agencies[owner], basis="owner", started_on=date(2020, 1, 1)) for p in made
    ])
    return made


def synthetic_cohort(world, count: int, *, seed: int = 3, owner: str = "probation", agency: str = "probation",
                     today: date = date(2026, 6, 1), completion_hr: float = 0.74) -> list:
    """Persons with follow-ups and outcome events drawn from the stats core's synthetic generator
    (OSP/DC-like whole points, years converted to days)."""
    import numpy as np

    from safeguard.stats import synthetic

    cohort = synthetic.generate(synthetic.CohortSpec(
        size=count, seed=seed, score_mean=30, score_sd=6, whole_points=True, score_min=0, score_max=64,
        intercept=-2.0 - 0.16 * 30, slope=0.16, completion_hr=completion_hr, follow_up_min=0.5, follow_up_max=8.0,
    ))
    made = persons(world, count, owner=owner, prefix=f"C{seed}")
    follow_ups, events = [], []
    now = timezone.now()
    for i, person in enumerate(made):
        years = float(cohort.time[i])
        start = today - timedelta(days=int(np.ceil(years * 365.25)) + 30)
        probability = float(cohort.expected_by(2.0)[i])
        follow_ups.append(FollowUp(
            person=person, start_date=start, start_reason="release", agency=world.agencies[agency],
            programme_status=str(cohort.cohort[i]), recorded_by=world.users["prob_prac"], recorded_at=now,
            baseline_instrument="osp-dc", baseline_points=int(cohort.score[i]),
            baseline_band="medium" if cohort.score[i] >= 22 else "low", baseline_probability=probability,
            ethnic_group="white" if i % 5 else "asian",
        ))
        if cohort.event[i]:
            day = start + timedelta(days=max(1, int(years * 365.25)))
            events.append(OutcomeEvent(person=person, kind="conviction", offence_type="sexual_contact", event_date=day,
                                       agency=world.agencies[owner], recorded_by=world.users["prob_prac"], recorded_at=now))
        else:
            # Followed to the data cut-off, or ended early (death) at the censoring time.
            end = start + timedelta(days=int(years * 365.25))
            if end < today - timedelta(days=31):
                follow_ups[-1].end_date, follow_ups[-1].end_reason = end, "emigration"
    FollowUp.objects.bulk_create(follow_ups)
    OutcomeEvent.objects.bulk_create(events)
    return made
