"""Identified persons under management, their identifiers, addresses, convictions and notes.

Anonymous help-seekers are not persons and never live in these tables.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower

from safeguard.accounts.choices import SharingBasis
from safeguard.accounts.models import Agency
from safeguard.core.fields import EncryptedTextField
from safeguard.people.choices import Disposal, Sex, offence_choices
from safeguard.people.validators import validate_pnc, validate_postcode


class Person(models.Model):
    """A person convicted of, or under investigation for, an offence, managed by agencies."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(max_length=12, unique=True)
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100, db_index=True)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=20, choices=Sex.choices, default=Sex.NOT_RECORDED)
    pnc_number = models.CharField(
        "PNC number", max_length=13, blank=True, validators=[validate_pnc], db_index=True
    )
    owner_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The names as the search and the list's order read them: lower case, kept by the database itself
    # (so bulk loads and every writer fill them), indexed (selectors.person_search).
    family_name_key = models.GeneratedField(
        expression=Lower("family_name"), output_field=models.CharField(max_length=100), db_persist=True
    )
    given_name_key = models.GeneratedField(
        expression=Lower("given_name"), output_field=models.CharField(max_length=100), db_persist=True
    )

    class Meta:
        ordering: ClassVar = ["family_name", "given_name"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["pnc_number"],
                condition=~models.Q(pnc_number=""),
                name="unique_pnc_number",
            )
        ]
        indexes: ClassVar = [
            # The list's order and keyset pages, and prefix search on the family name.
            models.Index(fields=["family_name_key", "given_name_key", "id"], name="person_name_order_idx"),
            # Prefix search on the given name.
            models.Index(fields=["given_name_key"], name="person_given_key_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def full_name(self) -> str:
        return str(self)


class PersonAgencyLink(models.Model):
    """An agency's lawful basis to hold this person's record; it is what scopes visibility."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="agency_links")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="person_links")
    basis = models.CharField(max_length=20, choices=SharingBasis.choices)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["person", "agency"],
                condition=models.Q(ended_on__isnull=True),
                name="one_open_link_per_agency",
            )
        ]
        indexes: ClassVar = [
            # An agency's open links, person id included: the scope's semi-join and the bounded count
            # read this index alone (policy._person_scope).
            models.Index(
                fields=["agency", "person"], condition=models.Q(ended_on__isnull=True), name="open_link_by_agency_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency} ({self.get_basis_display()}) from {self.started_on}"


class Alias(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="aliases")
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)

    class Meta:
        verbose_name_plural = "aliases"

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}"


class Address(models.Model):
    """Where the person lived, with dates, so the history is kept."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="addresses")
    line1 = models.CharField("Address line 1", max_length=200)
    town = models.CharField(max_length=100)
    postcode = models.CharField(max_length=8, validators=[validate_postcode])
    from_date = models.DateField()
    to_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-from_date"]
        verbose_name_plural = "addresses"

    def __str__(self) -> str:
        return f"{self.line1}, {self.town} {self.postcode}"


class Conviction(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="convictions")
    # The offence catalogue's id (`soa2003-s9`) or `other` (people.choices, ADR 0023).
    offence_code = models.CharField(max_length=20, choices=offence_choices)
    offence_date = models.DateField()
    conviction_date = models.DateField()
    court = models.CharField(max_length=200)
    disposal = models.CharField(max_length=30, choices=Disposal.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["-conviction_date"]

    def __str__(self) -> str:
        return f"{self.get_offence_code_display()} ({self.conviction_date:%Y})"


class PersonNote(models.Model):
    """A practitioner's case note. The text is encrypted at rest."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    body = EncryptedTextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["-created_at"]

    def __str__(self) -> str:
        return f"Case note {self.pk} by {self.author_id}"
