"""Plug-in points of the shell: what each app adds to navigation, dashboards and the person page.

An app registers its entries in its `AppConfig.ready()` (or a module imported from there), so
adding an app never edits `core` or another app's templates. The shell asks the registry, and
shows an entry only when the policy allows its action and, for panels and sections, when the
entry's context function returns something to show (None hides it: a panel for a feature with
nothing behind it is not drawn, it does not say "nothing is due").

Context functions run once per page view: each must do a bounded number of queries, scoped
through the policy, whatever the size of the data.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from safeguard.policy import Actor

Context = Mapping[str, Any]


@dataclass(frozen=True)
class NavEntry:
    """A menu item: shown when the actor's role grants `action` and, if given, `when(actor)` is true
    (for an entry that means nothing to some roles the policy grants it to; it runs on every page,
    so it must not query the database)."""

    label: str
    url_name: str
    action: str
    order: int = 100
    when: Callable[[Actor], bool] | None = None


@dataclass(frozen=True)
class DashboardPanel:
    """A panel on the dashboard. `context(actor)` returns the template's context, or None to hide it.

    `width` is a GOV.UK grid width: "one-third", "two-thirds" or "full".
    """

    name: str
    template: str
    action: str
    context: Callable[[Actor], Context | None]
    order: int = 100
    width: str = "one-third"


@dataclass(frozen=True)
class PersonSection:
    """A section of the person page. `context(actor, person)` returns its context, or None to hide it."""

    name: str
    template: str
    action: str
    context: Callable[[Actor, Any], Context | None]
    order: int = 100


_NAV: dict[str, NavEntry] = {}
_PANELS: dict[str, DashboardPanel] = {}
_SECTIONS: dict[str, PersonSection] = {}


def _add(registry: dict[str, Any], key: str, entry: Any) -> None:
    existing = registry.get(key)
    if existing is not None and existing != entry:
        raise ValueError(f"{key!r} is already registered with a different entry")
    registry[key] = entry


def register_nav(entry: NavEntry) -> None:
    _add(_NAV, entry.url_name, entry)


def register_panel(panel: DashboardPanel) -> None:
    if panel.width not in {"one-third", "two-thirds", "full"}:
        raise ValueError(f"panel {panel.name!r}: width must be one-third, two-thirds or full")
    _add(_PANELS, panel.name, panel)


def register_person_section(section: PersonSection) -> None:
    _add(_SECTIONS, section.name, section)


def nav_entries(actor: Actor | None) -> list[NavEntry]:
    from safeguard import policy

    if actor is None:
        return []
    entries = sorted(_NAV.values(), key=lambda e: (e.order, e.label))
    return [e for e in entries if policy.allows(actor, e.action) and (e.when is None or e.when(actor))]


@dataclass(frozen=True)
class Shown:
    """A panel or section with the context it is drawn with."""

    name: str
    template: str
    context: Context
    width: str = "full"


def dashboard_panels(actor: Actor) -> list[Shown]:
    from safeguard import policy

    shown = []
    for panel in sorted(_PANELS.values(), key=lambda p: (p.order, p.name)):
        if not policy.allows(actor, panel.action):
            continue
        context = panel.context(actor)
        if context is not None:
            shown.append(Shown(panel.name, panel.template, context, panel.width))
    return shown


def person_sections(actor: Actor, person: Any) -> list[Shown]:
    from safeguard import policy

    shown = []
    for section in sorted(_SECTIONS.values(), key=lambda s: (s.order, s.name)):
        if not policy.allows(actor, section.action):
            continue
        context = section.context(actor, person)
        if context is not None:
            shown.append(Shown(section.name, section.template, context))
    return shown


@dataclass(frozen=True)
class DemoLoader:
    """Synthetic demo data an app adds to `safeguard demo load`: `load(agencies)` is given the demo
    agencies by name, must be safe to run again (get-or-create), and returns counts to print."""

    name: str
    load: Callable[[Mapping[str, Any]], Mapping[str, int]]
    order: int = 100


_DEMO: dict[str, DemoLoader] = {}


def register_demo(loader: DemoLoader) -> None:
    _add(_DEMO, loader.name, loader)


def demo_loaders() -> list[DemoLoader]:
    return sorted(_DEMO.values(), key=lambda d: (d.order, d.name))
