"""Writes of the prevention service: keyword-only functions, one transaction each, audit inside.

Two kinds of caller: an anonymous help-seeker (`HelpSeeker`, a conversation bound to a session)
on the public pages, and prevention staff (`Actor`) of the handling centre. Time is passed in.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import Enum
from typing import Any

from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from safeguard import policy
from safeguard.accounts.choices import AgencyKind, Role
from safeguard.accounts.models import Agency, Membership, User
from safeguard.audit.models import Outcome as AuditOutcome
from safeguard.calendar.bank_holidays import Region
from safeguard.calendar.working_days import add_working_days
from safeguard.core.wording import date_words
from safeguard.policy import Actor
from safeguard.prevention import codes, ratelimit, triage
from safeguard.prevention.auditing import CONVERSATION, audit
from safeguard.prevention.choices import (
    REFERRAL_OPEN,
    REFERRAL_STEPS,
    AppointmentMode,
    Author,
    Concern,
    ConversationStatus,
    Outcome,
    ReferralState,
)
from safeguard.prevention.disclosure_workflow import DISCLOSURE
from safeguard.prevention.help_seekers import HelpSeeker
from safeguard.prevention.models import (
    CentreProfile,
    CentreReferral,
    ContactRecord,
    Conversation,
    Disclosure,
    HelpSeekerSession,
    InternalNote,
    Message,
    ReplyTemplate,
    TriageRecord,
)
from safeguard.prevention.policies import PreventionAction
from safeguard.programmes import ports as programme_ports
from safeguard.workflows.models import TransitionRecord
from safeguard.workflows.services import apply_transition

MAX_NOTE = 4000
MAX_EXCERPT = 4000


def limit(name: str) -> int:
    return ratelimit.setting(name)


def first_reply_due(created_at: datetime) -> date:
    """FIRST_REPLY_WORKING_DAYS working days (England and Wales) after the day the person wrote."""
    started = timezone.localtime(created_at).date()
    return add_working_days(started, limit("FIRST_REPLY_WORKING_DAYS"), Region.ENGLAND_AND_WALES)


class RateLimited(Exception):
    """Too many at once: `retry_after` seconds until it may be tried again."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"try again in {retry_after} seconds")
        self.retry_after = max(1, retry_after)


# --- the help-seeker ---------------------------------------------------------------------------


def _check_passphrase(passphrase: str, confirm: str) -> None:
    errors: dict[str, list[ValidationError]] = {}
    if len(passphrase) < codes.PASSPHRASE_MIN:
        errors["passphrase"] = [ValidationError(
            _("Your passphrase must be at least %(count)s characters long") % {"count": codes.PASSPHRASE_MIN},
            code="too_short")]
    elif len(passphrase) > codes.PASSPHRASE_MAX:
        errors["passphrase"] = [ValidationError(
            _("Your passphrase must be %(count)s characters or fewer") % {"count": codes.PASSPHRASE_MAX},
            code="too_long")]
    else:
        try:
            CommonPasswordValidator().validate(passphrase)
        except ValidationError:
            errors["passphrase"] = [ValidationError(
                _("This passphrase is too easy to guess: use three or four words that do not belong together"),
                code="too_common")]
    if not errors and passphrase != confirm:
        errors["confirm"] = [ValidationError(_("The two passphrases are not the same"), code="mismatch")]
    if errors:
        raise ValidationError(errors)


def _check_message(body: str, field: str = "body") -> str:
    body = (body or "").strip()
    largest = limit("MESSAGE_MAX_CHARACTERS")
    if not body:
        raise ValidationError({field: [ValidationError(_("Write your message"), code="required")]})
    if len(body) > largest:
        raise ValidationError({field: [ValidationError(
            _("Your message must be %(count)s characters or fewer") % {"count": f"{largest:,}"}, code="too_long")]})
    return body


def answering_centres() -> list[CentreProfile]:
    return list(
        CentreProfile.objects.filter(answers_messages=True, listed=True, agency__kind=AgencyKind.PREVENTION)
        .select_related("agency")
    )


@dataclass(frozen=True)
class Started:
    conversation: Conversation
    token: str
    code: str


