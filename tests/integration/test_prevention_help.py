"""The prevention service's public side: no cookie before a conversation, one strict cookie during
it, returning with code and passphrase, identical answers for unknown codes and wrong passphrases,
limits on guessing and writing without any identity, and text shown as text."""

from __future__ import annotations

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safeguard.accounts.models import Agency
from safeguard.prevention import codes, services
from safeguard.prevention.help_seekers import COOKIE, find
from safeguard.prevention.models import AttemptCounter, Conversation, HelpSeekerSession, Message, TriageRecord
from tests import prevention_fixtures as fx
from tests.security.matrix_prevention import ROWS

PUBLIC_GET = sorted(name for name, methods in ROWS.items() if name.startswith("help:") and methods.get("GET", {}).get(
    "anonymous") == 200)


def url(name: str, language: str = "en", **kwargs) -> str:
    return reverse(f"help:{name}", kwargs={"language": language, **kwargs})


def page_url(name: str, language: str) -> str:
    return url(name.removeprefix("help:"), language, **({"slug": "stopping-images"} if name == "help:module" else {}))


def start_in_browser(client: Client, *, passphrase: str = fx.PASSPHRASE, message: str = "First synthetic words.",
                     language: str = "en"):
    return client.post(url("start", language), {
        "passphrase": passphrase, "confirm": passphrase, "first_message": message,
        "centre": str(Agency.objects.get(name="Test prevention agency").pk),
    })


def code_on_page(client: Client, language: str = "en") -> str:
    page = client.get(url("conversation", language)).content.decode()
    return re.search(r'data-testid="reference-code">([A-Z0-9-]+)<', page).group(1)


@pytest.mark.parametrize("language", ["en", "de"])
def test_no_public_page_sets_a_cookie_before_a_conversation_starts(world, language):
    fx.make_centres(world)
    client = Client()
    for name in PUBLIC_GET:
        response = client.get(page_url(name, language))
        assert response.status_code == 200, name
        assert not response.cookies, f"{name} set {list(response.cookies)}"
        page = response.content.decode()
        assert f'<html lang="{language}"' in page
        addresses = re.findall(r'(?:src|href|action)="([^"]*)"', page)
        assert addresses and all(a.startswith(("/", "#")) and not a.startswith("//") for a in addresses), name
        assert "csrfmiddlewaretoken" not in page  # a CSRF token would set Django's CSRF cookie
        policy = response["Content-Security-Policy"]
        assert "script-src 'none'" in policy and "default-src 'none'" in policy and "http" not in policy
    # Forms that fail, a self-assessment done alone and a refused return set nothing either.
    assert not client.post(url("start", language), {"passphrase": "short"}).cookies
    answers = {"reasons": "thoughts", "danger_now": "no", "images_now": "never", "time_with_children": "never",
               "coping": "well", "self_harm": "no", "talk": "maybe"}
    assessment = client.post(url("self-assessment", language), answers)
    assert assessment.status_code == 200 and not assessment.cookies
    assert not client.post(url("return", language), {"code": "ABCD-EFGH-JKMN", "passphrase": "x" * 12}).cookies
    assert not client.cookies
    assert TriageRecord.objects.count() == 0  # done alone: nothing kept


