"""The pure calendar core: bank holidays by UK region, working days and weekly session schedules.

No Django here (import-linter enforces it), so the CLI, notebooks, the pure cores and the apps use
the same rules. The legal date arithmetic of the guidelines (`dates.py`, `durations.py`) is meant
to move into this package beside these modules; nothing here assumes it is absent or present.
"""
