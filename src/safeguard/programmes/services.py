"""Writes of the programmes app: one keyword-only function per use case, one transaction each, the
audit event inside it. Every refusal is a `ValidationError` naming the field at fault, raised before
anything is saved (or inside the transaction, which then rolls back): nothing is half saved.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from safeguard import policy
from safeguard.accounts.choices import AgencyKind, Role, SharingBasis
from safeguard.accounts.models import Agency, Membership, User
from safeguard.audit.services import record_event
from safeguard.calendar.bank_holidays import OutsideKnownYears
from safeguard.core.wording import date_words
from safeguard.courts import ports as courts_ports
from safeguard.people.ports import Person, share_person
from safeguard.policy import Actor
from safeguard.programmes import catalogue, domains, scheduling
from safeguard.programmes.catalogue import ProgrammeTemplate, SessionTemplate
from safeguard.programmes.choices import (
    ATTENDED,
    Cohort,
    GroupStatus,
    HomeworkStatus,
    MemberStatus,
    Outcome,
    RecipientKind,
    ReportOutcome,
    SessionKind,
    Setting,
    Source,
)
from safeguard.programmes.conf import current as settings_now
from safeguard.programmes.models import (
    Attendance,
    Closure,
    CustodyPeriod,
    EndOfProgrammeReport,
    Group,
    GroupFacilitator,
    GroupMember,
    Homework,
    Invitation,
    ModuleReview,
    Referral,
    ReportRecipient,
    Room,
    Session,
    SessionFacilitator,
    Site,
    WeeklySlot,
)
from safeguard.programmes.policies import ProgrammeAction as A
from safeguard.programmes.workflow import CLOSED, REFERRAL
from safeguard.workflows.models import TransitionRecord
from safeguard.workflows.services import TransitionRefused, apply_transition

MAX_TEXT = 4000
PSEUDONYM_MAX = 40


def refuse(field: str, code: str, message: str) -> ValidationError:
    return ValidationError({field: [ValidationError(message, code=code)]})


def _require(actor: Actor, action: str, obj: Any = None) -> None:
    if not policy.allows(actor, action, obj):
        raise PermissionDenied


def _aware(day: date, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at), timezone.get_default_timezone())


def _when(moment: datetime) -> str:
    local = timezone.localtime(moment)
    return f"{date_words(local.date())} at {local:%H:%M}"


def _text(value: str, field: str, *, limit: int = MAX_TEXT) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise refuse(field, "too_long", f"Keep this to {limit} characters or fewer")
    return value


def template_of(programme_id: str, version: str | None = None) -> ProgrammeTemplate:
    template = catalogue.get(programme_id, version)
    if template is None:
        choices = ", ".join(f"“{t.name}”" for t in catalogue.catalogue())
        raise refuse("programme", "unknown", f"Choose a programme from the catalogue: {choices}")
    return template


def template_of_group(group: Group) -> ProgrammeTemplate:
    found = catalogue.get(group.programme_id, group.programme_version)
    if found is None:  # a template file removed while groups still run it: a deployment fault
        raise LookupError(f"template {group.programme_id}@{group.programme_version} is missing")
    return found


# --- Sites, rooms and closures -------------------------------------------------------------------


@transaction.atomic
def site_create(*, actor: Actor, name: str, region: str, rooms: Sequence[str] = ()) -> Site:
    _require(actor, A.GROUP_MANAGE)
    name = _text(name, "name", limit=120)
    if not name:
        raise refuse("name", "required", "Enter the site's name")
    if region not in {r for r, _ in Site._meta.get_field("region").choices}:  # type: ignore[union-attr]
        raise refuse("region", "invalid", "Choose England and Wales, Scotland or Northern Ireland")
    if Site.objects.filter(agency=actor.agency, name=name).exists():
        raise refuse("name", "duplicate", f"Your agency already has a site called “{name}”")
    site = Site.objects.create(agency=actor.agency, name=name, region=region)
    for room in rooms:
        Room.objects.create(site=site, name=_text(room, "rooms", limit=80))
    record_event(action="programmes.site.create", actor=actor, obj=site, details={"rooms": len(rooms)})
    return site


def closure_add(*, actor: Actor, site: Site, day: date, reason: str, today: date) -> Closure:
    """Shut a site for a day. Sessions planned on it that have no register yet move on, as they would
    for a bank holiday: each group affected is rescheduled from that day."""
    _require(actor, A.GROUP_MANAGE, site)
    reason = _text(reason, "reason", limit=200)
    if not reason:
        raise refuse("reason", "required", "Say why the site is closed")
    if day < today:
        raise refuse("day", "past", "A closure is for today or a later day")
    with transaction.atomic():
        if Closure.objects.filter(site=site, day=day).exists():
            raise refuse("day", "duplicate", f"{site.name} is already closed on {date_words(day)}")
        closure = Closure.objects.create(site=site, day=day, reason=reason, created_by=actor.user)
        affected = Group.objects.filter(
            pk__in=Session.objects.filter(
                group__site=site, day=day, placeholder=False, catch_up=False, register_taken_at__isnull=True,
                member__isnull=True,
            ).values("group_id")
        ).select_related("site", "room")
        moved = []
        for group in affected:
            _regenerate(actor=actor, group=group, from_date=day, slots=None, today=today)
            moved.append(group.code)
        record_event(
            action="programmes.closure.add", actor=actor, obj=site,
            details={"day": day.isoformat(), "groups_rescheduled": moved},
        )
    return closure


# --- Custody and release dates -------------------------------------------------------------------


@transaction.atomic
def custody_record(
    *, actor: Actor, person: Person, expected_release_on: date, today: date, received_on: date | None = None,
    justification: str = "",
) -> CustodyPeriod:
    """Record (or correct) the open custody period of a person held by the actor's prison."""
    _require(actor, A.CUSTODY_RECORD)
    if actor.agency.kind != AgencyKind.PRISON:
        raise PermissionDenied
    if received_on is not None and received_on > today:
        raise refuse("received_on", "future", "The date received into custody is today or earlier")
    if received_on is not None and expected_release_on < received_on:
        raise refuse("expected_release_on", "before_received", "The expected release date is after the date received")
    period = CustodyPeriod.objects.select_for_update().filter(person=person, released_on__isnull=True).first()
    if period is not None and period.prison_id != actor.agency.pk:
        raise refuse("person", "held_elsewhere", "Another prison holds this person's open custody record")
    if period is None:
        period = CustodyPeriod(person=person, prison=actor.agency)
    period.expected_release_on = expected_release_on
    period.received_on = received_on or period.received_on
    period.recorded_by = actor.user
    period.save()
    record_event(
        action="programmes.custody.record", actor=actor, obj=person, justification=justification,
        details={"expected_release_on": expected_release_on.isoformat()},
    )
    return period


