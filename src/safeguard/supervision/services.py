"""Writes of the supervision app: keyword-only, one transaction each, the audit event inside, the derived
due dates recomputed in the same transaction (`upkeep`).

Bad input is refused with a `ValidationError` naming the field and what is allowed, and nothing is saved.
A record out of the actor's reach is a 404 (the selectors find it); a record the actor may see but not
change is a 403 (`PermissionDenied`).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, NoReturn

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from safeguard import policy
from safeguard.accounts.choices import Role
from safeguard.accounts.models import Agency, Membership, User
from safeguard.audit.services import record_event
from safeguard.calendar.dates import age_on
from safeguard.calendar.durations import Duration
from safeguard.guidelines.errors import GuidelineError
from safeguard.guidelines.notification import Disposal, notification_period
from safeguard.guidelines.register import (
    ChangeKind,
    annual_notification_due,
    change_notification_due,
    initial_notification_due,
    travel_notification_due,
)
from safeguard.people.ports import Person, share_under_statutory_basis
from safeguard.policy import Actor
from safeguard.supervision import config, flows, upkeep
from safeguard.supervision.actions import SupervisionAction as A
from safeguard.supervision.choices import (
    CHANGE_KINDS,
    DISPOSAL_LABELS,
    Management,
    MappaLevel,
    NotificationKind,
    PlanItemKind,
    RequirementSource,
    RiskLevel,
    TriggerOutcome,
    VisitKind,
    VisitOutcome,
    VisitStatus,
)
from safeguard.supervision.models import (
    AgencyVisitFrequency,
    Breach,
    CaseTransfer,
    MappaAction,
    MappaMeeting,
    MappaStatus,
    NotificationEvent,
    NotificationRequirement,
    PlanItem,
    ReviewTrigger,
    RiskLevelOverride,
    RiskManagementPlan,
    SupervisionCase,
    Visit,
)
from safeguard.supervision.rules import visits
from safeguard.supervision.rules.levels import LEVELS_HIGHEST_FIRST, Level
from safeguard.workflows.services import apply_transition

STAFF_ROLES = (Role.PRACTITIONER, Role.SUPERVISOR)
MAX_TEXT = 5000
_CHANGE = {
    NotificationKind.NAME: ChangeKind.NAME,
    NotificationKind.HOME_ADDRESS: ChangeKind.HOME_ADDRESS,
    NotificationKind.STAYING_ELSEWHERE: ChangeKind.STAYING_ELSEWHERE,
    NotificationKind.RELEASE: ChangeKind.RELEASE_FROM_CUSTODY,
}


def refuse(field: str, code: str, message: str) -> NoReturn:
    raise ValidationError({field: [ValidationError(message, code=code)]})


def _words(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _require(actor: Actor, action: str, obj: Any = None) -> None:
    if not policy.allows(actor, action, obj):
        raise PermissionDenied


def _not_future(field: str, label: str, value: date | None, today: date) -> None:
    if value is not None and value > today:
        refuse(field, "future", f"{label} must be today or in the past")


def _text(field: str, label: str, value: str, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        refuse(field, "required", f"Enter {label}")
    if len(value) > MAX_TEXT:
        refuse(field, "too_long", f"{label[:1].upper()}{label[1:]} must be {MAX_TEXT:,} characters or fewer")
    return value


def is_staff_of(user: User, agency: Agency) -> bool:
    """Does the user hold an active practitioner or supervisor role in the agency (one query)?"""
    return Membership.objects.filter(
        user=user, agency=agency, role__in=STAFF_ROLES, is_active=True, user__is_active=True
    ).exists()


def _refresh(case: SupervisionCase, today: date) -> None:
    upkeep.refresh_cases([case], today=today)


# --- cases ------------------------------------------------------------------------------------------


@transaction.atomic
def case_open(
    *, actor: Actor, person: Person, officer: User, opened_on: date, sexual_offence_history: bool = False,
    today: date | None = None, justification: str = "",
) -> SupervisionCase:  # fmt: skip
    """Start supervising a person in the actor's agency, with a named officer."""
    today = today or timezone.localdate()
    _require(actor, A.CASE_EDIT)
    _not_future("opened_on", "The date supervision started", opened_on, today)
    if not is_staff_of(officer, actor.agency):
        refuse("officer", "not_in_agency", f"{officer.get_full_name() or officer.username} does not work in {actor.agency.name}")
    if SupervisionCase.objects.filter(person=person, agency=actor.agency, closed_on__isnull=True).exists():
        refuse("person", "already_open", f"{actor.agency.name} already supervises this person: open their case instead")
    case = SupervisionCase.objects.create(
        person=person, agency=actor.agency, officer=officer, opened_on=opened_on,
        sexual_offence_history=sexual_offence_history,
    )  # fmt: skip
    _refresh(case, today)
    record_event(action="supervision.case.open", actor=actor, obj=case, justification=justification,
                 details={"person": str(person.pk), "officer": officer.pk})  # fmt: skip
    return case


