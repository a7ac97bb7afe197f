"""What a whole anonymous conversation leaves behind: no IP address, no user agent, no identity and
no plain text of the messages, the passphrase or the reference code, in any table or any log line."""

from __future__ import annotations

import datetime
import logging
from types import SimpleNamespace

from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safeguard.audit.models import AuditEvent
from safeguard.prevention import codes, services
from safeguard.prevention.models import Conversation
from tests import prevention_fixtures as fx
from tests.conftest import sign_in

ADDRESS = "203.0.113.77"
FORWARDED = "198.51.100.23"
AGENT = "SentinelAgent/4.2 (zq-ua-7731)"
WORDS = "Synthetic words that must only ever be stored encrypted, zq-msg-5512."
LATER = "A second synthetic message, zq-msg-5513."


def url(name: str) -> str:
    return reverse(f"help:{name}", kwargs={"language": "en"})


def everything_stored() -> str:
    """Every row of every table, as text (the database as a dump would show it)."""
    quote = connection.ops.quote_name
    parts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608 - table names from the schema
            parts.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(parts)


def test_a_whole_conversation_stores_and_logs_no_address_agent_or_plain_text(world, caplog, capsys):
    caplog.set_level(logging.DEBUG)
    fx.make_centres(world)
    identity = {"REMOTE_ADDR": ADDRESS, "HTTP_USER_AGENT": AGENT, "HTTP_X_FORWARDED_FOR": FORWARDED,
                "HTTP_X_REAL_IP": FORWARDED}
    person = Client(**identity)
    person.post(url("start"), {"passphrase": fx.PASSPHRASE, "confirm": fx.PASSPHRASE, "first_message": WORDS,
                               "centre": str(world.agencies["prevention"].pk)})
    page = person.get(url("conversation")).content.decode()
    code = page.split('data-testid="reference-code">')[1].split("<")[0]
    person.post(url("code-saved"))
    person.post(url("self-assessment-share"), {"reasons": "thoughts", "danger_now": "no", "images_now": "never",
                                               "time_with_children": "never", "coping": "well", "self_harm": "no",
                                               "talk": "yes"})
    person.post(url("centre-request"), {"centre": str(world.agencies["other_prevention"].pk)})
    person.post(url("leave"))
    Client(**identity).post(url("return"), {"code": code, "passphrase": "not my passphrase"})
    adviser = Client(**identity)
    sign_in(adviser, world.users["prev_prac"])
    conversation = Conversation.objects.get()
    adviser.get(reverse("prevention:conversation", kwargs={"pk": conversation.pk}))
    adviser.post(reverse("prevention:reply", kwargs={"pk": conversation.pk}), {"body": "A synthetic reply."})
    again = Client(**identity)
    again.post(url("return"), {"code": code, "passphrase": fx.PASSPHRASE})
    again.post(url("conversation"), {"body": LATER})
    assert again.get(url("conversation")).content.decode().count("A synthetic reply.") == 1

    stored = everything_stored()
    logged = caplog.text + "".join(capsys.readouterr())
    secrets = {
        "the address": ADDRESS, "the forwarded address": FORWARDED, "the user agent": AGENT, "part of it": "zq-ua-7731",
        "the first message": "zq-msg-5512", "the later message": "zq-msg-5513", "the passphrase": fx.PASSPHRASE,
        "the code": code, "the code as compared": codes.normalise_code(code),
    }
    for what, value in secrets.items():
        assert value not in stored, f"{what} is in the database"
        assert value not in logged, f"{what} is in the logs"
    assert len(stored) > 1000 and conversation.reference_code == code  # the scan saw the data, encrypted

    seeker_events = AuditEvent.objects.filter(action__startswith="prevention.help.")
    assert seeker_events.count() >= 7
    assert set(seeker_events.values_list("user_id", "username", "agency_id", "agency_name", "role").distinct()) == {
        (None, "", None, "", "")
    }
    assert all(e.endpoint.split(" ", 1)[1].startswith("/help/en/") for e in seeker_events)


def test_the_retention_and_return_paths_log_nothing_about_the_person(world, caplog):
    caplog.set_level(logging.DEBUG)
    _conversation, _token, code = fx.start(world, message=WORDS)
    services.conversation_return(code=code, passphrase="a wrong passphrase", now=timezone.now())
    services.retention_purge(now=timezone.now() + datetime.timedelta(days=400))
    assert "zq-msg-5512" not in caplog.text and code not in caplog.text and fx.PASSPHRASE not in caplog.text


def _access_line(path: str) -> str:
    from gunicorn.config import Config
    from gunicorn.glogging import SafeAtoms

    from safeguard.site.access_log import PrivacyAccessLogger

    config = Config()
    logger = PrivacyAccessLogger(config)
    environ = {"REMOTE_ADDR": ADDRESS, "HTTP_USER_AGENT": AGENT, "HTTP_REFERER": "http://testserver/help/en/",
               "REQUEST_METHOD": "GET", "RAW_URI": path, "PATH_INFO": path, "SERVER_PROTOCOL": "HTTP/1.1",
               "QUERY_STRING": "", "HTTP_X_FORWARDED_FOR": FORWARDED}
    request = SimpleNamespace(headers=[("X-FORWARDED-FOR", FORWARDED), ("USER-AGENT", AGENT)])
    response = SimpleNamespace(status="200 OK", sent=120, headers=[])
    atoms = logger.atoms(response, request, environ, datetime.timedelta(milliseconds=12))
    # gunicorn's default format, and one a deployment might add the forwarded address to.
    return " ".join(fmt % SafeAtoms(atoms) for fmt in (config.access_log_format, "%({x-forwarded-for}i)s %({remote_addr}e)s"))


def test_gunicorns_access_log_drops_the_address_and_agent_on_the_help_pages():
    line = _access_line("/help/en/messages/")
    assert ADDRESS not in line and AGENT not in line and FORWARDED not in line
    assert "GET /help/en/messages/ HTTP/1.1" in line and " 200 " in line
    staff = _access_line("/people/")
    assert ADDRESS in staff and AGENT in staff  # other pages are logged as gunicorn logs them