@transaction.atomic
def custody_release(*, actor: Actor, period: CustodyPeriod, released_on: date, today: date) -> CustodyPeriod:
    _require(actor, A.CUSTODY_RECORD, period)
    if released_on > today:
        raise refuse("released_on", "future", "The release date is today or earlier")
    period.released_on = released_on
    period.recorded_by = actor.user
    period.save(update_fields=["released_on", "recorded_by", "updated_at"])
    record_event(action="programmes.custody.release", actor=actor, object_type="people.Person",
                 object_id=str(period.person_id), details={"released_on": released_on.isoformat()})
    return period


# --- Referrals -----------------------------------------------------------------------------------

# The referral routes each kind of agency may record (a police invitation becomes a referral only
# when it is taken up; see invitation_take_up).
SOURCES_BY_KIND: dict[str, tuple[str, ...]] = {
    AgencyKind.PROBATION: (Source.PROBATION, Source.COURT_ORDER),
    AgencyKind.PRISON: (Source.PRISON,),
    AgencyKind.POLICE: (Source.POLICE,),
    AgencyKind.TREATMENT: (Source.SELF,),
}
PROVIDER_KINDS = (AgencyKind.TREATMENT, AgencyKind.PRISON)


def _is_member(user: User, agency: Agency) -> bool:
    return Membership.objects.filter(
        user=user, agency=agency, is_active=True, role__in=(Role.PRACTITIONER, Role.SUPERVISOR)
    ).exists()


@dataclass(frozen=True)
class ReferralInput:
    programme_id: str
    provider: Agency | None
    site: Site | None
    setting: str
    source: str
    information: str = ""
    court_case_id: int | None = None
    responsible_officer: User | None = None
    consent_given_on: date | None = None


def _check_referral(actor: Actor, person: Person, data: ReferralInput, today: date, *, invited: bool = False) -> dict[str, Any]:
    template = template_of(data.programme_id)
    if template.audience == "prevention":
        raise refuse("programme", "pseudonymous_only",
                     f"“{template.name}” is taken part in under a pseudonym through a prevention centre: "
                     "it takes no referrals of identified people")
    allowed = (Source.POLICE_INVITATION,) if invited else SOURCES_BY_KIND.get(actor.agency.kind, ())
    if data.source not in allowed:
        words = ", ".join(f"“{Source(s).label}”" for s in allowed) or "none"
        raise refuse("source", "not_allowed", f"Your agency may record these kinds of referral: {words}")
    if data.provider is None or data.provider.kind not in PROVIDER_KINDS:
        raise refuse("provider", "invalid", "Choose the treatment provider or prison that runs the programme")
    if data.site is None or data.site.agency_id != data.provider.pk:
        raise refuse("site", "invalid", f"Choose one of {data.provider.name}'s sites")
    if data.setting not in (Setting.CUSTODY, Setting.COMMUNITY):
        raise refuse("setting", "invalid", "Choose in custody or in the community")
    if template.setting not in (Setting.BOTH, data.setting):
        raise refuse("setting", "not_offered",
                     f"“{template.name}” is delivered {Setting(template.setting).label.lower()} only")
    if template.intensity == "high" and data.setting != Setting.CUSTODY:
        raise refuse("setting", "high_intensity_custody", "High-intensity programmes are only available in custody")
    if (data.setting == Setting.CUSTODY) != (data.provider.kind == AgencyKind.PRISON):
        raise refuse("provider", "setting_mismatch",
                     "A programme in custody is run by the prison; in the community by a treatment provider")
    extra: dict[str, Any] = {}
    if data.source == Source.COURT_ORDER:
        requirements = {r.case_id: r for r in courts_ports.programme_requirements(actor=actor, person_id=person.pk)}
        if data.court_case_id not in requirements:
            raise refuse("court_case", "invalid",
                         "Choose a sentencing case of this person whose proposed order has a programme requirement")
        officer = data.responsible_officer or actor.user
        if not _is_member(officer, actor.agency):
            raise refuse("responsible_officer", "invalid", "The responsible officer must work in your agency")
        extra = {
            "court_case_id": data.court_case_id, "court_order": requirements[data.court_case_id].order,
            "responsible_agency": actor.agency, "responsible_officer": officer,
        }
    elif data.court_case_id is not None:
        raise refuse("court_case", "not_expected", "A sentencing case is given only for a court order's requirement")
    if data.source in (Source.SELF, Source.POLICE_INVITATION):
        if data.consent_given_on is None:
            raise refuse("consent_given_on", "required", "A self-referral needs the date the person gave consent")
        if data.consent_given_on > today:
            raise refuse("consent_given_on", "future", "The date of consent is today or earlier")
        extra["consent_given_on"] = data.consent_given_on
    open_referral = Referral.objects.filter(person=person, programme_id=template.id).exclude(state__in=CLOSED)
    if open_referral.exists():
        raise refuse("programme", "already_referred",
                     f"This person already has an open referral to “{template.name}”")
    return extra