@transaction.atomic
def case_update(
    *, actor: Actor, case: SupervisionCase, rosh_level: str, rosh_assessed_on: date | None,
    sexual_offence_history: bool, child_protection: bool, domestic_abuse: bool, release_date: date | None,
    today: date | None = None, justification: str = "",
) -> SupervisionCase:  # fmt: skip
    """The tier's own inputs (risk of serious harm, registrations) and the expected release date."""
    today = today or timezone.localdate()
    _require(actor, A.CASE_EDIT, case)
    if rosh_level and rosh_level not in RiskLevel.values:
        refuse("rosh_level", "invalid", "Choose very high, high, medium or low")
    if rosh_level and rosh_assessed_on is None:
        refuse("rosh_assessed_on", "required", "Enter the date risk of serious harm was assessed")
    if rosh_assessed_on is not None and not rosh_level:
        refuse("rosh_level", "required", "Choose the risk of serious harm level assessed on that date")
    _not_future("rosh_assessed_on", "The date risk of serious harm was assessed", rosh_assessed_on, today)
    case.rosh_level, case.rosh_assessed_on = rosh_level, rosh_assessed_on
    case.sexual_offence_history, case.child_protection, case.domestic_abuse = (
        sexual_offence_history, child_protection, domestic_abuse,
    )  # fmt: skip
    case.release_date = release_date
    case.save()
    _refresh(case, today)
    record_event(action="supervision.case.update", actor=actor, obj=case, justification=justification,
                 details={"tier": case.tier, "provisional": case.tier_provisional})  # fmt: skip
    return case


@transaction.atomic
def case_close(*, actor: Actor, case: SupervisionCase, closed_on: date, today: date | None = None,
               justification: str = "") -> SupervisionCase:  # fmt: skip
    today = today or timezone.localdate()
    _require(actor, A.CASE_EDIT, case)
    if closed_on < case.opened_on:
        refuse("closed_on", "before_start", f"The end date cannot be before the case started ({_words(case.opened_on)})")
    _not_future("closed_on", "The end date", closed_on, today)
    case.closed_on = closed_on
    case.save(update_fields=["closed_on", "updated_at"])
    Visit.objects.filter(case=case, status=VisitStatus.SCHEDULED).update(status=VisitStatus.CANCELLED)
    record_event(action="supervision.case.close", actor=actor, obj=case, justification=justification)
    return case


@transaction.atomic
def case_transfer(
    *, actor: Actor, case: SupervisionCase, agency: Agency, officer: User, transferred_on: date, reason: str,
    today: date | None = None, justification: str = "",
) -> CaseTransfer:  # fmt: skip
    """Move the case to another officer, in this area or another one of the same kind; the history is kept.

    Another area receives a statutory link to the person (MAPPA sharing) so its officer can see them;
    visits scheduled by the old area are cancelled, and pending or approved overrides move with the case.
    """
    today = today or timezone.localdate()
    _require(actor, A.CASE_TRANSFER, case)
    reason = _text("reason", "the reason for the transfer", reason)
    _not_future("transferred_on", "The date of the transfer", transferred_on, today)
    if transferred_on < case.opened_on:
        refuse("transferred_on", "before_start", f"The transfer cannot be before the case started ({_words(case.opened_on)})")
    if agency.kind != case.agency.kind:
        refuse("agency", "wrong_kind", f"A {case.agency.get_kind_display().lower()} case can move only to another "
               f"{case.agency.get_kind_display().lower()} area")  # fmt: skip
    if not is_staff_of(officer, agency):
        refuse("officer", "not_in_receiving_area",
               f"{officer.get_full_name() or officer.username} does not work in {agency.name}: choose an officer of the receiving area")  # fmt: skip
    if agency == case.agency and officer == case.officer:
        refuse("officer", "unchanged", "Choose a different officer or area")
    moving = agency != case.agency
    if moving and SupervisionCase.objects.filter(person_id=case.person_id, agency=agency, closed_on__isnull=True).exists():
        refuse("agency", "already_open", f"{agency.name} already has an open case for this person")
    transfer = CaseTransfer.objects.create(
        case=case, person_id=case.person_id, agency=agency, from_agency=case.agency, from_officer=case.officer,
        to_officer=officer, transferred_on=transferred_on, reason=reason, transferred_by=actor.user,
    )  # fmt: skip
    details: dict[str, Any] = {"from_agency": case.agency_id, "to_agency": agency.pk, "from_officer": case.officer_id,
                               "to_officer": officer.pk}  # fmt: skip
    if moving:
        person = Person.objects.get(pk=case.person_id)
        details["link_made"] = share_under_statutory_basis(person=person, agency=agency, started_on=transferred_on)
        Visit.objects.filter(case=case, status=VisitStatus.SCHEDULED).update(status=VisitStatus.CANCELLED)
        RiskLevelOverride.objects.filter(case=case, state__in=("requested", "approved")).update(agency=agency)
        ReviewTrigger.objects.filter(case=case, reviewed_on__isnull=True).update(agency=agency)
    case.agency, case.officer = agency, officer
    case.save(update_fields=["agency", "officer", "updated_at"])
    _refresh(case, today)
    record_event(action="supervision.case.transfer", actor=actor, obj=case, justification=justification, details=details)
    return transfer


@transaction.atomic
def management_set(
    *, actor: Actor, case: SupervisionCase, management: str, today: date | None = None, justification: str = ""
) -> SupervisionCase:
    """Active management with visits, or reactive management once assessed low risk for at least 3 years."""
    today = today or timezone.localdate()
    _require(actor, A.CASE_EDIT, case)
    if management not in Management.values:
        refuse("management", "invalid", "Choose active or reactive management")
    if management == Management.REACTIVE and case.management != Management.REACTIVE:
        eligible = visits.reactive_eligible_from(case.low_risk_since)
        if case.risk_level != Level.LOW or eligible is None:
            refuse("management", "not_low_risk", "Reactive management needs a current risk level of low, assessed "
                   f"low for at least {visits.REACTIVE_AFTER_YEARS} years")  # fmt: skip
        if eligible > today:
            since = case.low_risk_since or today
            refuse("management", "not_yet", f"Assessed low risk since {_words(since)}: reactive "
                   f"management is possible from {_words(eligible)}")  # fmt: skip
        case.reactive_since = today
    if management == Management.ACTIVE:
        case.reactive_since = None
    case.management = management
    case.save(update_fields=["management", "reactive_since", "updated_at"])
    _refresh(case, today)
    record_event(action="supervision.case.management", actor=actor, obj=case, justification=justification,
                 details={"management": management})  # fmt: skip
    return case


