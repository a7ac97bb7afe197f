"""Form submissions as a browser sends them: a date is typed in three boxes (the GOV.UK date input)."""

from __future__ import annotations

import re
from typing import Any

_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def date_input(name: str, iso: str) -> dict[str, str]:
    """`offence_date="2023-06-01"` as the boxes `offence_date-day=1`, `-month=6`, `-year=2023`."""
    year, month, day = iso.split("-")
    return {f"{name}-day": str(int(day)), f"{name}-month": str(int(month)), f"{name}-year": year}


def typed(data: dict[str, Any]) -> dict[str, Any]:
    """Form data with every ISO date value typed into the date boxes of its field."""
    out: dict[str, Any] = {}
    for name, value in data.items():
        if isinstance(value, str) and _ISO.match(value):
            out.update(date_input(name, value))
        else:
            out[name] = value
    return out