def _create_referral(
    *, actor: Actor, person: Person, data: ReferralInput, extra: dict[str, Any], today: date, justification: str,
) -> Referral:
    provider, site = data.provider, data.site
    if provider is None or site is None:  # _check_referral refused these already
        raise refuse("site", "invalid", "Choose the provider and site")
    referral = Referral.objects.create(
        person=person, programme_id=data.programme_id, source=data.source, setting=data.setting,
        referrer_agency=actor.agency, referrer=actor.user, provider_agency=provider, site=site,
        information=_text(data.information, "information"), **extra,
    )
    consented = data.source in (Source.SELF, Source.POLICE_INVITATION)
    if provider.pk != actor.agency.pk:
        share_person(
            actor=actor, person=person, agency=provider, started_on=today,
            basis=SharingBasis.CONSENT if consented else SharingBasis.STATUTORY, purpose="programme referral",
        )
    record_event(
        action="programmes.referral.create", actor=actor, obj=referral, justification=justification,
        details={"person": str(person.pk), "programme": data.programme_id, "source": data.source,
                 "provider": data.provider.pk if data.provider else None},
    )
    return referral


@transaction.atomic
def referral_create(
    *, actor: Actor, person: Person, data: ReferralInput, today: date, justification: str = ""
) -> Referral:
    """A draft referral of a person the actor may see; submitted with the workflow's "submit"."""
    _require(actor, A.REFERRAL_CREATE)
    extra = _check_referral(actor, person, data, today)
    return _create_referral(actor=actor, person=person, data=data, extra=extra, today=today,
                            justification=justification)


@transaction.atomic
def invitation_record(
    *, actor: Actor, person: Person, programme_id: str, provider: Agency | None, invited_on: date, today: date,
    justification: str = "",
) -> Invitation:
    """A police force invites a person at the lower end of offending to refer themselves."""
    _require(actor, A.INVITATION_RECORD)
    template = template_of(programme_id)
    if template.audience == "prevention" or template.setting == Setting.CUSTODY:
        raise refuse("programme", "not_offered", f"“{template.name}” is not a community programme people refer themselves to")
    if provider is None or provider.kind != AgencyKind.TREATMENT:
        raise refuse("provider", "invalid", "Choose the treatment provider that runs the course")
    if invited_on > today:
        raise refuse("invited_on", "future", "The date of the invitation is today or earlier")
    invitation = Invitation.objects.create(
        person=person, police_agency=actor.agency, invited_by=actor.user, invited_on=invited_on,
        programme_id=template.id, provider_agency=provider,
    )
    record_event(action="programmes.invitation.record", actor=actor, obj=invitation, justification=justification,
                 details={"person": str(person.pk), "programme": template.id, "provider": provider.pk})
    return invitation


@transaction.atomic
def invitation_take_up(
    *, actor: Actor, invitation: Invitation, taken_up_on: date, consent_given_on: date | None, site: Site | None,
    now: datetime, justification: str = "",
) -> Referral:
    """The person took the invitation up: their consent is recorded and the self-referral is made
    (submitted to the provider, who then holds the person's record on the basis of that consent)."""
    _require(actor, A.INVITATION_RECORD, invitation)
    today = timezone.localdate(now)
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.referral_id is not None:
        raise refuse("invitation", "taken_up", "This invitation has already been taken up")
    if taken_up_on > today or taken_up_on < locked.invited_on:
        raise refuse("taken_up_on", "invalid", "The day it was taken up is between the invitation and today")
    data = ReferralInput(
        programme_id=locked.programme_id, provider=locked.provider_agency, site=site, setting=Setting.COMMUNITY,
        source=Source.POLICE_INVITATION, consent_given_on=consent_given_on,
        information="Self-referral after a police invitation.",
    )
    person = locked.person
    extra = _check_referral(actor, person, data, today, invited=True)
    referral = _create_referral(actor=actor, person=person, data=data, extra=extra, today=today,
                                justification=justification)
    locked.taken_up_on = taken_up_on
    locked.consent_given_on = consent_given_on
    locked.consent_recorded_by = actor.user
    locked.referral = referral
    locked.save(update_fields=["taken_up_on", "consent_given_on", "consent_recorded_by", "referral"])
    apply_transition(actor=actor, workflow=REFERRAL, obj=referral, transition="submit", now=now,
                     effects=lambda obj, record: _on_transition(actor, obj, record, today, ""))
    referral.refresh_from_db()
    return referral


def _active_membership(referral: Referral) -> GroupMember | None:
    return (
        GroupMember.objects.select_related("group")
        .filter(referral=referral, status__in=(MemberStatus.ALLOCATED, MemberStatus.ACTIVE))
        .first()
    )


def _issue_report(actor: Actor, referral: Referral, outcome: str, summary: str, now: datetime) -> None:
    report = EndOfProgrammeReport.objects.create(
        referral=referral, outcome=outcome, summary=summary, issued_by=actor.user, issued_at=now
    )
    recipients: dict[int, str] = {}
    if referral.referrer_id is not None:
        recipients[referral.referrer_id] = RecipientKind.REFERRER
    if referral.responsible_officer_id is not None:
        recipients.setdefault(referral.responsible_officer_id, RecipientKind.RESPONSIBLE_OFFICER)
    ReportRecipient.objects.bulk_create(
        [ReportRecipient(report=report, user_id=user_id, kind=kind) for user_id, kind in recipients.items()]
    )


