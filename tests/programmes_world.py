"""Programme test data on top of the shared `world`: a treatment supervisor (programme manager), a
prison with its staff, sites with rooms, and helpers that make persons, referrals in any state,
groups and their members through the app's own services."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from safeguard.accounts.models import Agency, Membership, User
from safeguard.people.models import Person, PersonAgencyLink
from safeguard.programmes import services
from safeguard.programmes.models import Group, GroupMember, Referral, Room, Site
from safeguard.programmes.scheduling import Slot
from tests.conftest import password_hash

EXTRA_ROLES = {
    "treat_sup": ("treatment", "supervisor"),
    "treat_prac2": ("treatment", "practitioner"),
    "prison_prac": ("prison", "practitioner"),
    "prison_sup": ("prison", "supervisor"),
}
# How each step is reached from a draft, with who takes it (the referrer or the programme team).
PATHS = {
    "draft": [],
    "submitted": ["submit"],
    "awaiting_assessment": ["submit", "accept"],
    "assessment_started": ["submit", "accept", "start_assessment"],
    "assessed_suitable": ["submit", "accept", "start_assessment", "mark_suitable"],
    "suitable_not_ready": ["submit", "accept", "start_assessment", "mark_not_ready"],
    "on_hold_submitted": ["submit", "hold"],
    "withdrawn": ["submit", "withdraw"],
}


# The spec's referral table (specs/programmes.md), written out by hand for the tests to check the
# declaration against: (from state, step) -> (to state, who may take it: the referrer, the programme
# team, or both).
SPEC_STEPS: dict[tuple[str, str], tuple[str, str]] = {
    ("draft", "submit"): ("submitted", "referrer"),
    ("submitted", "accept"): ("awaiting_assessment", "team"),
    ("submitted", "not_eligible"): ("not_eligible", "team"),
    ("submitted", "hold"): ("on_hold_submitted", "both"),
    ("submitted", "withdraw"): ("withdrawn", "both"),
    ("awaiting_assessment", "start_assessment"): ("assessment_started", "team"),
    ("awaiting_assessment", "hold"): ("on_hold_awaiting_assessment", "both"),
    ("awaiting_assessment", "withdraw"): ("withdrawn", "both"),
    ("assessment_started", "mark_suitable"): ("assessed_suitable", "team"),
    ("assessment_started", "mark_not_ready"): ("suitable_not_ready", "team"),
    ("assessment_started", "not_suitable"): ("not_suitable", "team"),
    ("assessment_started", "hold"): ("on_hold_assessment_started", "both"),
    ("assessment_started", "withdraw"): ("withdrawn", "both"),
    ("assessed_suitable", "start_programme"): ("on_programme", "team"),
    ("assessed_suitable", "mark_not_ready"): ("suitable_not_ready", "team"),
    ("assessed_suitable", "withdraw"): ("withdrawn", "both"),
    ("suitable_not_ready", "mark_suitable"): ("assessed_suitable", "team"),
    ("suitable_not_ready", "withdraw"): ("withdrawn", "both"),
    ("on_programme", "complete"): ("programme_complete", "team"),
    ("on_programme", "deselect"): ("deselected", "team"),
    ("on_programme", "mark_suitable"): ("assessed_suitable", "team"),
    ("on_programme", "mark_not_ready"): ("suitable_not_ready", "team"),
    ("on_hold_submitted", "release"): ("submitted", "both"),
    ("on_hold_submitted", "withdraw"): ("withdrawn", "both"),
    ("on_hold_awaiting_assessment", "release"): ("awaiting_assessment", "both"),
    ("on_hold_awaiting_assessment", "withdraw"): ("withdrawn", "both"),
    ("on_hold_assessment_started", "release"): ("assessment_started", "both"),
    ("on_hold_assessment_started", "withdraw"): ("withdrawn", "both"),
}


@dataclass
class ProgrammeWorld:
    world: Any
    site: Site
    room: Room
    room2: Room
    prison_site: Site
    counter: list[int] = field(default_factory=lambda: [0])

    def actor(self, name: str):
        return self.world.actor(name)

    @property
    def agencies(self) -> dict[str, Agency]:
        return self.world.agencies


def build(world) -> ProgrammeWorld:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    world.agencies["prison"] = Agency.objects.create(name="Test prison agency", kind="prison")
    world.agencies["other_treatment"] = Agency.objects.create(name="Test other treatment agency", kind="treatment")
    for name, (agency_key, role) in EXTRA_ROLES.items():
        user = User.objects.create(username=name, password=password_hash(), first_name=name.title())
        TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        world.users[name] = user
        world.memberships[name] = Membership.objects.create(user=user, agency=world.agencies[agency_key], role=role)
    site = Site.objects.create(agency=world.agencies["treatment"], name="Test Centre")
    prison_site = Site.objects.create(agency=world.agencies["prison"], name="Test Prison Unit")
    Room.objects.create(site=prison_site, name="Classroom")
    return ProgrammeWorld(world, site, Room.objects.create(site=site, name="Room A"),
                          Room.objects.create(site=site, name="Room B"), prison_site)


def person(pw: ProgrammeWorld, *, owner: str = "probation", linked: tuple[str, ...] = ("probation", "treatment"),
           family: str = "Testington") -> Person:
    pw.counter[0] += 1
    found = Person.objects.create(
        reference=f"PG{pw.counter[0]:05d}", given_name="Testy", family_name=f"{family}{pw.counter[0]}",
        date_of_birth=date(1980, 1, 1), owner_agency=pw.agencies[owner],
    )
    for key in linked:
        PersonAgencyLink.objects.create(person=found, agency=pw.agencies[key], basis="statutory", started_on=date(2025, 1, 1))
    return found


def referral(pw: ProgrammeWorld, who: Person | None = None, *, state: str = "assessed_suitable",
             programme: str = "community-image-course", referrer: str = "prob_prac", team: str = "treat_prac",
             now: datetime | None = None) -> Referral:
    now = now or timezone.now()
    found = services.referral_create(
        actor=pw.actor(referrer), person=who or person(pw), today=timezone.localdate(now),
        data=services.ReferralInput(programme_id=programme, provider=pw.agencies["treatment"], site=pw.site,
                                    setting="community", source="probation"),
    )
    for step in PATHS[state]:
        actor = pw.actor(referrer if step == "submit" else team)
        reasons = {"reason_text": "Synthetic test reason."} if step == "hold" else {}
        if step == "withdraw":
            reasons = {"reason_code": "operational"}
        services.referral_transition(actor=actor, referral=found, transition=step, now=now, **reasons)
    return found


def group(pw: ProgrammeWorld, *, start: date, programme: str = "community-image-course",
          slots: tuple[Slot, ...] = (Slot(1, time(18, 0)),), facilitators: tuple[str, ...] = ("treat_prac",),
          room: Room | None = None, max_size: int | None = None, code: str = "", manager: str = "treat_sup",
          partner: Agency | None = None) -> Group:
    return services.group_create(actor=pw.actor(manager), today=start, data=services.GroupInput(
        programme_id=programme, site=pw.site, room=room or pw.room, start_date=start, slots=slots,
        facilitators=tuple(pw.world.users[f] for f in facilitators), cohort="prevention" if partner else "sexual_offence",
        max_size=max_size, code=code, partner_agency=partner,
    ))


def members(pw: ProgrammeWorld, into: Group, count: int, *, start: bool = True) -> list[GroupMember]:
    """`count` people referred, assessed, allocated to the group and (by default) started."""
    found = []
    for _ in range(count):
        ref = referral(pw, programme=into.programme_id)
        member = services.member_allocate(actor=pw.actor("treat_sup"), group=into, referral=ref, joined_on=into.start_date)
        if start:
            services.referral_transition(actor=pw.actor("treat_prac"), referral=ref, transition="start_programme",
                                         now=timezone.now())
        found.append(member)
    return found


def past_start(weeks: int = 3) -> date:
    """A Tuesday `weeks` weeks before this week (the helpers' groups meet on Tuesdays at 18:00)."""
    today = timezone.localdate()
    return today - timedelta(days=today.weekday()) - timedelta(weeks=weeks) + timedelta(days=1)
