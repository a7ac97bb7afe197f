"""How a scored result is shown: one place decides what appears, and what never does.

The rule from the instruments spec is applied here for every page and partial: an absolute
recidivism percentage (the probability, and extras that are probabilities or percentages) is
shown only when the result is verified; otherwise a warning says why it is withheld.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from safeguard.assessments.forms import humanise
from safeguard.assessments.wording import plain
from safeguard.instruments import registry

CONTRACT_KEYS = frozenset(
    {"instrument", "model_version", "thresholds_version", "verified", "band", "points", "probability",
     "not_applicable_reason", "warnings", "errors", "items", "line"}
)
EXTRA_LABELS = {
    "level": "Level",
    "percentile_rank": "Percentile rank (2016 norms)",
    "change_since_previous": "Change since the previous rating",
    "max_points": "Highest possible total",
    "risk_reduction_applied": "Risk reduction applied",
    "step1_points": "Step 1 points",
    "step1_band": "Step 1 category",
    "aggravating_factors": "Aggravating factors",
    "categories_raised": "Categories raised",
    "missing_items": "Missing items",
    "casic_count": "CASIC items present",
    "casic_answered": "CASIC items answered",
    "percent": "RSR",
    "generation": "Band generation",
    "probability_year_1": "Probability, year 1",
    "probability_year_2": "Probability, year 2",
    "need_level": "Need level",
    "risk_level": "Risk level",
    "need_score": "Need score",
    "pathway": "Pathway",
    "risk_reasons": "Risk reasons",
}
WITHHELD = (
    "No percentage is shown: an unverified table decided this result, and an absolute recidivism "
    "figure from an unverified table must not be presented."
)


def _is_absolute_figure(key: str) -> bool:
    """Probabilities and percentages of reoffending (a percentile rank is a norm, not one of them)."""
    return "probability" in key or key == "percent" or key.endswith("_percent")


def percentage(fraction: float) -> str:
    pct = fraction * 100
    return f"{pct:.2f}%" if pct >= 0.1 or pct == 0 else f"{pct:.4f}%"


def answer_text(value: Any) -> str:
    """An answer as the form offers it: Yes, No, Not known, a date in words, a choice in words."""
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    if value is None:
        return "Not known"
    if isinstance(value, str):
        return humanise(plain(value)) if "_" in value else plain(value)
    return str(value)


def _extra_text(key: str, value: Any) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return ", ".join(humanise(v) for v in value) or "none"
    if "probability" in key and isinstance(value, int | float):
        return percentage(float(value))
    if key == "percent" and isinstance(value, int | float):
        return f"{value:.2f}%"
    if key in ("band", "step1_band", "need_level", "risk_level", "pathway") and isinstance(value, str):
        return humanise(value)
    return plain(value)


@dataclass(frozen=True)
class ItemRow:
    name: str
    title: str
    answer: str
    points: int | None
    rule: str


@dataclass(frozen=True)
class ResultView:
    """A result ready for a template; built from the stored (or previewed) `to_dict()` body."""

    instrument_id: str
    name: str
    model_version: str
    thresholds_version: str
    verified: bool
    band: str
    has_bands: bool
    points: int | None
    points_range: tuple[int, int] | None
    probability: str
    probability_withheld: bool
    not_applicable_reason: str
    warnings: list[str]
    errors: list[dict[str, str]]
    items: list[ItemRow]
    extras: list[tuple[str, str]] = field(default_factory=list)

    @property
    def withheld_reason(self) -> str:
        return WITHHELD

    @property
    def headline(self) -> str:
        """A short summary for lists and timelines."""
        parts = []
        if self.band:
            parts.append(self.band)
        if self.points is not None:
            parts.append(f"{self.points} points")
        if self.probability:
            parts.append(self.probability)
        return ", ".join(parts) or ("Not applicable" if self.not_applicable_reason else "No score")


def result_view(body: dict[str, Any], meta: dict[str, Any] | None = None) -> ResultView:
    """`meta` is the instrument's metadata as stored with the snapshot (current metadata if not given)."""
    instrument_id = str(body.get("instrument", ""))
    if meta is None:
        meta = registry.metadata(instrument_id).to_dict() if instrument_id in registry.instrument_ids() else {}
    titles = dict(meta.get("item_titles") or {})
    verified = bool(body.get("verified"))
    probability = body.get("probability")
    band = body.get("band")
    extras = []
    withheld = probability is not None and not verified
    for key, value in body.items():
        if key in CONTRACT_KEYS or value is None:
            continue
        if _is_absolute_figure(key) and not verified:
            withheld = True
            continue
        extras.append((EXTRA_LABELS.get(key, humanise(key)), _extra_text(key, value)))
    points_range = meta.get("points_range")
    return ResultView(
        instrument_id=instrument_id,
        name=str(meta.get("name") or instrument_id),
        model_version=str(body.get("model_version", "")),
        thresholds_version=str(body.get("thresholds_version", "")),
        verified=verified,
        band=humanise(band) if band else "",
        has_bands=bool(meta.get("bands")),
        points=body.get("points"),
        points_range=(int(points_range[0]), int(points_range[1])) if points_range else None,
        probability=percentage(float(probability)) if probability is not None and verified else "",
        probability_withheld=withheld,
        not_applicable_reason=plain(body.get("not_applicable_reason") or ""),
        warnings=[plain(w) for w in body.get("warnings") or []],
        errors=[{**e, "message": plain(e.get("message", ""))} for e in body.get("errors") or [] if isinstance(e, dict)],
        items=[
            ItemRow(
                name=str(item.get("name", "")),
                title=titles.get(item.get("name"), humanise(item.get("name", ""))),
                answer=answer_text(item.get("answer")),
                points=item.get("points"),
                rule=plain(item.get("rule", "")),
            )
            for item in body.get("items") or []
        ],
        extras=extras,
    )
