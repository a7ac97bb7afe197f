"""The sealed prevention partition of the audit log (ADR 0015).

Events of the prevention service go to their own chain, which only the prevention network's
auditors read: a global auditor's browse, filters, record filter, CSV export and dashboard show
none of them, nor does a person's "who accessed this record". `audit verify` checks both chains
and finds tampering in each, and moving an event from one chain to the other.
"""

from __future__ import annotations

import logging

import pytest
from django.test import RequestFactory, override_settings
from django.urls import reverse

from safeguard import cli
from safeguard.accounts.models import Agency, Membership, User
from safeguard.audit import actions, checkpoints
from safeguard.audit.chain import canonical_details, keyed_fields, keyed_hash
from safeguard.audit.keys import chain_keys
from safeguard.audit.models import AuditChainHead, AuditEvent
from safeguard.audit.refusals import record_refusal
from safeguard.audit.services import (
    AuditEntry,
    AuditWriteError,
    record_aggregate,
    record_event,
    record_events,
)
from safeguard.audit.verify import verify_chain
from safeguard.policy import Actor
from tests.conftest import password_hash, sign_in
from tests.integration.audit_tampering import raw as _raw

PHRASE = "Quillfeather sealed synthetic phrase"
CONVERSATION = "c0ffee00-0000-4000-8000-00000000beef"


@pytest.fixture
def checkpoint_dir(tmp_path):
    with override_settings(AUDIT_CHECKPOINT_DIR=tmp_path):
        yield tmp_path


@pytest.fixture
def prevention_words():
    """The prevention app registers its words in its AppConfig.ready(); these tests rely on them."""
    assert actions.is_known("prevention.conversation.read")
    assert actions.record_label("prevention.Conversation") != "prevention.Conversation"


def _auditor(world, name: str, agency: Agency) -> User:
    user = User.objects.create(username=name, password=password_hash())
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    world.users[name] = user
    world.memberships[name] = Membership.objects.create(user=user, agency=agency, role="auditor")
    return user


@pytest.fixture
def sealed(world, prevention_words, checkpoint_dir):
    """General events, and prevention events planted every way they can arrive."""
    network = world.agencies["prevention"]  # a prevention agency without a parent: the network
    centre = Agency.objects.create(name="Test prevention centre", kind="prevention", parent=network)
    _auditor(world, "prev_auditor", network)
    _auditor(world, "centre_auditor", centre)
    _auditor(world, "prob_auditor", world.agencies["probation"])
    adviser = world.actor("prev_prac")
    general = [
        record_event(action="person.view", actor=world.actor("prob_prac"), obj=world.persons["probation"]),
        record_event(action="person.search", actor=world.actor("prob_prac"), details={"query": "Testington"}),
    ]
    planted = [
        # by the action name the prevention app registers
        record_event(action="prevention.conversation.read", actor=adviser, object_type="prevention.Conversation",
                     object_id=CONVERSATION, justification=PHRASE, details={"note": PHRASE}),
        # by the keyword, for a core action
        record_aggregate(action="list.export", actor=adviser, description={"list": "prevention.contacts", "rows": 7,
                                                                           "filters": {"q": PHRASE}},
                         partition="prevention"),
        # a refusal, naming a person's id (it must not reach that person's page either)
        record_event(action="person.view", actor=adviser, obj=world.persons["probation"], outcome="denied",
                     details={"status": 404, "note": PHRASE}, partition="prevention"),
    ]
    centre_event = record_event(
        action="prevention.conversation.read", actor=Actor(user=world.users["centre_auditor"],
                                                           membership=world.memberships["centre_auditor"]),
        object_type="prevention.Conversation", object_id=CONVERSATION, partition="prevention",
    )
    return {"general": general, "planted": [*planted, centre_event], "centre": centre_event}


def _page(client, **params) -> tuple[list[AuditEvent], str]:
    response = client.get(reverse("audit:list"), params)
    assert response.status_code == 200
    return response.context["events"], response.content.decode()