def _on_transition(actor: Actor, referral: Referral, record: TransitionRecord, today: date, summary: str) -> None:
    """The app's own changes that go with a transition, in the workflow's transaction."""
    step, target = record.transition, record.to_state
    changed: list[str] = []
    if step == "submit":
        referral.submitted_on = today
        changed.append("submitted_on")
    if record.from_state == "assessment_started" and target in ("assessed_suitable", "suitable_not_ready", "not_suitable"):
        referral.assessed_on = today
        changed.append("assessed_on")
    member = _active_membership(referral)
    if step == "start_programme":
        if member is None:
            raise TransitionRefused("group", "not_allocated", "Allocate the person to a group before the programme starts")
        member.status = MemberStatus.ACTIVE
        member.save(update_fields=["status"])
        referral.started_on = today
        changed.append("started_on")
    elif member is not None and (target in CLOSED or record.from_state == "on_programme"):
        member.status = MemberStatus.COMPLETED if target == "programme_complete" else MemberStatus.LEFT
        member.left_on = today
        member.left_reason = REFERRAL.label_of(target)
        member.save(update_fields=["status", "left_on", "left_reason"])
    if target in CLOSED:
        referral.ended_on = today
        changed.append("ended_on")
    if target in ("programme_complete", "deselected"):
        outcome = ReportOutcome.COMPLETED if target == "programme_complete" else ReportOutcome.DESELECTED
        _issue_report(actor, referral, outcome, summary, record.occurred_at)
    if changed:
        referral.save(update_fields=changed)
    if member is not None:
        _refresh_status(member.group, today)


def referral_transition(
    *, actor: Actor, referral: Referral, transition: str, now: datetime, reason_code: str = "",
    reason_text: str = "", expected_state: str | None = None, summary: str = "",
) -> Referral:
    """Move a referral along the workflow; `summary` is the facilitator's summary for the
    end-of-programme report (completion and deselection)."""
    today = timezone.localdate(now)
    summary = _text(summary, "summary")
    apply_transition(
        actor=actor, workflow=REFERRAL, obj=referral, transition=transition, now=now, reason_code=reason_code,
        reason_text=reason_text, expected_state=expected_state,
        effects=lambda obj, record: _on_transition(actor, obj, record, today, summary),
    )
    referral.refresh_from_db()
    return referral


# --- Groups and schedules ------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupInput:
    programme_id: str
    site: Site | None
    room: Room | None
    start_date: date | None
    slots: tuple[scheduling.Slot, ...]
    facilitators: tuple[User, ...]
    cohort: str
    sex: str = "male"
    learning_needs_adapted: bool = False
    max_size: int | None = None
    treatment_manager: User | None = None
    partner_agency: Agency | None = None
    code: str = ""
    cover: tuple[User, ...] = ()


@dataclass(frozen=True)
class Booking:
    """A session about to be saved: when, where and who runs it."""

    starts_at: datetime
    ends_at: datetime
    room_id: int | None
    users: tuple[int, ...]
    label: str


def check_bookings(bookings: Sequence[Booking], *, ignore_sessions: Iterable[int] = ()) -> None:
    """Refuse a room or a facilitator booked twice at the same time (against saved sessions and
    among the new ones): two queries, whatever the number of sessions."""
    if not bookings:
        return
    ignored = set(ignore_sessions)
    start = min(b.starts_at for b in bookings)
    end = max(b.ends_at for b in bookings)
    rooms = {b.room_id for b in bookings if b.room_id is not None}
    users = {u for b in bookings for u in b.users}
    saved_rooms: list[tuple[Any, Any, Any, str]] = [
        (row["starts_at"], row["ends_at"], row["room_id"], f"group {row['group__code']}")
        for row in Session.objects.filter(room_id__in=rooms, starts_at__lt=end, ends_at__gt=start)
        .exclude(pk__in=ignored).values("starts_at", "ends_at", "room_id", "group__code")
    ]
    saved_people: list[tuple[Any, Any, Any, str]] = [
        (row["starts_at"], row["ends_at"], row["user_id"], f"group {row['session__group__code']}")
        for row in SessionFacilitator.objects.filter(user_id__in=users, starts_at__lt=end, ends_at__gt=start)
        .exclude(session_id__in=ignored).values("starts_at", "ends_at", "user_id", "session__group__code")
    ]
    for index, booking in enumerate(bookings):
        others = bookings[index + 1:]
        taken_rooms = saved_rooms + [(b.starts_at, b.ends_at, b.room_id, b.label) for b in others]
        for starts, ends, room_id, what in taken_rooms:
            if room_id == booking.room_id and starts < booking.ends_at and ends > booking.starts_at:
                room = Room.objects.get(pk=room_id)
                raise refuse("room", "double_booked",
                             f"{room.name} is already booked {_when(starts)} ({what}): choose another room or time")
        taken_people = saved_people + [(b.starts_at, b.ends_at, u, b.label) for b in others for u in b.users]
        for starts, ends, user_id, what in taken_people:
            if user_id in booking.users and starts < booking.ends_at and ends > booking.starts_at:
                user = User.objects.get(pk=user_id)
                name = user.get_full_name() or user.get_username()
                raise refuse("facilitators", "double_booked",
                             f"{name} already runs a session {_when(starts)} ({what}): choose another facilitator or time")


def _next_code(template: ProgrammeTemplate, start: date) -> str:
    initials = "".join(part[0] for part in template.id.split("-")).upper()
    stem = f"{initials}-{start:%Y%m%d}"
    taken = set(Group.objects.filter(code__startswith=stem).values_list("code", flat=True))
    number = 1
    while f"{stem}-{number}" in taken:
        number += 1
    return f"{stem}-{number}"


def _closures(site: Site) -> set[date]:
    return set(Closure.objects.filter(site=site).values_list("day", flat=True))


def _plan(template: ProgrammeTemplate, *, specs: Sequence[SessionTemplate], start: date,
          slots: Sequence[scheduling.Slot], site: Site, pre_group_on: date | None = None,
          last_group_on: date | None = None) -> scheduling.Plan:
    try:
        return scheduling.plan(
            sessions=specs, start=start, slots=slots, region=site.region, closures=_closures(site),
            individual=template.delivery == "individual",
            gap_after_pre_group=timedelta(days=template.gap_after_pre_group_days),
            gap_before_review=timedelta(days=template.gap_before_review_days),
            pre_group_on=pre_group_on, last_group_on=last_group_on,
        )
    except scheduling.PlanError as exc:
        raise refuse(exc.field, exc.code, exc.message) from None
    except OutsideKnownYears:
        raise refuse("start_date", "beyond_known_years",
                     "Bank holidays are not known that far ahead: choose an earlier start date") from None