@transaction.atomic
def conversation_start(
    *, passphrase: str, confirm: str, centre: Agency, language: str, first_message: str, now: datetime,
    endpoint: str = "",
) -> Started:
    """A new conversation: a reference code made here, the passphrase hashed, a session opened."""
    _check_passphrase(passphrase, confirm)
    body = _check_message(first_message, "first_message") if first_message.strip() else ""
    if not CentreProfile.objects.filter(agency=centre, answers_messages=True, listed=True).exists():
        raise ValidationError({"centre": [ValidationError(_("Choose one of the centres listed"), code="invalid")]})
    hour = timedelta(hours=1)
    if ratelimit.current(ratelimit.budget_key(ratelimit.START_BUDGET_KEY), now, hour) >= limit(
        "NEW_CONVERSATIONS_PER_HOUR"
    ):
        raise RateLimited(retry_after=15 * 60)
    ratelimit.bump(ratelimit.budget_key(ratelimit.START_BUDGET_KEY), now, window=hour, limit=0)
    code = codes.new_reference_code()
    conversation = Conversation.objects.create(
        centre=centre, code_digest=codes.code_digest(code), reference_code=code,
        passphrase_hash=codes.hash_passphrase(passphrase), language=language,
        created_at=now, last_activity_at=now, waiting_since=now if body else None,
    )
    if body:
        Message.objects.create(conversation=conversation, author=Author.HELP_SEEKER, body=body, created_at=now)
    token = codes.new_session_token()
    HelpSeekerSession.objects.create(
        token_digest=codes.token_digest(token), conversation=conversation, created_at=now, last_seen_at=now
    )
    audit(action="prevention.help.start", object_type=CONVERSATION, object_id=str(conversation.pk),
          endpoint=endpoint, details={"language": language, "first_message": bool(body)})
    return Started(conversation=conversation, token=token, code=code)


class ReturnStatus(Enum):
    OPENED = "opened"
    NOT_MATCHED = "not_matched"  # unknown code or wrong passphrase: the same answer for both
    LOCKED = "locked"  # too many failed tries with this code (whether or not it exists)
    BUSY = "busy"  # the service-wide budget of failed tries is spent for now


@dataclass(frozen=True)
class Returned:
    status: ReturnStatus
    token: str = ""
    retry_after: int = 0


def _retry_after(until: datetime | None, now: datetime) -> int:
    return int((until - now).total_seconds()) + 1 if until is not None else 60


def conversation_return(*, code: str, passphrase: str, now: datetime, endpoint: str = "") -> Returned:
    """Open a conversation again with its reference code and passphrase.

    Whether the code belongs to a conversation changes nothing that can be seen: an unknown code is
    checked against a dummy hash with the same cost, counted the same way, and answered with the
    same status and words as a wrong passphrase. The check never goes through django-axes."""
    window = ratelimit.return_window()
    key = ratelimit.code_key(code)
    budget = ratelimit.budget_key(ratelimit.RETURN_BUDGET_KEY)
    if ratelimit.is_locked(key, now):
        return Returned(ReturnStatus.LOCKED, retry_after=int(window.total_seconds()))
    if ratelimit.current(budget, now, window) >= limit("RETURN_GLOBAL_BUDGET"):
        return Returned(ReturnStatus.BUSY, retry_after=int(window.total_seconds()))
    passphrase = (passphrase or "")[: codes.PASSPHRASE_MAX + 1]
    conversation = (
        Conversation.objects.filter(code_digest__in=codes.code_digests(code)).only("pk", "passphrase_hash").first()
    )
    matched = codes.passphrase_matches(passphrase, conversation.passphrase_hash if conversation else None)
    with transaction.atomic():
        if conversation is not None and matched:
            ratelimit.forget(key)
            token = codes.new_session_token()
            HelpSeekerSession.objects.create(  # they typed the code: no need to show it big again
                token_digest=codes.token_digest(token), conversation_id=conversation.pk, created_at=now,
                last_seen_at=now, code_shown=True,
            )
            Conversation.objects.filter(pk=conversation.pk).update(last_activity_at=now)
            audit(action="prevention.help.return", object_type=CONVERSATION, object_id=str(conversation.pk),
                  endpoint=endpoint)
            return Returned(ReturnStatus.OPENED, token=token)
        count = ratelimit.bump(key, now, window=window, limit=limit("RETURN_ATTEMPTS"), lock_for=window)
        spent = ratelimit.bump(budget, now, window=window, limit=limit("RETURN_GLOBAL_BUDGET"))
        locked_now = count.count == limit("RETURN_ATTEMPTS")
        if spent.count <= limit("RETURN_GLOBAL_BUDGET"):
            # One event per failed try while the budget lasts, then one when it runs out: a flood of
            # guesses cannot flood the audit log. No code, no conversation: nothing that identifies.
            audit(action="prevention.help.return_failed", outcome=AuditOutcome.FAILURE, endpoint=endpoint,
                  details={"locked": locked_now, "budget_spent": spent.count == limit("RETURN_GLOBAL_BUDGET")})
    if locked_now:
        return Returned(ReturnStatus.LOCKED, retry_after=_retry_after(count.locked_until, now))
    return Returned(ReturnStatus.NOT_MATCHED)


