"""Keyset pages: a row comparison that both databases answer by seeking in an index."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import BooleanField, Expression, F, Value


class RowAfter(Expression):
    """`(a, b) > (x, y)` (or `<`): a row comparison both PostgreSQL and SQLite answer by seeking in an
    index on (a, b), where the equivalent OR of column comparisons would scan from the start."""

    conditional = True

    def __init__(self, fields: Sequence[str], values: Sequence[Any], *, after: bool) -> None:
        super().__init__(output_field=BooleanField())
        self.left: list[Any] = [F(name) for name in fields]
        self.right: list[Any] = [Value(v) for v in values]
        self.after = after

    def get_source_expressions(self) -> list[Any]:
        return [*self.left, *self.right]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        half = len(self.left)
        self.left, self.right = list(exprs[:half]), list(exprs[half:])

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        parts: list[str] = []
        params: list[Any] = []
        for side in (self.left, self.right):
            sqls = []
            for expression in side:
                sql, side_params = compiler.compile(expression)
                sqls.append(sql)
                params.extend(side_params)
            parts.append("(" + ", ".join(sqls) + ")")
        return f"{parts[0]} {'>' if self.after else '<'} {parts[1]}", tuple(params)