# --- reactive management: review triggers ----------------------------------------------------------------


@transaction.atomic
def trigger_record(
    *, actor: Actor, case: SupervisionCase, kind: str, occurred_on: date, note: str = "",
    today: date | None = None, justification: str = "",
) -> ReviewTrigger:  # fmt: skip
    today = today or timezone.localdate()
    _require(actor, A.CASE_EDIT, case)
    if kind not in {k.value for k in visits.ReviewTrigger}:
        refuse("kind", "invalid", "Choose what happened")
    _not_future("occurred_on", "The date it happened", occurred_on, today)
    trigger = ReviewTrigger.objects.create(
        case=case, person_id=case.person_id, agency=case.agency, kind=kind, occurred_on=occurred_on,
        note=_text("note", "a note", note, required=False), recorded_by=actor.user,
    )  # fmt: skip
    _refresh(case, today)
    record_event(action="supervision.trigger.record", actor=actor, obj=trigger, justification=justification,
                 details={"case": str(case.pk), "kind": kind})  # fmt: skip
    return trigger


def _auto_trigger(case: SupervisionCase | None, kind: visits.ReviewTrigger, occurred_on: date, actor: Actor) -> None:
    if case is not None and case.management == Management.REACTIVE:
        ReviewTrigger.objects.create(case=case, person_id=case.person_id, agency=case.agency, kind=kind,
                                     occurred_on=occurred_on, recorded_by=actor.user)  # fmt: skip


@transaction.atomic
def trigger_review(
    *, actor: Actor, trigger: ReviewTrigger, reviewed_on: date, outcome: str, today: date | None = None,
    justification: str = "",
) -> ReviewTrigger:  # fmt: skip
    today = today or timezone.localdate()
    _require(actor, A.CASE_EDIT, trigger)
    if outcome not in TriggerOutcome.values:
        refuse("outcome", "invalid", "Choose whether the person stays under reactive management")
    _not_future("reviewed_on", "The date of the review", reviewed_on, today)
    if reviewed_on < trigger.occurred_on:
        refuse("reviewed_on", "before_start", f"The review cannot be before what prompted it ({_words(trigger.occurred_on)})")
    trigger.reviewed_on, trigger.outcome = reviewed_on, outcome
    trigger.save(update_fields=["reviewed_on", "outcome"])
    case = trigger.case
    if outcome == TriggerOutcome.RETURN_TO_ACTIVE:
        case.management, case.reactive_since = Management.ACTIVE, None
        case.save(update_fields=["management", "reactive_since", "updated_at"])
    _refresh(case, today)
    record_event(action="supervision.trigger.review", actor=actor, obj=trigger, justification=justification,
                 details={"outcome": outcome})  # fmt: skip
    return trigger


# --- notification requirements and notifications -----------------------------------------------------------


def _register_case(requirement: NotificationRequirement) -> SupervisionCase | None:
    return SupervisionCase.objects.filter(
        person_id=requirement.person_id, agency_id=requirement.agency_id, closed_on__isnull=True
    ).first()


def _initial_event(requirement: NotificationRequirement, actor: Actor, first_notification_on: date | None) -> None:
    due = initial_notification_due(requirement.relevant_date)
    NotificationEvent.objects.create(
        requirement=requirement, person_id=requirement.person_id, agency_id=requirement.agency_id,
        kind=NotificationKind.INITIAL, counts_from=requirement.relevant_date, due_date=due.due_date,
        due_basis=due.basis, due_verified=due.verified, notified_on=first_notification_on, recorded_by=actor.user,
    )  # fmt: skip


def _age(person: Person, relevant_date: date) -> int:
    if relevant_date < person.date_of_birth:
        refuse("relevant_date", "before_birth", "The relevant date cannot be before the person's date of birth")
    return age_on(person.date_of_birth, relevant_date)


_ENGINE_FIELDS = {
    "custody_months": "custody_months", "custody_length": "custody_months",
    "conditional_discharge_months": "conditional_discharge_months",
    "conditional_discharge_length": "conditional_discharge_months",
    "age_at_relevant_date": "relevant_date", "suspended": "suspended", "first_notification_date": "first_notification_on",
}  # fmt: skip


