"""Synthetic demonstration data: agencies, one sign-in per role, and a few hundred made-up persons.

Every name, number and place here is invented and obviously so (family names such as
"Testington", postcodes in the non-existent ZZ area). Nothing describes any offence beyond
its legal title.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguard.accounts import services as account_services
from safeguard.accounts.choices import AgencyKind, Role, SharingBasis
from safeguard.accounts.models import Agency, Membership, User
from safeguard.guidelines.offences import offence_catalogue
from safeguard.people.choices import Disposal, Sex
from safeguard.people.models import Address, Alias, Conviction, Person, PersonAgencyLink, PersonNote

DEMO_PASSWORD = "safeguard-demo-2026"  # noqa: S105 - published demo credential, demo mode only

AGENCIES = [
    ("Demo Prevention Network", AgencyKind.PREVENTION, None),
    ("Demo Prevention Centre North", AgencyKind.PREVENTION, "Demo Prevention Network"),
    ("Demo Prevention Centre South", AgencyKind.PREVENTION, "Demo Prevention Network"),
    ("Demo Prevention Centre West", AgencyKind.PREVENTION, "Demo Prevention Network"),
    ("Demo Treatment Provider", AgencyKind.TREATMENT, None),
    ("Demo Probation Region", AgencyKind.PROBATION, None),
    ("Demo Police Offender Management Unit", AgencyKind.POLICE, None),
    ("Demo Crown Court", AgencyKind.COURT, None),
    ("Demo Prison", AgencyKind.PRISON, None),
    ("Demo Analysis Team", AgencyKind.ANALYSIS, None),
    ("Demo Platform Administration", AgencyKind.ADMINISTRATION, None),
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    agency: str
    role: str
    title: str


USERS = [
    DemoUser("probation.officer", "Pat", "Example", "Demo Probation Region", Role.PRACTITIONER, "Probation officer"),
    DemoUser("probation.manager", "Sam", "Sample", "Demo Probation Region", Role.SUPERVISOR, "Senior probation officer"),
    DemoUser("police.manager", "Jo", "Placeholder", "Demo Police Offender Management Unit", Role.PRACTITIONER, "Offender manager"),
    # Approves the offender managers' risk-level overrides and decides breaches (two-person rule).
    DemoUser("police.supervisor", "Rowan", "Sergeantson", "Demo Police Offender Management Unit", Role.SUPERVISOR, "Detective sergeant"),
    DemoUser("treatment.facilitator", "Alex", "Demo", "Demo Treatment Provider", Role.PRACTITIONER, "Group facilitator"),
    DemoUser("treatment.manager", "Jamie", "Trialby", "Demo Treatment Provider", Role.SUPERVISOR, "Programme manager"),
    DemoUser("court.adviser", "Chris", "Testcase", "Demo Crown Court", Role.PRACTITIONER, "Legal adviser"),
    DemoUser("guideline.editor", "Dee", "Draftwell", "Demo Crown Court", Role.GUIDELINE_EDITOR, "Guideline content editor"),
    DemoUser("prison.officer", "Lee", "Mockup", "Demo Prison", Role.PRACTITIONER, "Programmes officer"),
    DemoUser("helpline.adviser", "Robin", "Fictional", "Demo Prevention Centre North", Role.PRACTITIONER, "Helpline adviser"),
    # Two prevention supervisors: a safeguarding disclosure needs one to ask and another to decide.
    DemoUser("prevention.supervisor", "Sky", "Imaginary", "Demo Prevention Centre North", Role.SUPERVISOR, "Prevention supervisor"),
    DemoUser("prevention.supervisor2", "Ren", "Pretendwell", "Demo Prevention Centre North", Role.SUPERVISOR, "Prevention supervisor"),
    DemoUser("analyst", "Kim", "Dataset", "Demo Analysis Team", Role.ANALYST, "Analyst"),
    DemoUser("auditor", "Ash", "Checker", "Demo Platform Administration", Role.AUDITOR, "Information governance auditor"),
    # Reads only the prevention service's sealed audit log (docs/decisions/0015); the platform's
    # auditor above never sees it.
    DemoUser("prevention.auditor", "Jesse", "Sealwell", "Demo Prevention Network", Role.AUDITOR, "Prevention network auditor"),
    DemoUser("admin", "Max", "Admin", "Demo Platform Administration", Role.ADMINISTRATOR, "Platform administrator"),
    # A second administrator: giving the auditor or administrator role needs two (docs/security.md).
    DemoUser("admin2", "Mo", "Second", "Demo Platform Administration", Role.ADMINISTRATOR, "Platform administrator"),
]

GIVEN = ["Alex", "Billie", "Charlie", "Dana", "Eden", "Frankie", "Gale", "Harper", "Indy", "Jules",
         "Kai", "Lane", "Morgan", "Noel", "Oakley", "Parker", "Quinn", "Reese", "Sasha", "Taylor"]
FAMILY = ["Testington", "Sampleby", "Democroft", "Fictonby", "Mockworth", "Placeholt", "Exampleton",
          "Dummerly", "Specimore", "Trialwood", "Synthby", "Madeupton", "Pretendale", "Notrealy"]
TOWNS = ["Demotown", "Sampleford", "Testbury", "Exampleham", "Mockfield"]
COURTS = ["Demo Crown Court", "Sampleford Magistrates' Court (demo)", "Testbury Crown Court (demo)"]
NOTES = [
    "Attended supervision appointment on time. Discussed employment plans and housing.",
    "Reported a change of address within the required period. Details checked.",
    "Completed the group session homework. Engaged well in discussion.",
    "Home visit completed. No concerns recorded at this visit.",
    "Missed appointment; rearranged for next week after a phone call.",
]


def ensure_agencies() -> dict[str, Agency]:
    agencies: dict[str, Agency] = {}
    for name, kind, parent in AGENCIES:
        agency, _ = Agency.objects.get_or_create(
            name=name, defaults={"kind": kind, "parent": agencies.get(parent) if parent else None}
        )
        agencies[name] = agency
    return agencies


def ensure_users(agencies: dict[str, Agency]) -> list[User]:
    users = []
    for spec in USERS:
        user, created = User.objects.get_or_create(
            username=spec.username,
            defaults={"first_name": spec.first_name, "last_name": spec.last_name},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        Membership.objects.get_or_create(
            user=user, agency=agencies[spec.agency], role=spec.role, defaults={"job_title": spec.title}
        )
        if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            device = account_services.totp_device_start(user=user)
            account_services.totp_device_confirm(device=device)
        users.append(user)
    return users


def _pnc(rng: random.Random, index: int) -> str:
    year = rng.randint(1995, 2024)
    letter = "ABCDEFGHJKLMNPQRTUVWXYZ"[index % 23]
    return f"{year}/{index:07d}{letter}"


def ensure_persons(agencies: dict[str, Agency], count: int = 300, seed: int = 2026) -> int:
    if Person.objects.exists():
        return Person.objects.count()
    rng = random.Random(seed)
    probation = agencies["Demo Probation Region"]
    police = agencies["Demo Police Offender Management Unit"]
    partners = [agencies["Demo Treatment Provider"], agencies["Demo Crown Court"], agencies["Demo Prison"]]
    author = User.objects.get(username="probation.officer")
    # An adult's offences of the catalogue (not s.13, for offenders under 18: demo offenders are older).
    offences = [
        o.id for o in offence_catalogue().values()
        if o.offender_age_at_offence is None or o.offender_age_at_offence.allows(19)
    ]  # fmt: skip
    today = date(2026, 11, 1)
    for i in range(1, count + 1):
        owner = police if i % 5 == 0 else probation
        dob = date(1950, 1, 1) + timedelta(days=rng.randint(0, 365 * 55))
        person = Person.objects.create(
            reference=f"DEMO{i:04d}",
            given_name=rng.choice(GIVEN),
            family_name=rng.choice(FAMILY),
            date_of_birth=dob,
            sex=Sex.MALE if rng.random() < 0.95 else Sex.FEMALE,
            pnc_number=_pnc(rng, i),
            owner_agency=owner,
        )
        PersonAgencyLink.objects.create(person=person, agency=owner, basis=SharingBasis.OWNER, started_on=today)
        other = probation if owner == police else police
        PersonAgencyLink.objects.create(person=person, agency=other, basis=SharingBasis.STATUTORY, started_on=today)
        partner = partners[i % 3]
        basis = SharingBasis.CONSENT if partner.kind == AgencyKind.TREATMENT else SharingBasis.STATUTORY
        PersonAgencyLink.objects.create(person=person, agency=partner, basis=basis, started_on=today)
        if i % 7 == 0:
            Alias.objects.create(person=person, given_name=rng.choice(GIVEN), family_name=rng.choice(FAMILY))
        moved = today - timedelta(days=rng.randint(30, 2000))
        Address.objects.create(
            person=person, line1=f"{rng.randint(1, 200)} Example Street", town=rng.choice(TOWNS),
            postcode=f"ZZ{rng.randint(1, 9)} {rng.randint(1, 9)}AA", from_date=moved,
        )
        for _ in range(rng.randint(1, 3)):
            offence_date = dob + timedelta(days=rng.randint(365 * 19, 365 * 45))
            offence_date = min(offence_date, today - timedelta(days=400))
            Conviction.objects.create(
                person=person, offence_code=rng.choice(offences), offence_date=offence_date,
                conviction_date=offence_date + timedelta(days=rng.randint(60, 360)),
                court=rng.choice(COURTS), disposal=rng.choice(Disposal.values[:4]),
            )
        if i % 3 == 0:
            PersonNote.objects.create(person=person, author=author, agency=probation, body=rng.choice(NOTES))
    return count


# When the latest STABLE-2007 rating of each demo person falls due, in days from the day of loading:
# two overdue, four due within the dashboard's 30 days, two later.
STABLE_DUE_OFFSETS = (-40, -10, 5, 12, 20, 28, 60, 120)


def ensure_assessments(agencies: dict[str, Agency]) -> int:
    """Completed assessments for a few probation-owned men: two STABLE-2007 ratings six months
    apart, and OSP/DC or Static-99R for some. Idempotent: nothing is added once any exist."""
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from safeguard.assessments import services as assessment_services
    from safeguard.assessments.models import Assessment
    from safeguard.calendar.dates import add_months
    from safeguard.instruments import registry
    from safeguard.policy import Actor

    if Assessment.objects.exists():
        return Assessment.objects.count()
    probation = agencies["Demo Probation Region"]
    membership = (
        Membership.objects.filter(user__username="probation.officer", agency=probation)
        .select_related("user", "agency")
        .first()
    )
    if membership is None:
        return 0
    actor = Actor(user=membership.user, membership=membership, endpoint="demo load")
    persons = list(Person.objects.filter(owner_agency=probation, sex=Sex.MALE).order_by("reference")[: len(STABLE_DUE_OFFSETS)])
    rng = random.Random(2007)
    today = timezone.localdate()
    schema = registry.input_schema("stable-2007")["properties"]
    items = [name for name, prop in schema.items() if prop.get("enum") and name != "sex"]

    def record(person: Person, instrument_id: str, inputs: dict[str, object], day: date) -> int | None:
        try:
            done = assessment_services.assessment_record(
                actor=actor, person=person, instrument_id=instrument_id, inputs=inputs,
                assessment_date=None if "assessment_date" in inputs else day,
            )
        except ValidationError:  # synthetic answers an instrument refuses are simply left out
            return None
        points = (done.result or {}).get("points")
        return points if isinstance(points, int) else None

    for index, (person, offset) in enumerate(zip(persons, STABLE_DUE_OFFSETS, strict=False)):
        second = add_months(today + timedelta(days=offset), -6)
        first = add_months(second, -6)
        ratings: dict[str, int | None] = {name: rng.choice((0, 1, 1, 2)) for name in items}
        ratings["emotional_identification_with_children"] = None if index % 3 else rng.choice((0, 1))
        previous = record(person, "stable-2007", {"sex": "male", **ratings}, first)
        improved = {name: max(0, value - 1) if isinstance(value, int) and rng.random() < 0.3 else value
                    for name, value in ratings.items()}
        record(person, "stable-2007", {"sex": "male", **improved, "previous_total": previous}, second)
        last_offence = person.convictions.order_by("-offence_date").values_list("offence_date", flat=True).first()
        if index % 2 == 0 and last_offence is not None:
            record(person, "osp-dc", {
                **registry.example_input("osp-dc"),
                "date_of_birth": person.date_of_birth.isoformat(),
                "contact_adult_sexual_sanctions": 0, "contact_child_sexual_sanctions": 1,
                "non_contact_sexual_offences": rng.randint(0, 2), "indecent_image_sanctions": rng.randint(0, 3),
                "total_sanctions": rng.randint(4, 9),
                "date_of_most_recent_sexual_offence": last_offence.isoformat(),
                "date_at_start_of_followup": second.isoformat(), "most_recent_offence_date": None,
                "assessment_date": second.isoformat(),
            }, second)
        if index % 3 == 0:
            record(person, "static-99r", {
                **registry.example_input("static-99r"),
                "date_of_birth": person.date_of_birth.isoformat(),
                "release_date": (today + timedelta(days=200 + 30 * index)).isoformat(),
                "unrelated_victims": rng.random() < 0.5, "stranger_victims": rng.random() < 0.3,
            }, first)
    return Assessment.objects.count()


@transaction.atomic
def load(count: int = 300) -> dict[str, int]:
    agencies = ensure_agencies()
    users = ensure_users(agencies)
    persons = ensure_persons(agencies, count=count)
    ensure_assessments(agencies)
    from safeguard.courts.demo import ensure_case

    ensure_case(agencies["Demo Crown Court"], User.objects.get(username="court.adviser"))
    counts = {"agencies": len(agencies), "users": len(users), "persons": persons}
    # Each feature app adds its own demo data (registered in its AppConfig.ready()).
    from safeguard.core import plugins

    for loader in plugins.demo_loaders():
        counts.update(loader.load(agencies))
    return counts


def current_code(username: str) -> str:
    device = TOTPDevice.objects.filter(user__username=username, confirmed=True).first()
    if device is None:
        raise LookupError(f"no demo account {username!r} with an authenticator")
    # The next unused step: a code already used at sign-in is refused as a replay.
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):0{device.digits}d}"
