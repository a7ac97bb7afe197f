"""Synthetic programme data for the demo, made through the app's own services (so every record is
checked, planned and audited as it would be in use): sites, a weekly community course running for
five weeks with its registers (one still to take), homework, progress ratings, referrals in several
states, an individual therapy completed with its end-of-programme report for the probation officer,
people in custody due for release (some without the programme their pathway calls for), a police
invitation to self-refer, and a prevention course for a prevention centre.

Demo users: `treatment.manager` (programme manager), `treatment.facilitator`, `probation.officer`,
`prison.officer`, `police.manager`. Safe to run again: nothing is added once the demo group exists.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from safeguard.accounts.models import Agency, Membership
from safeguard.assessments.ports import record_completed
from safeguard.instruments import registry
from safeguard.people.ports import Person
from safeguard.policy import Actor
from safeguard.programmes import services
from safeguard.programmes.choices import HomeworkStatus, Outcome
from safeguard.programmes.models import Group, Homework, Room, Session, Site
from safeguard.programmes.scheduling import Slot

DEMO_GROUP = "DEMO-ICC-1"
TREATMENT = "Demo Treatment Provider"
PROBATION = "Demo Probation Region"
PRISON = "Demo Prison"
POLICE = "Demo Police Offender Management Unit"
CENTRE = "Demo Prevention Centre North"


def _actor(username: str, agency: Agency) -> Actor | None:
    membership = Membership.objects.filter(user__username=username, agency=agency).select_related("user", "agency").first()
    return Actor(user=membership.user, membership=membership, endpoint="demo load") if membership else None


def _at(day: date, hour: int = 21) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)), timezone.get_default_timezone())


def _persons(agency: Agency, owner: Agency, count: int) -> list[Person]:
    linked = Person.objects.filter(agency_links__agency=agency, agency_links__ended_on__isnull=True, owner_agency=owner)
    return list(linked.order_by("reference")[:count])


def _walk(referral: Any, steps: list[str], *, team: Actor, referrer: Actor, now: datetime) -> None:
    for step in steps:
        actor = referrer if step == "submit" else team
        kwargs: dict[str, str] = {}
        if step in ("hold", "not_eligible", "not_suitable"):
            kwargs["reason_text"] = "Synthetic demo reason."
        if step == "withdraw":
            kwargs["reason_code"] = "personal_and_health"
        services.referral_transition(actor=actor, referral=referral, transition=step, now=now, **kwargs)


def load(agencies: Mapping[str, Any]) -> dict[str, int]:
    if Group.objects.filter(code=DEMO_GROUP).exists():
        return {"programme groups": Group.objects.count()}
    treatment, probation, prison = agencies[TREATMENT], agencies[PROBATION], agencies[PRISON]
    manager, facilitator = _actor("treatment.manager", treatment), _actor("treatment.facilitator", treatment)
    officer, prison_officer = _actor("probation.officer", probation), _actor("prison.officer", prison)
    police = _actor("police.manager", agencies[POLICE])
    if manager is None or facilitator is None or officer is None or prison_officer is None or police is None:
        return {}
    today = timezone.localdate()
    centre = services.site_create(actor=manager, name="Demotown Treatment Centre", region="england-and-wales",
                                  rooms=["Room 1", "Room 2"])
    room = Room.objects.get(site=centre, name="Room 1")
    people = _persons(treatment, probation, 14)

    # A weekly community course, five weeks in: registers for the first four meetings, one to take.
    start = today - timedelta(days=today.weekday()) - timedelta(weeks=5) + timedelta(days=1)  # a Tuesday
    group = services.group_create(actor=manager, today=start, data=services.GroupInput(
        programme_id="community-image-course", site=centre, room=room, start_date=start,
        slots=(Slot(1, time(18, 0)),), facilitators=(facilitator.user,), cohort="sexual_offence", code=DEMO_GROUP,
        treatment_manager=manager.user,
    ))
    members = []
    for index, person in enumerate(people[:8]):
        referral = services.referral_create(
            actor=officer, person=person, today=start - timedelta(weeks=6),
            data=services.ReferralInput(programme_id="community-image-course", provider=treatment, site=centre,
                                        setting="community", source="probation",
                                        information="Synthetic demo referral: convicted of an image offence."),
        )
        _walk(referral, ["submit", "accept", "start_assessment", "mark_suitable"], team=facilitator, referrer=officer,
              now=_at(start - timedelta(weeks=6 - index % 3)))
        members.append(services.member_allocate(actor=manager, group=group, referral=referral, joined_on=start))
        _walk(referral, ["start_programme"], team=facilitator, referrer=officer, now=_at(start))
    held = list(Session.objects.filter(group=group, placeholder=False, day__lt=today).order_by("day"))
    for number, session in enumerate(held[:-1]):
        outcomes = {}
        for index, member in enumerate(members):
            outcome = Outcome.ATTENDED_COMPLIED
            if index == 0 and number >= 1:
                outcome = Outcome.UNACCEPTABLE_ABSENCE  # reaches the breach threshold: due for the officer
            elif index == 1 and number == 2:
                outcome = Outcome.ACCEPTABLE_ABSENCE
            elif index == 2 and number == 3:
                outcome = Outcome.ATTENDED_FAILED_TO_COMPLY
            outcomes[member.pk] = outcome
        services.register_take(actor=facilitator, session=session, outcomes=outcomes, now=_at(session.day))
    for homework in Homework.objects.filter(member__group=group).order_by("pk")[:6]:
        services.homework_update(actor=facilitator, homework=homework, status=HomeworkStatus.SUBMITTED,
                                 today=homework.due_on)
    for index, member in enumerate(members[1:6]):
        ratings = {"engagement": 3, "understanding": 2 + index % 2, "victim_empathy": 2, "regret": 2 + (index % 3 == 0),
                   "reflective_capacity": 2, "self_management": 1 + index % 2}
        services.module_review_save(actor=facilitator, member=member, module=1, ratings=ratings, today=today,
                                    notes="Synthetic demo notes: engaged with the first module's work.")

    # Referrals in other states: waiting (one far too long), on hold, withdrawn.
    for index, person in enumerate(people[8:12]):
        referral = services.referral_create(
            actor=officer, person=person, today=today - timedelta(weeks=16),
            data=services.ReferralInput(programme_id="community-image-course", provider=treatment, site=centre,
                                        setting="community", source="probation"),
        )
        steps = [["submit"], ["submit", "accept"], ["submit", "accept", "hold"], ["submit", "withdraw"]][index]
        _walk(referral, steps, team=facilitator, referrer=officer,
              now=_at(today - timedelta(weeks=15 if index == 0 else 3)))

    # An individual therapy, completed: the end-of-programme report goes to the probation officer.
    therapy_start = today - timedelta(weeks=14)
    person = people[12] if len(people) > 12 else people[-1]
    referral = services.referral_create(
        actor=officer, person=person, today=therapy_start - timedelta(weeks=4),
        data=services.ReferralInput(programme_id="individual-therapy", provider=treatment, site=centre,
                                    setting="community", source="probation"),
    )
    _walk(referral, ["submit", "accept", "start_assessment", "mark_suitable"], team=facilitator, referrer=officer,
          now=_at(therapy_start - timedelta(weeks=3)))
    therapy = services.group_create(actor=manager, today=therapy_start, data=services.GroupInput(
        programme_id="individual-therapy", site=centre, room=Room.objects.get(site=centre, name="Room 2"),
        start_date=therapy_start, slots=(Slot(3, time(10, 0)),), facilitators=(facilitator.user,),
        cohort="sexual_offence", code="DEMO-IT-1",
    ))
    member = services.member_allocate(actor=manager, group=therapy, referral=referral, joined_on=therapy_start)
    _walk(referral, ["start_programme"], team=facilitator, referrer=officer, now=_at(therapy_start))
    for session in Session.objects.filter(group=therapy, day__lt=today).order_by("day"):
        services.register_take(actor=facilitator, session=session, outcomes={member.pk: Outcome.ATTENDED_COMPLIED},
                               now=_at(session.day, 12))
    for module, level in ((1, 2), (4, 3)):
        services.module_review_save(actor=facilitator, member=member, module=module, today=today,
                                    ratings=dict.fromkeys(("engagement", "understanding", "victim_empathy", "regret", "reflective_capacity", "self_management"), level),
                                    notes="Synthetic demo notes.")
    services.referral_transition(actor=facilitator, referral=referral, transition="complete", now=_at(today - timedelta(days=2), 12),
                                 summary="Synthetic demo summary: attended every session and wrote a relapse-prevention plan.")

    # In custody: release dates, PNI pathways, and one referral to the prison's own programme.
    # The prison's programmes unit (a site is set up by a programme manager; the demo has none at the
    # prison, so the record is made directly: it holds no personal data).
    unit, _ = Site.objects.get_or_create(agency=prison, name="Demo Prison programmes unit")
    Room.objects.get_or_create(site=unit, name="Classroom A")
    held_people = _persons(prison, probation, 6)
    pni = registry.example_input("pni")
    for index, person in enumerate(held_people):
        services.custody_record(actor=prison_officer, person=person, today=today,
                                expected_release_on=today + timedelta(days=30 + 25 * index),
                                received_on=today - timedelta(days=400))
        if index < 4:
            inputs = {**pni, "supervision_status": "custody", "sara_risk_to_others": "high" if index % 2 else "medium",
                      "general_reoffending_percent": 90 if index % 2 else 10}
            record_completed(actor=prison_officer, person=person, instrument_id="pni", inputs=inputs,
                             assessment_date=today - timedelta(days=60))
    if held_people:
        referral = services.referral_create(
            actor=prison_officer, person=held_people[0], today=today,
            data=services.ReferralInput(programme_id="building-choices-moderate", provider=prison, site=unit,
                                        setting="custody", source="prison"),
        )
        services.referral_transition(actor=prison_officer, referral=referral, transition="submit", now=_at(today - timedelta(days=1)))

    # A police invitation to self-refer, not yet taken up.
    invited = _persons(agencies[POLICE], agencies[POLICE], 1)
    if invited:
        services.invitation_record(actor=police, person=invited[0], programme_id="community-image-course",
                                   provider=treatment, invited_on=today - timedelta(days=5), today=today)

    # A prevention course for a prevention centre's pseudonymous participants.
    if CENTRE in agencies:
        course = services.group_create(actor=manager, today=today, data=services.GroupInput(
            programme_id="prevention-course", site=centre, room=Room.objects.get(site=centre, name="Room 2"),
            start_date=today + timedelta(days=14), slots=(Slot(2, time(18, 30)),), facilitators=(facilitator.user,),
            cohort="prevention", partner_agency=agencies[CENTRE], code="DEMO-PC-1",
        ))
        adviser = _actor("helpline.adviser", agencies[CENTRE])
        if adviser is not None:
            services.pseudonym_enrol(actor=adviser, group=course, pseudonym="Oak-17", joined_on=today)
    return {"programme groups": Group.objects.count(), "programme sites": Site.objects.count()}

