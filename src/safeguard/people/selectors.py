"""Reads of person records: always scoped by the policy and always audited.

Reads open no transaction of their own: on SQLite every transaction takes the write lock at BEGIN
(settings, `transaction_mode`), so a read inside one would queue behind every write and hold up the
next. The audit event of a read is written after it, in the writer's own short transaction.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import math
import time
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import Q, QuerySet
from django.http import Http404

from safeguard import policy
from safeguard.audit import selectors as audit_selectors
from safeguard.audit.models import AuditEvent, Outcome
from safeguard.audit.services import record_event
from safeguard.core import due
from safeguard.core.keyset import RowAfter
from safeguard.people.models import Person, PersonAgencyLink
from safeguard.people.validators import PNC_PATTERN, normalise_pnc
from safeguard.policy import Action, Actor

PAGE_SIZE = 25
# Counts stop here: "more than 10,000 people" costs the same at 100,000 as at 10,001.
COUNT_LIMIT = 10_000
SATURATED_SECONDS = 300
# Pages by number stop where the count does: an OFFSET past 10,000 rows costs more the deeper it goes.
MAX_PAGE_NUMBER = COUNT_LIMIT // PAGE_SIZE
ORDER = ("family_name_key", "given_name_key", "id")
MAX_WORDS = 4


class JustificationRequired(Exception):
    """The record's owner requires a reason before it is consulted."""

    def __init__(self, person: Person) -> None:
        super().__init__("justification required")
        self.person = person


def visible_persons(*, actor: Actor, action: str = Action.PERSON_VIEW) -> QuerySet[Person]:
    return policy.scope(actor, action, Person.objects.all())


def bounded_count(queryset: QuerySet[Any], limit: int | None = None) -> tuple[int, bool]:
    """(count, exact): the rows up to `limit` (COUNT_LIMIT), and whether that is all of them. Reads at most
    limit + 1 rows of an index, so it costs the same however many more there are."""
    limit = COUNT_LIMIT if limit is None else limit
    found = queryset.order_by().values("pk")[: limit + 1].count()
    return min(found, limit), found <= limit


def visible_person_count(*, actor: Actor) -> tuple[int, bool]:
    """How many persons the actor's agency holds (up to COUNT_LIMIT, and whether that is exact): its open
    links, one each (a unique constraint), counted in the index `open_link_by_agency_idx` alone."""
    if not policy.allows(actor, Action.PERSON_VIEW):
        return 0, True
    # An agency past the limit stays past it for minutes: that answer ("more than 10,000") is kept in the
    # cache for SATURATED_SECONDS; a count below the limit is exact, cheap and read every time.
    key = f"people:count-saturated:{actor.agency.pk}:{COUNT_LIMIT}"
    if cache.get(key):
        return COUNT_LIMIT, False
    count, exact = bounded_count(PersonAgencyLink.objects.filter(agency_id=actor.agency.pk, ended_on__isnull=True))
    if not exact:
        cache.set(key, True, SATURATED_SECONDS)
    return count, exact


# --- pages -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cursor:
    """Where a page starts: after (or before) this position in the list's order. Opaque in URLs; it holds
    only the position of a row the reader was shown (its lower-case names and id)."""

    after: bool
    family: str
    given: str
    pk: uuid.UUID

    def encode(self) -> str:
        raw = (b"a" if self.after else b"b") + self.pk.bytes + f"{self.family}\x00{self.given}".encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str) -> Cursor:
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
            if len(raw) < 18 or raw[:1] not in (b"a", b"b"):
                raise ValueError
            family, given = raw[17:].decode().split("\x00")
            if len(family) > 100 or len(given) > 100:
                raise ValueError
            return cls(raw[:1] == b"a", family, given, uuid.UUID(bytes=raw[1:17]))
        except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
            raise ValidationError(
                {"cursor": [ValidationError("This page link is not valid: start again from the first page", code="invalid_cursor")]}
            ) from exc

    @classmethod
    def of(cls, person: Person, *, after: bool) -> Cursor:
        return cls(after, person.family_name_key, person.given_name_key, person.pk)


def cursor_after(person: Person) -> str:
    """The cursor of the page that starts after this person (benchmarks, tests)."""
    return Cursor(True, _lower(person.family_name), _lower(person.given_name), person.pk).encode()