@transaction.atomic
def requirement_create(
    *, actor: Actor, person: Person, source: str, relevant_date: date, disposal: str = "",
    custody_months: int | None = None, conditional_discharge_months: int | None = None, suspended: bool = False,
    indefinite: bool = False, end_date: date | None = None, legal_basis: str = "",
    first_notification_on: date | None = None, today: date | None = None, justification: str = "",
) -> NotificationRequirement:  # fmt: skip
    """Notification requirements: computed by the sentencing engine from the disposal, the person's age
    and the relevant date, or entered with their legal basis when they come from elsewhere."""
    today = today or timezone.localdate()
    _require(actor, A.REGISTER_EDIT)
    _not_future("relevant_date", "The relevant date", relevant_date, today)
    age = _age(person, relevant_date)
    _not_future("first_notification_on", "The date of the first notification", first_notification_on, today)
    if first_notification_on is not None and first_notification_on < relevant_date:
        refuse("first_notification_on", "before_start", "The first notification cannot be before the requirements "
               f"started ({_words(relevant_date)})")  # fmt: skip
    fields: dict[str, Any] = {"person": person, "agency": actor.agency, "relevant_date": relevant_date,
                              "age_at_relevant_date": age, "created_by": actor.user}  # fmt: skip
    if source == RequirementSource.COMPUTED:
        if disposal not in Disposal.__members__.values():
            refuse("disposal", "invalid", "Choose the disposal")
        try:
            result = notification_period(
                disposal=Disposal(disposal), relevant_date=relevant_date, age_at_relevant_date=age,
                custody_length=Duration.months(custody_months) if custody_months else None,
                conditional_discharge_length=Duration.months(conditional_discharge_months) if conditional_discharge_months else None,
                suspended=suspended, first_notification_date=first_notification_on,
            )  # fmt: skip
        except GuidelineError as exc:
            raise ValidationError(
                {_ENGINE_FIELDS.get(p.field, "disposal"): [ValidationError(_engine_words(p.message), code=p.code)] for p in exc.problems}
            ) from exc
        fields.update(
            source=source, disposal=disposal, custody_months=custody_months if disposal == Disposal.IMPRISONMENT else None,
            conditional_discharge_months=conditional_discharge_months if disposal == Disposal.CONDITIONAL_DISCHARGE else None,
            suspended=suspended, indefinite=result.indefinite, period_text=result.period.text() if result.period else "",
            end_date=result.end_date, basis=result.basis, status=result.status.value, warnings=list(result.warnings),
        )  # fmt: skip
    elif source == RequirementSource.ENTERED:
        legal_basis = _text("legal_basis", "the legal basis of the requirements (for example the order that made them)", legal_basis)
        if indefinite and end_date is not None:
            refuse("end_date", "conflict", "Leave the end date empty when the requirements are indefinite")
        if not indefinite and end_date is None:
            refuse("end_date", "required", "Enter the end date, or say the requirements are indefinite")
        if end_date is not None and end_date < relevant_date:
            refuse("end_date", "before_start", f"The end date cannot be before the relevant date ({_words(relevant_date)})")
        fields.update(source=source, indefinite=indefinite, end_date=end_date, legal_basis=legal_basis)
    else:
        refuse("source", "invalid", "Choose whether the period is computed or entered")
    requirement = NotificationRequirement.objects.create(**fields)
    _initial_event(requirement, actor, first_notification_on)
    upkeep.refresh_requirement(requirement)
    upkeep.refresh_person(person.pk, today=today)
    record_event(action="supervision.requirement.create", actor=actor, obj=requirement, justification=justification,
                 details={"person": str(person.pk), "source": source, "indefinite": requirement.indefinite})  # fmt: skip
    return requirement


def _engine_words(message: str) -> str:
    for code, label in DISPOSAL_LABELS.items():
        message = message.replace(f"to {code.value}", f"to {label.lower()}")
    return message[:1].upper() + message[1:].replace("custody_months", "the length of the term")


def _check_event_dates(requirement: NotificationRequirement, field: str, label: str, day: date | None, today: date,
                       *, future_allowed: bool = False) -> None:  # fmt: skip
    if day is None:
        return
    if day < requirement.relevant_date:
        refuse(field, "before_start", f"{label} cannot be before the requirements started ({_words(requirement.relevant_date)})")
    if not future_allowed:
        _not_future(field, label, day, today)
    if requirement.end_date is not None and day > requirement.end_date:
        refuse(field, "after_end", f"{label} is after the requirements ended ({_words(requirement.end_date)})")


@transaction.atomic
def notification_record(
    *, actor: Actor, requirement: NotificationRequirement, kind: str, notified_on: date | None = None,
    change_date: date | None = None, departure_date: date | None = None, return_date: date | None = None,
    destination: str = "", carrier: str = "", accommodation: str = "", details: str = "",
    today: date | None = None, justification: str = "",
) -> NotificationEvent:  # fmt: skip
    """A notification the person must make or has made: a change (due 3 days from the change), foreign
    travel (due 7 days before departure), or the annual one (due a year after the last). Its due date is
    computed by `guidelines.register`."""
    today = today or timezone.localdate()
    _require(actor, A.REGISTER_EDIT, requirement)
    _check_event_dates(requirement, "notified_on", "The date of the notification", notified_on, today)
    event = NotificationEvent(requirement=requirement, person_id=requirement.person_id, agency_id=requirement.agency_id,
                              kind=kind, notified_on=notified_on, recorded_by=actor.user,
                              details=_text("details", "details", details, required=False))  # fmt: skip
    if kind in CHANGE_KINDS:
        if change_date is None:
            refuse("change_date", "required", "Enter the date of the change")
        _check_event_dates(requirement, "change_date", "The date of the change", change_date, today)
        deadline = change_notification_due(change_date, _CHANGE[NotificationKind(kind)])
        event.counts_from = change_date
    elif kind == NotificationKind.TRAVEL:
        if departure_date is None:
            refuse("departure_date", "required", "Enter the date of departure")
        _check_event_dates(requirement, "departure_date", "The date of departure", departure_date, today, future_allowed=True)
        if return_date is None:
            refuse("return_date", "required", "Enter the date of return")
        if return_date < departure_date:
            refuse("return_date", "before_start", f"The date of return cannot be before departure ({_words(departure_date)})")
        event.destination = _text("destination", "the destination", destination)
        event.carrier = _text("carrier", "the carrier (for example the airline and flight)", carrier)
        event.accommodation = _text("accommodation", "where the person will stay", accommodation)
        event.return_date = return_date
        deadline = travel_notification_due(departure_date)
        event.counts_from = departure_date
    elif kind == NotificationKind.ANNUAL:
        if notified_on is None:
            refuse("notified_on", "required", "Enter the date of the annual notification")
        last = (
            NotificationEvent.objects.filter(requirement=requirement, notified_on__isnull=False)
            .order_by("-notified_on").values_list("notified_on", flat=True).first()
        )  # fmt: skip
        if last is None:
            refuse("kind", "no_earlier_notification", "Record the initial notification first: the annual one is due a year after it")
        deadline = annual_notification_due(last)
        event.counts_from = last
    else:
        refuse("kind", "invalid", "Choose a change, foreign travel or the annual notification")
    event.due_date, event.due_basis, event.due_verified = deadline.due_date, deadline.basis, deadline.verified
    event.save()
    upkeep.refresh_requirement(requirement)
    case = _register_case(requirement)
    if kind == NotificationKind.HOME_ADDRESS:
        _auto_trigger(case, visits.ReviewTrigger.CHANGE_OF_ADDRESS, event.counts_from, actor)
    upkeep.refresh_person(requirement.person_id, today=today)
    record_event(action="supervision.notification.record", actor=actor, obj=event, justification=justification,
                 details={"requirement": str(requirement.pk), "kind": kind, "due": event.due_date.isoformat(),
                          "late": event.is_late})  # fmt: skip
    return event