def help_seeker_read(*, seeker: HelpSeeker) -> None:
    audit(action="prevention.help.read", object_type=CONVERSATION, object_id=str(seeker.conversation.pk),
          endpoint=seeker.endpoint)


@transaction.atomic
def code_acknowledge(*, seeker: HelpSeeker) -> None:
    HelpSeekerSession.objects.filter(pk=seeker.session.pk).update(code_shown=True)


@transaction.atomic
def message_send(*, seeker: HelpSeeker, body: str, now: datetime) -> Message:
    """The help-seeker writes. At most MESSAGES_PER_HOUR an hour; a closed conversation reopens."""
    body = _check_message(body)
    conversation = Conversation.objects.select_for_update().get(pk=seeker.conversation.pk)
    recent = Message.objects.filter(
        conversation=conversation, author=Author.HELP_SEEKER, created_at__gt=now - timedelta(hours=1)
    ).count()
    if recent >= limit("MESSAGES_PER_HOUR"):
        raise RateLimited(retry_after=60 * 60)
    message = Message.objects.create(conversation=conversation, author=Author.HELP_SEEKER, body=body, created_at=now)
    conversation.last_activity_at = now
    conversation.waiting_since = conversation.waiting_since or now
    reopened = conversation.status == ConversationStatus.CLOSED
    if reopened:
        conversation.status, conversation.closed_at, conversation.outcome = ConversationStatus.OPEN, None, ""
    conversation.save(update_fields=["last_activity_at", "waiting_since", "status", "closed_at", "outcome"])
    audit(action="prevention.help.message", object_type=CONVERSATION, object_id=str(conversation.pk),
          endpoint=seeker.endpoint, details={"reopened": reopened})
    return message


@transaction.atomic
def session_end(*, seeker: HelpSeeker) -> None:
    HelpSeekerSession.objects.filter(pk=seeker.session.pk).delete()
    audit(action="prevention.help.leave", object_type=CONVERSATION, object_id=str(seeker.conversation.pk),
          endpoint=seeker.endpoint)


def _referral_centre(centre_id: Any) -> Agency:
    profile = (
        CentreProfile.objects.filter(agency_id=centre_id, accepts_referrals=True, listed=True,
                                     agency__kind=AgencyKind.PREVENTION)
        .select_related("agency").first()
        if str(centre_id).isdigit() else None
    )
    if profile is None:
        raise ValidationError({"centre": [ValidationError(_("Choose one of the centres listed"), code="invalid")]})
    return profile.agency


def _open_referral_exists(conversation: Conversation) -> bool:
    return CentreReferral.objects.filter(conversation=conversation, state__in=REFERRAL_OPEN).exists()


def _touch(conversation_id: Any, now: datetime) -> None:
    Conversation.objects.filter(pk=conversation_id).update(last_activity_at=now)


@transaction.atomic
def referral_request(*, seeker: HelpSeeker, centre_id: Any, now: datetime) -> CentreReferral:
    """The person asks for an appointment at the centre they chose (one open request at a time)."""
    centre = _referral_centre(centre_id)
    conversation = Conversation.objects.select_for_update().get(pk=seeker.conversation.pk)
    if _open_referral_exists(conversation):
        raise ValidationError({"centre": [ValidationError(
            _("You have already asked for an appointment. A centre can take only one request at a time."),
            code="already_waiting")]})
    referral = CentreReferral.objects.create(
        conversation=conversation, centre=centre, referred_at=now, updated_at=now
    )
    _touch(conversation.pk, now)
    audit(action="prevention.help.referral", object_type="prevention.CentreReferral", object_id=str(referral.pk),
          endpoint=seeker.endpoint)
    return referral


def _step(referral: CentreReferral, step: str) -> str:
    sources, target = REFERRAL_STEPS[step]
    if referral.state not in sources:
        raise ValidationError({"step": [ValidationError(
            _("This is not possible now: the appointment is “%(state)s”") % {"state": referral.get_state_display()},
            code="not_allowed_from_state")]})
    return target