def _save_plan(group: Group, plan: scheduling.Plan, facilitators: Sequence[int], *, ignore: Iterable[int] = ()) -> int:
    """Check the plan against every booking, then save its sessions and who runs them."""
    sessions: list[Session] = []
    bookings: list[Booking] = []
    for item in plan.sessions:
        spec = item.template
        session = Session(
            group=group, number=spec.number, module=spec.module, name=spec.name, kind=spec.kind, day=item.day,
            placeholder=item.placeholder, room=None if item.placeholder else group.room,
        )
        if item.start is not None:
            session.starts_at = _aware(item.day, item.start)
            session.ends_at = session.starts_at + timedelta(minutes=spec.minutes)
            bookings.append(Booking(session.starts_at, session.ends_at, group.room_id, tuple(facilitators),
                                    f"session {spec.number} of this group"))
        sessions.append(session)
    check_bookings(bookings, ignore_sessions=ignore)
    saved = Session.objects.bulk_create(sessions)  # SQLite and PostgreSQL both return the new keys
    SessionFacilitator.objects.bulk_create(
        [
            SessionFacilitator(session=s, user_id=u, starts_at=s.starts_at, ends_at=s.ends_at)
            for s in saved if s.starts_at is not None and s.ends_at is not None for u in facilitators
        ]
    )
    skipped = {(x["date"], x["reason"]) for x in group.skipped}
    skipped |= {(s.day.isoformat(), s.reason) for s in plan.skipped}
    group.skipped = [{"date": d, "reason": r} for d, r in sorted(skipped)]
    group.save(update_fields=["skipped"])
    return len(saved)


def _check_facilitators(users: Sequence[User], agency: Agency, field: str = "facilitators") -> None:
    for user in users:
        if not _is_member(user, agency):
            raise refuse(field, "invalid", f"{user.get_full_name() or user.get_username()} does not work for {agency.name}")


@transaction.atomic
def group_create(*, actor: Actor, data: GroupInput, today: date) -> Group:
    """Set up a group and plan all its sessions from the template (refusing any double booking)."""
    _require(actor, A.GROUP_MANAGE)
    if data.start_date is None:
        raise refuse("start_date", "required", "Enter the start date")
    template = catalogue.current(data.programme_id, data.start_date) or template_of(data.programme_id)
    if not template.valid_on(data.start_date):
        raise refuse("start_date", "template_not_valid", f"“{template.name}” is not valid on {date_words(data.start_date)}")
    if data.start_date < today:
        raise refuse("start_date", "past", "The start date is today or later")
    if data.site is None or data.site.agency_id != actor.agency.pk:
        raise refuse("site", "invalid", "Choose one of your agency's sites")
    if data.room is None or data.room.site_id != data.site.pk:
        raise refuse("room", "invalid", f"Choose a room at {data.site.name}")
    scheduling_slots = tuple(data.slots)
    try:
        scheduling.check_slots(scheduling_slots)
    except scheduling.PlanError as exc:
        raise refuse(exc.field, exc.code, exc.message) from None
    if not data.facilitators:
        raise refuse("facilitators", "required", "Name at least one facilitator")
    _check_facilitators(data.facilitators, actor.agency)
    _check_facilitators(data.cover, actor.agency, "cover")
    max_size = data.max_size or template.max_size
    if not 1 <= max_size <= template.max_size:
        raise refuse("max_size", "out_of_range", f"The group size is 1 to {template.max_size} for this programme")
    if template.audience == "prevention":
        if data.partner_agency is None or data.partner_agency.kind != AgencyKind.PREVENTION:
            raise refuse("partner_agency", "required", "Choose the prevention centre whose participants join this course")
        cohort: str = Cohort.PREVENTION
    else:
        if data.partner_agency is not None:
            raise refuse("partner_agency", "not_expected", "Only a prevention course has a prevention centre")
        if data.cohort not in Cohort.values or data.cohort == Cohort.PREVENTION:
            raise refuse("cohort", "invalid", "Choose the group's cohort")
        cohort = data.cohort
    if data.treatment_manager is not None:
        _check_facilitators([data.treatment_manager], actor.agency, "treatment_manager")
    code = (data.code or "").strip().upper() or _next_code(template, data.start_date)
    if len(code) > 30 or Group.objects.filter(code=code).exists():
        raise refuse("code", "duplicate", f"The group code “{code}” is taken or too long (30 characters)")
    group = Group.objects.create(
        code=code, programme_id=template.id, programme_version=template.version, provider_agency=actor.agency,
        partner_agency=data.partner_agency, site=data.site, room=data.room, cohort=cohort, sex=data.sex,
        learning_needs_adapted=data.learning_needs_adapted, start_date=data.start_date, max_size=max_size,
        treatment_manager=data.treatment_manager, created_by=actor.user,
    )
    WeeklySlot.objects.bulk_create([WeeklySlot(group=group, weekday=s.weekday, start_time=s.start) for s in scheduling_slots])
    GroupFacilitator.objects.bulk_create(
        [GroupFacilitator(group=group, user=u, kind="regular") for u in data.facilitators]
        + [GroupFacilitator(group=group, user=u, kind="cover") for u in data.cover if u not in data.facilitators]
    )
    plan = _plan(template, specs=template.sessions, start=data.start_date, slots=scheduling_slots, site=data.site)
    count = _save_plan(group, plan, [u.pk for u in data.facilitators])
    record_event(action="programmes.group.create", actor=actor, obj=group,
                 details={"programme": template.key, "sessions": count, "skipped": len(plan.skipped)})
    return group


def _regular_facilitators(group: Group) -> list[int]:
    return list(group.facilitators.filter(kind="regular").values_list("user_id", flat=True))