@transaction.atomic
def notification_made(
    *, actor: Actor, event: NotificationEvent, notified_on: date, today: date | None = None, justification: str = ""
) -> NotificationEvent:
    """The person made a notification that was waiting (the initial one, or a change learnt of earlier)."""
    today = today or timezone.localdate()
    requirement = event.requirement
    _require(actor, A.REGISTER_EDIT, requirement)
    if event.notified_on is not None:
        refuse("notified_on", "already_made", f"This notification was made on {_words(event.notified_on)}")
    _check_event_dates(requirement, "notified_on", "The date of the notification", notified_on, today)
    event.notified_on = notified_on
    event.save(update_fields=["notified_on"])
    upkeep.refresh_requirement(requirement)
    upkeep.refresh_person(requirement.person_id, today=today)
    record_event(action="supervision.notification.made", actor=actor, obj=event, justification=justification,
                 details={"late": event.is_late})  # fmt: skip
    return event


# --- breaches (workflow) -------------------------------------------------------------------------------------


@transaction.atomic
def breach_record(
    *, actor: Actor, requirement: NotificationRequirement, noticed_on: date, description: str,
    event: NotificationEvent | None = None, today: date | None = None, justification: str = "",
) -> Breach:  # fmt: skip
    today = today or timezone.localdate()
    _require(actor, A.BREACH_RECORD, requirement)
    _check_event_dates(requirement, "noticed_on", "The date the breach was noticed", noticed_on, today)
    if event is not None and event.requirement_id != requirement.pk:
        refuse("event", "invalid", "Choose a notification of these requirements")
    breach = Breach.objects.create(
        person_id=requirement.person_id, agency_id=requirement.agency_id, requirement=requirement, event=event,
        noticed_on=noticed_on, description=_text("description", "what happened", description), recorded_by=actor.user,
    )  # fmt: skip
    _auto_trigger(_register_case(requirement), visits.ReviewTrigger.BREACH, noticed_on, actor)
    upkeep.refresh_person(requirement.person_id, today=today)
    record_event(action="supervision.breach.record", actor=actor, obj=breach, justification=justification,
                 details={"requirement": str(requirement.pk)})  # fmt: skip
    return breach


def breach_move(
    *, actor: Actor, breach: Breach, transition: str, expected_state: str, reason_code: str = "",
    reason_text: str = "", now: datetime | None = None,
) -> None:  # fmt: skip
    apply_transition(actor=actor, workflow=flows.BREACH, obj=breach, transition=transition, now=now or timezone.now(),
                     reason_code=reason_code, reason_text=reason_text, expected_state=expected_state)  # fmt: skip


# --- risk management plans ---------------------------------------------------------------------------------


def _plan(case: SupervisionCase, actor: Actor, today: date) -> RiskManagementPlan:
    plan = RiskManagementPlan.objects.filter(case=case).first()
    if plan is None:
        plan = RiskManagementPlan.objects.create(case=case, reviewed_on=today, review_every_months=config.PLAN_REVIEW_MONTHS,
                                                 updated_by=actor.user)  # fmt: skip
    return plan


@transaction.atomic
def plan_save(
    *, actor: Actor, case: SupervisionCase, reviewed_on: date, review_every_months: int,
    visit_override_months: int | None, visit_override_reason: str, today: date | None = None, justification: str = "",
) -> RiskManagementPlan:  # fmt: skip
    """The plan's review (its date and how often) and the visit frequency it sets, with the reason."""
    today = today or timezone.localdate()
    _require(actor, A.CASE_EDIT, case)
    _not_future("reviewed_on", "The date of the review", reviewed_on, today)
    if reviewed_on < case.opened_on:
        refuse("reviewed_on", "before_start", f"The review cannot be before the case started ({_words(case.opened_on)})")
    if not 1 <= review_every_months <= 24:
        refuse("review_every_months", "out_of_range", "Review the plan every 1 to 24 months")
    reason = (visit_override_reason or "").strip()
    if visit_override_months is not None:
        if not visits.MIN_MONTHS <= visit_override_months <= visits.MAX_MONTHS:
            refuse("visit_override_months", "out_of_range", f"Visit every {visits.MIN_MONTHS} to {visits.MAX_MONTHS} months")
        reason = _text("visit_override_reason", "the reason the plan sets its own visit frequency", reason)
    elif reason:
        refuse("visit_override_months", "required", "Enter how often to visit, or leave the reason empty")
    plan = _plan(case, actor, today)
    plan.reviewed_on, plan.review_every_months = reviewed_on, review_every_months
    plan.visit_override_months, plan.visit_override_reason = visit_override_months, reason
    plan.updated_by = actor.user
    plan.save()
    _refresh(case, today)
    record_event(action="supervision.plan.save", actor=actor, obj=case, justification=justification,
                 details={"visit_override_months": visit_override_months})  # fmt: skip
    return plan


