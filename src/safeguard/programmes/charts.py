"""A member's progress as small multiples: one small line chart per domain, modules across, the
rating (1 to 4) up. Server-drawn SVG geometry with presentation attributes only (the page's CSP
holds); the same ratings are in a table beside the charts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from safeguard.programmes.catalogue import ProgrammeTemplate
from safeguard.programmes.domains import DOMAINS, SCALE

WIDTH, HEIGHT = 260, 130
LEFT, RIGHT, TOP, BOTTOM = 34, 12, 10, 30
PAD = 14  # between the axis labels and the first and last module


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    module: int
    rating: int
    label: str


@dataclass(frozen=True)
class DomainChart:
    key: str
    title: str
    description: str
    points: list[Point]
    y_ticks: list[tuple[float, str]]
    x_ticks: list[tuple[float, str]]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    top: int = TOP
    bottom: int = HEIGHT - BOTTOM

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


@dataclass(frozen=True)
class ProgressChart:
    charts: list[DomainChart]
    modules: list[int]


def _y(rating: int) -> float:
    return (HEIGHT - BOTTOM) - (rating - 1) / 3 * ((HEIGHT - BOTTOM) - TOP)


def progress_chart(reviews: Sequence[Any], template: ProgrammeTemplate) -> ProgressChart:
    """`reviews`: ModuleReview rows (module and one column per domain), any order."""
    ordered = sorted(reviews, key=lambda r: r.module)
    modules = [r.module for r in ordered]
    count = len(template.modules)

    def x_of(module: int) -> float:
        if count <= 1:
            return (LEFT + WIDTH - RIGHT) / 2
        return LEFT + PAD + (module - 1) / (count - 1) * ((WIDTH - RIGHT - PAD) - (LEFT + PAD))

    charts = []
    for domain in DOMAINS:
        points = [
            Point(x_of(r.module), _y(getattr(r, domain.code)), r.module, getattr(r, domain.code),
                  f"Module {r.module}: {getattr(r, domain.code)} ({SCALE[getattr(r, domain.code)]})")
            for r in ordered
        ]
        first, last = points[0], points[-1]
        description = (
            f"{domain.label}: rated in {len(points)} module{'s' if len(points) != 1 else ''}, "
            f"from {first.rating} ({SCALE[first.rating]}) in module {first.module} "
            f"to {last.rating} ({SCALE[last.rating]}) in module {last.module}. The same figures are in the table."
        )
        charts.append(
            DomainChart(
                key=domain.code, title=domain.label, description=description, points=points,
                y_ticks=[(_y(v), str(v)) for v in SCALE],
                x_ticks=[(x_of(m), str(m)) for m in range(1, count + 1)],
            )
        )
    return ProgressChart(charts, modules)