@transaction.atomic
def appointment_answer(*, seeker: HelpSeeker, referral_id: Any, accept: bool, now: datetime) -> CentreReferral:
    referral = (
        CentreReferral.objects.select_for_update().filter(pk=referral_id, conversation=seeker.conversation).first()
    )
    if referral is None:
        raise ValidationError({"step": [ValidationError(_("There is no such appointment"), code="unknown")]})
    referral.state = _step(referral, "accept" if accept else "decline")
    referral.updated_at = now
    referral.save(update_fields=["state", "updated_at"])
    _touch(referral.conversation_id, now)
    audit(action="prevention.help.appointment", object_type="prevention.CentreReferral",
          object_id=str(referral.pk), endpoint=seeker.endpoint, details={"accepted": accept})
    return referral


def _triage_row(conversation: Conversation, result: triage.TriageResult, now: datetime,
                adviser: User | None) -> TriageRecord:
    return TriageRecord.objects.create(
        conversation=conversation, answers=json.dumps(result.answers, sort_keys=True),
        suggested_modules=result.module_slugs, offer_appointment=result.offer_appointment is not None,
        show_urgent=result.show_urgent is not None, with_adviser=adviser, created_at=now,
    )


@transaction.atomic
def triage_share(*, seeker: HelpSeeker, answers: triage.Answers, now: datetime) -> TriageRecord:
    """The person chose to share a self-assessment with their adviser (done alone, nothing is kept)."""
    result = triage.suggest(answers)
    record = _triage_row(seeker.conversation, result, now, adviser=None)
    _touch(seeker.conversation.pk, now)
    audit(action="prevention.help.share_assessment", object_type=CONVERSATION,
          object_id=str(seeker.conversation.pk), endpoint=seeker.endpoint)
    return record


# --- staff ----------------------------------------------------------------------------------


def _require(actor: Actor, action: str, obj: Any = None) -> None:
    if not policy.allows(actor, action, obj):
        raise PermissionDenied


def _locked_conversation(actor: Actor, conversation: Conversation, action: str) -> Conversation:
    _require(actor, action, conversation)
    return Conversation.objects.select_for_update().get(pk=conversation.pk)


@transaction.atomic
def reply_send(*, actor: Actor, conversation: Conversation, body: str, now: datetime) -> Message:
    body = _check_message(body)
    locked = _locked_conversation(actor, conversation, PreventionAction.CONVERSATION_REPLY)
    message = Message.objects.create(
        conversation=locked, author=Author.ADVISER, adviser=actor.user, body=body, created_at=now
    )
    first = locked.first_reply_at is None
    locked.first_reply_at = locked.first_reply_at or now
    locked.waiting_since = None
    locked.last_activity_at = now
    if locked.assigned_to_id is None:
        locked.assigned_to = actor.user
    locked.save(update_fields=["first_reply_at", "waiting_since", "last_activity_at", "assigned_to"])
    audit(action="prevention.conversation.reply", actor=actor, obj=locked, details={"first_reply": first})
    return message


@transaction.atomic
def note_add(*, actor: Actor, conversation: Conversation, body: str, now: datetime) -> InternalNote:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": [ValidationError("Write the note", code="required")]})
    if len(body) > MAX_NOTE:
        raise ValidationError({"body": [ValidationError(f"Keep the note to {MAX_NOTE:,} characters or fewer",
                                                        code="too_long")]})
    locked = _locked_conversation(actor, conversation, PreventionAction.CONVERSATION_REPLY)
    note = InternalNote.objects.create(conversation=locked, author=actor.user, body=body, created_at=now)
    locked.last_activity_at = now
    locked.save(update_fields=["last_activity_at"])
    audit(action="prevention.note.add", actor=actor, obj=locked)
    return note


def assignable_advisers(actor: Actor) -> list[User]:
    """Practitioners and supervisors of the actor's centre: the people who answer its conversations."""
    members = Membership.objects.filter(
        agency=actor.agency, agency__kind=AgencyKind.PREVENTION, role__in=[Role.PRACTITIONER, Role.SUPERVISOR],
        is_active=True, user__is_active=True,
    )
    return list(User.objects.filter(pk__in=members.values("user_id")).order_by("first_name", "username"))


