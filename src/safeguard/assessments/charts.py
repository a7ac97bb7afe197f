"""Server-drawn line charts as inline SVG geometry: no chart library, no script, no inline styles.

The template `assessments/_chart.html` draws the geometry computed here with presentation
attributes only, so the page's strict CSP holds; every chart has a data table beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 24, 16, 44
NICE_STEPS = (1, 2, 5, 10, 20, 25, 50, 100)
MIN_TICK_GAP = 80  # px between two date labels ("May 2026" is about 60 px wide at 13 px)


@dataclass(frozen=True)
class ChartPoint:
    x: float
    y: float
    day: date
    value: int
    label: str


@dataclass(frozen=True)
class Tick:
    position: float
    label: str
    anchor: str = "middle"


@dataclass(frozen=True)
class LineChart:
    key: str
    title: str
    description: str
    points: list[ChartPoint]
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    top: int = TOP
    bottom: int = HEIGHT - BOTTOM

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


def _x_ticks(candidates: list[ChartPoint]) -> list[Tick]:
    """Date labels under the axis: one per month shown, never two closer than MIN_TICK_GAP (two
    ratings on one day, or in one month, would print one label over another)."""
    kept: list[tuple[float, str]] = []
    for point in candidates:
        label = f"{point.day:%b %Y}"
        if kept and (label == kept[-1][1] or point.x - kept[-1][0] < MIN_TICK_GAP):
            continue
        kept.append((point.x, label))
    if len(kept) == 1:
        return [Tick(kept[0][0], kept[0][1])]
    # Labels at the ends are anchored inwards so that they stay inside the drawing.
    last = len(kept) - 1
    return [
        Tick(x, label, "start" if i == 0 else "end" if i == last else "middle")
        for i, (x, label) in enumerate(kept)
    ]


def _step(span: int) -> int:
    for step in NICE_STEPS:
        if span / step <= 6:
            return step
    return max(1, span // 6)


def line_chart(
    *, key: str, title: str, series: list[tuple[date, int]], y_range: tuple[int, int] | None, unit: str = "points"
) -> LineChart:
    """A chart of whole-number values over dates; the y axis spans `y_range` (widened to fit the data)."""
    ordered = sorted(series)
    values = [v for _, v in ordered]
    low, high = y_range if y_range else (min(values, default=0), max(values, default=1))
    low, high = min([low, *values]), max([high, *values])
    if high == low:
        high = low + 1
    plot_left, plot_right, plot_top, plot_bottom = LEFT, WIDTH - RIGHT, TOP, HEIGHT - BOTTOM

    def y_of(value: float) -> float:
        return plot_bottom - (value - low) / (high - low) * (plot_bottom - plot_top)

    first, last = (ordered[0][0], ordered[-1][0]) if ordered else (date.min, date.min)
    days = (last - first).days

    def x_of(day: date) -> float:
        if days == 0:
            return (plot_left + plot_right) / 2
        return plot_left + (day - first).days / days * (plot_right - plot_left)

    points = [
        ChartPoint(x=x_of(d), y=y_of(v), day=d, value=v, label=f"{d:%-d %b %Y}: {v} {unit}") for d, v in ordered
    ]
    step = _step(high - low)
    start = low - (low % step) if low % step else low
    y_ticks = [Tick(y_of(v), str(v)) for v in range(start, high + 1, step) if v >= low]
    x_ticks = _x_ticks(points if len(points) <= 6 else [points[i * (len(points) - 1) // 5] for i in range(6)])
    if values:
        description = (
            f"{len(values)} rating{'s' if len(values) != 1 else ''} from {first:%-d %B %Y} to {last:%-d %B %Y}; "
            f"first {values[0]} {unit}, latest {values[-1]} {unit}. The same figures are in the table."
        )
    else:
        description = "No ratings."
    return LineChart(key=key, title=title, description=description, points=points, y_ticks=y_ticks, x_ticks=x_ticks)
