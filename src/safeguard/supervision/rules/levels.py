"""The four words shared by instrument bands, risk of serious harm and the visit-frequency table."""

from __future__ import annotations

from enum import StrEnum


class Level(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    VERY_HIGH = "very_high"


LEVEL_WORDS = {Level.LOW: "low", Level.MEDIUM: "medium", Level.HIGH: "high", Level.VERY_HIGH: "very high"}
# Highest first: how the pages and the visit table list them.
LEVELS_HIGHEST_FIRST = (Level.VERY_HIGH, Level.HIGH, Level.MEDIUM, Level.LOW)
