"""Building blocks for the supervision tests: cases, requirements and assessments on the shared `world`.

The world's "probation" person is linked (statutory) to probation and treatment; the "police" person is
owned by the police and linked to police and probation; "other" belongs to another probation area.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from safeguard.accounts.models import Membership, User
from safeguard.supervision import services

TODAY = date(2026, 6, 1)


def actor(world, name: str):
    return world.actor(name)


def probation_case(world, *, opened_on: date = date(2026, 1, 5), officer: str = "prob_prac", today: date = TODAY):
    return services.case_open(
        actor=world.actor(officer), person=world.persons["probation"], officer=world.users[officer],
        opened_on=opened_on, today=today,
    )


def police_case(world, *, opened_on: date = date(2025, 6, 1), today: date = TODAY):
    return services.case_open(
        actor=world.actor("police_prac"), person=world.persons["police"], officer=world.users["police_prac"],
        opened_on=opened_on, sexual_offence_history=True, today=today,
    )


def requirement(world, *, relevant_date: date = date(2025, 3, 1), months: int = 8, first: date | None = None,
                today: date = TODAY, **extra):  # fmt: skip
    fields = {"disposal": "imprisonment", "custody_months": months, **extra}
    return services.requirement_create(
        actor=world.actor("police_prac"), person=world.persons["police"], source="computed",
        relevant_date=relevant_date, first_notification_on=first, today=today, **fields,
    )


def record_assessment(world, who: str, person_key: str, instrument: str, **changes):
    from safeguard.assessments import services as assessment_services
    from safeguard.instruments import registry

    return assessment_services.assessment_record(
        actor=world.actor(who), person=world.persons[person_key], instrument_id=instrument,
        inputs={**registry.example_input(instrument), **changes},
    )


def colleague(world, agency_key: str, username: str, role: str = "practitioner") -> User:
    """Another member of staff (with a second factor, so they can sign in) in one of the world's agencies."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.conftest import password_hash

    user = User.objects.create(username=username, password=password_hash(), first_name=username.title())
    TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    Membership.objects.create(user=user, agency=world.agencies[agency_key], role=role)
    return user


def days_ago(n: int) -> date:
    return timezone.localdate() - timedelta(days=n)