def _csv(client, **params) -> str:
    response = client.get(reverse("audit:export"), params)
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode()


def test_prevention_events_are_written_to_their_own_chain(world, sealed):
    assert {e.partition for e in sealed["planted"]} == {"prevention"}
    assert {e.partition for e in sealed["general"]} == {"general"}
    heads = {h.partition: h.event_count for h in AuditChainHead.objects.all()}
    assert heads == {"general": len(sealed["general"]), "prevention": len(sealed["planted"])}
    first = sealed["planted"][0]
    assert first.prev_hash == "0" * 64  # the prevention chain starts on its own
    row = AuditEvent.objects.values().get(pk=first.pk)
    assert first.hash == keyed_hash(chain_keys().get("auditdev1"), first.prev_hash, "auditdev1", keyed_fields(row),
                                    canonical_details(row["details"]), "prevention", "event")


@pytest.mark.parametrize("auditor", ["auditor", "prob_auditor"])
def test_a_global_or_agency_auditor_finds_no_trace_of_a_prevention_event(client, world, sealed, auditor):
    sign_in(client, world.users[auditor])
    planted = {e.pk for e in sealed["planted"]}
    shown, page = _page(client)
    assert shown and not planted & {e.pk for e in shown}
    assert PHRASE not in page and CONVERSATION not in page
    # Filters: the adviser, the kind, the person the refusal named, a date range.
    for params in ({"username": "prev_prac"}, {"kind": "aggregate"}, {"person": str(world.persons["probation"].pk)},
                   {"date_from": "2000-01-01", "date_to": "2100-01-01"}):
        shown, page = _page(client, **params)
        assert not planted & {e.pk for e in shown}, params
        assert PHRASE not in page
    # The prevention action is not even offered, so it cannot be filtered for.
    assert "prevention.conversation.read" not in page
    _, page = _page(client, action="prevention.conversation.read")
    assert "Select a valid choice" in page
    # The record filter by a prevention record's type and id.
    _, page = _page(client, record_type="prevention.Conversation", object_id=CONVERSATION)
    assert CONVERSATION not in page.replace(f'value="{CONVERSATION}"', "")
    # The download of everything they may see.
    everything = _csv(client)
    assert PHRASE not in everything and CONVERSATION not in everything and "prevention." not in everything
    # The dashboard's recent denied events.
    dashboard = client.get(reverse("core:dashboard"))
    assert dashboard.status_code == 200
    assert not planted & {e.pk for e in dashboard.context["panels"].get("recent_exceptions", [])}
    assert PHRASE not in dashboard.content.decode()


def test_the_prevention_networks_auditor_reads_the_sealed_partition_and_only_it(client, world, sealed):
    sign_in(client, world.users["prev_auditor"])
    shown, page = _page(client)
    assert {e.pk for e in shown} >= {e.pk for e in sealed["planted"]}
    assert not {e.pk for e in sealed["general"]} & {e.pk for e in shown}
    assert "Prevention audit log" in page and 'data-testid="sealed"' in page
    assert PHRASE in page and "Read a prevention conversation" in page
    only, _ = _page(client, action="prevention.conversation.read")
    assert {e.pk for e in only} == {sealed["planted"][0].pk, sealed["centre"].pk}
    assert PHRASE in _csv(client)
    # Their own searches and downloads stay in the sealed partition too (their filters name its records).
    latest = AuditEvent.objects.order_by("-id").first()
    assert (latest.action, latest.partition) == ("audit.export", "prevention")
    assert AuditEvent.objects.filter(action="audit.search", username="prev_auditor", partition="general").count() == 0


def test_a_centres_auditor_reads_only_its_own_centres_prevention_events(client, world, sealed):
    sign_in(client, world.users["centre_auditor"])
    shown, _ = _page(client, action="prevention.conversation.read")
    assert [e.pk for e in shown] == [sealed["centre"].pk]


