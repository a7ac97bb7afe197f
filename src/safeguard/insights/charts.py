"""Server-drawn SVG charts of aggregate results: survival curves with their bands, and calibration.

Drawn as markup with presentation attributes only (no styles, no script), so the strict CSP holds
and nothing is fetched; every chart has a data table beside it on the page. Lines differ in dash
pattern as well as colour, so they can be told apart without colour.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 680, 340
LEFT, RIGHT, TOP, BOTTOM = 56, 20, 16, 48
# GOV.UK colours with a dash pattern each.
LINES = (("#1d70b8", ""), ("#d4351c", "9 5"), ("#00703c", "3 4"), ("#4c2c92", "12 4 3 4"), ("#b58840", "6 3"))


@dataclass(frozen=True)
class Series:
    label: str
    steps: Sequence[Sequence[float]]  # (time, survival, lower, upper)
    last_time: float


def _fmt(value: float) -> str:
    return f"{value:.1f}"


def _y_floor(series: Sequence[Series]) -> float:
    lows = [step[2] for s in series for step in s.steps] or [0.0]
    low = min(lows)
    floor = math.floor(low * 10) / 10
    return max(0.0, min(floor, 0.9))


def survival_chart(*, key: str, title: str, series: Sequence[Series], unit: str = "years") -> SafeString:
    """Step curves of the proportion still free of the outcome, with 95% bands as shaded areas."""
    if not series:
        return mark_safe("")
    x_max = max(max(s.last_time for s in series), 1.0)
    x_max = math.ceil(x_max)
    y_min = _y_floor(series)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(t: float) -> float:
        return LEFT + min(t, x_max) / x_max * plot_w

    def y(v: float) -> float:
        return TOP + (1 - (max(v, y_min) - y_min) / (1 - y_min)) * plot_h

    parts: list[str] = []
    step = 0.1 if 1 - y_min > 0.3 else 0.05
    ticks = [round(y_min + i * step, 2) for i in range(round((1 - y_min) / step) + 1)]
    for v in ticks:
        parts.append(format_html(
            '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#dee0e2" stroke-width="1"/>'
            '<text x="{}" y="{}" dy="4" text-anchor="end" font-size="13" fill="#0b0c0c">{}%</text>',
            LEFT, WIDTH - RIGHT, _fmt(y(v)), _fmt(y(v)), LEFT - 8, _fmt(y(v)), f"{v * 100:.0f}",
        ))
    x_step = 1 if x_max <= 10 else 2 if x_max <= 20 else 5
    for t in range(0, x_max + 1, x_step):
        parts.append(format_html(
            '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#505a5f" stroke-width="1"/>'
            '<text x="{}" y="{}" text-anchor="middle" font-size="13" fill="#0b0c0c">{}</text>',
            _fmt(x(t)), _fmt(x(t)), HEIGHT - BOTTOM, HEIGHT - BOTTOM + 5, _fmt(x(t)), HEIGHT - BOTTOM + 20, t,
        ))
    parts.append(format_html(
        '<text x="{}" y="{}" text-anchor="middle" font-size="13" fill="#0b0c0c">{} since the start of follow-up</text>',
        LEFT + plot_w / 2, HEIGHT - 8, unit.capitalize(),
    ))
    parts.append(format_html(
        '<line x1="{l}" x2="{l}" y1="{t}" y2="{b}" stroke="#505a5f" stroke-width="1"/>'
        '<line x1="{l}" x2="{r}" y1="{b}" y2="{b}" stroke="#505a5f" stroke-width="1"/>',
        l=LEFT, r=WIDTH - RIGHT, t=TOP, b=HEIGHT - BOTTOM,
    ))
    for index, s in enumerate(series):
        colour, dash = LINES[index % len(LINES)]
        steps = list(s.steps)
        if not steps:
            continue
        upper = _step_points([(t, hi) for t, _, _, hi in steps], s.last_time, x, y)
        lower = _step_points([(t, lo) for t, _, lo, _ in steps], s.last_time, x, y)
        band = " ".join(upper + lower[::-1])
        parts.append(format_html('<polygon points="{}" fill="{}" fill-opacity="0.12" stroke="none"/>', band, colour))
        line = " ".join(_step_points([(t, v) for t, v, _, _ in steps], s.last_time, x, y))
        parts.append(format_html(
            '<polyline points="{}" fill="none" stroke="{}" stroke-width="2.5"{}><title>{}</title></polyline>',
            line, colour, mark_safe(f' stroke-dasharray="{dash}"') if dash else "", s.label,  # noqa: S308 - our constant
        ))
    # The legend sits in the lower left, which survival curves (starting at the top) leave empty.
    legend_y = HEIGHT - BOTTOM - 14 - (len(series) - 1) * 18
    for index, s in enumerate(series):
        colour, dash = LINES[index % len(LINES)]
        ly = legend_y + index * 18
        parts.append(format_html(
            '<rect x="{}" y="{}" width="{}" height="{}" fill="#ffffff" fill-opacity="0.85"/>'
            '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="2.5"{}/>'
            '<text x="{}" y="{}" dy="4" font-size="13" fill="#0b0c0c">{}</text>',
            LEFT + 6, ly - 8, 248, 17,
            LEFT + 12, LEFT + 42, ly, ly, colour,
            mark_safe(f' stroke-dasharray="{dash}"') if dash else "",  # noqa: S308 - our constant
            LEFT + 48, ly, s.label,
        ))
    description = (
        f"{len(series)} curve{'s' if len(series) != 1 else ''} of the share of people still free of the outcome, "
        f"from 0 to {x_max} {unit}; the vertical axis starts at {y_min * 100:.0f}%. Shaded areas are 95% confidence "
        "bands. The same figures are in the table."
    )
    return _svg(key, title, description, "".join(parts))


def _step_points(values: list[tuple[float, float]], last_time: float, x: Any, y: Any) -> list[str]:
    points: list[str] = []
    previous: float | None = None
    for t, v in values:
        if previous is not None:
            points.append(f"{_fmt(x(t))},{_fmt(y(previous))}")
        points.append(f"{_fmt(x(t))},{_fmt(y(v))}")
        previous = v
    if previous is not None and values and last_time > values[-1][0]:
        points.append(f"{_fmt(x(last_time))},{_fmt(y(previous))}")
    return points


def _svg(key: str, title: str, description: str, body: str) -> SafeString:
    return format_html(
        '<figure class="sg-chart govuk-!-margin-0"><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" '
        'width="100%" role="img" aria-labelledby="chart-{k}-title chart-{k}-desc" focusable="false" '
        'font-family="Arial, sans-serif"><title id="chart-{k}-title">{t}</title><desc id="chart-{k}-desc">{d}</desc>'
        "{b}</svg></figure>",
        w=WIDTH, h=HEIGHT, k=escape(key), t=title, d=description, b=mark_safe(body),  # noqa: S308 - built with format_html
    )


@dataclass(frozen=True)
class CalibrationPoint:
    label: str
    expected: float
    observed: float
    low: float | None
    high: float | None


def calibration_chart(*, key: str, title: str, points: Sequence[CalibrationPoint]) -> SafeString:
    """Observed (with its 95% interval) against expected proportion by band; the diagonal is perfect agreement."""
    if not points:
        return mark_safe("")
    top = max([p.expected for p in points] + [p.high or p.observed for p in points]) * 1.1
    top = max(0.05, math.ceil(top * 20) / 20)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(v: float) -> float:
        return LEFT + v / top * plot_w

    def y(v: float) -> float:
        return TOP + (1 - min(v, top) / top) * plot_h

    parts: list[str] = []
    ticks = 5
    for i in range(ticks + 1):
        v = top * i / ticks
        parts.append(format_html(
            '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#dee0e2" stroke-width="1"/>'
            '<text x="{}" y="{}" dy="4" text-anchor="end" font-size="13" fill="#0b0c0c">{}%</text>'
            '<text x="{}" y="{}" text-anchor="middle" font-size="13" fill="#0b0c0c">{}%</text>',
            LEFT, WIDTH - RIGHT, _fmt(y(v)), _fmt(y(v)), LEFT - 8, _fmt(y(v)), f"{v * 100:.0f}",
            _fmt(x(v)), HEIGHT - BOTTOM + 20, f"{v * 100:.0f}",
        ))
    parts.append(format_html(
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#505a5f" stroke-width="1.5" stroke-dasharray="6 4"/>'
        '<text x="{}" y="{}" text-anchor="middle" font-size="13" fill="#0b0c0c">Expected (predicted by the instrument)</text>'
        '<text x="14" y="{}" text-anchor="middle" font-size="13" fill="#0b0c0c" transform="rotate(-90 14 {})">Observed here</text>',
        _fmt(x(0)), _fmt(y(0)), _fmt(x(top)), _fmt(y(top)), LEFT + plot_w / 2, HEIGHT - 8, TOP + plot_h / 2, TOP + plot_h / 2,
    ))
    for p in points:
        cx, cy = x(p.expected), y(p.observed)
        if p.low is not None and p.high is not None:
            parts.append(format_html(
                '<line x1="{x}" x2="{x}" y1="{a}" y2="{b}" stroke="#1d70b8" stroke-width="2"/>',
                x=_fmt(cx), a=_fmt(y(p.low)), b=_fmt(y(p.high)),
            ))
        parts.append(format_html(
            '<circle cx="{}" cy="{}" r="6" fill="#1d70b8"><title>{}: expected {}%, observed {}%</title></circle>'
            '<text x="{}" y="{}" font-size="13" fill="#0b0c0c">{}</text>',
            _fmt(cx), _fmt(cy), p.label, f"{p.expected * 100:.1f}", f"{p.observed * 100:.1f}", _fmt(cx + 9), _fmt(cy - 8), p.label,
        ))
    description = (
        f"Observed against expected proportion with the outcome for {len(points)} band{'s' if len(points) != 1 else ''}; "
        "points on the dashed diagonal would mean the instrument predicts exactly what happened here. "
        "Vertical lines are 95% confidence intervals. The same figures are in the table."
    )
    return _svg(key, title, description, "".join(parts))
