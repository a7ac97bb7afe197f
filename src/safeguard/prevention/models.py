"""The prevention service's records: centres' public details, anonymous conversations, the contact
log, self-assessments shared with an adviser, centre referrals, and safeguarding disclosures.

Nothing here names or identifies a help-seeker: no name, e-mail, phone number, IP address or user
agent is ever stored. A conversation is found again only through the keyed hash of its reference
code and a slow hash of the passphrase the person chose. Free text is encrypted at rest.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from safeguard.core.fields import EncryptedTextField
from safeguard.prevention.choices import (
    AppointmentMode,
    Author,
    Channel,
    Concern,
    ContactBy,
    ConversationStatus,
    Outcome,
    ReferralState,
)
from safeguard.prevention.disclosure_workflow import DISCLOSURE


def short_reference(pk: uuid.UUID) -> str:
    """The staff's reference for a record: the first eight characters of its id (never the
    help-seeker's reference code, which is half of what opens the conversation)."""
    return str(pk).split("-", 1)[0].upper()


class CentreProfile(models.Model):
    """What the public pages say about a centre of the network ("find a centre")."""

    agency = models.OneToOneField("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    public_name = models.CharField(max_length=200)
    region = models.CharField(max_length=100)
    # [[weekday 0-6 (Monday 0), "09:00", "17:00"], ...]
    contact_hours = models.JSONField(default=list, blank=True)
    # ISO 639-1 codes of the languages the centre's staff speak (choices.CENTRE_LANGUAGES).
    languages = models.JSONField(default=list, blank=True)
    answers_messages = models.BooleanField(default=False, help_text="Answers secure messages from the public pages.")
    accepts_referrals = models.BooleanField(default=True)
    listed = models.BooleanField(default=True)

    class Meta:
        ordering: ClassVar = ["public_name"]

    def __str__(self) -> str:
        return self.public_name


class Conversation(models.Model):
    """An anonymous help-seeker's secure conversation with the advisers of one centre."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    centre = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    # HMAC-SHA256 of the normalised reference code under a PREVENTION_KEYS key: how a returning
    # person's conversation is found. The code itself is kept only encrypted, for the centre's staff.
    code_digest = models.CharField(max_length=64, unique=True)
    reference_code = EncryptedTextField()
    passphrase_hash = models.CharField(max_length=200)
    language = models.CharField(max_length=5)
    status = models.CharField(max_length=10, choices=ConversationStatus.choices, default=ConversationStatus.OPEN)
    concern = models.CharField(max_length=20, choices=Concern.choices, blank=True)
    outcome = models.CharField(max_length=25, choices=Outcome.choices, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    last_activity_at = models.DateTimeField(db_index=True)
    # Since when the person's latest message has been waiting for a reply (None: nothing waits).
    waiting_since = models.DateTimeField(null=True, blank=True)
    first_reply_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["centre", "status", "waiting_since", "id"], name="prev_conv_inbox"),
            models.Index(fields=["centre", "created_at"], name="prev_conv_created"),
        ]

    def __str__(self) -> str:
        return f"Conversation {self.reference}"

    @property
    def reference(self) -> str:
        return short_reference(self.id)

    @property
    def is_open(self) -> bool:
        return self.status == ConversationStatus.OPEN


class Message(models.Model):
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    author = models.CharField(max_length=15, choices=Author.choices)
    adviser = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = EncryptedTextField()
    created_at = models.DateTimeField()

    class Meta:
        indexes: ClassVar = [models.Index(fields=["conversation", "created_at", "id"], name="prev_msg_conv")]

    def __str__(self) -> str:
        return f"Message {self.pk} ({self.author})"


class InternalNote(models.Model):
    """An adviser's note on a conversation: never shown to the help-seeker."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    body = EncryptedTextField()
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Note {self.pk}"


class ReplyTemplate(models.Model):
    """A reply an adviser starts from (service information, not about anyone)."""

    centre = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=100)
    language = models.CharField(max_length=5, choices=settings.LANGUAGES)
    body = models.TextField(max_length=4000)
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering: ClassVar = ["language", "title"]

    def __str__(self) -> str:
        return self.title


