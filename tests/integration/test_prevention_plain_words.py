"""Every prevention page, staff and public (in both languages), speaks in words: no snake_case code,
ISO date or null/true/false on screen (the sweep of tests/integration/test_plain_words.py)."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safeguard.prevention import services
from tests import prevention_fixtures as fx
from tests.conftest import ROLES, sign_in
from tests.integration.test_plain_words import developer_words, visible_text
from tests.security.matrix_prevention import ROWS, kwargs_for


def test_no_prevention_page_shows_codes_iso_dates_or_literals(world):
    conversation, token, _code = fx.start(world)
    services.reply_send(actor=world.actor("prev_prac"), conversation=conversation, body="Reply.", now=timezone.now())
    services.triage_record(actor=world.actor("prev_prac"), conversation=conversation, now=timezone.now(), answers={
        "reasons": ["images"], "danger_now": ["no"], "images_now": ["often"], "time_with_children": ["never"],
        "coping": ["struggling"], "self_harm": ["no"], "talk": ["yes"]})
    referral = fx.referral(world, conversation, centre="other_prevention")
    services.referral_step(actor=world.actor("prev_other"), referral=referral, step="offer", now=timezone.now(),
                           appointment_at=timezone.now() + timedelta(days=3), mode="phone")
    services.conversation_close(actor=world.actor("prev_prac"), conversation=conversation, outcome="self_help",
                                concern="abuse_images", now=timezone.now())
    shown: dict[str, str] = {}
    names = frozenset(ROLES)
    for who in ("prev_sup", "prev_other", "auditor"):
        client = Client()
        sign_in(client, world.users[who])
        for name, methods in ROWS.items():
            if not name.startswith("prevention:") or methods.get("GET", {}).get(who) != 200:
                continue
            response = client.get(reverse(name, kwargs=kwargs_for(name, world)))
            shown[f"{name} as {who}"] = visible_text(response.content.decode())
        shown[f"dashboard as {who}"] = visible_text(client.get(reverse("core:dashboard")).content.decode())
    person = Client()
    fx.help_cookie(person, token)
    for language in ("en", "de"):
        for name in ROWS:
            if name.startswith("help:") and "GET" in ROWS[name] and ROWS[name]["GET"]["anonymous"] == 200:
                shown[f"{name} in {language}"] = visible_text(
                    person.get(reverse(name, kwargs={**kwargs_for(name, world), "language": language})).content.decode())
    problems = {label: words for label, text in shown.items() if (words := developer_words(text, names))}
    assert len(shown) > 40
    assert problems == {}, problems