def _regenerate(*, actor: Actor, group: Group, from_date: date, slots: Sequence[scheduling.Slot] | None,
                today: date) -> int:
    """Keep what is before `from_date` or already registered, catch-ups and booked one-to-ones; plan
    the template sessions not yet held again from `from_date`."""
    template = template_of_group(group)
    if slots is not None:
        try:
            scheduling.check_slots(slots)
        except scheduling.PlanError as exc:
            raise refuse(exc.field, exc.code, exc.message) from None
        group.slots.all().delete()
        WeeklySlot.objects.bulk_create([WeeklySlot(group=group, weekday=s.weekday, start_time=s.start) for s in slots])
    current = [scheduling.Slot(s.weekday, s.start_time) for s in group.slots.all()]
    plan_sessions = Session.objects.filter(group=group, catch_up=False, member__isnull=True)
    future = plan_sessions.filter(day__gte=from_date, register_taken_at__isnull=True)
    kept = list(plan_sessions.exclude(pk__in=future.values("pk")).values("number", "day", "kind"))
    held = {row["number"] for row in kept}
    remaining = [s for s in template.sessions if s.number not in held]
    stages = {s.number: s.stage for s in template.sessions}
    pre_group = next((row["day"] for row in kept if stages.get(row["number"]) == "pre_group"), None)
    group_days = [row["day"] for row in kept if row["kind"] == SessionKind.GROUP or template.delivery == "individual"]
    removed = list(future.values_list("pk", flat=True))
    future.delete()
    if not remaining:
        return 0
    plan = _plan(template, specs=remaining, start=max(from_date, group.start_date), slots=current, site=group.site,
                 pre_group_on=pre_group, last_group_on=max(group_days, default=None))
    return _save_plan(group, plan, _regular_facilitators(group), ignore=removed)


@transaction.atomic
def group_reschedule(
    *, actor: Actor, group: Group, from_date: date, today: date, slots: Sequence[scheduling.Slot] | None = None,
) -> int:
    """Plan the rest of the group again from `from_date` (today or later), optionally on new weekly
    slots. Sessions already held keep their dates; catch-ups and booked one-to-ones are untouched."""
    _require(actor, A.GROUP_MANAGE, group)
    if from_date < today:
        raise refuse("from_date", "past", "Reschedule from today or a later day: past sessions keep their dates")
    locked = Group.objects.select_for_update().select_related("site", "room").get(pk=group.pk)
    count = _regenerate(actor=actor, group=locked, from_date=from_date, slots=slots, today=today)
    record_event(action="programmes.group.reschedule", actor=actor, obj=locked,
                 details={"from": from_date.isoformat(), "sessions": count, "new_slots": slots is not None})
    return count


def _places_taken(group: Group) -> int:
    return GroupMember.objects.filter(group=group, status__in=(MemberStatus.ALLOCATED, MemberStatus.ACTIVE)).count()


@transaction.atomic
def member_allocate(*, actor: Actor, group: Group, referral: Referral, joined_on: date) -> GroupMember:
    """Give a person assessed as suitable a place in a group of the same programme and provider."""
    _require(actor, A.GROUP_MANAGE, group)
    locked = Group.objects.select_for_update().get(pk=group.pk)
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.provider_agency_id != locked.provider_agency_id or referral.programme_id != locked.programme_id:
        raise refuse("referral", "other_programme", "This referral is for another programme or provider")
    if referral.state != "assessed_suitable":
        raise refuse("referral", "not_suitable_yet",
                     f"Only a referral assessed as suitable can be allocated; this one is “{referral.state_label}”")
    if _active_membership(referral) is not None:
        raise refuse("referral", "already_allocated", "This person already has a place in a group")
    if locked.status in (GroupStatus.FINISHED, GroupStatus.CANCELLED):
        raise refuse("group", "closed", "This group has finished")
    if _places_taken(locked) >= locked.max_size:
        raise refuse("group", "full", f"Group {locked.code} is full ({locked.max_size} places)")
    member = GroupMember.objects.create(group=locked, referral=referral, person_id=referral.person_id,
                                        joined_on=joined_on, status=MemberStatus.ALLOCATED)
    record_event(action="programmes.member.allocate", actor=actor, obj=member,
                 details={"group": locked.code, "referral": referral.pk, "person": str(referral.person_id)})
    return member


@transaction.atomic
def pseudonym_enrol(*, actor: Actor, group: Group, pseudonym: str, joined_on: date) -> GroupMember:
    """A prevention centre's participant joins its prevention course under a pseudonym (ports.py)."""
    pseudonym = (pseudonym or "").strip()
    if not pseudonym or len(pseudonym) > PSEUDONYM_MAX:
        raise refuse("pseudonym", "invalid", f"A pseudonym is 1 to {PSEUDONYM_MAX} characters")
    locked = Group.objects.select_for_update().get(pk=group.pk)
    if locked.partner_agency_id != actor.agency.pk:
        raise refuse("group", "other_centre", "This course takes participants from another centre")
    if locked.status in (GroupStatus.FINISHED, GroupStatus.CANCELLED):
        raise refuse("group", "closed", "This course has finished")
    if GroupMember.objects.filter(group=locked, prevention_agency=actor.agency, pseudonym=pseudonym).exists():
        raise refuse("pseudonym", "duplicate", "This pseudonym is already on the course")
    if _places_taken(locked) >= locked.max_size:
        raise refuse("group", "full", f"The course is full ({locked.max_size} places)")
    member = GroupMember.objects.create(group=locked, pseudonym=pseudonym, prevention_agency=actor.agency,
                                        joined_on=joined_on, status=MemberStatus.ACTIVE)
    record_event(action="programmes.member.enrol", actor=actor, obj=member, details={"group": locked.code})
    return member


def _member_of(group: Group, member: GroupMember | None, day: date) -> GroupMember:
    if member is None or member.group_id != group.pk or not member.in_group_on(day):
        raise refuse("member", "not_in_group", f"This person is not a member of group {group.code} on {date_words(day)}")
    return member