@transaction.atomic
def conversation_assign(*, actor: Actor, conversation: Conversation, assignee_id: int | None,
                        now: datetime) -> Conversation:
    locked = _locked_conversation(actor, conversation, PreventionAction.CONVERSATION_REPLY)
    assignee = None
    if assignee_id is not None:
        assignee = next((u for u in assignable_advisers(actor) if u.pk == assignee_id), None)
        if assignee is None:
            raise ValidationError({"assignee": [ValidationError("Choose an adviser of this centre", code="invalid")]})
    locked.assigned_to = assignee
    locked.save(update_fields=["assigned_to"])
    audit(action="prevention.conversation.assign", actor=actor, obj=locked,
          details={"assignee": assignee.pk if assignee else None})
    return locked


@transaction.atomic
def conversation_close(*, actor: Actor, conversation: Conversation, outcome: str, concern: str,
                       now: datetime) -> Conversation:
    errors = {}
    if outcome not in Outcome.values:
        errors["outcome"] = [ValidationError("Choose the outcome", code="required")]
    if concern not in Concern.values:
        errors["concern"] = [ValidationError("Choose what the person was concerned about", code="required")]
    if errors:
        raise ValidationError(errors)
    locked = _locked_conversation(actor, conversation, PreventionAction.CONVERSATION_REPLY)
    if locked.status == ConversationStatus.CLOSED:
        raise ValidationError({"outcome": [ValidationError("This conversation is already closed", code="closed")]})
    locked.status, locked.outcome, locked.concern = ConversationStatus.CLOSED, outcome, concern
    locked.closed_at, locked.waiting_since, locked.last_activity_at = now, None, now
    locked.save(update_fields=["status", "outcome", "concern", "closed_at", "waiting_since", "last_activity_at"])
    audit(action="prevention.conversation.close", actor=actor, obj=locked,
          details={"outcome": outcome, "concern": concern})
    return locked


@transaction.atomic
def triage_record(*, actor: Actor, conversation: Conversation, answers: triage.Answers,
                  now: datetime) -> TriageRecord:
    """A self-assessment completed with the person (e.g. in a chat), kept on the conversation."""
    result = triage.suggest(answers)
    locked = _locked_conversation(actor, conversation, PreventionAction.CONVERSATION_REPLY)
    record = _triage_row(locked, result, now, adviser=actor.user)
    _touch(locked.pk, now)
    audit(action="prevention.triage.record", actor=actor, obj=locked)
    return record


@transaction.atomic
def referral_create(*, actor: Actor, conversation: Conversation, centre_id: Any, now: datetime) -> CentreReferral:
    """An adviser asks a centre for an appointment on the person's behalf (they chose it)."""
    centre = _referral_centre(centre_id)
    locked = _locked_conversation(actor, conversation, PreventionAction.CONVERSATION_REPLY)
    if _open_referral_exists(locked):
        raise ValidationError({"centre": [ValidationError(
            "This person is already waiting for an appointment", code="already_waiting")]})
    referral = CentreReferral.objects.create(conversation=locked, centre=centre, referred_at=now, updated_at=now)
    _touch(locked.pk, now)
    audit(action="prevention.referral.create", actor=actor, obj=referral)
    return referral


def _moment_words(moment: datetime) -> str:
    """"3 June 2026 at 14:30", in the service's time zone."""
    local = timezone.localtime(moment)
    return f"{date_words(local.date())} at {local:%H:%M}"


@transaction.atomic
def referral_step(*, actor: Actor, referral: CentreReferral, step: str, now: datetime,
                  appointment_at: datetime | None = None, mode: str = "") -> CentreReferral:
    """The centre's steps: offer an appointment, record attendance, withdraw from the waiting list."""
    if step not in ("offer", "attended", "missed", "withdraw"):
        raise ValidationError({"step": [ValidationError("Choose a step", code="invalid")]})
    _require(actor, PreventionAction.REFERRAL_MANAGE, referral)
    locked = CentreReferral.objects.select_for_update().get(pk=referral.pk)
    target = _step(locked, step)
    if step in ("attended", "missed") and locked.appointment_at is not None and locked.appointment_at > now:
        raise ValidationError({"step": [ValidationError(
            "Attendance can be recorded once the appointment has taken place, on or after %(when)s",
            code="not_yet", params={"when": _moment_words(locked.appointment_at)})]})
    if step == "offer":
        errors = {}
        if appointment_at is None:
            errors["appointment_at"] = [ValidationError("Enter the date and time of the appointment",
                                                        code="required")]
        elif appointment_at <= now:
            errors["appointment_at"] = [ValidationError("The appointment must be in the future", code="past")]
        if mode not in AppointmentMode.values:
            errors["mode"] = [ValidationError("Choose how the appointment takes place", code="required")]
        if errors:
            raise ValidationError(errors)
        locked.offered_at, locked.appointment_at, locked.appointment_mode = now, appointment_at, mode
        Message.objects.create(
            conversation_id=locked.conversation_id, author=Author.SERVICE, created_at=now,
            body="appointment-offered",  # shown to the person in their language (selectors)
        )
    locked.state, locked.updated_at = target, now
    locked.save(update_fields=["state", "updated_at", "offered_at", "appointment_at", "appointment_mode"])
    _touch(locked.conversation_id, now)
    audit(action="prevention.referral.update", actor=actor, obj=locked, details={"step": step, "to": target})
    return locked