@transaction.atomic
def plan_item_add(
    *, actor: Actor, case: SupervisionCase, kind: str, text: str, order: str = "", starts_on: date | None = None,
    ends_on: date | None = None, today: date | None = None, justification: str = "",
) -> PlanItem:  # fmt: skip
    """A risk or protective factor, a condition or prohibition (an order's terms, with their end date), or
    a contingency action."""
    today = today or timezone.localdate()
    _require(actor, A.CASE_EDIT, case)
    if kind not in PlanItemKind.values:
        refuse("kind", "invalid", "Choose what kind of entry this is")
    if starts_on is not None and ends_on is not None and ends_on < starts_on:
        refuse("ends_on", "before_start", f"The end date cannot be before the start date ({_words(starts_on)})")
    item = PlanItem.objects.create(
        plan=_plan(case, actor, today), kind=kind, text=_text("text", "the entry", text),
        order=_text("order", "the order", order, required=False)[:100], starts_on=starts_on, ends_on=ends_on,
        created_by=actor.user,
    )  # fmt: skip
    _refresh(case, today)
    record_event(action="supervision.plan.item.add", actor=actor, obj=case, justification=justification,
                 details={"kind": kind, "item": item.pk})  # fmt: skip
    return item


@transaction.atomic
def plan_item_remove(*, actor: Actor, item: PlanItem, today: date | None = None, justification: str = "") -> PlanItem:
    today = today or timezone.localdate()
    case = item.plan.case
    _require(actor, A.CASE_EDIT, case)
    item.removed_on = today
    item.save(update_fields=["removed_on"])
    _refresh(case, today)
    record_event(action="supervision.plan.item.remove", actor=actor, obj=case, justification=justification,
                 details={"item": item.pk})  # fmt: skip
    return item


# --- risk level overrides (workflow with the two-person rule) -------------------------------------------------


@transaction.atomic
def override_request(
    *, actor: Actor, case: SupervisionCase, level: str, reason: str, now: datetime | None = None,
) -> RiskLevelOverride:  # fmt: skip
    """Ask for a risk level other than the assessment's; in force only once another person, a supervisor,
    approves it."""
    _require(actor, A.OVERRIDE_REQUEST, case)
    if level not in RiskLevel.values:
        refuse("level", "invalid", "Choose very high, high, medium or low")
    reason = _text("reason", "the reason for the override", reason)
    if RiskLevelOverride.objects.filter(case=case, state="requested").exists():
        refuse("level", "already_requested", "A request is already waiting for a supervisor: withdraw it first")
    override = RiskLevelOverride.objects.create(case=case, person_id=case.person_id, agency=case.agency, level=level,
                                                reason=reason, requested_by=actor.user)  # fmt: skip
    # The workflow's audit event ("supervision.override.transition") records the request.
    apply_transition(actor=actor, workflow=flows.OVERRIDE, obj=override, transition="request", now=now or timezone.now())
    return override


@transaction.atomic
def override_move(
    *, actor: Actor, override: RiskLevelOverride, transition: str, expected_state: str, reason_text: str = "",
    now: datetime | None = None, today: date | None = None,
) -> RiskLevelOverride:  # fmt: skip
    """Approve, refuse, withdraw or end an override; an approval ends the override it replaces."""
    now = now or timezone.now()
    today = today or timezone.localdate()

    def replace_earlier(locked: RiskLevelOverride, record: object) -> None:
        if transition != "approve":
            return
        for earlier in RiskLevelOverride.objects.filter(case_id=locked.case_id, state="approved").exclude(pk=locked.pk):
            apply_transition(actor=actor, workflow=flows.OVERRIDE, obj=earlier, transition="end", now=now,
                             reason_text="Replaced by a newer override")  # fmt: skip

    apply_transition(actor=actor, workflow=flows.OVERRIDE, obj=override, transition=transition, now=now,
                     reason_text=reason_text, expected_state=expected_state, effects=replace_earlier)  # fmt: skip
    _refresh(SupervisionCase.objects.get(pk=override.case_id), today)
    return override


# --- visits --------------------------------------------------------------------------------------------------


def _officers(case: SupervisionCase, officers: Sequence[User]) -> list[User]:
    if not officers:
        refuse("officers", "required", "Choose the officers who visited")
    outside = [u for u in officers if not is_staff_of(u, case.agency)]
    if outside:
        names = ", ".join(u.get_full_name() or u.username for u in outside)
        refuse("officers", "not_in_agency", f"{names} do not work in {case.agency.name}")
    return list(officers)


