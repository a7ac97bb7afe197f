"""Reads the guideline data files (TOML) and checks them before the engine may use them.

A data file that breaks a rule (a starting point outside its range, a cell missing, a file marked
verified while holding candidate values) stops loading with every problem listed, so a bad
transcription cannot reach a result.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from safeguard.guidelines._reader import Reader, join, listing
from safeguard.guidelines.errors import GuidelineDataError, Problem
from safeguard.guidelines.facts import Evidence, Fact, Status, weakest
from safeguard.guidelines.model import (
    AgeLimit,
    Axis,
    Category,
    Cell,
    Condition,
    Consideration,
    Factor,
    Guideline,
    GuidelineLibrary,
    NotificationThreshold,
    Offence,
    OffenceRange,
    OffenceRule,
    Provenance,
    StatutoryMaximum,
    StepFactor,
    Table,
    TrialMode,
)
from safeguard.guidelines.sentences import Sentence, within
from safeguard.untrusted import GUIDELINE_FILE, InputRefused, parse_toml

DATA_DIRECTORY = Path(__file__).parent / "data"
OFFENCES_FILE = "offences.toml"
SCHEMA_VERSION = 1

_SLUG = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
_EVIDENCE = [e.value for e in Evidence]
_STATUS = [s.value for s in Status]
_FACT_KEYS = {"evidence", "source", "note"}
_SELECTIONS = ("most_serious", "single")
_GUIDELINE_REQUIRED = {
    "schema", "id", "version", "title", "publication", "offences", "effective_from", "provenance", "table",
}  # fmt: skip
_GUIDELINE_KEYS = _GUIDELINE_REQUIRED | {
    "notes", "offender_age", "offence_range", "harm", "culpability", "aggravating", "mitigating",
    "considerations", "offence_rules",
}  # fmt: skip


def _fact(reader: Reader, data: Mapping[str, object], base: str) -> Fact | None:
    evidence = reader.text(data, "evidence", base, required=True, choices=_EVIDENCE)
    source = reader.text(data, "source", base, required=True)
    note = reader.text(data, "note", base) or ""
    if evidence is None or source is None:
        return None
    if not source.strip():
        reader.add(join(base, "source"), "empty", "every fact needs its source")
        return None
    return Fact(Evidence(evidence), source, note)


def _section(reader: Reader, data: Mapping[str, object], key: str, base: str) -> Mapping[str, object] | None:
    value = data.get(key)
    if value is None:
        return None
    return reader.obj(value, join(base, key))


def _table_entry(reader: Reader, value: object, field: str) -> Sentence | None:
    if not isinstance(value, str):
        reader.add(
            field, "not_a_sentence", "expected '5y', '26w', 'community_order' or 'community_order:high'"
        )
        return None
    try:
        return Sentence.parse_table_entry(value)
    except ValueError as error:
        reader.add(field, "not_a_sentence", str(error))
        return None


def _age_limit(reader: Reader, data: Mapping[str, object], base: str) -> AgeLimit | None:
    reader.keys(data, base, allowed={"minimum", "maximum"} | _FACT_KEYS)
    minimum = reader.integer(data, "minimum", base, minimum=0, maximum=120)
    maximum = reader.integer(data, "maximum", base, minimum=0, maximum=120)
    fact = _fact(reader, data, base)
    if minimum is None and maximum is None:
        reader.add(base, "required", "an age limit needs a minimum or a maximum")
        return None
    if fact is None:
        return None
    return AgeLimit(minimum, maximum, fact)


def _provenance(reader: Reader, data: Mapping[str, object], base: str) -> Provenance | None:
    reader.keys(data, base, allowed={"source", "date_read", "status", "transcribed_from", "note"})
    source = reader.text(data, "source", base, required=True)
    date_read = reader.iso_date(data, "date_read", base, required=True)
    status = reader.text(data, "status", base, required=True, choices=_STATUS)
    transcribed = reader.text(data, "transcribed_from", base, required=True)
    note = reader.text(data, "note", base) or ""
    if source is None or date_read is None or status is None or transcribed is None:
        return None
    return Provenance(source, date_read, Status(status), transcribed, note)


def _check_status(reader: Reader, field: str, declared: Status, facts: list[Fact]) -> None:
    expected = Status.VERIFIED if weakest(facts) is Evidence.VERIFIED else Status.UNVERIFIED
    if declared is not expected:
        reader.add(
            field,
            "status_mismatch",
            f"status is {declared.value!r} but the facts it covers make it {expected.value!r}: "
            "a status may be 'verified' only when every fact under it is verified",
        )


def parse_offences(data: Mapping[str, object], file_name: str) -> dict[str, Offence]:
    reader = Reader()
    base = f"{file_name}#"
    reader.keys(
        data,
        base,
        allowed={"schema", "provenance", "offences"},
        required={"schema", "provenance", "offences"},
    )
    if data.get("schema") != SCHEMA_VERSION:
        reader.add(join(base, "schema"), "unsupported_schema", f"schema must be {SCHEMA_VERSION}")
    provenance_data = _section(reader, data, "provenance", base)
    provenance = _provenance(reader, provenance_data, join(base, "provenance")) if provenance_data else None
    offences: dict[str, Offence] = {}
    facts: list[Fact] = []
    for field, item in reader.obj_list(data, "offences", base, required=True) or []:
        offence = _offence(reader, item, field, facts)
        if offence is None:
            continue
        if offence.id in offences:
            reader.add(join(field, "id"), "duplicate", f"offence {offence.id} is defined twice")
        offences[offence.id] = offence
    if provenance is not None:
        _check_status(reader, join(base, "provenance.status"), provenance.status, facts)
    if reader.problems:
        raise GuidelineDataError(reader.problems)
    return offences


def _offence(reader: Reader, item: Mapping[str, object], field: str, facts: list[Fact]) -> Offence | None:
    reader.keys(
        item,
        field,
        allowed={
            "id",
            "title",
            "statute",
            "note",
            "maxima",
            "offender_age_at_offence",
            "victim_age",
            "notification_threshold",
        },
        required={"id", "title", "statute"},
    )
    offence_id = reader.text(item, "id", field, required=True)
    title = reader.text(item, "title", field, required=True)
    statute = reader.text(item, "statute", field, required=True)
    note = reader.text(item, "note", field) or ""
    if offence_id is not None and not _SLUG.match(offence_id):
        reader.add(join(field, "id"), "bad_id", "ids are lower-case letters, digits and hyphens")
    maxima: list[StatutoryMaximum] = []
    for max_field, max_item in reader.obj_list(item, "maxima", field) or []:
        maximum = _maximum(reader, max_item, max_field)
        if maximum is not None:
            maxima.append(maximum)
            facts.append(maximum.fact)
    age = None
    age_data = _section(reader, item, "offender_age_at_offence", field)
    if age_data is not None:
        age = _age_limit(reader, age_data, join(field, "offender_age_at_offence"))
        if age is not None:
            facts.append(age.fact)
    victim_under = None
    victim_fact = None
    victim_data = _section(reader, item, "victim_age", field)
    if victim_data is not None:
        victim_base = join(field, "victim_age")
        reader.keys(victim_data, victim_base, allowed={"under"} | _FACT_KEYS)
        victim_under = reader.integer(victim_data, "under", victim_base, minimum=1, maximum=18, required=True)
        victim_fact = _fact(reader, victim_data, victim_base)
        if victim_fact is not None:
            facts.append(victim_fact)
    threshold = None
    threshold_data = _section(reader, item, "notification_threshold", field)
    if threshold_data is not None:
        threshold_base = join(field, "notification_threshold")
        reader.keys(
            threshold_data,
            threshold_base,
            allowed={"images_showed_under", "offender_at_least", "or_custody_at_least"} | _FACT_KEYS,
        )
        victim = reader.integer(
            threshold_data, "images_showed_under", threshold_base, minimum=1, maximum=18, required=True
        )
        offender = reader.integer(
            threshold_data, "offender_at_least", threshold_base, minimum=0, maximum=120, required=True
        )
        custody = reader.duration(threshold_data, "or_custody_at_least", threshold_base, required=True)
        threshold_fact = _fact(reader, threshold_data, threshold_base)
        if victim is not None and offender is not None and custody is not None and threshold_fact is not None:
            threshold = NotificationThreshold(victim, offender, custody, threshold_fact)
            facts.append(threshold_fact)
    _check_maxima(reader, maxima, field)
    if offence_id is None or title is None or statute is None:
        return None
    return Offence(
        id=offence_id,
        title=title,
        statute=statute,
        maxima=tuple(maxima),
        offender_age_at_offence=age,
        victim_age_under=victim_under,
        victim_age_fact=victim_fact,
        notification_threshold=threshold,
        note=note,
    )


def _maximum(reader: Reader, item: Mapping[str, object], field: str) -> StatutoryMaximum | None:
    reader.keys(
        item,
        field,
        allowed={"condition", "mode", "maximum", "indictable_only", "in_force_from", "in_force_until"}
        | _FACT_KEYS,
    )
    condition = reader.text(item, "condition", field, required=True, choices=[c.value for c in Condition])
    mode = reader.text(item, "mode", field, required=True, choices=[m.value for m in TrialMode])
    maximum = reader.duration(item, "maximum", field, required=True)
    indictable_only = reader.boolean(item, "indictable_only", field, required=True)
    start = reader.iso_date(item, "in_force_from", field)
    end = reader.iso_date(item, "in_force_until", field)
    fact = _fact(reader, item, field)
    if start is not None and end is not None and end < start:
        reader.add(join(field, "in_force_until"), "bad_range", "in_force_until is before in_force_from")
    if indictable_only and mode == TrialMode.SUMMARY.value:
        reader.add(join(field, "mode"), "contradiction", "an indictable-only offence has no summary maximum")
    if condition is None or mode is None or maximum is None or indictable_only is None or fact is None:
        return None
    return StatutoryMaximum(TrialMode(mode), Condition(condition), maximum, indictable_only, fact, start, end)


def _check_maxima(reader: Reader, maxima: list[StatutoryMaximum], field: str) -> None:
    # Two maxima for the same mode and form must not both apply to one offence date.
    for index, first in enumerate(maxima):
        for second in maxima[index + 1 :]:
            if first.mode is not second.mode or first.condition is not second.condition:
                continue
            first_end = first.in_force_until
            second_end = second.in_force_until
            starts_before_other_ends = (
                second_end is None or first.in_force_from is None or first.in_force_from <= second_end
            )
            other_starts_before_end = (
                first_end is None or second.in_force_from is None or second.in_force_from <= first_end
            )
            if starts_before_other_ends and other_starts_before_end:
                reader.add(
                    join(field, "maxima"),
                    "overlap",
                    f"two {first.mode.value} maxima for the {first.condition.value} form overlap in time",
                )


def parse_guideline(data: Mapping[str, object], file_name: str, offences: Mapping[str, Offence]) -> Guideline:
    reader = Reader()
    base = f"{file_name}#"
    reader.keys(data, base, allowed=_GUIDELINE_KEYS, required=_GUIDELINE_REQUIRED)
    if data.get("schema") != SCHEMA_VERSION:
        reader.add(join(base, "schema"), "unsupported_schema", f"schema must be {SCHEMA_VERSION}")
    guideline_id = reader.text(data, "id", base, required=True)
    if guideline_id is not None and not _SLUG.match(guideline_id):
        reader.add(join(base, "id"), "bad_id", "ids are lower-case letters, digits and hyphens")
    version = reader.text(data, "version", base, required=True)
    title = reader.text(data, "title", base, required=True)
    publication = reader.text(data, "publication", base, required=True)
    covered = reader.text_list(data, "offences", base, required=True) or ()
    for index, offence_id in enumerate(covered):
        if offence_id not in offences:
            reader.add(
                join(join(base, "offences"), index),
                "unknown_offence",
                f"{offence_id} is not defined in {OFFENCES_FILE}; defined: {listing(offences)}",
            )
    if data.get("offences") is not None and not covered:
        reader.add(join(base, "offences"), "empty", "a guideline covers at least one offence")
    notes = reader.text_list(data, "notes", base) or ()

    effective_base = join(base, "effective_from")
    effective_data = _section(reader, data, "effective_from", base)
    effective = None
    effective_fact = None
    if effective_data is not None:
        reader.keys(effective_data, effective_base, allowed={"date"} | _FACT_KEYS)
        effective = reader.iso_date(effective_data, "date", effective_base, required=True)
        effective_fact = _fact(reader, effective_data, effective_base)

    provenance_data = _section(reader, data, "provenance", base)
    provenance = _provenance(reader, provenance_data, join(base, "provenance")) if provenance_data else None

    offender_age = None
    age_data = _section(reader, data, "offender_age", base)
    if age_data is not None:
        offender_age = _age_limit(reader, age_data, join(base, "offender_age"))

    offence_range = None
    range_data = _section(reader, data, "offence_range", base)
    if range_data is not None:
        range_base = join(base, "offence_range")
        reader.keys(range_data, range_base, allowed={"from", "to"} | _FACT_KEYS, required={"from", "to"})
        lowest = _table_entry(reader, range_data.get("from"), join(range_base, "from"))
        highest = _table_entry(reader, range_data.get("to"), join(range_base, "to"))
        range_fact = _fact(reader, range_data, range_base)
        if lowest is not None and highest is not None and range_fact is not None:
            if lowest.rank() > highest.rank():
                reader.add(range_base, "bad_range", "the offence range's lowest point is above its highest")
            offence_range = OffenceRange(lowest, highest, range_fact)

    harm = _axis(reader, data, "harm", base)
    culpability = _axis(reader, data, "culpability", base)
    if (harm is None) != (culpability is None) and not reader.problems:
        reader.add(base, "incomplete", "give both harm and culpability, or neither")
    if harm is not None and culpability is not None:
        shared = set(harm.factor_ids()) & set(culpability.factor_ids())
        if shared:
            reader.add(base, "duplicate", f"factor ids used on both axes: {listing(shared)}")

    table = _table(reader, data, base, harm, culpability, offence_range)
    aggravating = _step_factors(reader, data, "aggravating", base)
    mitigating = _step_factors(reader, data, "mitigating", base)
    step_ids = [f.id for f in aggravating + mitigating]
    if len(step_ids) != len(set(step_ids)):
        reader.add(base, "duplicate", "an aggravating or mitigating factor id is used twice")

    considerations: list[Consideration] = []
    for field, item in reader.obj_list(data, "considerations", base) or []:
        reader.keys(item, field, allowed={"label"} | _FACT_KEYS)
        label = reader.text(item, "label", field, required=True)
        fact = _fact(reader, item, field)
        if label is not None and fact is not None:
            considerations.append(Consideration(label, fact))

    rules: list[OffenceRule] = []
    for field, item in reader.obj_list(data, "offence_rules", base) or []:
        reader.keys(item, field, allowed={"offence", "culpability_categories"} | _FACT_KEYS)
        rule_offence = reader.text(item, "offence", field, required=True, choices=covered)
        categories = reader.text_list(item, "culpability_categories", field, required=True) or ()
        fact = _fact(reader, item, field)
        known = [c.id for c in culpability.categories] if culpability else []
        for index, category in enumerate(categories):
            if category not in known:
                reader.add(
                    join(join(field, "culpability_categories"), index),
                    "unknown_category",
                    f"{category} is not a culpability category; defined: {listing(known)}",
                )
        if rule_offence is not None and categories and fact is not None:
            rules.append(OffenceRule(rule_offence, categories, fact))

    if table is not None and table.available:
        _check_against_maxima(reader, base, table, covered, offences, rules)

    if reader.problems:
        raise GuidelineDataError(reader.problems)
    if (
        guideline_id is None or version is None or title is None or publication is None
        or effective is None or effective_fact is None or provenance is None or table is None
    ):  # fmt: skip
        raise GuidelineDataError(reader.problems)  # unreachable: a problem was recorded for each
    guideline = Guideline(
        id=guideline_id,
        version=version,
        title=title,
        publication=publication,
        effective_from=effective,
        effective_fact=effective_fact,
        offences=covered,
        provenance=provenance,
        table=table,
        file_name=file_name,
        offender_age=offender_age,
        offence_range=offence_range,
        harm=harm,
        culpability=culpability,
        aggravating=aggravating,
        mitigating=mitigating,
        considerations=tuple(considerations),
        offence_rules=tuple(rules),
        notes=notes,
    )
    _check_status(reader, join(base, "provenance.status"), provenance.status, guideline.all_facts())
    if reader.problems:
        raise GuidelineDataError(reader.problems)
    return guideline


def _axis(reader: Reader, data: Mapping[str, object], name: str, base: str) -> Axis | None:
    section = _section(reader, data, name, base)
    if section is None:
        return None
    axis_base = join(base, name)
    reader.keys(section, axis_base, allowed={"label", "selection", "residual", "categories"} | _FACT_KEYS)
    label = reader.text(section, "label", axis_base, required=True)
    selection = reader.text(section, "selection", axis_base, required=True, choices=_SELECTIONS)
    residual = reader.text(section, "residual", axis_base)
    fact = _fact(reader, section, axis_base)
    categories: list[Category] = []
    for field, item in reader.obj_list(section, "categories", axis_base, required=True) or []:
        reader.keys(item, field, allowed={"id", "label", "description", "factors"})
        category_id = reader.text(item, "id", field, required=True)
        category_label = reader.text(item, "label", field, required=True)
        description = reader.text(item, "description", field) or ""
        factors: list[Factor] = []
        for factor_field, factor_item in reader.obj_list(item, "factors", field) or []:
            reader.keys(factor_item, factor_field, allowed={"id", "label", "penetrative"})
            factor_id = reader.text(factor_item, "id", factor_field, required=True)
            factor_label = reader.text(factor_item, "label", factor_field, required=True)
            penetrative = reader.boolean(factor_item, "penetrative", factor_field) or False
            if factor_id is not None and not _SLUG.match(factor_id):
                reader.add(join(factor_field, "id"), "bad_id", "factor ids are lower-case words joined by _")
            if factor_id is not None and factor_label is not None:
                factors.append(Factor(factor_id, factor_label, penetrative))
        if category_id is not None and category_label is not None:
            if not factors and category_id != residual:
                reader.add(
                    field,
                    "no_factors",
                    f"category {category_id} has no factors and is not the residual category",
                )
            categories.append(Category(category_id, category_label, tuple(factors), description))
    ids = [c.id for c in categories]
    if len(ids) != len(set(ids)):
        reader.add(join(axis_base, "categories"), "duplicate", "a category id is used twice")
    factor_ids = [f.id for c in categories for f in c.factors]
    if len(factor_ids) != len(set(factor_ids)):
        reader.add(join(axis_base, "categories"), "duplicate", "a factor id is used twice")
    if residual is not None and residual not in ids:
        reader.add(
            join(axis_base, "residual"),
            "unknown_category",
            f"residual {residual} is not a category; defined: {listing(ids)}",
        )
    if label is None or selection is None or fact is None or not categories:
        return None
    return Axis(name, label, tuple(categories), fact, selection, residual)


def _table(
    reader: Reader,
    data: Mapping[str, object],
    base: str,
    harm: Axis | None,
    culpability: Axis | None,
    offence_range: OffenceRange | None,
) -> Table | None:
    section = _section(reader, data, "table", base)
    if section is None:
        return None
    table_base = join(base, "table")
    available = reader.boolean(section, "available", table_base, required=True)
    note = reader.text(section, "note", table_base) or ""
    if available is None:
        return None
    if not available:
        reader.keys(section, table_base, allowed={"available", "note"})
        if not note:
            reader.add(join(table_base, "note"), "required", "say why the table is not available")
        return Table(False, None, None, {}, note)
    reader.keys(section, table_base, allowed={"available", "status", "cells"} | _FACT_KEYS)
    status = reader.text(section, "status", table_base, required=True, choices=_STATUS)
    fact = _fact(reader, section, table_base)
    if harm is None or culpability is None:
        reader.add(table_base, "no_axes", "a table needs harm and culpability categories")
        return None
    cells: dict[tuple[str, str], Cell] = {}
    harm_ids = [c.id for c in harm.categories]
    culpability_ids = [c.id for c in culpability.categories]
    for field, item in reader.obj_list(section, "cells", table_base, required=True) or []:
        reader.keys(item, field, allowed={"harm", "culpability", "starting_point", "range"} | _FACT_KEYS)
        harm_id = reader.text(item, "harm", field, required=True, choices=harm_ids)
        culpability_id = reader.text(item, "culpability", field, required=True, choices=culpability_ids)
        start = _table_entry(reader, item.get("starting_point"), join(field, "starting_point"))
        bounds = item.get("range")
        low = high = None
        if not isinstance(bounds, list) or len(bounds) != 2:
            reader.add(join(field, "range"), "bad_range", "a range is [lowest, highest]")
        else:
            low = _table_entry(reader, bounds[0], join(join(field, "range"), 0))
            high = _table_entry(reader, bounds[1], join(join(field, "range"), 1))
        cell_fact = _fact(reader, item, field)
        if (
            harm_id is None
            or culpability_id is None
            or start is None
            or low is None
            or high is None
            or cell_fact is None
        ):
            continue
        if low.rank() > high.rank():
            reader.add(join(field, "range"), "bad_range", "the range's lowest point is above its highest")
        elif not within(start, low, high):
            reader.add(
                join(field, "starting_point"),
                "outside_range",
                "the starting point is outside the category range",
            )
        if offence_range is not None and not (
            within(low, offence_range.lowest, offence_range.highest)
            and within(high, offence_range.lowest, offence_range.highest)
        ):
            reader.add(
                join(field, "range"),
                "outside_offence_range",
                "the category range goes outside the offence range",
            )
        key = (harm_id, culpability_id)
        if key in cells:
            reader.add(field, "duplicate", f"cell {harm_id}/{culpability_id} is given twice")
        cells[key] = Cell(harm_id, culpability_id, start, low, high, cell_fact)
    for harm_id in harm_ids:
        for culpability_id in culpability_ids:
            if (harm_id, culpability_id) not in cells:
                reader.add(
                    join(table_base, "cells"), "missing_cell", f"cell {harm_id}/{culpability_id} is missing"
                )
    if status is None or fact is None:
        return None
    cell_facts = [c.fact for c in cells.values()]
    if cell_facts and fact.evidence is not weakest(cell_facts):
        reader.add(
            join(table_base, "evidence"),
            "evidence_mismatch",
            f"the table's evidence must be its weakest cell's ({weakest(cell_facts).value})",
        )
    _check_status(reader, join(table_base, "status"), Status(status), [fact, *cell_facts])
    return Table(True, fact, Status(status), cells)


def _step_factors(reader: Reader, data: Mapping[str, object], key: str, base: str) -> tuple[StepFactor, ...]:
    found: list[StepFactor] = []
    for field, item in reader.obj_list(data, key, base) or []:
        reader.keys(item, field, allowed={"id", "label"} | _FACT_KEYS)
        factor_id = reader.text(item, "id", field, required=True)
        label = reader.text(item, "label", field, required=True)
        fact = _fact(reader, item, field)
        if factor_id is not None and label is not None and fact is not None:
            found.append(StepFactor(factor_id, label, fact))
    return tuple(found)


def _check_against_maxima(
    reader: Reader,
    base: str,
    table: Table,
    covered: tuple[str, ...],
    offences: Mapping[str, Offence],
    rules: list[OffenceRule],
) -> None:
    # A category range above the highest maximum for the offence would be a transcription error.
    for offence_id in covered:
        offence = offences.get(offence_id)
        if offence is None or not offence.maxima:
            continue
        ceiling = max(m.maximum.in_months() for m in offence.maxima)
        rule = next((r for r in rules if r.offence == offence_id), None)
        for cell in table.cells.values():
            if rule is not None and cell.culpability not in rule.culpability_categories:
                continue
            top = cell.range_to
            if top.is_custody and top.length is not None and top.length.in_months() > ceiling:
                reader.add(
                    join(base, "table.cells"),
                    "above_maximum",
                    f"cell {cell.harm}/{cell.culpability} goes above the statutory maximum of {offence_id}",
                )


def _read_toml(path: Path) -> Mapping[str, object]:
    """A data file, read within the limits on size and structure for guideline files."""
    try:
        return parse_toml(path.read_bytes(), GUIDELINE_FILE)
    except OSError as error:
        raise GuidelineDataError(
            [Problem(path.name, "unreadable", f"cannot read {path.name}: {error}")]
        ) from error
    except InputRefused as refused:
        raise GuidelineDataError(
            [Problem(path.name, "unreadable", f"cannot read {path.name}: {refused.sentence()}")]
        ) from None


def load_library(directory: Path | None = None) -> GuidelineLibrary:
    """Load and check every data file in `directory` (default: the packaged data)."""
    folder = directory or DATA_DIRECTORY
    offences_path = folder / OFFENCES_FILE
    offences = parse_offences(_read_toml(offences_path), OFFENCES_FILE)
    guidelines: list[Guideline] = []
    problems: list[Problem] = []
    for path in sorted(folder.glob("*.toml")):
        if path.name == OFFENCES_FILE:
            continue
        try:
            guideline = parse_guideline(_read_toml(path), path.name, offences)
        except GuidelineDataError as error:
            problems.extend(error.problems)
            continue
        expected_name = f"{guideline.id}-{guideline.version}.toml"
        if path.name != expected_name:
            problems.append(Problem(path.name, "file_name", f"name this file {expected_name}"))
        guidelines.append(guideline)
    keys = [(g.id, g.version) for g in guidelines]
    if len(keys) != len(set(keys)):
        problems.append(Problem(folder.name, "duplicate", "two files hold the same guideline version"))
    if problems:
        raise GuidelineDataError(problems)
    return GuidelineLibrary(offences, tuple(guidelines))


@cache
def default_library() -> GuidelineLibrary:
    """The packaged guideline data, loaded once per process."""
    return load_library()
