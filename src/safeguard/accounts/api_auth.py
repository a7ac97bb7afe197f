"""API authentication: bearer tokens for service accounts, or the MFA-verified browser session.

A bearer token is checked against the database on every call, with nothing cached: revoking the
token, deactivating the membership or the user, or locking the user refuses the very next call.
The check is one indexed query (the token hash is unique) written once as SQL from the models'
metadata, because building the same query through the ORM on every call was the largest single
cost of an API request (docs/performance.md).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta
from functools import cache
from typing import Any, cast
from weakref import WeakKeyDictionary

from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, Model
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import APIKeyCookie, HttpBearer

from safeguard.accounts.models import Agency, ApiToken, Membership, User, hash_token
from safeguard.policy import Actor

LAST_USED_RESOLUTION = timedelta(minutes=1)

# The token's own columns that the check needs, then every concrete field of the membership,
# its user and its agency (complete instances, as select_related would give, so nothing is
# loaded lazily later).
_TOKEN_FIELDS = ("id", "last_used_at")
_JOINED: tuple[type[Model], ...] = (Membership, User, Agency)


@cache
def _fields() -> list[Field[Any, Any]]:
    token_fields = [ApiToken._meta.get_field(name) for name in _TOKEN_FIELDS]
    joined = [f for model in _JOINED for f in model._meta.concrete_fields]
    return [cast("Field[Any, Any]", f) for f in (*token_fields, *joined)]


_SQL: dict[str, str] = {}


def _lookup_sql(connection: BaseDatabaseWrapper) -> str:
    """The one query, per database vendor: the token by its hash, only while it and the account
    behind it are usable (not revoked, membership and user active, user not locked)."""
    sql = _SQL.get(connection.vendor)
    if sql is None:
        sql = _SQL[connection.vendor] = _build_sql(connection.ops.quote_name)
    return sql


def _build_sql(quote: Callable[[str], str]) -> str:
    aliases: dict[type[Model], str] = {ApiToken: "t", Membership: "m", User: "u", Agency: "a"}

    def qualified(field: Field[Any, Any]) -> str:
        return f"{aliases[field.model]}.{quote(str(field.column))}"

    def column(model: type[Model], name: str) -> str:
        return qualified(cast("Field[Any, Any]", model._meta.get_field(name)))

    def table(model: type[Model]) -> str:
        return f"{quote(model._meta.db_table)} {aliases[model]}"

    select = ", ".join(qualified(f) for f in _fields())
# Only quoted table and column names from the models go into the text; values are parameters.
    return (
        f"SELECT {select} FROM {table(ApiToken)}"  # noqa: S608
        f" INNER JOIN {table(Membership)} ON {column(Membership, 'id')} = {column(ApiToken, 'membership')}"
        f" INNER JOIN {table(User)} ON {column(User, 'id')} = {column(Membership, 'user')}"
        f" INNER JOIN {table(Agency)} ON {column(Agency, 'id')} = {column(Membership, 'agency')}"
        f" WHERE {column(ApiToken, 'token_hash')} = %s AND {column(ApiToken, 'revoked_at')} IS NULL"
        f" AND {column(Membership, 'is_active')} = %s AND {column(User, 'is_active')} = %s"
        f" AND {column(User, 'locked_at')} IS NULL"
    )


# Per connection (one per thread): each field's column with the converters the ORM applies to it.
_CONVERTERS: WeakKeyDictionary[BaseDatabaseWrapper, list[tuple[Any, tuple[Any, ...]]]] = WeakKeyDictionary()


def _converted(connection: BaseDatabaseWrapper, row: Sequence[Any]) -> list[Any]:
    """Database values to Python values, by the same converters the ORM applies (SQLite gives
    booleans as integers and datetimes as text, for instance)."""
    converters = _CONVERTERS.get(connection)
    if converters is None:
        converters = []
        for field in _fields():
            col = field.get_col(field.model._meta.db_table)
            converters.append((col, (*connection.ops.get_db_converters(col), *col.get_db_converters(connection))))
        _CONVERTERS[connection] = converters
    values = []
    for (col, functions), value in zip(converters, row, strict=True):
        for function in functions:
            value = function(value, col, connection)
        values.append(value)
    return values


def _instance(model: type[Model], using: str, fields: Sequence[Field[Any, Any]], values: Sequence[Any]) -> Any:
    return model.from_db(using, [f.attname for f in fields], list(values))


def active_token_membership(token: str) -> tuple[int, Any, Membership] | None:
    """(token id, last used at, membership with its user and agency) for a usable token, else None."""
    using = router.db_for_read(ApiToken)
    connection = connections[using]
    sql = _lookup_sql(connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, [hash_token(token), True, True])
        row = cursor.fetchone()
    if row is None:
        return None
    fields = _fields()
    values = _converted(connection, row)
    start = len(_TOKEN_FIELDS)
    instances = []
    for model in _JOINED:
        count = len(model._meta.concrete_fields)
        instances.append(_instance(model, using, fields[start:start + count], values[start:start + count]))
        start += count
    membership, user, agency = instances
    membership.user = user
    membership.agency = agency
    return values[0], values[1], membership


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = active_token_membership(token)
        if found is None:
            return None
        token_id, last_used_at, membership = found
        now = timezone.now()
        # At most one write a minute per token: a write on every call would serialise the API.
        if last_used_at is None or now - last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token_id).update(last_used_at=now)
        request.actor = Actor(  # type: ignore[attr-defined]
            user=membership.user,
            membership=membership,
            endpoint=f"{request.method} {request.path}",
            justifications={},
        )
        return membership.user


class VerifiedSessionAuth(APIKeyCookie):
    """The browser's session, only once MFA is done and a role is chosen (the actor exists)."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        actor = getattr(request, "actor", None)
        return actor.user if actor is not None else None