@transaction.atomic
def visit_schedule(
    *, actor: Actor, case: SupervisionCase, kind: str, planned_for: date, today: date | None = None,
    justification: str = "",
) -> Visit:  # fmt: skip
    today = today or timezone.localdate()
    _require(actor, A.CASE_EDIT, case)
    if kind not in VisitKind.values:
        refuse("kind", "invalid", "Choose planned or unannounced")
    if planned_for < today:
        refuse("planned_for", "past", "The visit must be planned for today or later")
    if case.closed_on is not None:
        refuse("planned_for", "closed", "The case is closed")
    visit = Visit.objects.create(case=case, person_id=case.person_id, agency=case.agency, kind=kind,
                                 status=VisitStatus.SCHEDULED, planned_for=planned_for, recorded_by=actor.user)  # fmt: skip
    record_event(action="supervision.visit.schedule", actor=actor, obj=visit, justification=justification,
                 details={"case": str(case.pk), "planned_for": planned_for.isoformat()})  # fmt: skip
    return visit


@transaction.atomic
def visit_record(
    *, actor: Actor, case: SupervisionCase, visited_on: date, kind: str, outcome: str, officers: Sequence[User],
    present: str = "", observations: str = "", concerns: str = "", next_steps: str = "",
    scheduled: Visit | None = None, today: date | None = None, justification: str = "",
) -> Visit:  # fmt: skip
    """A home visit that happened (or was attempted): who went, who was there, what was seen, concerns
    and next steps. A completed visit moves the next one's due date."""
    today = today or timezone.localdate()
    _require(actor, A.CASE_EDIT, case)
    if visited_on > today:
        refuse("visited_on", "future", "A visit cannot be recorded as done on a date in the future: schedule it instead")
    if visited_on < case.opened_on:
        refuse("visited_on", "before_start", f"The visit cannot be before the case started ({_words(case.opened_on)})")
    if kind not in VisitKind.values:
        refuse("kind", "invalid", "Choose planned or unannounced")
    if outcome not in VisitOutcome.values:
        refuse("outcome", "invalid", "Choose whether the visit took place")
    people = _officers(case, officers)
    if scheduled is not None and (scheduled.case_id != case.pk or scheduled.status != VisitStatus.SCHEDULED):
        refuse("visit", "not_scheduled", "This visit is not waiting to be recorded")
    visit = scheduled or Visit(case=case, person_id=case.person_id, agency=case.agency, recorded_by=actor.user)
    visit.kind, visit.status, visit.visited_on, visit.outcome = kind, VisitStatus.DONE, visited_on, outcome
    visit.present = _text("present", "who was present", present, required=False)
    visit.observations = _text("observations", "what you observed", observations, required=outcome == VisitOutcome.COMPLETED)
    visit.concerns = _text("concerns", "concerns", concerns, required=False)
    visit.next_steps = _text("next_steps", "next steps", next_steps, required=False)
    visit.recorded_by = actor.user
    visit.save()
    visit.officers.set(people)
    _refresh(case, today)
    record_event(action="supervision.visit.record", actor=actor, obj=visit, justification=justification,
                 details={"case": str(case.pk), "outcome": outcome, "visited_on": visited_on.isoformat(),
                          "next_visit_due": case.next_visit_due.isoformat() if case.next_visit_due else None})  # fmt: skip
    return visit


@transaction.atomic
def visit_cancel(*, actor: Actor, visit: Visit, justification: str = "") -> Visit:
    _require(actor, A.CASE_EDIT, visit)
    if visit.status != VisitStatus.SCHEDULED:
        refuse("visit", "not_scheduled", "Only a scheduled visit can be cancelled")
    visit.status = VisitStatus.CANCELLED
    visit.save(update_fields=["status"])
    record_event(action="supervision.visit.cancel", actor=actor, obj=visit, justification=justification)
    return visit


# --- MAPPA ---------------------------------------------------------------------------------------------------


@transaction.atomic
def mappa_set(
    *, actor: Actor, person: Person, category: int, level: int, since: date, today: date | None = None,
    justification: str = "",
) -> MappaStatus:  # fmt: skip
    """The person's MAPPA category and level from a date; the previous one ends that day (history kept)."""
    today = today or timezone.localdate()
    _require(actor, A.MAPPA_EDIT)
    if category not in (1, 2, 3, 4):
        refuse("category", "invalid", "Choose a MAPPA category")
    if level not in MappaLevel.values:
        refuse("level", "invalid", "Choose level 1, 2 or 3")
    _not_future("since", "The date", since, today)
    current = MappaStatus.objects.select_for_update().filter(person=person, ended_on__isnull=True).first()
    if current is not None:
        if since < current.since:
            refuse("since", "before_current", f"The date cannot be before the current level's ({_words(current.since)})")
        current.ended_on = since
        current.save(update_fields=["ended_on"])
    status = MappaStatus.objects.create(person=person, agency=actor.agency, category=category, level=level, since=since,
                                        recorded_by=actor.user)  # fmt: skip
    upkeep.refresh_person(person.pk, today=today)
    record_event(action="supervision.mappa.set", actor=actor, obj=person, justification=justification,
                 details={"category": category, "level": level})  # fmt: skip
    return status


def mappa_action_owner_ok(person_id: uuid.UUID | str, owner: User) -> bool:
    """An action's owner works, as practitioner or supervisor, in a police or probation agency that holds the person."""
    from safeguard.people.ports import linked_agency_ids
    from safeguard.supervision.policies import SUPERVISING

    return Membership.objects.filter(
        user=owner, agency_id__in=linked_agency_ids(person_id), agency__kind__in=SUPERVISING, role__in=STAFF_ROLES,
        is_active=True, user__is_active=True,
    ).exists()  # fmt: skip


