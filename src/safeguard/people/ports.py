"""The people app's door for other feature apps: the only module of `safeguard.people` they import.

Other apps hold records about persons (referrals, visits, outcomes). They never read person
tables directly: they scope their own records by the persons the actor may see, look a person up
for a page (audited, 404 when out of reach), and show a person's name and reference.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.db.models.lookups import IsNull

from safeguard import policy
from safeguard.accounts.choices import SharingBasis
from safeguard.accounts.models import Agency
from safeguard.audit.services import record_event
from safeguard.people.models import Person, PersonAgencyLink
from safeguard.people.selectors import (
    JustificationRequired,
    justification_for,
    person_locate,
    visible_persons,
)
from safeguard.policy import Action, Actor

__all__ = [
    "JustificationRequired",
    "Person",
    "demographics",
    "justification_for",
    "linked_agency_ids",
    "person_locate",
    "persons_visible_to",
    "share_person",
    "share_under_statutory_basis",
    "statutory_link_exists",
    "visible_person_filter",
]


def persons_visible_to(actor: Actor) -> QuerySet[Person]:
    """Persons the actor's agency may see (the policy's scope); not audited: callers audit what they show."""
    return visible_persons(actor=actor, action=Action.PERSON_VIEW)


def visible_person_filter(actor: Actor, field: str = "person") -> Q:
    """A filter for another app's records: only those whose `field` is a person the actor may see.

    The policy's person scope as a probe per record of the one-open-link index (`policy.open_link_probe`):
    no join, no DISTINCT, and no `IN (visible persons)`, which SQLite would materialise (every person the
    agency holds) before the first row.
    """
    if not policy.allows(actor, Action.PERSON_VIEW):
        return Q(pk__in=[])
    return policy.open_link_probe(actor, field)


def demographics(*, person_ids: QuerySet[Any] | list[Any]) -> dict[str, tuple[str, date]]:
    """{person id: (sex code, date of birth)} for the given persons, in one query.

    For aggregate analyses only (insights): the caller has scoped `person_ids` itself, shows no
    row about anyone, and records one aggregate audit event for the analysis. Not audited here.
    """
    rows = Person.objects.filter(pk__in=person_ids).values_list("pk", "sex", "date_of_birth")
    return {str(pk): (sex, born) for pk, sex, born in rows.iterator(chunk_size=5000)}


@transaction.atomic
def share_person(
    *, actor: Actor, person: Person, agency: Agency, basis: str, started_on: date, purpose: str
) -> bool:
    """Open `agency`'s link to a person the actor may see (basis: statutory or consent), when another
    app's record gives it a lawful reason to hold them — e.g. a programme referral to a provider.

    Nothing changes when the agency already holds the person. Returns whether a link was opened;
    an opened link is audited as `person.share` with the basis and the purpose.
    """
    if not persons_visible_to(actor).filter(pk=person.pk).exists():
        raise PermissionError("the person is not visible to the actor")
    if PersonAgencyLink.objects.filter(person=person, agency=agency, ended_on__isnull=True).exists():
        return False
    PersonAgencyLink.objects.create(person=person, agency=agency, basis=basis, started_on=started_on)
    record_event(
        action="person.share",
        actor=actor,
        obj=person,
        details={"agency": agency.pk, "basis": basis, "purpose": purpose},
    )
    return True


def statutory_link_exists(actor: Actor, field: str = "person_id") -> IsNull:
    """An open link, as owner or under statutory multi-agency sharing (not consent alone), from the
    person in `field` of the outer query to the actor's agency: a probe of the one-open-link index per
    row, so scoping another app's records this way needs no join and no DISTINCT.

    Written as `(SELECT id … LIMIT 1) IS NOT NULL` rather than EXISTS: PostgreSQL turns an EXISTS into a
    semi-join, and with a large agency it then hashes all of the agency's links and sorts all of its rows
    before taking a page of 25; a scalar subquery stays a probe per row, so an ordered index scan stops
    after the page (measured in benchmarks/bench_supervision.py)."""
    link = PersonAgencyLink.objects.filter(
        person_id=OuterRef(field),
        agency_id=actor.agency.pk,
        ended_on__isnull=True,
        basis__in=[SharingBasis.OWNER, SharingBasis.STATUTORY],
    )
    return IsNull(Subquery(link.values("pk")[:1]), False)


def linked_agency_ids(person_id: uuid.UUID | str) -> list[int]:
    """The agencies holding an open owner or statutory link to the person (one query)."""
    return list(
        PersonAgencyLink.objects.filter(
            person_id=person_id, ended_on__isnull=True, basis__in=[SharingBasis.OWNER, SharingBasis.STATUTORY]
        ).values_list("agency_id", flat=True)
    )


def share_under_statutory_basis(*, person: Person, agency: Agency, started_on: date) -> bool:
    """Give `agency` an open statutory link to the person unless it holds one (a case transferred to
    another area under MAPPA sharing). Returns whether a link was made; the caller audits its change."""
    if PersonAgencyLink.objects.filter(person=person, agency=agency, ended_on__isnull=True).exists():
        return False
    PersonAgencyLink.objects.create(person=person, agency=agency, basis=SharingBasis.STATUTORY, started_on=started_on)
    return True