@dataclass(frozen=True)
class PersonPage:
    """One page of a person list: the rows, a count bounded by COUNT_LIMIT, and the way on.

    `number` is the page number when the page was asked for by number (None when by cursor);
    `count_exact` is False when there are more than `count` persons."""

    object_list: list[Person]
    count: int
    count_exact: bool
    number: int | None
    next_cursor: str | None
    previous_cursor: str | None

    @property
    def count_text(self) -> str:
        return f"{self.count:,}" if self.count_exact else f"More than {self.count:,}"

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(self.count / PAGE_SIZE))

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None

    @property
    def has_previous(self) -> bool:
        return self.previous_cursor is not None


def _lower(word: str) -> str:
    """Lower case as the database's LOWER() writes the keys: SQLite's folds ASCII letters only."""
    if connection.vendor == "sqlite":
        return word.translate(_ASCII_LOWER)
    return word.lower()


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _prefix(field: str, word: str) -> Q:
    """`field` starts with `word`. PostgreSQL: LIKE, served as an index range by the `varchar_pattern_ops`
    B-tree (migration 0005) in any collation. SQLite: an index range on the key (BINARY order), with LIKE
    as a check."""
    if connection.vendor == "postgresql":
        return Q(**{f"{field}__startswith": word})
    successor = word[:-1] + chr(ord(word[-1]) + 1) if ord(word[-1]) < 0x10FFFF else word + "\U0010ffff"
    return Q(**{f"{field}__gte": word, f"{field}__lt": successor, f"{field}__startswith": word})


def _name_terms(query: str) -> Q:
    terms = Q()
    for word in query.split()[:MAX_WORDS]:
        key = _lower(word)
        terms |= _prefix("family_name_key", key) | _prefix("given_name_key", key)
    return terms


def _identifier_match(persons: QuerySet[Person], query: str) -> list[Person]:
    """A reference or PNC number, exactly: one probe of a unique index. A PNC number has its own shape
    (digits first), a reference starts with a letter, so one lookup is enough. `pnc_number <> ''` is
    spelt out so that SQLite may use the partial unique index `unique_pnc_number`."""
    if " " in query or len(query) > 13:
        return []
    wanted = normalise_pnc(query)
    if PNC_PATTERN.match(wanted):
        found = persons.filter(pnc_number=wanted).exclude(pnc_number="")
    else:
        found = persons.filter(reference=wanted)
    return list(found.order_by()[:2])


def _keyset(persons: QuerySet[Person], position: Cursor | None) -> tuple[list[Person], bool, bool]:
    """A page from a cursor: (rows, has_before, has_more)."""
    if position is None:
        rows = list(persons.order_by(*ORDER)[: PAGE_SIZE + 1])
        return rows[:PAGE_SIZE], False, len(rows) > PAGE_SIZE
    where = RowAfter(ORDER, (position.family, position.given, position.pk), after=position.after)
    if position.after:
        rows = list(persons.filter(where).order_by(*ORDER)[: PAGE_SIZE + 1])
        return rows[:PAGE_SIZE], True, len(rows) > PAGE_SIZE
    rows = list(persons.filter(where).order_by(*(f"-{f}" for f in ORDER))[: PAGE_SIZE + 1])
    return list(reversed(rows[:PAGE_SIZE])), len(rows) > PAGE_SIZE, True


Key = tuple[str, str, uuid.UUID]  # a row's place in ORDER: (family_name_key, given_name_key, id)


def _key(person: Person) -> Key:
    return (person.family_name_key, person.given_name_key, person.pk)


@dataclass(frozen=True)
class _Ends:
    """Where the pages of one list end, as far as known: `at[k]` is the key of the last row of page k;
    `past` the first page known to lie past the end of the list; `made` when the first was read."""

    at: dict[int, Key]
    past: int | None
    made: float


def _ends_key(actor: Actor, query: str) -> str:
    # The role and the security stamp as in core.due: ends worked out under one role or set of permissions
    # are never used under another; and, on a signed-in page, the stamp of the user's own writes.
    parts = (actor.membership.pk, actor.membership.role, actor.user.pk, actor.user.security_stamp, query,
             due.own_writes_stamp())  # fmt: skip
    return "people:page-ends:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def _step(persons: QuerySet[Person], at: dict[int, Key], page: int) -> Key | None:
    """The key of the last row of `page` (None past the end of the list), stepped over in the name-order
    index alone (sort keys only: no row read, no join) from the nearest known end, or from the start."""
    nearest = min((0, *at), key=lambda k: (abs(k - page), k))
    forward = nearest < page
    ordered = persons.order_by(*(ORDER if forward else (f"-{f}" for f in ORDER)))
    if nearest:
        ordered = ordered.filter(RowAfter(ORDER, at[nearest], after=forward))
    skip = abs(page - nearest) * PAGE_SIZE - 1
    found = list(ordered.values_list(*ORDER)[skip : skip + 1])
    return found[0] if found else None