def test_starting_sets_one_strict_session_cookie_holding_only_a_signed_random_token(world):
    fx.make_centres(world)
    client = Client()
    response = start_in_browser(client)
    assert response.status_code == 303 and response["Location"] == url("conversation")
    assert list(response.cookies) == [COOKIE]
    cookie = response.cookies[COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Strict" and cookie["path"] == "/help/"
    assert not cookie["max-age"] and not cookie["expires"]  # ends with the browser
    token = cookie.value.split(":", 1)[0]
    assert len(token) >= 40 and ":" in cookie.value  # the value is signed
    session = HelpSeekerSession.objects.get()
    assert session.token_digest == codes.token_digest(token)
    assert token not in str(HelpSeekerSession.objects.values_list())
    assert "sessionid" not in response.cookies and "csrftoken" not in response.cookies


def test_a_person_returns_with_code_and_passphrase_and_reads_the_reply(world):
    fx.make_centres(world)
    client = Client()
    start_in_browser(client, message="I would like to talk to someone.")
    assert 'data-testid="new-code"' in client.get(url("conversation")).content.decode()
    code = code_on_page(client)
    assert client.post(url("leave")).status_code == 303
    assert client.get(url("conversation")).content.decode().count("No conversation is open in this browser") == 1
    conversation = Conversation.objects.get()
    services.reply_send(actor=world.actor("prev_prac"), conversation=conversation,
                        body="Thank you for writing. A synthetic reply.", now=timezone.now())
    again = Client()
    typed = code.lower().replace("-", " ")  # how a person might type it
    opened = again.post(url("return"), {"code": typed, "passphrase": fx.PASSPHRASE})
    assert opened.status_code == 303 and COOKIE in opened.cookies
    page = again.get(url("conversation")).content.decode()
    assert "A synthetic reply." in page and "I would like to talk to someone." in page
    assert 'data-testid="new-code"' not in page  # shown large only when the conversation starts
    again.post(url("conversation"), {"body": "Thank you, I will write again."})
    assert Message.objects.filter(author="help_seeker").count() == 2


def test_wrong_passphrase_and_unknown_code_get_identical_answers(world):
    _conversation, _token, code = fx.start(world)
    tries = {
        "wrong passphrase": {"code": code, "passphrase": "not the passphrase at all"},
        "unknown code": {"code": "ABCD-EFGH-JKMN", "passphrase": "not the passphrase at all"},
        "not even a code": {"code": "hello", "passphrase": "not the passphrase at all"},
    }
    answers = {what: Client().post(url("return"), data) for what, data in tries.items()}
    statuses = {what: r.status_code for what, r in answers.items()}
    bodies = {r.content for r in answers.values()}
    assert set(statuses.values()) == {400}, statuses
    assert len(bodies) == 1  # byte for byte the same page
    assert "We could not open a conversation with this reference code and passphrase" in bodies.pop().decode()
    headers = [{k: v for k, v in r.items() if k not in {"Date", "Expires"}} for r in answers.values()]
    assert headers[0] == headers[1] == headers[2]


def test_an_unknown_code_costs_the_same_slow_hash_as_a_wrong_passphrase(world):
    _conversation, _token, code = fx.start(world)
    seen: list[str] = []
    real = codes.check_password

    def spy(raw, encoded, *args, **kwargs):
        seen.append(encoded.split("$", 1)[0])
        return real(raw, encoded, *args, **kwargs)

    now = timezone.now()
    with mock.patch.object(codes, "check_password", spy):
        services.conversation_return(code=code, passphrase="wrong passphrase here", now=now)
        services.conversation_return(code="ZZZZ-ZZZZ-ZZZZ", passphrase="wrong passphrase here", now=now)
    assert seen == ["argon2", "argon2"]  # one Argon2 check each, with the same hasher


@pytest.mark.parametrize("exists", [True, False])
def test_five_failures_lock_a_code_whether_or_not_it_exists(world, exists):
    _conversation, _token, code = fx.start(world)
    typed = code if exists else "ABCD-EFGH-JKMN"
    client = Client()
    statuses = [client.post(url("return"), {"code": typed, "passphrase": "guess number one!"}).status_code
                for _ in range(6)]
    assert statuses == [400, 400, 400, 400, 429, 429]
    locked = client.post(url("return"), {"code": typed, "passphrase": fx.PASSPHRASE})
    assert locked.status_code == 429 and int(locked["Retry-After"]) > 60
    assert "too many tries" in locked.content.decode().lower()
    assert COOKIE not in locked.cookies  # even the right passphrase is refused while locked
    # Another code is not affected.
    other_code = fx.start(world, message="")[2]
    assert Client().post(url("return"), {"code": other_code, "passphrase": fx.PASSPHRASE}).status_code == 303


def test_a_lock_ends_after_the_window_and_counters_are_keyed_hashes_not_codes(world):
    _conversation, _token, code = fx.start(world)
    now = timezone.now()
    for _ in range(5):
        services.conversation_return(code=code, passphrase="a wrong passphrase", now=now)
    assert services.conversation_return(code=code, passphrase=fx.PASSPHRASE, now=now).status is services.ReturnStatus.LOCKED
    later = now + timedelta(minutes=16)
    assert services.conversation_return(code=code, passphrase=fx.PASSPHRASE, now=later).status is services.ReturnStatus.OPENED
    stored = str(list(AttemptCounter.objects.values_list()))
    assert code not in stored and codes.normalise_code(code) not in stored


def test_the_service_wide_budget_stops_guessing_across_many_codes(world, settings):
    settings.SAFEGUARD_PREVENTION = {**settings.SAFEGUARD_PREVENTION, "RETURN_GLOBAL_BUDGET": 3}
    _conversation, _token, code = fx.start(world)
    now = timezone.now()
    for guess in ("AAAA-AAAA-AAAA", "BBBB-BBBB-BBBB", "CCCC-CCCC-CCCC"):
        assert services.conversation_return(code=guess, passphrase="guess guess guess", now=now).status \
            is services.ReturnStatus.NOT_MATCHED
    busy = services.conversation_return(code=code, passphrase=fx.PASSPHRASE, now=now)
    assert busy.status is services.ReturnStatus.BUSY
    assert services.conversation_return(code=code, passphrase=fx.PASSPHRASE, now=now + timedelta(minutes=16)).status \
        is services.ReturnStatus.OPENED


def test_guesses_never_reach_django_axes(world):
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    _conversation, _token, code = fx.start(world)
    for _ in range(6):
        Client().post(url("return"), {"code": code, "passphrase": "wrong wrong wrong"}, REMOTE_ADDR="203.0.113.9")
    assert AccessAttempt.objects.count() == AccessLog.objects.count() == AccessFailureLog.objects.count() == 0


def test_messages_are_limited_in_size_and_rate(world, settings):
    settings.SAFEGUARD_PREVENTION = {**settings.SAFEGUARD_PREVENTION, "MESSAGES_PER_HOUR": 2,
                                     "MESSAGE_MAX_CHARACTERS": 50}
    conversation, token, _code = fx.start(world, message="")
    client = Client()
    fx.help_cookie(client, token)
    too_long = client.post(url("conversation"), {"body": "x" * 51})
    assert too_long.status_code == 400 and "Your message must be 50 characters or fewer" in too_long.content.decode()
    assert client.post(url("conversation"), {"body": "one"}).status_code == 303
    assert client.post(url("conversation"), {"body": "two"}).status_code == 303
    third = client.post(url("conversation"), {"body": "three"})
    assert third.status_code == 429 and third["Retry-After"] == "3600"
    assert list(Message.objects.filter(conversation=conversation).values_list("body", flat=True)) == ["one", "two"]


def test_html_and_scripts_in_messages_are_shown_as_text(world, client):
    words = '<script>alert("x")</script><img src=x onerror=alert(1)><a href="https://example.org">link</a>'
    conversation, token, _code = fx.start(world, message=words)
    fx.help_cookie(client, token)
    page = client.get(url("conversation")).content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "<script>" not in page and "<img src=x" not in page and 'href="https://example.org"' not in page
    from tests.conftest import sign_in

    staff = Client()
    sign_in(staff, world.users["prev_prac"])
    staff_page = staff.get(reverse("prevention:conversation", kwargs={"pk": conversation.pk})).content.decode()
    assert "&lt;script&gt;" in staff_page and '<script>alert("x")' not in staff_page


@pytest.mark.parametrize("headers", [{"HTTP_SEC_FETCH_SITE": "cross-site"}, {"HTTP_ORIGIN": "https://elsewhere.example"},
                                     {"HTTP_SEC_FETCH_SITE": "same-site"}])
def test_posts_from_another_site_are_refused_without_a_csrf_cookie(world, headers):
    fx.make_centres(world)
    client = Client(**headers)
    response = start_in_browser(client)
    assert response.status_code == 403 and not response.cookies
    assert Conversation.objects.count() == 0
    same_site = Client(HTTP_SEC_FETCH_SITE="same-origin", HTTP_ORIGIN="http://testserver")
    assert start_in_browser(same_site).status_code == 303


def test_a_session_ends_after_being_idle_and_its_stale_cookie_is_removed(world):
    _conversation, token, _code = fx.start(world)
    client = Client()
    fx.help_cookie(client, token)
    later = timezone.now() + timedelta(minutes=31)
    with mock.patch("safeguard.prevention.public_views._now", return_value=later):
        response = client.get(url("conversation"))
    assert "No conversation is open in this browser" in response.content.decode()
    assert response.cookies[COOKIE]["max-age"] == 0  # deleted
    assert HelpSeekerSession.objects.count() == 0


def test_a_forged_cookie_opens_nothing(world, rf):
    fx.start(world)
    request = rf.get("/help/en/messages/")
    request.COOKIES[COOKIE] = "made-up-token:1abc:forged-signature"
    assert find(request, timezone.now()) is None


def test_leaving_ends_the_session_and_deletes_the_cookie(world):
    _conversation, token, _code = fx.start(world)
    client = Client()
    fx.help_cookie(client, token)
    response = client.post(url("leave"))
    assert response.status_code == 303 and response.cookies[COOKIE]["max-age"] == 0
    assert HelpSeekerSession.objects.count() == 0


def test_the_pages_say_plainly_that_a_forgotten_passphrase_means_a_new_conversation(world):
    page = Client().get(url("return")).content.decode()
    assert "We cannot look up or reset them" in page and "Please start a new conversation" in page
    german = Client().get(url("return", "de")).content.decode()
    assert "Bitte beginnen Sie ein neues Gespräch" in german


def test_passphrase_rules_and_messages_in_german(world):
    fx.make_centres(world)
    client = Client()
    mismatch = client.post(url("start", "de"), {"passphrase": fx.PASSPHRASE, "confirm": fx.PASSPHRASE + "!",
                                                "centre": str(world.agencies["prevention"].pk)})
    assert mismatch.status_code == 400 and "Die beiden Passphrasen stimmen nicht überein" in mismatch.content.decode()
    common = client.post(url("start"), {"passphrase": "password123", "confirm": "password123",
                                        "centre": str(world.agencies["prevention"].pk)})
    assert "too easy to guess" in common.content.decode()
    assert Conversation.objects.count() == 0


def test_the_public_pages_state_the_exception_exactly(world):
    for language, words in (("en", "two supervisors"), ("de", "zwei Leitungskräfte")):
        assert words in Client().get(url("home", language)).content.decode()
    page = Client().get(url("confidentiality")).content.decode()
    for part in ("immediate risk of serious harm", "A second, different supervisor",
                 "Only the approved excerpt", "one agency named in the request", "recorded in a register",
                 "Nothing else is passed on", "180 days"):
        assert part in page


def test_an_offered_appointment_is_seen_and_accepted_by_the_person(world):
    conversation, token, _code = fx.start(world)
    services.referral_request(seeker=_seeker(token), centre_id=world.agencies["other_prevention"].pk,
                              now=timezone.now())
    referral = conversation.referrals.get()
    assert referral.centre == world.agencies["other_prevention"] and referral.state == "waiting"
    services.referral_step(actor=world.actor("prev_other"), referral=referral, step="offer", now=timezone.now(),
                           appointment_at=timezone.now() + timedelta(days=7), mode="video")
    client = Client()
    fx.help_cookie(client, token)
    page = client.get(url("conversation", "de")).content.decode()
    assert "Ein Zentrum hat Ihnen einen Termin angeboten" in page and "Videogespräch" in page
    client.post(url("appointment", "de"), {"referral": str(referral.pk), "answer": "accept"})
    referral.refresh_from_db()
    assert referral.state == "accepted"


def test_sharing_a_self_assessment_keeps_it_encrypted_with_the_conversation(world):
    from django.db import connection

    conversation, token, _code = fx.start(world)
    client = Client()
    fx.help_cookie(client, token)
    answers = {"reasons": ["images", "thoughts"], "danger_now": "not_sure", "images_now": "often",
               "time_with_children": "never", "coping": "struggling", "self_harm": "no", "talk": "yes"}
    result = client.post(url("self-assessment"), answers).content.decode()
    assert 'data-testid="urgent-guidance"' in result and 'data-testid="offer-appointment"' in result
    assert "Share my answers with my adviser" in result
    assert client.post(url("self-assessment-share"), answers).status_code == 303
    record = TriageRecord.objects.get(conversation=conversation)
    assert record.show_urgent and record.offer_appointment and "stopping-images" in record.suggested_modules
    with connection.cursor() as cursor:
        cursor.execute("SELECT answers FROM prevention_triagerecord")
        stored = cursor.fetchone()[0]
    assert "images" not in stored and stored.startswith("sg1")


def _seeker(token: str):
    from safeguard.prevention.help_seekers import HelpSeeker

    return HelpSeeker(session=HelpSeekerSession.objects.select_related("conversation").get(
        token_digest=codes.token_digest(token)))