@transaction.atomic
def course_enrol(*, actor: Actor, referral: CentreReferral, today: date, group_id: int | None = None) -> CentreReferral:
    """Enrol the person of an attended appointment on the prevention course of the centre, under a new
    random pseudonym (unrelated to the reference code). The programmes app is told the pseudonym only,
    through `programmes.ports.enrol_pseudonym`; it refuses a full or closed course (field `group`)."""
    _require(actor, PreventionAction.REFERRAL_MANAGE, referral)
    locked = CentreReferral.objects.select_for_update().get(pk=referral.pk)
    if locked.state != ReferralState.ATTENDED:
        raise ValidationError({"step": [ValidationError(
            _("Only a person who attended their appointment can be enrolled on the prevention course"),
            code="not_attended")]})
    if locked.course_pseudonym:
        raise ValidationError({"step": [ValidationError(
            _("This person is already enrolled on the prevention course"), code="already_enrolled")]})
    pseudonym = codes.new_course_pseudonym()
    course = programme_ports.enrol_pseudonym(actor=actor, pseudonym=pseudonym, today=today, group_id=group_id)
    locked.course_pseudonym, locked.course_enrolment = pseudonym, course.code
    locked.save(update_fields=["course_pseudonym", "course_enrolment"])
    audit(action="prevention.course.enrol", actor=actor, obj=locked, details={"course": course.code})
    return locked


@transaction.atomic
def contact_record(*, actor: Actor, data: dict[str, Any], now: datetime) -> ContactRecord:
    """A contact handled outside the platform. The form has checked the values."""
    _require(actor, PreventionAction.CONTACT_RECORD)
    record = ContactRecord(
        centre=actor.agency, channel=data["channel"], started_at=data["started_at"],
        duration_minutes=data["duration_minutes"], contact_by=data["contact_by"], concern=data["concern"],
        outcome=data["outcome"], interpreter=bool(data.get("interpreter")), recorded_by=actor.user,
        recorded_at=now,
    )
    record.full_clean()
    if record.started_at > now:
        raise ValidationError({"started_at": [ValidationError("The contact cannot be in the future",
                                                              code="future")]})
    record.save()
    audit(action="prevention.contact.create", actor=actor, obj=record)
    return record


@transaction.atomic
def template_create(*, actor: Actor, title: str, language: str, body: str, now: datetime) -> ReplyTemplate:
    _require(actor, PreventionAction.TEMPLATE_MANAGE)
    template = ReplyTemplate(centre=actor.agency, title=title.strip(), language=language, body=body.strip(),
                             created_by=actor.user, created_at=now)
    template.full_clean()
    template.save()
    audit(action="prevention.template.create", actor=actor, obj=template)
    return template


@transaction.atomic
def template_retire(*, actor: Actor, template: ReplyTemplate) -> None:
    _require(actor, PreventionAction.TEMPLATE_MANAGE, template)
    ReplyTemplate.objects.filter(pk=template.pk).update(is_active=False)
    audit(action="prevention.template.retire", actor=actor, obj=template)


@transaction.atomic
def centre_profile_update(*, actor: Actor, data: dict[str, Any]) -> CentreProfile:
    _require(actor, PreventionAction.CENTRE_MANAGE)
    profile, _created = CentreProfile.objects.get_or_create(
        agency=actor.agency, defaults={"public_name": actor.agency.name, "region": ""}
    )
    for name in ("public_name", "region", "contact_hours", "languages", "answers_messages", "accepts_referrals"):
        setattr(profile, name, data[name])
    profile.full_clean()
    profile.save()
    audit(action="prevention.centre.update", actor=actor, obj=profile)
    return profile


