"""The people app's door for other feature apps: the only module of `safeguard.people` they import.

Other apps hold records about persons (referrals, visits, outcomes). They never read person
tables directly: they scope their own records by the persons the actor may see, look a person up
for a page (audited, 404 when out of reach), and show a person's name and reference.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Q, QuerySet

from safeguard.people.models import Person
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
    "person_locate",
    "persons_visible_to",
    "visible_person_filter",
]


def persons_visible_to(actor: Actor) -> QuerySet[Person]:
    """Persons the actor's agency may see (the policy's scope); not audited: callers audit what they show."""
    return visible_persons(actor=actor, action=Action.PERSON_VIEW)


def visible_person_filter(actor: Actor, field: str = "person") -> Q:
    """A filter for another app's records: only those whose `field` is a person the actor may see.

    A semi-join (`field IN (visible person ids)`), never a join that needs DISTINCT.
    """
    return Q(**{f"{field}__in": persons_visible_to(actor).values("pk")})


def demographics(*, person_ids: QuerySet[Any] | list[Any]) -> dict[str, tuple[str, date]]:
    """{person id: (sex code, date of birth)} for the given persons, in one query.

    For aggregate analyses only (insights): the caller has scoped `person_ids` itself, shows no
    row about anyone, and records one aggregate audit event for the analysis. Not audited here.
    """
    rows = Person.objects.filter(pk__in=person_ids).values_list("pk", "sex", "date_of_birth")
    return {str(pk): (sex, born) for pk, sex, born in rows.iterator(chunk_size=5000)}
