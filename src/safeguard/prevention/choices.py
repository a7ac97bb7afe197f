"""The prevention service's categories: channels, who makes contact, concerns, outcomes, states.

Labels a help-seeker reads on the public pages are marked for translation (German catalogue);
the others are staff words (staff pages stay in English, docs/decisions/0009).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    PHONE = "phone", "Phone"
    LIVE_CHAT = "live_chat", "Live chat"
    EMAIL = "email", "Email"
    VIDEO = "video", "Video call"
    IN_PERSON = "in_person", "In person"
    # Conversations on this platform's own secure messaging (never typed into the contact log).
    SECURE_MESSAGING = "secure_messaging", "Secure messaging"


# What the contact log offers: every channel except this platform's own messaging.
CONTACT_LOG_CHANNELS = [(value, label) for value, label in Channel.choices if value != Channel.SECURE_MESSAGING]


class ContactBy(models.TextChoices):
    SELF = "self", "The person themself"
    FAMILY_OR_FRIEND = "family_or_friend", "A family member or friend"
    PROFESSIONAL = "professional", "A professional"


class Concern(models.TextChoices):
    OWN_THOUGHTS = "own_thoughts", "Own sexual thoughts about children"
    ABUSE_IMAGES = "abuse_images", "Viewing child sexual abuse images"
    OWN_BEHAVIOUR = "own_behaviour", "Worried about own behaviour towards a child"
    SOMEONE_ELSE = "someone_else", "Worried about someone else"
    OTHER = "other", "Something else"


class Outcome(models.TextChoices):
    INFORMATION = "information", "Information given"
    SELF_HELP = "self_help", "Self-help suggested"
    CENTRE_REFERRAL = "centre_referral", "Referred to a centre"
    SAFEGUARDING_ADVICE = "safeguarding_advice", "Safeguarding advice given"
    NO_RESPONSE = "no_response", "The person did not write again"


class ConversationStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class Author(models.TextChoices):
    HELP_SEEKER = "help_seeker", _("You")
    ADVISER = "adviser", _("Adviser")
    SERVICE = "service", _("Service")


class ReferralState(models.TextChoices):
    WAITING = "waiting", _("Waiting for an appointment")
    OFFERED = "offered", _("Appointment offered")
    ACCEPTED = "accepted", _("Appointment accepted")
    DECLINED = "declined", _("Appointment declined")
    ATTENDED = "attended", _("Attended")
    MISSED = "missed", _("Did not attend")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# The referral's steps: from which states each is possible (the waiting list is `WAITING`).
REFERRAL_STEPS: dict[str, tuple[tuple[str, ...], str]] = {
    "offer": ((ReferralState.WAITING, ReferralState.DECLINED, ReferralState.MISSED), ReferralState.OFFERED),
    "accept": ((ReferralState.OFFERED,), ReferralState.ACCEPTED),
    "decline": ((ReferralState.OFFERED,), ReferralState.DECLINED),
    "attended": ((ReferralState.ACCEPTED, ReferralState.OFFERED), ReferralState.ATTENDED),
    "missed": ((ReferralState.ACCEPTED, ReferralState.OFFERED), ReferralState.MISSED),
    "withdraw": (
        (ReferralState.WAITING, ReferralState.OFFERED, ReferralState.ACCEPTED, ReferralState.DECLINED,
         ReferralState.MISSED),
        ReferralState.WITHDRAWN,
    ),
}
# Still on the centre's waiting list or in the middle of being offered an appointment.
REFERRAL_OPEN = (ReferralState.WAITING, ReferralState.OFFERED, ReferralState.ACCEPTED)


class AppointmentMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person at the centre")
    VIDEO = "video", _("Video call")
    PHONE = "phone", _("Phone call")


# Languages a centre may offer (ISO 639-1); names come from Django's language list, translated.
CENTRE_LANGUAGES = ("en", "de", "pl", "tr", "ar", "ru", "uk", "ro", "it", "fr", "es", "fa")