class HelpSeekerSession(models.Model):
    """The one session a help-seeker has while a conversation is open: the browser holds a random
    token in a signed cookie; only the token's SHA-256 is kept here (ADR 0020)."""

    token_digest = models.CharField(max_length=64, unique=True)
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()
    last_seen_at = models.DateTimeField(db_index=True)
    code_shown = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"Session {self.pk}"


class AttemptCounter(models.Model):
    """A fixed-window counter: failed returns per reference code (keyed on the HMAC of the code as
    typed, whether or not such a conversation exists), and the service-wide budgets."""

    key_digest = models.CharField(max_length=64, unique=True)
    window_started_at = models.DateTimeField(db_index=True)
    count = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Counter {self.pk}: {self.count}"


class ContactRecord(models.Model):
    """A call, chat or other contact handled outside the platform. No identity fields, no free text."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    centre = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=20, choices=Channel.choices)
    started_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField()
    contact_by = models.CharField(max_length=20, choices=ContactBy.choices)
    concern = models.CharField(max_length=20, choices=Concern.choices)
    outcome = models.CharField(max_length=25, choices=Outcome.choices)
    interpreter = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["centre", "-started_at", "-id"], name="prev_contact_list"),
            models.Index(fields=["started_at"], name="prev_contact_started"),
        ]
        constraints: ClassVar = [
            models.CheckConstraint(condition=Q(duration_minutes__lte=600), name="prev_contact_duration"),
        ]

    def __str__(self) -> str:
        return f"Contact {short_reference(self.id)}"


class TriageRecord(models.Model):
    """A self-assessment shared with the adviser (or completed together): the answers (codes, in
    encrypted JSON) and what the questionnaire suggested. Done alone, nothing is stored."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="triage")
    answers = EncryptedTextField()
    suggested_modules = models.JSONField(default=list)
    offer_appointment = models.BooleanField(default=False)
    show_urgent = models.BooleanField(default=False)
    with_adviser = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Self-assessment {self.pk}"


class CentreReferral(models.Model):
    """A person's request for an appointment at a centre. The centre sees the reference code only."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="referrals")
    centre = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=10, choices=ReferralState.choices, default=ReferralState.WAITING)
    referred_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    offered_at = models.DateTimeField(null=True, blank=True)
    appointment_at = models.DateTimeField(null=True, blank=True)
    appointment_mode = models.CharField(max_length=10, choices=AppointmentMode.choices, blank=True)
    # The only thing the programmes app is ever told: a pseudonym made for the course.
    course_pseudonym = models.CharField(max_length=20, blank=True)
    course_enrolment = models.CharField(max_length=64, blank=True)

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["centre", "state", "referred_at", "id"], name="prev_ref_waiting"),
            models.Index(fields=["centre", "offered_at"], name="prev_ref_offered"),
        ]

    def __str__(self) -> str:
        return f"Referral {self.reference}"

    @property
    def reference(self) -> str:
        return short_reference(self.id)


class Disclosure(models.Model):
    """The one exception to confidentiality: an excerpt released to a named receiving agency for an
    imminent risk to an identified child, requested by one prevention supervisor and approved by
    another (DISCLOSURE workflow). The record outlives the conversation: it is the register."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    centre = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    conversation = models.ForeignKey(
        Conversation, null=True, blank=True, on_delete=models.SET_NULL, related_name="disclosures"
    )
    conversation_reference = models.CharField(max_length=8)
    state = models.CharField(max_length=40, choices=DISCLOSURE.choices(), default=DISCLOSURE.initial)
    receiving_agency = models.CharField(max_length=200)
    excerpt = EncryptedTextField()
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-requested_at", "-id"]
        indexes: ClassVar = [models.Index(fields=["centre", "-requested_at"], name="prev_disclosure_centre")]
        constraints: ClassVar = [
            # The database itself refuses a disclosure decided by the supervisor who asked for it.
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("requested_by")),
                name="prev_disclosure_two_people",
            ),
        ]

    def __str__(self) -> str:
        return f"Disclosure {self.reference}"

    @property
    def reference(self) -> str:
        return short_reference(self.id)