def _one_member_session(
    *, actor: Actor, group: Group, spec: SessionTemplate, member: GroupMember, day: date, start: time,
    facilitator: User | None, room: Room | None, catch_up: bool,
) -> Session:
    """A one-to-one or catch-up with one member: checked for its room and facilitator, then saved."""
    runner = facilitator or actor.user
    _check_facilitators([runner], group.provider_agency, "facilitator")
    room = room or group.room
    if room.site_id != group.site_id:
        raise refuse("room", "invalid", f"Choose a room at {group.site.name}")
    starts = _aware(day, start)
    ends = starts + timedelta(minutes=spec.minutes)
    check_bookings([Booking(starts, ends, room.pk, (runner.pk,), "this catch-up" if catch_up else "this one-to-one")])
    session = Session.objects.create(
        group=group, number=spec.number, module=spec.module, name=spec.name, kind=SessionKind.ONE_TO_ONE, day=day,
        starts_at=starts, ends_at=ends, room=room, catch_up=catch_up, member=member,
    )
    SessionFacilitator.objects.create(session=session, user=runner, starts_at=starts, ends_at=ends)
    record_event(action="programmes.session.catch_up" if catch_up else "programmes.session.book", actor=actor,
                 obj=session, details={"group": group.code, "number": spec.number, "member": member.pk})
    return session


@transaction.atomic
def catch_up_add(
    *, actor: Actor, group: Group, number: int, member: GroupMember | None, day: date, start: time,
    facilitator: User | None = None, room: Room | None = None,
) -> Session:
    """A catch-up of one template session for one member: added beside the plan, never moving it."""
    _require(actor, A.SESSION_RUN, group)
    template = template_of_group(group)
    spec = template.session(number)
    if spec is None:
        raise refuse("number", "outside_template",
                     f"Session {number} is not in “{template.name}” (sessions 1 to {len(template.sessions)})")
    return _one_member_session(actor=actor, group=group, spec=spec, member=_member_of(group, member, day), day=day,
                               start=start, facilitator=facilitator, room=room, catch_up=True)


@transaction.atomic
def one_to_one_book(
    *, actor: Actor, placeholder: Session, member: GroupMember | None, day: date, start: time,
    facilitator: User | None = None, room: Room | None = None,
) -> Session:
    """Book a planned one-to-one for one member (the placeholder stays for the others)."""
    group = placeholder.group
    _require(actor, A.SESSION_RUN, group)
    if not placeholder.placeholder:
        raise refuse("session", "not_a_placeholder", "Only a one-to-one still to be booked can be booked")
    member = _member_of(group, member, day)
    if Session.objects.filter(group=group, number=placeholder.number, member=member, catch_up=False).exists():
        raise refuse("member", "already_booked", "This one-to-one is already booked for this person")
    if day < placeholder.day:
        raise refuse("day", "too_early", f"This one-to-one is booked from {date_words(placeholder.day)}")
    spec = template_of_group(group).session(placeholder.number)
    if spec is None:
        raise LookupError(f"session {placeholder.number} is missing from the group's template")
    return _one_member_session(actor=actor, group=group, spec=spec, member=member, day=day, start=start,
                               facilitator=facilitator, room=room, catch_up=False)


def expected_members(session: Session) -> list[GroupMember]:
    """Who the register lists: the member of a one-to-one or catch-up, or everyone in the group that day."""
    if session.member_id is not None:
        return [session.member]  # type: ignore[list-item]
    members = GroupMember.objects.filter(group_id=session.group_id, joined_on__lte=session.day).filter(
        Q(left_on__isnull=True) | Q(left_on__gt=session.day)
    ).select_related("person").order_by("person__family_name", "pseudonym", "id")
    return list(members)


def _next_group_day(session: Session) -> date | None:
    return (
        Session.objects.filter(group_id=session.group_id, kind=SessionKind.GROUP, placeholder=False, catch_up=False,
                               day__gt=session.day)
        .order_by("day").values_list("day", flat=True).first()
    )


def _refresh_status(group: Group, today: date) -> None:
    """Running once a register is taken; finished when nobody is left on it and every session is held."""
    if group.status in (GroupStatus.CANCELLED,):
        return
    status = group.status
    if Session.objects.filter(group=group, register_taken_at__isnull=False).exists():
        status = GroupStatus.RUNNING
        still_on = GroupMember.objects.filter(group=group, status__in=(MemberStatus.ALLOCATED, MemberStatus.ACTIVE))
        unheld = Session.objects.filter(group=group, placeholder=False, member__isnull=True,
                                        register_taken_at__isnull=True)
        if not still_on.exists() and not unheld.exists():
            status = GroupStatus.FINISHED
    if status != group.status:
        Group.objects.filter(pk=group.pk).update(status=status)
        group.status = status