def _numbered(actor: Actor, persons: QuerySet[Person], query: str, number: int) -> tuple[list[Person], bool]:
    """Page `number` by its position: (rows, has_more), read as a keyset page after the last row of the
    page before.

    Where pages end is kept for settings.PAGE_ENDS_KEPT_SECONDS for the same user and search (never
    past the user's own write on a signed-in page), so the same page again, or the next one, reads only
    its rows; any other page steps over the index from the nearest end known, so the page before steps
    over 25 entries. The time runs from the first read. Pages by number are positions in a list others may be changing:
    within that time a page may start a few rows early or late, as an OFFSET would between two
    requests; a cursor is exact (ADR 0027)."""
    seconds = settings.PAGE_ENDS_KEPT_SECONDS
    key, now = _ends_key(actor, query), time.time()
    kept = cache.get(key) if seconds else None
    ends = kept if isinstance(kept, _Ends) and now - kept.made < seconds else _Ends({}, None, now)
    if ends.past is not None and number >= ends.past:
        return [], False
    at, past = dict(ends.at), ends.past
    start = None if number <= 1 else at.get(number - 1) or _step(persons, at, number - 1)
    rows: list[Person] = []
    has_more = False
    if number > 1 and start is None:
        past = number
    else:
        rows, _, has_more = _keyset(persons, Cursor(True, *start) if start else None)
        if start:
            at[number - 1] = start
        if len(rows) == PAGE_SIZE:
            at[number] = _key(rows[-1])
        if not rows:
            past = number
    left = seconds - (now - ends.made)
    if seconds and left > 0 and (at != ends.at or past != ends.past):
        cache.set(key, _Ends(at, past, ends.made), left)
    return rows, has_more


def person_search(*, actor: Actor, query: str = "", page: int = 1, cursor: str = "") -> PersonPage:
    """One page of the persons the actor's agency holds, optionally searched; writes one `person.search` event.

    A query that is a reference or PNC number is looked up exactly first; otherwise each of its first four
    words is a prefix of the family or given name (lower case, indexed). Pages follow a cursor (keyset: the
    same cost on any page) or, for old links, a page number up to MAX_PAGE_NUMBER (a step over at most
    COUNT_LIMIT index entries, whose page ends are then kept for a while: `_numbered`). An invalid cursor or a deeper page number raises ValidationError naming the field.
    """
    if not policy.allows(actor, Action.PERSON_VIEW):
        raise PermissionDenied
    position = Cursor.decode(cursor) if cursor else None
    persons = visible_persons(actor=actor).select_related("owner_agency")
    query = query.strip()
    found = _identifier_match(persons, query) if query else []
    if found:
        result = PersonPage(found, len(found), True, 1, None, None)
    else:
        if query:
            persons = persons.filter(_name_terms(query))
            count, exact = bounded_count(persons)
        else:
            count, exact = visible_person_count(actor=actor)
        if position is not None or page <= 1:
            rows, has_before, has_more = _keyset(persons, position)
            number = None if position is not None else 1
        else:
            if page > MAX_PAGE_NUMBER:
                message = (f"Page numbers go up to {MAX_PAGE_NUMBER} (the first {COUNT_LIMIT:,} people in name "
                           "order): follow the next-page cursor to go further")  # fmt: skip
                raise ValidationError({"page": [ValidationError(message, code="page_too_deep")]})
            pages = max(1, math.ceil(count / PAGE_SIZE))
            number = min(page, pages) if exact else page
            rows, has_more = _numbered(actor, persons, query, number)
            if not rows and not exact:  # beyond the end of a list longer than the count shows
                number = 1
                rows, _, has_more = _keyset(persons, None)
            has_before = number > 1
        result = PersonPage(
            object_list=rows,
            count=count,
            count_exact=exact,
            number=number,
            next_cursor=Cursor.of(rows[-1], after=True).encode() if rows and has_more else None,
            previous_cursor=Cursor.of(rows[0], after=False).encode() if rows and has_before else None,
        )
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
