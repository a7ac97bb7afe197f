"""The shape every instrument shares: metadata, verification status per table, and result building."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar, Literal

from safeguard.instruments.ages import today_utc
from safeguard.instruments.fields import NOT_AN_OBJECT, Field, FieldSet, unknown_field_errors
from safeguard.instruments.result import ExtraValue, FieldError, ItemExplanation, Result, Scalar

Status = Literal["verified", "secondary", "candidate", "interpretation"]


@dataclass(frozen=True, slots=True)
class TableInfo:
    """One table or rule set inside an instrument, with where it comes from and how sure we are.

    Status words follow the spec: verified (read in the source), secondary (reliable secondary
    source), candidate (believed correct, unconfirmed). "interpretation" marks a rule the spec
    states only in outline, which this engine had to complete; it is treated as unverified.
    """

    key: str
    title: str
    status: Status
    verified_against: str
    source: str
    version: str

    @property
    def verified(self) -> bool:
        return self.status == "verified"

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "status": self.status,
            "verified": self.verified,
            "verified_against": self.verified_against,
            "source": self.source,
            "version": self.version,
        }


@dataclass(frozen=True, slots=True)
class InstrumentMetadata:
    """What a practitioner or a form needs to know about an instrument before using it."""

    id: str
    name: str
    model_version: str
    thresholds_version: str
    source: str
    tables: tuple[TableInfo, ...]
    population: str
    not_for: tuple[str, ...]
    reassessment_months: int | None
    reassessment_note: str
    bands: tuple[str, ...]
    points_range: tuple[int, int] | None
    gives_probability: bool
    known_limits: tuple[str, ...]
    depends_on: tuple[str, ...] = ()
    extra_keys: tuple[str, ...] = ()
    item_titles: tuple[tuple[str, str], ...] = ()

    @property
    def verified(self) -> bool:
        return all(table.verified for table in self.tables)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "model_version": self.model_version,
            "thresholds_version": self.thresholds_version,
            "source": self.source,
            "verified": self.verified,
            "tables": [table.to_dict() for table in self.tables],
            "population": self.population,
            "not_for": list(self.not_for),
            "reassessment_months": self.reassessment_months,
            "reassessment_note": self.reassessment_note,
            "bands": list(self.bands),
            "points_range": list(self.points_range) if self.points_range else None,
            "gives_probability": self.gives_probability,
            "known_limits": list(self.known_limits),
            "depends_on": list(self.depends_on),
            "extra_keys": list(self.extra_keys),
            "item_titles": dict(self.item_titles),
        }


@dataclass(frozen=True, slots=True)
class Feed:
    """A composite's input that another instrument's result can fill.

    When `required` is true and the input is not given directly, the component is scored
    automatically; otherwise it is used only when it is scored in the same request.
    """

    component: str
    field: str
    extract: Callable[[Result], Scalar]
    required: bool


@dataclass(frozen=True, slots=True)
class Context:
    """Everything a scoring call needs besides the answers: the date and where fed values came from."""

    today: date
    fed_from: Mapping[str, str] = field(default_factory=dict)
    failed_feeds: frozenset[str] = frozenset()


class ItemRule:
    """Turns one item's answer into an explanation, sharing explanations for repeated answers.

    Most answers come from a small set (true/false, counts, whole-year ages), so the same
    immutable explanation object can serve every result that gives that answer.
    """

    __slots__ = ("_cache", "_limit", "_score", "name")

    def __init__(self, name: str, score: Callable[[Any], tuple[int | None, str]], *, cache_limit: int = 4096) -> None:
        self.name = name
        self._score = score
        self._cache: dict[Any, ItemExplanation] = {}
        self._limit = cache_limit

    def explain(self, answer: Any) -> ItemExplanation:
        item = self._cache.get(answer)
        if item is None:
            points, rule = self._score(answer)
            item = ItemExplanation(self.name, _answer(answer), points, rule)
            if len(self._cache) < self._limit:
                self._cache[answer] = item
        return item


def _answer(value: Any) -> Scalar:
    if isinstance(value, date):
        return value.isoformat()
    return value  # type: ignore[no-any-return]


def explain(name: str, answer: Any, points: int | None, rule: str) -> ItemExplanation:
    """An explanation built per result, for answers that are not worth caching (dates, decimals)."""
    return ItemExplanation(name, _answer(answer), points, rule)


class Instrument(ABC):
    """Base for every instrument: subclasses declare metadata, fields and tables and implement `evaluate`."""

    meta: ClassVar[InstrumentMetadata]
    input_fields: ClassVar[tuple[Field, ...]]
    feeds: ClassVar[tuple[Feed, ...]] = ()
    # Conditional rules the JSON Schema should carry beyond per-field checks (allOf entries).
    schema_rules: ClassVar[tuple[dict[str, Any], ...]] = ()

    def __init__(self) -> None:
        self.fieldset = FieldSet(self.input_fields)
        self.id = self.meta.id
        self._null_extras: dict[str, ExtraValue] = dict.fromkeys(self.meta.extra_keys)
        self._tables = {table.key: table for table in self.meta.tables}
        # Warnings for unverified parts are fixed text, built once rather than per result.
        self._unverified_warning = {
            table.key: (
                f"Unverified part of {self.meta.name} ({table.status}): {table.title}. "
                f"Checked against: {table.verified_against}. Do not present this as a validated result."
            )
            for table in self.meta.tables
            if not table.verified
        }

    # -- scoring ---------------------------------------------------------------------------------

    def score(self, data: Mapping[str, object], *, today: date | None = None) -> Result:
        """Score one input on its own; components of a composite must be given directly.

        Never raises on bad input: problems come back in `Result.errors`. Use
        `registry.score` to have a composite's components computed for it.
        """
        if not isinstance(data, Mapping):
            return self.error_result([FieldError("$", NOT_AN_OBJECT, "the input must be a JSON object of field names and answers")])
        extra = data.keys() - self.fieldset.names
        errors = unknown_field_errors(extra, self.fieldset.names, self.id) if extra else []
        return self.evaluate(data, Context(today or today_utc()), errors)

    @abstractmethod
    def evaluate(self, data: Mapping[str, object], ctx: Context, errors: list[FieldError]) -> Result:
        """Validate this instrument's own fields in `data` (ignoring others) and score them.

        `errors` may already hold problems found by the caller; any error means an error result.
        """

    def example_input(self) -> dict[str, Any]:
        """A complete, valid input, used in documentation, schema tests and the API's examples."""
        raise NotImplementedError

    # -- result building ---------------------------------------------------------------------------

    def error_result(self, errors: Iterable[FieldError]) -> Result:
        return Result(
            instrument=self.id,
            model_version=self.meta.model_version,
            thresholds_version=self.meta.thresholds_version,
            verified=self.meta.verified,
            band=None,
            points=None,
            probability=None,
            items=(),
            warnings=(),
            errors=tuple(errors),
            not_applicable_reason=None,
            extras=self._null_extras,
        )

    def not_applicable(self, reason: str, *, items: tuple[ItemExplanation, ...] = (), probability: float | None = None,
                       extras: Mapping[str, ExtraValue] | None = None, warnings: Iterable[str] = ()) -> Result:
        merged = self._null_extras if not extras else {**self._null_extras, **extras}
        return Result(
            instrument=self.id,
            model_version=self.meta.model_version,
            thresholds_version=self.meta.thresholds_version,
            verified=self.meta.verified,
            band="not_applicable",
            points=None,
            probability=probability,
            items=items,
            warnings=tuple(warnings),
            errors=(),
            not_applicable_reason=reason,
            extras=merged,
        )

    def result(
        self,
        *,
        band: str | None,
        points: int | None,
        probability: float | None,
        items: tuple[ItemExplanation, ...],
        extras: Mapping[str, ExtraValue] | None = None,
        unverified: Iterable[str] = (),
        warnings: Iterable[str] = (),
        thresholds_version: str | None = None,
    ) -> Result:
        """A scored result. `unverified` names the tables whose unverified parts decided it."""
        keys = [key for key in unverified if key in self._unverified_warning]
        notes = [self._unverified_warning[key] for key in keys]
        notes.extend(warnings)
        return Result(
            instrument=self.id,
            model_version=self.meta.model_version,
            thresholds_version=thresholds_version or self.meta.thresholds_version,
            verified=not keys,
            band=band,
            points=points,
            probability=probability,
            items=items,
            warnings=tuple(notes),
            errors=(),
            not_applicable_reason=None,
            extras=self._null_extras if not extras else {**self._null_extras, **extras},
        )

    @property
    def unverified_tables(self) -> tuple[str, ...]:
        return tuple(self._unverified_warning)
