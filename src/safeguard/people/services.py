"""Writes to person records: one function per use case, each audited in its own transaction."""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from safeguard.accounts.choices import SharingBasis
from safeguard.audit.services import record_event
from safeguard.guidelines.offences import UnknownOffence
from safeguard.people.choices import offence_id
from safeguard.people.models import Address, Conviction, Person, PersonAgencyLink, PersonNote
from safeguard.policy import Actor

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_reference() -> str:
    while True:
        reference = "P" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(7))
        if not Person.objects.filter(reference=reference).exists():
            return reference


@transaction.atomic
def person_create(*, actor: Actor, data: dict[str, Any], today: date | None = None) -> Person:
    """Create a person owned by the actor's agency, linked to it as the record owner."""
    person = Person(owner_agency=actor.agency, reference=new_reference(), **data)
    person.full_clean()
    person.save()
    PersonAgencyLink.objects.create(
        person=person, agency=actor.agency, basis=SharingBasis.OWNER, started_on=today or timezone.localdate()
    )
    record_event(
        action="person.create", actor=actor, obj=person, details={"fields": sorted(data)}
    )
    return person


@transaction.atomic
def person_update(*, actor: Actor, person: Person, data: dict[str, Any], justification: str = "") -> Person:
    changed = sorted(k for k, v in data.items() if getattr(person, k) != v)
    for key, value in data.items():
        setattr(person, key, value)
    person.full_clean()
    person.save()
    record_event(
        action="person.update",
        actor=actor,
        obj=person,
        justification=justification,
        details={"changed": changed},
    )
    return person


@transaction.atomic
def conviction_add(*, actor: Actor, person: Person, data: dict[str, Any], justification: str = "") -> Conviction:
    """Add a conviction; its offence code in either spelling (`SOA2003-s9`, `soa2003-s9`) is stored as
    the catalogue id, and an unknown code is refused naming the allowed ids."""
    conviction = Conviction(person=person, **data)
    try:
        conviction.offence_code = offence_id(conviction.offence_code)
    except UnknownOffence as unknown:
        raise ValidationError({"offence_code": [str(unknown)]}) from None
    conviction.full_clean()
    conviction.save()
    record_event(
        action="person.conviction.create",
        actor=actor,
        obj=person,
        justification=justification,
        details={"conviction": conviction.pk, "offence_code": conviction.offence_code},
    )
    return conviction


@transaction.atomic
def address_add(*, actor: Actor, person: Person, data: dict[str, Any], justification: str = "") -> Address:
    """Add a current address; the previous current address is closed the day before."""
    address = Address(person=person, **data)
    address.full_clean()
    current = person.addresses.filter(to_date__isnull=True, from_date__lt=address.from_date)
    current.update(to_date=address.from_date)
    address.save()
    record_event(
        action="person.address.create", actor=actor, obj=person, justification=justification,
        details={"address": address.pk},
    )
    return address


@transaction.atomic
def note_add(*, actor: Actor, person: Person, body: str, justification: str = "") -> PersonNote:
    note = PersonNote(person=person, author=actor.user, agency=actor.agency, body=body)
    note.full_clean()
    note.save()
    record_event(
        action="person.note.create", actor=actor, obj=person, justification=justification,
        details={"note": note.pk},
    )
    return note
