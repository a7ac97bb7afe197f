"""Reads of person records: always scoped by the policy and always audited."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404

from safeguard import policy
from safeguard.audit import selectors as audit_selectors
from safeguard.audit.models import AuditEvent, Outcome
from safeguard.audit.services import record_event
from safeguard.people.models import Person
from safeguard.policy import Action, Actor

PAGE_SIZE = 25


class JustificationRequired(Exception):
    """The record's owner requires a reason before it is consulted."""

    def __init__(self, person: Person) -> None:
        super().__init__("justification required")
        self.person = person


def visible_persons(*, actor: Actor, action: str = Action.PERSON_VIEW) -> QuerySet[Person]:
    return policy.scope(actor, action, Person.objects.all())


@transaction.atomic
def person_search(*, actor: Actor, query: str = "", page: int = 1) -> Page[Person]:
    if not policy.allows(actor, Action.PERSON_VIEW):
        raise PermissionDenied
    persons = visible_persons(actor=actor).select_related("owner_agency")
    query = query.strip()
    if query:
        terms = Q(reference__iexact=query) | Q(pnc_number__iexact=query)
        for word in query.split()[:4]:
            terms |= Q(family_name__istartswith=word) | Q(given_name__istartswith=word)
        persons = persons.filter(terms)
    paginator = Paginator(persons.order_by("family_name", "given_name", "id"), PAGE_SIZE)
    result = paginator.get_page(page)
    record_event(
        action="person.search",
        actor=actor,
        object_type="people.Person",
        details={
            "query": query,
            "page": result.number,
            "shown": [str(p.pk) for p in result.object_list],
        },
    )
    return result


def _get_scoped(*, actor: Actor, pk: Any, action: str) -> Person:
    if not policy.allows(actor, action):
        raise PermissionDenied
    person = (
        visible_persons(actor=actor, action=action)
        .select_related("owner_agency")
        .filter(pk=pk)
        .first()
    )
    if person is None:
        # Recorded, then answered exactly like a record that does not exist.
        record_event(
            action=f"{action}",
            actor=actor,
            object_type="people.Person",
            object_id=str(pk),
            outcome=Outcome.DENIED,
        )
        raise Http404
    return person


def justification_for(actor: Actor, person: Person) -> str:
    if not policy.requires_justification(person.owner_agency):
        return ""
    reason = actor.justifications.get(str(person.pk), "")
    if not reason:
        raise JustificationRequired(person)
    return reason


def person_locate(*, actor: Actor, pk: object) -> Person:
    """Find a visible person without reading their record (for the justification step)."""
    return _get_scoped(actor=actor, pk=pk, action=Action.PERSON_VIEW)


@dataclass(frozen=True)
class PersonRecord:
    person: Person
    justification: str
    access_history: list[AuditEvent]


def person_record(*, actor: Actor, pk: object, include_history: bool = True) -> PersonRecord:
    """The whole record for the person page or API; writes one `person.view` event.

    The lookup runs outside the transaction so that a denied attempt's event is kept.
    """
    person = _get_scoped(actor=actor, pk=pk, action=Action.PERSON_VIEW)
    justification = justification_for(actor, person)
    record_event(action="person.view", actor=actor, obj=person, justification=justification)
    history = (
        audit_selectors.access_history(object_type="people.Person", object_id=str(person.pk))
        if include_history
        else []
    )
    return PersonRecord(person=person, justification=justification, access_history=history)


def person_for_change(*, actor: Actor, pk: object, action: str) -> tuple[Person, str]:
    """A visible person the actor may change by this action (404 if unseen, 403 if not allowed)."""
    person = _get_scoped(actor=actor, pk=pk, action=Action.PERSON_VIEW)
    if not policy.allows(actor, action, person):
        raise PermissionDenied
    return person, justification_for(actor, person)