def test_who_accessed_this_record_never_shows_a_prevention_event(client, world, sealed):
    person = world.persons["probation"]
    sign_in(client, world.users["prob_prac"])
    response = client.get(reverse("people:detail", kwargs={"pk": person.pk}))
    history = response.context["record"].access_history
    assert history and {e.partition for e in history} == {"general"}
    assert PHRASE not in response.content.decode()


def test_the_sealed_partition_claims_its_events_whatever_the_caller_asks(world, sealed):
    asked_general = record_event(action="prevention.conversation.read", actor=world.actor("prev_prac"),
                                 partition="general")
    assert asked_general.partition == "prevention"
    # One record of the sealed app in a register puts the whole register (one chain, one lock) there.
    batch = record_events(action="person.view", actor=world.actor("prev_prac"), entries=[
        AuditEntry(object_type="people.Person", object_id="1"),
        AuditEntry(object_type="prevention.Conversation", object_id=CONVERSATION),
    ])
    assert {e.partition for e in batch} == {"prevention"}


def test_an_unknown_partition_is_refused_in_tests_and_sealed_in_production(world, sealed, settings, caplog):
    with pytest.raises(AuditWriteError, match="partition 'prevnetion' does not exist"):
        record_event(action="person.view", actor=world.actor("prev_prac"), partition="prevnetion")
    settings.PRODUCTION = True
    with caplog.at_level(logging.ERROR, logger="safeguard.audit.services"):
        event = record_event(action="person.view", actor=world.actor("prev_prac"), partition="prevnetion")
    assert event.partition == "prevention"
    assert "does not exist" in caplog.records[0].getMessage()


@pytest.mark.parametrize(
    ("path", "namespaces", "partition"),
    [
        ("/prevention/inbox/", [], "prevention"),
        ("/api/v1/prevention/conversations", [], "prevention"),
        ("/help/conversation/", ["prevention"], "prevention"),
        ("/audit/", ["audit"], "general"),
        ("/people/", ["people"], "general"),
    ],
)
def test_a_refusal_by_a_prevention_page_goes_to_the_sealed_partition(world, path, namespaces, partition):
    request = RequestFactory().get(path)
    request.user = world.users["police_prac"]
    request.actor = world.actor("police_prac")
    request.resolver_match = type("Match", (), {"namespaces": namespaces, "func": None})()
    before = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    record_refusal(request)
    event = AuditEvent.objects.get(pk__gt=before)
    assert (event.outcome, event.partition, event.endpoint) == ("denied", partition, f"GET {path}")


def test_a_refusal_of_a_prevention_action_goes_to_the_sealed_partition(world, prevention_words):
    from safeguard import policy

    request = RequestFactory().get("/somewhere/")
    request.user, request.actor = world.users["police_prac"], world.actor("police_prac")
    policy.allows(request.actor, "prevention.inbox.view")
    record_refusal(request)
    event = AuditEvent.objects.order_by("-id").first()
    assert (event.action, event.partition) == ("prevention.inbox.view", "prevention")


# --- verify, both partitions ---------------------------------------------------------------------


def test_verify_checks_both_partitions_and_checkpoints_each(world, sealed):
    written = checkpoints.write_all()
    assert [(c.partition, c.count) for c in written] == [("general", 2), ("prevention", 4)]
    record_event(action="person.view", actor=world.actor("prob_prac"))
    result = verify_chain()
    assert (result.ok, result.checked, result.checkpoints) == (True, 7, 2)
    assert [(p.partition, p.ok, p.checked, p.checkpoints) for p in result.parts] == [
        ("general", True, 3, 1), ("prevention", True, 4, 1)
    ]
    alone = verify_chain(partition="prevention")
    assert (alone.ok, alone.checked, [p.partition for p in alone.parts]) == (True, 4, ["prevention"])


def test_tampering_in_the_prevention_partition_is_found_and_named(world, sealed):
    target = sealed["planted"][1]
    _raw("UPDATE audit_auditevent SET details = %s WHERE id = %s", ['{"rows":0}', target.pk])
    result = verify_chain()
    assert (result.ok, result.first_broken_id) == (False, target.pk)
    assert result.problem.startswith("Prevention (sealed) partition: its content does not match")
    assert result.part("general").ok and not result.part("prevention").ok


