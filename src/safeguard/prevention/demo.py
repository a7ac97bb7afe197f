"""Synthetic demo data for the prevention service: the centres' public details, reply templates, a
few conversations whose every word is obviously made up, contact-log rows and a waiting list.

One demo conversation can be opened from the public pages: reference code DEMO_CODE with the
passphrase DEMO_PASSPHRASE (README). Safe to run again: nothing is added once the demo centre has
conversations.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.utils import timezone

from safeguard.core.plugins import DemoLoader
from safeguard.prevention import codes
from safeguard.prevention.choices import (
    CONTACT_LOG_CHANNELS,
    AppointmentMode,
    Author,
    Concern,
    ContactBy,
    Outcome,
    ReferralState,
)
from safeguard.prevention.models import (
    CentreProfile,
    CentreReferral,
    ContactRecord,
    Conversation,
    InternalNote,
    Message,
    ReplyTemplate,
)

DEMO_CODE = "TEST-CASE-2345"
DEMO_PASSPHRASE = "synthetic demo passphrase"  # noqa: S105 - published demo value, demo data only

CENTRES = {
    "Demo Prevention Centre North": ("Centre North (demo)", "Northshire (demo region)", ["en", "de", "pl"], True),
    "Demo Prevention Centre South": ("Centre South (demo)", "Southvale (demo region)", ["en", "tr"], False),
    "Demo Prevention Centre West": ("Centre West (demo)", "Westmarch (demo region)", ["en", "de", "ar"], False),
}
WEEKDAY_HOURS = [[day, "09:00", "17:00"] for day in range(5)]

TEMPLATES = [
    ("en", "Thank you for writing", "Thank you for writing to us. Writing was a good step. [Demo template]\n\n"
     "Everything you write here stays with the advisers of this centre. We do not know who you are and we "
     "do not pass anything on, except in the one case our confidentiality page describes."),
    ("en", "Offer of a centre appointment", "If you would like to talk to a therapist, you can ask for an "
     "appointment at a centre from your conversation page (\"Ask for an appointment\"). [Demo template]"),
    ("de", "Danke für Ihre Nachricht", "Danke, dass Sie uns geschrieben haben. Das war ein wichtiger Schritt. "
     "[Demo-Vorlage]\n\nAlles, was Sie hier schreiben, bleibt bei den Beraterinnen und Beratern dieses Zentrums."),
]

# Every message says it is synthetic: nothing here describes a real person or event.
CONVERSATIONS: list[tuple[str, list[tuple[str, str]], str]] = [
    ("en", [("help_seeker", "[Synthetic demo message] I have been having thoughts that worry me and I do not "
             "know who to talk to. I have never told anyone."),
            ("adviser", "[Synthetic demo reply] Thank you for writing. You have taken a good first step. "
             "Can you tell us a little about when these thoughts come?")], "answered"),
    ("en", [("help_seeker", "[Synthetic demo message] I want to stop looking at things online that I know are "
             "wrong. I have tried before and could not.")], "waiting"),
    ("de", [("help_seeker", "[Synthetische Demo-Nachricht] Ich mache mir Sorgen über meine Gedanken und möchte "
             "mit jemandem sprechen.")], "waiting"),
]


def _conversation(centre: Any, language: str, now: Any, code: str | None = None,
                  passphrase: str = "") -> Conversation:
    code = code or codes.new_reference_code()
    return Conversation.objects.create(
        centre=centre, code_digest=codes.code_digest(code), reference_code=code,
        passphrase_hash=codes.hash_passphrase(passphrase or codes.new_session_token()), language=language,
        created_at=now, last_activity_at=now,
    )


def load(agencies: Mapping[str, Any]) -> dict[str, int]:
    if not all(name in agencies for name in CENTRES):
        return {}
    for name, (public_name, region, languages, answers) in CENTRES.items():
        CentreProfile.objects.get_or_create(agency=agencies[name], defaults={
            "public_name": public_name, "region": region, "languages": languages,
            "contact_hours": WEEKDAY_HOURS if name.endswith("North") else WEEKDAY_HOURS[:3],
            "answers_messages": answers, "accepts_referrals": True,
        })
    north, south = agencies["Demo Prevention Centre North"], agencies["Demo Prevention Centre South"]
    for language, title, body in TEMPLATES:
        ReplyTemplate.objects.get_or_create(centre=north, title=title, defaults={
            "language": language, "body": body, "created_at": timezone.now()})
    if Conversation.objects.filter(centre=north).exists():
        return {"prevention conversations": Conversation.objects.filter(centre=north).count()}
    from safeguard.accounts.models import User

    adviser = User.objects.filter(username="helpline.adviser").first()
    now = timezone.now()
    rng = random.Random(11)  # noqa: S311 - synthetic demo data, not security
    made = []
    for index, (language, messages, state) in enumerate(CONVERSATIONS):
        started = now - timedelta(days=3 - index, hours=rng.randint(1, 6))
        conversation = _conversation(north, language, started, DEMO_CODE if index == 0 else None,
                                     DEMO_PASSPHRASE if index == 0 else "")
        moment = started
        for author, body in messages:
            Message.objects.create(conversation=conversation, author=author, body=body, created_at=moment,
                                   adviser=adviser if author == Author.ADVISER else None)
            moment += timedelta(hours=5)
        conversation.last_activity_at = moment
        if state == "waiting":
            conversation.waiting_since = started
        else:
            conversation.first_reply_at = started + timedelta(hours=5)
            conversation.assigned_to = adviser
        conversation.save()
        made.append(conversation)
    InternalNote.objects.create(conversation=made[0], author=adviser, created_at=now,
                                body="[Synthetic demo note] Suggested the self-help module on thoughts.")
    CentreReferral.objects.create(conversation=made[0], centre=south, state=ReferralState.OFFERED,
                                  referred_at=now - timedelta(days=2), updated_at=now, offered_at=now,
                                  appointment_at=now + timedelta(days=9), appointment_mode=AppointmentMode.VIDEO)
    for index in range(6):  # a waiting list at Centre South: older conversations, each waiting
        waiting = _conversation(south, "en", now - timedelta(days=20 + 4 * index))
        CentreReferral.objects.create(conversation=waiting, centre=south, state=ReferralState.WAITING,
                                      referred_at=now - timedelta(days=18 + 4 * index), updated_at=now)
    channels = [value for value, _label in CONTACT_LOG_CHANNELS]
    for _ in range(48):
        ContactRecord.objects.create(
            centre=north, channel=rng.choice(channels), started_at=now - timedelta(hours=rng.randint(2, 24 * 56)),
            duration_minutes=rng.randint(5, 55), contact_by=rng.choice(ContactBy.values),
            concern=rng.choice(Concern.values), outcome=rng.choice(Outcome.values),
            interpreter=rng.random() < 0.1, recorded_by=adviser, recorded_at=now,
        )
    return {"prevention conversations": len(made)}


LOADER = DemoLoader(name="prevention", load=load, order=50)