@transaction.atomic
def register_take(*, actor: Actor, session: Session, outcomes: Mapping[int, str], now: datetime) -> list[Attendance]:
    """One attendance row per member of the session, with the spec's outcome; taking it again
    corrects it. Every member must have an outcome, and only members may have one. Homework from the
    session template is set for each member who attended."""
    _require(actor, A.SESSION_RUN, session)
    if session.placeholder:
        raise refuse("session", "placeholder", "Book this one-to-one before taking its register")
    if session.starts_at is not None and session.starts_at > now:
        raise refuse("session", "not_started", "The register is taken once the session has started")
    expected = {m.pk: m for m in expected_members(session)}
    for member_id in outcomes:
        if member_id not in expected:
            raise refuse("member", "not_in_group",
                         f"Attendance was given for someone who is not a member of group {session.group.code} "
                         f"at this session (member {member_id})")
    missing = [m for pk, m in expected.items() if pk not in outcomes]
    if missing:
        names = ", ".join(m.display_name for m in missing[:3]) + (" and others" if len(missing) > 3 else "")
        raise refuse("outcome", "required", f"Choose an outcome for everyone: {names}")
    for member_id, outcome in outcomes.items():
        if outcome not in Outcome.values:
            allowed = ", ".join(f"“{label}”" for label in Outcome.labels)
            raise refuse("outcome", "invalid", f"Choose one of {allowed} for {expected[member_id].display_name}")
    existing = {a.member_id: a for a in Attendance.objects.filter(session=session)}
    created, changed = [], []
    for member_id, outcome in outcomes.items():
        row = existing.get(member_id)
        if row is None:
            created.append(Attendance(session=session, member_id=member_id, outcome=outcome, recorded_by=actor.user,
                                      recorded_at=now))
        elif row.outcome != outcome:
            row.outcome, row.recorded_by, row.recorded_at = outcome, actor.user, now
            changed.append(row)
    Attendance.objects.bulk_create(created)
    Attendance.objects.bulk_update(changed, ["outcome", "recorded_by", "recorded_at"])
    attended = sum(1 for o in outcomes.values() if o in ATTENDED)
    Session.objects.filter(pk=session.pk).update(register_taken_at=now, register_taken_by=actor.user,
                                                 recorded=len(outcomes), attended=attended)
    session.register_taken_at, session.register_taken_by = now, actor.user
    homework_set = _set_homework(session, [m for m, o in outcomes.items() if o in ATTENDED], now)
    _refresh_status(session.group, timezone.localdate(now))
    record_event(
        action="programmes.register.take", actor=actor, obj=session,
        details={"group": session.group.code, "members": sorted(outcomes), "new": len(created),
                 "corrected": len(changed), "homework_set": homework_set},
    )
    return list(Attendance.objects.filter(session=session))


def _set_homework(session: Session, attended: Sequence[int], now: datetime) -> int:
    spec = template_of_group(session.group).session(session.number)
    if spec is None or not spec.homework or not attended:
        return 0
    today = timezone.localdate(now)
    due = _next_group_day(session) or session.day + timedelta(days=settings_now().homework_days)
    rows = [
        Homework(member_id=m, session=session, title=h.title, set_on=today, due_on=max(due, today))
        for m in attended for h in spec.homework
    ]
    return len(Homework.objects.bulk_create(rows, ignore_conflicts=True))


# --- Homework and progress ------------------------------------------------------------------------

HOMEWORK_STEPS = {
    HomeworkStatus.SET: (HomeworkStatus.SUBMITTED,),
    HomeworkStatus.SUBMITTED: (HomeworkStatus.REVIEWED,),
    HomeworkStatus.REVIEWED: (HomeworkStatus.REVIEWED,),  # feedback may be corrected
}


@transaction.atomic
def homework_update(*, actor: Actor, homework: Homework, status: str, feedback: str = "", today: date) -> Homework:
    _require(actor, A.SESSION_RUN, homework)
    locked = Homework.objects.select_for_update().get(pk=homework.pk)
    if status not in HomeworkStatus.values:
        raise refuse("status", "invalid", "Choose submitted or reviewed")
    if status not in HOMEWORK_STEPS[HomeworkStatus(locked.status)]:
        raise refuse("status", "not_allowed",
                     f"Homework that is “{HomeworkStatus(locked.status).label.lower()}” can next be "
                     + " or ".join(f"“{HomeworkStatus(s).label.lower()}”" for s in HOMEWORK_STEPS[HomeworkStatus(locked.status)]))
    feedback = _text(feedback, "feedback")
    if status == HomeworkStatus.REVIEWED and not feedback:
        raise refuse("feedback", "required", "Write your feedback on the homework")
    if status == HomeworkStatus.SUBMITTED:
        locked.submitted_on = today
    if status == HomeworkStatus.REVIEWED:
        locked.reviewed_on, locked.reviewed_by, locked.feedback = today, actor.user, feedback
    locked.status = status
    locked.save()
    record_event(action="programmes.homework.update", actor=actor, obj=locked,
                 details={"member": locked.member_id, "status": status})
    return locked


@transaction.atomic
def module_review_save(
    *, actor: Actor, member: GroupMember, module: int, ratings: Mapping[str, Any], notes: str, today: date,
) -> ModuleReview:
    """The facilitator's ratings of a member for one module (1 to 4 on every domain), and notes."""
    _require(actor, A.SESSION_RUN, member)
    template = template_of_group(member.group)
    if template.module(module) is None:
        raise refuse("module", "outside_template", f"Module {module} is not in “{template.name}” (1 to {len(template.modules)})")
    values: dict[str, int] = {}
    for code in domains.CODES:
        value = ratings.get(code)
        if isinstance(value, str) and value.isdigit():
            value = int(value)
        if not isinstance(value, int) or isinstance(value, bool) or value not in domains.SCALE:
            raise refuse(code, "required", f"Rate “{domains.domain(code).label}” from 1 to 4")
        values[code] = value
    unknown = set(ratings) - set(domains.CODES)
    if unknown:
        raise refuse(sorted(unknown)[0], "unknown", f"Rate only these domains: {', '.join(domains.CODES)}")
    review, _ = ModuleReview.objects.update_or_create(
        member=member, module=module,
        defaults={**values, "notes": _text(notes, "notes"), "rated_by": actor.user, "rated_on": today},
    )
    record_event(action="programmes.progress.rate", actor=actor, obj=member,
                 details={"module": module, "group": member.group.code})
    return review


def report_opened(*, actor: Actor, report: EndOfProgrammeReport, now: datetime, purpose: str) -> None:
    """Audit a reading of the report and, for its recipients, mark it received."""
    with transaction.atomic():
        ReportRecipient.objects.filter(report=report, user=actor.user, read_at__isnull=True).update(read_at=now)
        record_event(action=purpose, actor=actor, obj=report.referral,
                     details={"report": report.pk, "person": str(report.referral.person_id)})


def safe_create(function: Any, **kwargs: Any) -> Any:
    """Run a service, turning a lost race on a unique constraint into a field error."""
    try:
        return function(**kwargs)
    except IntegrityError:
        raise refuse("__all__", "conflict", "Someone else changed this at the same moment: try again") from None
