"""Envelope encryption of sensitive text: at rest, tamper refusal and key rotation."""

from __future__ import annotations

import base64

import pytest
from django.db import connection
from django.test import override_settings

from safeguard.core import crypto
from safeguard.core.keys import rotate_all
from safeguard.people import services
from safeguard.people.models import PersonNote

SENTINEL = "SENTINEL-plaintext-7f3a9"


def _stored(note_id: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM people_personnote WHERE id = %s", [note_id])
        return cursor.fetchone()[0]


def test_notes_are_stored_encrypted_and_read_back(world):
    note = services.note_add(actor=world.actor("prob_prac"), person=world.persons["probation"], body=SENTINEL)
    stored = _stored(note.pk)
    assert SENTINEL not in stored and stored.startswith("sg1:dev1:")
    assert PersonNote.objects.get(pk=note.pk).body == SENTINEL


def test_tampered_ciphertext_is_refused_not_shown(world):
    note = services.note_add(actor=world.actor("prob_prac"), person=world.persons["probation"], body=SENTINEL)
    prefix, kid, wrapped, body = _stored(note.pk).split(":")
    raw = bytearray(base64.urlsafe_b64decode(body))
    raw[-1] ^= 1
    tampered = ":".join((prefix, kid, wrapped, base64.urlsafe_b64encode(bytes(raw)).decode()))
    with connection.cursor() as cursor:
        cursor.execute("UPDATE people_personnote SET body = %s WHERE id = %s", [tampered, note.pk])
    value = PersonNote.objects.get(pk=note.pk).body
    assert value == "" and value.unreadable


def test_ciphertext_moved_to_another_column_is_refused():
    ring = crypto.parse_keyring("k1:" + base64.b64encode(b"k" * 32).decode())
    stored = crypto.encrypt("text", ring=ring, context="people_personnote.body")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(stored, ring=ring, context="other_table.body")


def test_rotation_rewraps_under_the_new_key_and_old_key_can_then_go(world):
    note = services.note_add(actor=world.actor("prob_prac"), person=world.persons["probation"], body=SENTINEL)
    old = "dev1:ZGV2LW9ubHkta2V5LW5ldmVyLXVzZS1pbi1wcm9kISE="
    new = crypto.new_key_spec("k2026")
    with override_settings(FIELD_ENCRYPTION_KEYS=f"{new},{old}"):
        counts = rotate_all()
        assert counts["people.PersonNote.body"] == 1
        assert _stored(note.pk).startswith("sg1:k2026:")
    with override_settings(FIELD_ENCRYPTION_KEYS=new):
        assert PersonNote.objects.get(pk=note.pk).body == SENTINEL


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("", "names no key"),
        ("nocolon", "id:base64key"),
        ("k1:not-base64!", "not valid base64"),
        ("k1:" + base64.b64encode(b"short").decode(), "must be 32 bytes"),
        ("k1:{0},k1:{0}".format(base64.b64encode(b"x" * 32).decode()), "repeats"),
    ],
)
def test_bad_key_configuration_is_explained(spec, message):
    with pytest.raises(crypto.KeyConfigurationError, match=message):
        crypto.parse_keyring(spec)