def test_tampering_in_the_general_partition_is_found_there_only(world, sealed):
    target = sealed["general"][1]
    _raw("UPDATE audit_auditevent SET username = 'someone' WHERE id = %s", [target.pk])
    result = verify_chain()
    assert (result.ok, result.first_broken_id) == (False, target.pk)
    assert not result.part("general").ok and result.part("prevention").ok


def test_moving_an_event_out_of_the_sealed_partition_is_detected(world, sealed):
    moved = sealed["planted"][0]
    _raw("UPDATE audit_auditevent SET partition = 'general' WHERE id = %s", [moved.pk])
    result = verify_chain()
    assert not result.ok
    assert not result.part("general").ok and not result.part("prevention").ok
    assert moved.pk in {p.event_id for p in result.part("general").problems}


@pytest.mark.parametrize("kind", ["aggregate", ""])
def test_changing_the_kind_of_a_prevention_event_is_detected(world, sealed, kind):
    target = sealed["planted"][0]
    _raw("UPDATE audit_auditevent SET kind = %s WHERE id = %s", [kind, target.pk])
    result = verify_chain(partition="prevention")
    assert (result.ok, result.first_broken_id) == (False, target.pk)


def test_removing_the_newest_prevention_events_is_caught_by_its_checkpoint(world, sealed):
    checkpoints.write_all()
    newest = sealed["planted"][-1]
    _raw("DELETE FROM audit_auditevent WHERE id = %s", [newest.pk])
    previous = sealed["planted"][-2]
    AuditChainHead.objects.filter(partition="prevention").update(
        last_event_id=previous.pk, last_hash=previous.hash, event_count=3
    )
    result = verify_chain()
    assert not result.ok and result.part("general").ok
    assert "recorded 4 events but the chain now has 3" in result.problem


def test_a_forged_partition_in_a_checkpoint_line_is_refused(world, sealed):
    import json

    checkpoints.write_all()
    file = checkpoints.path()
    lines = [json.loads(line) for line in file.read_text().splitlines()]
    with file.open("a") as f:
        f.write(json.dumps({**lines[0], "partition": "prevention"}) + "\n")  # general's line, relabelled
    result = verify_chain()
    assert not result.ok
    assert any("line 3" in p.message and "signature that does not match" in p.message for p in result.problems)


def test_cli_checkpoints_and_verifies_every_partition(world, sealed, capsys):
    assert cli.main(["audit", "checkpoint"]) == 0
    out = capsys.readouterr().out
    assert "general partition" in out and "prevention partition" in out
    assert cli.main(["audit", "verify", "--workers", "1"]) == 0
    out = capsys.readouterr().out
    assert "6 events verified" in out and "prevention partition: 4 events, 1 checkpoints match" in out
    _raw("UPDATE audit_auditevent SET object_id = 'x' WHERE id = %s", [sealed["centre"].pk])
    assert cli.main(["audit", "verify", "--workers", "1", "--partition", "prevention"]) == 1
    assert f"BROKEN at event {sealed['centre'].pk}: Prevention (sealed) partition" in capsys.readouterr().err
    assert cli.main(["audit", "verify", "--workers", "1", "--partition", "general"]) == 0


@pytest.mark.parametrize(
    ("namespaces", "path", "expected"),
    [
        (["help"], "/help/en/start", "prevention"),  # the service's public pages
        ([], "/help/de/", "prevention"),
        (["prevention"], "/prevention/inbox/", "prevention"),
        ([], "/api/v1/prevention/conversations", "prevention"),
        (["people"], "/people/", None),
        ([], "/helpers/", None),
    ],
)
def test_pages_of_the_prevention_service_are_claimed_by_its_partition(namespaces, path, expected):
    from safeguard.audit.partitions import claimed_by_page

    assert claimed_by_page(namespaces, path) == expected