# --- the disclosure --------------------------------------------------------------------------


@transaction.atomic
def disclosure_request(*, actor: Actor, conversation: Conversation, excerpt: str, receiving_agency: str,
                       reason: str, now: datetime) -> Disclosure:
    """A supervisor asks for a disclosure: the excerpt to release, to whom, and why (in words)."""
    _require(actor, PreventionAction.DISCLOSURE_REQUEST, conversation)
    errors = {}
    excerpt, receiving_agency, reason = excerpt.strip(), receiving_agency.strip(), reason.strip()
    if not excerpt:
        errors["excerpt"] = [ValidationError("Write the excerpt to be released", code="required")]
    elif len(excerpt) > MAX_EXCERPT:
        errors["excerpt"] = [ValidationError(f"Keep the excerpt to {MAX_EXCERPT:,} characters or fewer",
                                             code="too_long")]
    if not receiving_agency:
        errors["receiving_agency"] = [ValidationError("Name the receiving agency", code="required")]
    elif len(receiving_agency) > 200:
        errors["receiving_agency"] = [ValidationError("Keep the agency's name to 200 characters or fewer",
                                                      code="too_long")]
    if not reason:
        errors["reason"] = [ValidationError("Explain the imminent risk to an identified child", code="required")]
    if errors:
        raise ValidationError(errors)
    disclosure = Disclosure.objects.create(
        centre=actor.agency, conversation=conversation, conversation_reference=conversation.reference,
        receiving_agency=receiving_agency, excerpt=excerpt, requested_by=actor.user, requested_at=now,
    )
    apply_transition(actor=actor, workflow=DISCLOSURE, obj=disclosure, transition="request", now=now,
                     reason_text=reason, expected_state=DISCLOSURE.initial)
    _touch(conversation.pk, now)
    audit(action="prevention.disclosure.create", actor=actor, obj=disclosure)
    disclosure.refresh_from_db()
    return disclosure


def disclosure_step(*, actor: Actor, disclosure: Disclosure, transition: str, reason_text: str,
                    expected_state: str, now: datetime) -> TransitionRecord:
    """Approve, refuse, withdraw or record the release (the workflow checks the two-person rule)."""

    def effects(locked: Any, record: TransitionRecord) -> None:
        if transition in ("approve", "refuse"):
            locked.decided_by, locked.decided_at = actor.user, now
            locked.save(update_fields=["decided_by", "decided_at"])
        elif transition == "release":
            locked.released_by, locked.released_at = actor.user, now
            locked.save(update_fields=["released_by", "released_at"])

    return apply_transition(actor=actor, workflow=DISCLOSURE, obj=disclosure, transition=transition, now=now,
                            reason_text=reason_text, expected_state=expected_state, effects=effects)


# --- retention -------------------------------------------------------------------------------


def retention_cutoff(now: datetime) -> datetime:
    return now - timedelta(days=limit("RETENTION_DAYS"))


@transaction.atomic
def retention_purge(*, now: datetime) -> dict[str, int]:
    """Delete (not hide) conversations inactive since the cutoff, with their messages, notes,
    sessions, self-assessments and referrals, and contact-log rows from before it; expired
    sessions and spent counters too. Records how many, never what."""
    cutoff = retention_cutoff(now)
    old = Conversation.objects.filter(last_activity_at__lt=cutoff)
    counts = {
        "conversations": old.count(),
        "messages": Message.objects.filter(conversation__in=old.values("pk")).count(),
        "contacts": ContactRecord.objects.filter(started_at__lt=cutoff).count(),
    }
    # The disclosure register keeps its rows (the excerpt that was released, who decided): the
    # link to the deleted conversation becomes empty (SET_NULL).
    old.delete()
    ContactRecord.objects.filter(started_at__lt=cutoff).delete()
    idle = now - max(timedelta(hours=ratelimit.setting("SESSION_ABSOLUTE_HOURS")), timedelta(hours=1))
    HelpSeekerSession.objects.filter(Q(last_seen_at__lt=idle) | Q(created_at__lt=idle)).delete()
    ratelimit.purge(now)
    audit(action="prevention.retention", object_type=CONVERSATION,
          details={**counts, "retention_days": limit("RETENTION_DAYS")})
    return counts

