"""Settings of the supervision app that are local choices, not facts from the spec (docs/supervision.md)."""

from __future__ import annotations

# A tier input (a predictor, a risk of serious harm) older than this makes the tier provisional. The spec
# says "stale" without a period: a year is our choice, matching the usual annual review.
TIER_STALE_AFTER_MONTHS = 12
# A risk management plan is reviewed this often unless the plan says otherwise (ARMS's review cycle was
# not found: the spec asks for it to be configurable).
PLAN_REVIEW_MONTHS = 12
# Due items are listed from this many days ahead (the dashboards' "due soon").
DUE_LOOKAHEAD_DAYS = 30
# Keyset pages of the caseload.
PAGE_SIZE = 25
