"""Records for the prevention tests: the test world's two centres made public, conversations started
the way the public pages start them, and a referral, a reply template and a disclosure."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

PASSPHRASE = "violin harbour toast orbit"
# A phrase no other app could ever show by accident: the firewall tests plant it and look for it.
PLANTED = "zqx-planted-prevention-phrase-7731"


def make_centres(world) -> None:
    from safeguard.prevention.models import CentreProfile

    CentreProfile.objects.get_or_create(agency=world.agencies["prevention"], defaults={
        "public_name": "Testcentre North (test)", "region": "Testshire", "languages": ["en", "de"],
        "contact_hours": [[0, "09:00", "17:00"], [1, "09:00", "17:00"]], "answers_messages": True,
    })
    CentreProfile.objects.get_or_create(agency=world.agencies["other_prevention"], defaults={
        "public_name": "Testcentre South (test)", "region": "Samplevale", "languages": ["en", "tr"],
        "contact_hours": [[2, "10:00", "16:00"]], "answers_messages": True,
    })


def start(world, *, message: str = "A synthetic test message.", passphrase: str = PASSPHRASE, now=None,
          centre: str = "prevention"):
    """A conversation as the public start page makes it: (conversation, session token, code)."""
    from safeguard.prevention import services

    make_centres(world)
    started = services.conversation_start(
        passphrase=passphrase, confirm=passphrase, centre=world.agencies[centre], language="en",
        first_message=message, now=now or timezone.now(),
    )
    return started.conversation, started.token, started.code


def referral(world, conversation, *, centre: str = "prevention", days_ago: int = 3):
    from safeguard.prevention.models import CentreReferral

    when = timezone.now() - timedelta(days=days_ago)
    return CentreReferral.objects.create(conversation=conversation, centre=world.agencies[centre],
                                         referred_at=when, updated_at=when)


def template(world, *, title: str = "Thanks for writing", body: str = "Thank you for writing to us."):
    from safeguard.prevention.models import ReplyTemplate

    return ReplyTemplate.objects.create(centre=world.agencies["prevention"], title=title, language="en", body=body,
                                        created_at=timezone.now())


def disclosure(world, conversation, *, by: str = "prev_sup", excerpt: str = "The synthetic excerpt."):
    from safeguard.prevention import services

    return services.disclosure_request(
        actor=world.actor(by), conversation=conversation, excerpt=excerpt,
        receiving_agency="Testshire Police (test)", reason="A synthetic imminent risk, for the test.",
        now=timezone.now(),
    )


def help_cookie(client, token: str) -> None:
    """Give a test client the help-seeker's signed session cookie, as the start page sets it."""
    from django.http import HttpResponse

    from safeguard.prevention import help_seekers

    response = HttpResponse()
    help_seekers.set_cookie(response, token)
    client.cookies[help_seekers.COOKIE] = response.cookies[help_seekers.COOKIE].value
    client.cookies[help_seekers.COOKIE]["path"] = help_seekers.COOKIE_PATH
