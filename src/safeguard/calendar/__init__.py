"""The pure calendar core: one place for dates, durations, ages, bank holidays and schedules.

`dates` (calendar months and years, "period beginning with", ages in law), `durations` (lengths
such as 26 weeks or 18 months and the one rule for comparing them), `ages` (age by anniversary as
the risk instruments count it), `bank_holidays` (UK regions, the `holidays` library),
`working_days` and `schedules` (weekly sessions). No Django here (import-linter enforces it), so
the CLI, notebooks, the pure cores (guidelines, instruments) and the apps use the same rules.
"""
