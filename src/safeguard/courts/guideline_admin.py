"""What a guideline editor verifies: the figures of one part of a guideline version, as a snapshot.

A verification record keeps the exact figures that were checked. A file may mark a part
`verified` only if it was already verified with the same figures, or a verification record with
exactly those figures exists for the same guideline id, version and part. That is the one path by
which a database verification changes what the engine reports (see docs/sentencing.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from safeguard.courts.models import VerifiedPart
from safeguard.guidelines import Evidence, GuidelineLibrary
from safeguard.guidelines.model import Axis, Guideline
from safeguard.untrusted import GUIDELINE_FILE, InputRefused, parse_toml

GUIDELINE_ID = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
VERSION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,48}$")
MAX_UPLOAD_BYTES = GUIDELINE_FILE.max_bytes


class UploadUnreadable(ValueError):
    """An uploaded file that cannot be read as guideline data, with the reason in words."""


def read_upload(content: bytes) -> tuple[str, dict[str, Any]]:
    """The text and the data of an uploaded guideline file, read within the limits on size and
    structure of `safeguard.untrusted.GUIDELINE_FILE` (a scan before the TOML parser runs)."""
    try:
        data = parse_toml(content, GUIDELINE_FILE)
    except InputRefused as refused:
        if refused.code == "too_large":
            raise UploadUnreadable(f"The file is larger than {MAX_UPLOAD_BYTES // 1024} KB") from None
        if refused.code == "not_utf8":
            raise UploadUnreadable("The file must be UTF-8 text (a .toml guideline data file)") from None
        if refused.code == "invalid_toml":
            where = "" if refused.field == "file" else f"{refused.field}: "
            reason = refused.message.removeprefix(f"the {GUIDELINE_FILE.name} is not valid TOML: ")
            raise UploadUnreadable(f"The file is not valid TOML: {where}{reason}") from None
        raise UploadUnreadable(f"The file goes beyond a limit on guideline files: {refused.sentence()}") from None
    return content.decode("utf-8"), data


def find(library: GuidelineLibrary, guideline_id: str, version: str) -> Guideline | None:
    return next((g for g in library.guidelines if g.id == guideline_id and g.version == version), None)


def _axis(axis: Axis) -> dict[str, Any]:
    return {
        "label": axis.label,
        "selection": axis.selection,
        "residual": axis.residual,
        "categories": [
            {
                "id": c.id,
                "label": c.label,
                "factors": [{"id": f.id, "label": f.label, "penetrative": f.penetrative} for f in c.factors],
            }
            for c in axis.categories
        ],
    }


def parts(guideline: Guideline) -> list[str]:
    """The parts this version has that can be verified."""
    found = []
    if guideline.table.available:
        found.append(VerifiedPart.TABLE.value)
    if guideline.harm is not None:
        found.append(VerifiedPart.HARM.value)
    if guideline.culpability is not None:
        found.append(VerifiedPart.CULPABILITY.value)
    if guideline.offence_range is not None:
        found.append(VerifiedPart.OFFENCE_RANGE.value)
    return found


def figures(guideline: Guideline, part: str) -> dict[str, Any] | None:
    """The figures of one part, as stored with a verification and shown to the editor."""
    if part == VerifiedPart.TABLE and guideline.table.available:
        return {
            "cells": [
                {
                    "harm": cell.harm,
                    "culpability": cell.culpability,
                    "starting_point": cell.starting_point.text(),
                    "range_from": cell.range_from.text(),
                    "range_to": cell.range_to.text(),
                }
                for cell in sorted(guideline.table.cells.values(), key=lambda c: (c.harm, c.culpability))
            ]
        }
    if part == VerifiedPart.HARM and guideline.harm is not None:
        return _axis(guideline.harm)
    if part == VerifiedPart.CULPABILITY and guideline.culpability is not None:
        return _axis(guideline.culpability)
    if part == VerifiedPart.OFFENCE_RANGE and guideline.offence_range is not None:
        return {
            "from": guideline.offence_range.lowest.text(),
            "to": guideline.offence_range.highest.text(),
        }
    return None


def marked_verified(guideline: Guideline, part: str) -> bool:
    """Does the data file itself mark this part verified (the engine then gives no warning for it)?"""
    if part == VerifiedPart.TABLE:
        return (
            guideline.table.available and guideline.table.fact is not None and guideline.table.fact.verified
        )
    if part == VerifiedPart.HARM:
        return guideline.harm is not None and guideline.harm.fact.verified
    if part == VerifiedPart.CULPABILITY:
        return guideline.culpability is not None and guideline.culpability.fact.verified
    if part == VerifiedPart.OFFENCE_RANGE:
        return (
            guideline.offence_range is not None and guideline.offence_range.fact.evidence is Evidence.VERIFIED
        )
    return False


def gate_problems(
    new: Guideline,
    previous: Guideline | None,
    recorded: Iterable[tuple[str, Any]],
) -> list[str]:
    """Parts the new file marks verified without a matching verification record.

    `recorded` holds (part, figures) of the verification records for this id and version.
    """
    problems: list[str] = []
    records = list(recorded)
    for part in parts(new):
        if not marked_verified(new, part):
            continue
        shown = figures(new, part)
        if previous is not None and marked_verified(previous, part) and figures(previous, part) == shown:
            continue  # already verified with the same figures
        if any(p == part and f == shown for p, f in records):
            continue
        label = VerifiedPart(part).label.lower()
        if previous is None:
            problems.append(
                f"{new.file_name}: the {label} is marked verified, but this version is new. Load it with "
                "the part unverified, record the verification of its figures (who, when, against which "
                "source), then load the file again marking it verified"
            )
        else:
            problems.append(
                f"{new.file_name}: the {label} is marked verified, but no verification of exactly these "
                f"figures is recorded for {new.id} version {new.version}. Record the verification of the "
                "figures in use first, then load the file marking it verified"
            )
    return problems
