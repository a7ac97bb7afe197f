"""The shape every instrument shares: metadata, verification status per table, and result building."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Any, ClassVar, Literal

from safeguard.calendar.ages import today_utc
from safeguard.instruments.fields import NOT_AN_OBJECT, Field, FieldSet, unknown_field_errors
from safeguard.instruments.result import (
    ExtraValue,
    FieldError,
    ItemExplanation,
    Result,
    Scalar,
    head_json,
    new_result,
)

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
    automatically; otherwise it is used only when it is scored in the same request. `when`, if
    given, limits the feed to the inputs it accepts (for example one generation of a composite):
    for other inputs the component is neither scored nor fed.
    """

    component: str
    field: str
    extract: Callable[[Result], Scalar]
    required: bool
    when: Callable[[Mapping[str, object]], bool] | None = None

    def applies(self, data: Mapping[str, object]) -> bool:
        return self.when is None or self.when(data)


@dataclass(frozen=True, slots=True)
class Context:
    """Everything a scoring call needs besides the answers: the date and where fed values came from."""

    today: date
    fed_from: Mapping[str, str] = field(default_factory=dict)
    failed_feeds: frozenset[str] = frozenset()


class ItemRule(dict[Any, ItemExplanation]):
    """Turns one item's answer into an explanation, sharing explanations for repeated answers.

    Most answers come from a small set (true/false, counts, whole-year ages), so the same
    immutable explanation object can serve every result that gives that answer. It is a dict
    from answer to explanation that fills itself: a repeated answer costs one lookup.
    """

    __slots__ = ("_limit", "_score", "_shown", "name")

    def __init__(
        self,
        name: str,
        score: Callable[[Any], tuple[int | None, str]],
        *,
        cache_limit: int = 4096,
        shown: Callable[[Any], Scalar] | None = None,
    ) -> None:
        """`score` maps an answer to (points, rule text); `shown` gives the displayed answer if not itself."""
        super().__init__()
        self.name = name
        self._score = score
        self._shown = shown or _answer
        self._limit = cache_limit

    def __missing__(self, answer: Any) -> ItemExplanation:
        points, rule = self._score(answer)
        item = ItemExplanation(self.name, self._shown(answer), points, rule)
        if len(self) < self._limit:
            self[answer] = item
        return item

    # `rule.explain(answer)` is the dict lookup itself, so a cached answer never enters Python code.
    explain = dict.__getitem__

    @classmethod
    def yes_no_or_count(
        cls, name: str, score: Callable[[Any], tuple[int | None, str]]
    ) -> tuple[ItemRule, ItemRule]:
        """Rules for an item answered yes/no or with a count: index [0] for a count, [1] for
        true/false, chosen with `rules[answer.__class__ is bool][answer]`.

        One cache cannot serve both, because true == 1 and false == 0 as dict keys: a count of 1
        would come back shown as true (or the reverse).
        """
        return cls(name, score), cls(name, score)


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
        # Extras shared between results are read-only views, so no caller can change another's result.
        self._null_extras: Mapping[str, ExtraValue] = MappingProxyType(dict.fromkeys(self.meta.extra_keys))
        self._tables = {table.key: table for table in self.meta.tables}
        self._heads: dict[Hashable, str] = {}
        self._heads_verified: dict[Hashable, str] = {}
        self._heads_unverified: dict[Hashable, str] = {}
        self._verified_by: dict[tuple[str, ...], tuple[tuple[str, ...], bool]] = {}
        # Warnings for unverified parts are fixed text, built once rather than per result.
        self._unverified_warning = {
            table.key: (
                f"Unverified ({table.status}): {table.title}; {table.verified_against}. "
                "Not a validated result."
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
            return self.error_result(
                [FieldError("$", NOT_AN_OBJECT, "the input must be a JSON object of field names and answers")]
            )
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

    def not_applicable(
        self,
        reason: str,
        *,
        items: tuple[ItemExplanation, ...] = (),
        probability: float | None = None,
        extras: Mapping[str, ExtraValue] | None = None,
        warnings: Iterable[str] = (),
    ) -> Result:
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
        unverified: tuple[str, ...] = (),
        warnings: Iterable[str] = (),
        thresholds_version: str | None = None,
        head_key: Hashable | None = None,
    ) -> Result:
        """A scored result. `unverified` names the tables whose unverified parts decided it.

        `head_key`, when given, must determine band, points, probability and extras completely
        (for example the total, where everything else follows from it): their JSON text is then
        built once per key instead of once per result.
        """
        if unverified:
            notes, verified = self._verification(unverified)
            if warnings:
                notes = notes + tuple(warnings)
        else:
            notes = tuple(warnings) if warnings else ()
            verified = True
        if extras is None:
            extras = self._null_extras
        elif tuple(extras) != self.meta.extra_keys:
            extras = {**self._null_extras, **extras}
        thresholds = thresholds_version or self.meta.thresholds_version
        return new_result(
            self.id,
            self.meta.model_version,
            thresholds,
            verified,
            band,
            points,
            probability,
            items,
            notes,
            (),
            None,
            extras,
            None
            if head_key is None
            else self._head(head_key, thresholds, verified, band, points, probability, extras),
        )

    def _verification(self, unverified: tuple[str, ...]) -> tuple[tuple[str, ...], bool]:
        """The warnings for the unverified tables named, and whether the result is still verified."""
        cached = self._verified_by.get(unverified)
        if cached is None:
            keys = [key for key in unverified if key in self._unverified_warning]
            cached = (tuple(self._unverified_warning[key] for key in keys), not keys)
            self._verified_by[unverified] = cached
        return cached

    def _head(
        self,
        key: Hashable,
        thresholds_version: str,
        verified: bool,
        band: str | None,
        points: int | None,
        probability: float | None,
        extras: Mapping[str, ExtraValue],
    ) -> str:
        cache_key = (key, thresholds_version, verified)
        text = self._heads.get(cache_key)
        if text is None:
            text = head_json(
                self.id,
                self.meta.model_version,
                thresholds_version,
                verified,
                band,
                points,
                probability,
                extras,
                None,
            )
            if len(self._heads) < 4096:
                self._heads[cache_key] = text
        return text

    def scored(
        self,
        band: str | None,
        points: int | None,
        probability: float | None,
        items: tuple[ItemExplanation, ...],
        extras: Mapping[str, ExtraValue],
        warnings: tuple[str, ...] = (),
        head_key: Hashable | None = None,
        unverified: tuple[str, ...] = (),
    ) -> Result:
        """`result()` for the hot path: positional arguments and complete extras, nothing merged."""
        if unverified:
            notes, verified = self._verification(unverified)
            if warnings:
                notes = notes + warnings
        else:
            notes, verified = warnings, True
        meta = self.meta
        thresholds = meta.thresholds_version
        head = None
        if head_key is not None:
            # Keyed without building tuples: one cache for verified results, one for the rest.
            cache = self._heads_verified if verified else self._heads_unverified
            head = cache.get(head_key)
            if head is None:
                head = self._head(head_key, thresholds, verified, band, points, probability, extras)
                if len(cache) < 4096:
                    cache[head_key] = head
        return new_result(
            self.id,
            meta.model_version,
            thresholds,
            verified,
            band,
            points,
            probability,
            items,
            notes,
            (),
            None,
            extras,
            head,
        )

    @property
    def unverified_tables(self) -> tuple[str, ...]:
        return tuple(self._unverified_warning)
