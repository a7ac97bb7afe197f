"""Checking and converting the arrays every analysis takes (time, event, score, group)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

Floats = NDArray[np.float64]
Bools = NDArray[np.bool_]


def as_times(time: ArrayLike) -> Floats:
    values = np.asarray(time, dtype=np.float64)
    if values.ndim != 1:
        raise ValueError("times must be one value per person")
    if not np.all(np.isfinite(values)) or np.any(values < 0):
        raise ValueError("times must be finite and not negative")
    return values


def as_events(event: ArrayLike, n: int) -> Bools:
    raw = np.asarray(event)
    if raw.shape != (n,):
        raise ValueError("events must be one value per person")
    if raw.dtype != np.bool_ and not np.all(np.isin(raw, (0, 1))):
        raise ValueError("events must be 0 or 1")
    return raw.astype(np.bool_)


def as_scores(score: ArrayLike, n: int) -> Floats:
    values = np.asarray(score, dtype=np.float64)
    if values.shape != (n,):
        raise ValueError("scores must be one value per person")
    if not np.all(np.isfinite(values)):
        raise ValueError("scores must be finite numbers")
    return values


def as_labels(group: Sequence[str] | ArrayLike, n: int) -> NDArray[np.str_]:
    values = np.asarray(group, dtype=np.str_)
    if values.shape != (n,):
        raise ValueError("groups must be one value per person")
    return values


def ordered_labels(labels: NDArray[np.str_], preferred: Sequence[str] = ()) -> list[str]:
    """Distinct labels: those in `preferred` first, in its order, then the rest alphabetically."""
    present = {str(v) for v in np.unique(labels)}
    first = [label for label in preferred if label in present]
    return first + sorted(present - set(first))