def _owner_agency(person_id: uuid.UUID | str, owner: User) -> Agency:
    from safeguard.people.ports import linked_agency_ids
    from safeguard.supervision.policies import SUPERVISING

    membership = Membership.objects.filter(
        user=owner, agency_id__in=linked_agency_ids(person_id), agency__kind__in=SUPERVISING, role__in=STAFF_ROLES,
        is_active=True, user__is_active=True,
    ).select_related("agency").first()  # fmt: skip
    if membership is None:
        refuse("owner", "not_in_reach", f"{owner.get_full_name() or owner.username} does not work in an agency that "
               "manages this person")  # fmt: skip
    return membership.agency


@transaction.atomic
def meeting_record(
    *, actor: Actor, person: Person, held_on: date, agencies_present: str, attendees: str, minutes: str,
    next_meeting_on: date | None = None, actions: Sequence[tuple[str, User, date]] = (),
    today: date | None = None, justification: str = "",
) -> MappaMeeting:  # fmt: skip
    """A level 2 or 3 meeting, with the actions agreed (each with its owner and due date)."""
    today = today or timezone.localdate()
    _require(actor, A.MAPPA_EDIT)
    current = MappaStatus.objects.filter(person=person, ended_on__isnull=True).first()
    if current is None or current.level < MappaLevel.TWO:
        shown = f"level {current.level}" if current else "no MAPPA level"
        refuse("level", "not_multi_agency", f"Meetings are for MAPPA levels 2 and 3; this person has {shown}")
    _not_future("held_on", "The date of the meeting", held_on, today)
    if next_meeting_on is not None and next_meeting_on < held_on:
        refuse("next_meeting_on", "before_start", f"The next meeting cannot be before this one ({_words(held_on)})")
    meeting = MappaMeeting.objects.create(
        person=person, agency=actor.agency, level=current.level, held_on=held_on,
        agencies_present=_text("agencies_present", "the agencies present", agencies_present),
        attendees=_text("attendees", "who attended", attendees), minutes=_text("minutes", "the minutes", minutes),
        next_meeting_on=next_meeting_on, recorded_by=actor.user,
    )  # fmt: skip
    for index, (description, owner, due_on) in enumerate(actions):
        _action(meeting, description, owner, due_on, field_prefix=f"actions-{index}-")
    record_event(action="supervision.meeting.record", actor=actor, obj=meeting, justification=justification,
                 details={"person": str(person.pk), "actions": len(actions)})  # fmt: skip
    return meeting


def _action(meeting: MappaMeeting, description: str, owner: User, due_on: date, *, field_prefix: str = "") -> MappaAction:
    description = _text(f"{field_prefix}description", "what is to be done", description)
    if due_on < meeting.held_on:
        refuse(f"{field_prefix}due_on", "before_start", f"The due date cannot be before the meeting ({_words(meeting.held_on)})")
    try:
        agency = _owner_agency(meeting.person_id, owner)
    except ValidationError as exc:
        raise ValidationError({f"{field_prefix}owner": exc.error_dict["owner"]}) from exc
    return MappaAction.objects.create(meeting=meeting, person_id=meeting.person_id, agency=agency, description=description,
                                      owner=owner, due_on=due_on)  # fmt: skip


@transaction.atomic
def action_add(
    *, actor: Actor, meeting: MappaMeeting, description: str, owner: User, due_on: date, justification: str = ""
) -> MappaAction:
    _require(actor, A.MAPPA_EDIT, meeting)
    action = _action(meeting, description, owner, due_on)
    record_event(action="supervision.action.add", actor=actor, obj=action, justification=justification,
                 details={"meeting": str(meeting.pk), "owner": owner.pk})  # fmt: skip
    return action


@transaction.atomic
def action_complete(
    *, actor: Actor, action: MappaAction, completed_on: date, today: date | None = None, justification: str = ""
) -> MappaAction:
    today = today or timezone.localdate()
    _require(actor, A.MAPPA_EDIT, action)
    if action.completed_on is not None:
        refuse("completed_on", "already_done", f"This action was completed on {_words(action.completed_on)}")
    _not_future("completed_on", "The date it was done", completed_on, today)
    if completed_on < action.meeting.held_on:
        refuse("completed_on", "before_start", f"It cannot be done before the meeting ({_words(action.meeting.held_on)})")
    action.completed_on = completed_on
    action.save(update_fields=["completed_on"])
    record_event(action="supervision.action.complete", actor=actor, obj=action, justification=justification)
    return action


# --- the agency's visit-frequency table ------------------------------------------------------------------


@transaction.atomic
def frequency_set(*, actor: Actor, months: dict[str, int]) -> None:
    """The agency's own visit frequency per risk level (a level left out uses the default table). The
    agency's open cases are brought up to date by a background task queued in this transaction."""
    _require(actor, A.SETTINGS_MANAGE)
    for level in LEVELS_HIGHEST_FIRST:
        value = months.get(level.value)
        if value is None or not visits.MIN_MONTHS <= value <= visits.MAX_MONTHS:
            refuse(f"months_{level.value}", "out_of_range",
                   f"Enter a whole number of months from {visits.MIN_MONTHS} to {visits.MAX_MONTHS}")  # fmt: skip
    for level in LEVELS_HIGHEST_FIRST:
        AgencyVisitFrequency.objects.update_or_create(
            agency=actor.agency, risk_level=level.value, defaults={"months": months[level.value], "updated_by": actor.user}
        )
    from safeguard.supervision.tasks import refresh_agency

    refresh_agency.enqueue(actor.agency.pk)
    record_event(action="supervision.settings.frequency", actor=actor, object_type="supervision.AgencyVisitFrequency",
                 object_id=str(actor.agency.pk), details={"months": months})  # fmt: skip
