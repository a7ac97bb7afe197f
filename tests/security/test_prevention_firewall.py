"""T2, the prevention firewall: a distinctive phrase planted in a prevention conversation (messages,
an internal note, a self-assessment, a reply template, a disclosure excerpt) and its reference code
never appear on any page, download or API answer for any role other than the handling centre's
prevention staff: every URL the authorization matrix knows, plainly and with the phrase as a search.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safeguard.prevention import services
from tests import prevention_fixtures as fx
from tests.conftest import ROLES, sign_in
from tests.security.test_authorization_matrix import MATRIX, kwargs_for

HANDLING_CENTRE = {"prev_prac", "prev_sup"}
OTHERS = sorted(set(ROLES) - HANDLING_CENTRE)


def plant(world) -> tuple[str, str]:
    conversation, _token, _code = fx.start(world, message=f"{fx.PLANTED} in the first message")
    actor = world.actor("prev_prac")
    services.reply_send(actor=actor, conversation=conversation, body=f"Reply with {fx.PLANTED}", now=timezone.now())
    services.note_add(actor=actor, conversation=conversation, body=f"Note with {fx.PLANTED}", now=timezone.now())
    fx.template(world, title=f"Template {fx.PLANTED}", body=f"Body {fx.PLANTED}")
    fx.referral(world, conversation, centre="other_prevention")
    fx.disclosure(world, conversation, excerpt=f"Excerpt {fx.PLANTED}")
    return conversation.reference_code, str(conversation.pk)


def body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


# A search page echoes what was typed: each search for the phrase is compared with the same search for
# a phrase planted nowhere, so only a hit in the data itself can make the counts differ.
CONTROL = "zqx-nowhere-control-phrase-0000"
SEARCHES = ("?q={}", "?search={}&show=open")


def crawl(client: Client, world) -> list[tuple[str, int, str]]:
    """Every GET address of the matrix, plainly and searched for the phrase: (address, status, text),
    with every echo of the search itself taken out."""
    answers = []
    for name, methods in MATRIX.items():
        if "GET" not in methods:
            continue
        try:
            kwargs = kwargs_for(name, world)
        except ValidationError:  # a record another row already made (one approval request per change)
            continue
        address = reverse(name, kwargs=kwargs)
        plain = client.get(address)
        answers.append((address, plain.status_code, body(plain).decode(errors="replace")))
        for search in SEARCHES:
            hit = client.get(address + search.format(fx.PLANTED))
            control = client.get(address + search.format(CONTROL))
            text = body(hit).decode(errors="replace")
            echoes = body(control).decode(errors="replace").count(CONTROL)
            assert text.count(fx.PLANTED) == echoes, f"{address}{search} finds the planted phrase"
            answers.append((address + search, hit.status_code, text.replace(fx.PLANTED, "")))
    return answers


@pytest.mark.parametrize("who", OTHERS)
def test_no_other_role_finds_any_trace_of_a_prevention_conversation(world, who):
    code, conversation_id = plant(world)
    client = Client()
    sign_in(client, world.users[who])
    answers = crawl(client, world)
    for address, _status, text in answers:
        assert fx.PLANTED not in text, f"{address} shows the planted phrase to {who}"
        assert code not in text, f"{address} shows the reference code to {who}"
    everything = "\n".join(text for _address, _status, text in answers)
    assert sum(status == 200 for _address, status, _text in answers) >= 20  # the crawl did reach pages
    if who == "auditor":
        # The auditor reads the disclosure register (the one exception), never a conversation.
        assert "Testshire Police (test)" in everything
    else:
        assert conversation_id not in everything


def test_the_handling_centre_does_see_it(world):
    """The control: the same crawl as the handling centre's adviser finds the phrase."""
    _code, conversation_id = plant(world)
    client = Client()
    sign_in(client, world.users["prev_prac"])
    page = client.get(reverse("prevention:conversation", kwargs={"pk": conversation_id})).content.decode()
    assert fx.PLANTED in page
