"""Authorization-matrix rows for the courts app's URLs (merged into test_authorization_matrix)."""

from __future__ import annotations

from tests.security.matrix_common import everyone, person_record, staff_only  # noqa: F401

# URL name -> method -> who -> expected status. Every URL of the app must have a row.
ROWS: dict[str, dict[str, dict[str, int]]] = {}
# Valid JSON bodies for API POSTs, so that the answer reflects authorization alone.
API_BODIES: dict[str, object] = {}
