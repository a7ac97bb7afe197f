"""The programme catalogue: versioned templates read from the TOML files in `data/`.

A template is a programme as designed (modules, session templates, homework), with where it is
delivered, for whom, its intensity, its source and how far its facts are verified. Groups are run
from one version of one template. Pure Python: no Django, so the CLI, the tests and the app read the
same files the same way; a file that does not hold together raises `CatalogueError` on load.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data"

SETTINGS = ("custody", "community", "both")
AUDIENCES = ("sexual_offending", "internet_offending", "general", "prevention")
INTENSITIES = ("high", "moderate", "none")
DELIVERIES = ("group", "individual")
SESSION_KINDS = ("group", "one_to_one")
STAGES = ("", "pre_group", "review")
STATUSES = ("verified", "secondary", "illustrative")
STATUS_WORDS = {
    "verified": "Checked against the source",
    "secondary": "From a secondary source, not checked against the original",
    "illustrative": "Written for Safeguard as an example: not an accredited programme",
}
# The rank of an intensity: a completed programme meets a pathway of its own rank or lower.
INTENSITY_RANK = {"none": 0, "moderate": 1, "high": 2}


class CatalogueError(ValueError):
    """A template file that does not hold together."""


@dataclass(frozen=True)
class Homework:
    title: str
    description: str


@dataclass(frozen=True)
class SessionTemplate:
    number: int  # order within the whole programme, from 1
    module: int
    name: str
    kind: str  # group | one_to_one
    minutes: int
    stage: str = ""  # pre_group | review | ""
    homework: tuple[Homework, ...] = ()

    @property
    def is_one_to_one(self) -> bool:
        return self.kind == "one_to_one"


@dataclass(frozen=True)
class Module:
    number: int
    name: str
    sessions: tuple[SessionTemplate, ...]


@dataclass(frozen=True)
class ProgrammeTemplate:
    id: str
    version: str
    name: str
    summary: str
    setting: str
    audience: str
    intensity: str
    delivery: str
    eligibility: str
    duration: str
    source: str
    status: str
    valid_from: date
    valid_until: date | None
    min_size: int
    max_size: int
    modules: tuple[Module, ...]
    notes: tuple[str, ...] = ()
    # Gaps of the spec's scheduling rules, in days.
    gap_after_pre_group_days: int = 21
    gap_before_review_days: int = 42
    file: str = field(default="", compare=False)

    @property
    def key(self) -> str:
        return f"{self.id}@{self.version}"

    @property
    def sessions(self) -> tuple[SessionTemplate, ...]:
        return tuple(s for m in self.modules for s in m.sessions)

    def session(self, number: int) -> SessionTemplate | None:
        return next((s for s in self.sessions if s.number == number), None)

    def module(self, number: int) -> Module | None:
        return next((m for m in self.modules if m.number == number), None)

    @property
    def group_sessions(self) -> int:
        return sum(1 for s in self.sessions if s.kind == "group")

    @property
    def one_to_one_sessions(self) -> int:
        return sum(1 for s in self.sessions if s.kind == "one_to_one")

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)

    @property
    def status_words(self) -> str:
        return STATUS_WORDS[self.status]


def _text(data: Mapping[str, Any], key: str, where: str, *, required: bool = True) -> str:
    value = data.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise CatalogueError(f"{where}: {key!r} must be text")
    return value.strip()


def _int(data: Mapping[str, Any], key: str, where: str, low: int, high: int) -> int:
    value = data.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise CatalogueError(f"{where}: {key!r} must be a whole number from {low} to {high}")
    return value


def _one_of(data: Mapping[str, Any], key: str, where: str, allowed: tuple[str, ...], default: str | None = None) -> str:
    value = data.get(key, default)
    if value not in allowed:
        raise CatalogueError(f"{where}: {key!r} must be one of {', '.join(a or '(empty)' for a in allowed)}")
    return str(value)


def _date(data: Mapping[str, Any], key: str, where: str, *, required: bool = True) -> date | None:
    value = data.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, date):
        raise CatalogueError(f"{where}: {key!r} must be a date (YYYY-MM-DD)")
    return value


def parse(data: Mapping[str, Any], file: str = "") -> ProgrammeTemplate:
    """A template from the data of one file; raises CatalogueError naming what is wrong."""
    where = file or "template"
    modules: list[Module] = []
    number = 0
    raw_modules = data.get("modules")
    if not isinstance(raw_modules, list) or not raw_modules:
        raise CatalogueError(f"{where}: a template needs at least one [[modules]] entry")
    for m_index, raw in enumerate(raw_modules, start=1):
        m_where = f"{where} module {m_index}"
        if _int(raw, "number", m_where, 1, 99) != m_index:
            raise CatalogueError(f"{m_where}: modules are numbered 1, 2, 3 … in order")
        sessions: list[SessionTemplate] = []
        raw_sessions = raw.get("sessions")
        if not isinstance(raw_sessions, list) or not raw_sessions:
            raise CatalogueError(f"{m_where}: a module needs at least one [[modules.sessions]] entry")
        for s_raw in raw_sessions:
            number += 1
            s_where = f"{m_where} session {number}"
            homework = tuple(
                Homework(_text(h, "title", s_where), _text(h, "description", s_where))
                for h in s_raw.get("homework", [])
            )
            sessions.append(
                SessionTemplate(
                    number=number, module=m_index, name=_text(s_raw, "name", s_where),
                    kind=_one_of(s_raw, "kind", s_where, SESSION_KINDS),
                    minutes=_int(s_raw, "minutes", s_where, 15, 480),
                    stage=_one_of(s_raw, "stage", s_where, STAGES, default=""),
                    homework=homework,
                )
            )
        modules.append(Module(number=m_index, name=_text(raw, "name", m_where), sessions=tuple(sessions)))
    template = ProgrammeTemplate(
        id=_text(data, "id", where), version=_text(data, "version", where), name=_text(data, "name", where),
        summary=_text(data, "summary", where), setting=_one_of(data, "setting", where, SETTINGS),
        audience=_one_of(data, "audience", where, AUDIENCES),
        intensity=_one_of(data, "intensity", where, INTENSITIES),
        delivery=_one_of(data, "delivery", where, DELIVERIES),
        eligibility=_text(data, "eligibility", where), duration=_text(data, "duration", where),
        source=_text(data, "source", where), status=_one_of(data, "status", where, STATUSES),
        valid_from=_date(data, "valid_from", where) or date.min,
        valid_until=_date(data, "valid_until", where, required=False),
        min_size=_int(data, "min_size", where, 1, 30), max_size=_int(data, "max_size", where, 1, 30),
        modules=tuple(modules), notes=tuple(str(n) for n in data.get("notes", [])),
        gap_after_pre_group_days=_int({"v": data.get("gap_after_pre_group_days", 21)}, "v", where, 0, 365),
        gap_before_review_days=_int({"v": data.get("gap_before_review_days", 42)}, "v", where, 0, 365),
        file=file,
    )
    _check(template, where)
    return template


def _check(t: ProgrammeTemplate, where: str) -> None:
    if t.min_size > t.max_size:
        raise CatalogueError(f"{where}: min_size is larger than max_size")
    if t.valid_until is not None and t.valid_until < t.valid_from:
        raise CatalogueError(f"{where}: valid_until is before valid_from")
    sessions = t.sessions
    stages = [s.stage for s in sessions]
    if stages.count("pre_group") > 1 or stages.count("review") > 1:
        raise CatalogueError(f"{where}: at most one pre-group session and one review")
    if "pre_group" in stages and sessions[0].stage != "pre_group":
        raise CatalogueError(f"{where}: the pre-group session comes first")
    if "review" in stages and sessions[-1].stage != "review":
        raise CatalogueError(f"{where}: the post-programme review comes last")
    if t.delivery == "individual":
        if any(s.kind != "one_to_one" for s in sessions):
            raise CatalogueError(f"{where}: individual delivery has one-to-one sessions only")
        if t.max_size != 1:
            raise CatalogueError(f"{where}: individual delivery is for one person (max_size 1)")
    elif t.group_sessions == 0:
        raise CatalogueError(f"{where}: a group programme needs group sessions")
    if t.audience == "prevention" and t.intensity != "none":
        raise CatalogueError(f"{where}: a prevention course has no accredited intensity")


@cache
def catalogue() -> tuple[ProgrammeTemplate, ...]:
    """Every template of every file, ordered by name then version."""
    found = []
    for path in sorted(DATA.glob("*.toml")):
        with path.open("rb") as handle:
            found.append(parse(tomllib.load(handle), file=path.name))
    keys = [t.key for t in found]
    if len(set(keys)) != len(keys):
        raise CatalogueError("two template files have the same id and version")
    return tuple(sorted(found, key=lambda t: (t.name, t.version)))


def versions(template_id: str) -> list[ProgrammeTemplate]:
    return [t for t in catalogue() if t.id == template_id]


def get(template_id: str, version: str | None = None) -> ProgrammeTemplate | None:
    """One version of a template; without a version, the newest by valid-from date."""
    found = versions(template_id)
    if version is not None:
        return next((t for t in found if t.version == version), None)
    return max(found, key=lambda t: t.valid_from, default=None)


def current(template_id: str, day: date) -> ProgrammeTemplate | None:
    """The version valid on `day`, if any."""
    valid = [t for t in versions(template_id) if t.valid_on(day)]
    return max(valid, key=lambda t: t.valid_from, default=None)


def ids() -> list[str]:
    return sorted({t.id for t in catalogue()})
