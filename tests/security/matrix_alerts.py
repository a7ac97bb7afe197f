"""Authorization-matrix rows for the alerts pages (merged into test_authorization_matrix).

The alerts page is for every role that some app gives due items to: the registered providers
decide (`safeguard.core.due.providers_for`), so the row is worked out from the registry and the
policy's grants, and grows as apps register providers (now also programmes, supervision and
prevention's first replies). `tests/integration/test_alerts.py` checks the assessments set by name.
A POST without a choice is answered with the form's error (200), never saved. The team view is for
the supervisors among them.
"""

from __future__ import annotations

from safeguard import policy
from safeguard.core import due
from tests.conftest import ROLES
from tests.security.matrix_common import staff_only

# The test world's agency keys that are not agency kinds.
_KIND = {"admin": "administration", "other_probation": "probation", "other_prevention": "prevention"}


def _has_providers(name: str) -> bool:
    agency, role = ROLES[name]
    granted = policy.GRANTS.get((_KIND.get(agency, agency), role), frozenset())
    return any(provider.action in granted for provider in due.providers())


WITH_ALERTS = {name for name in ROLES if _has_providers(name)}

ROWS: dict[str, dict[str, dict[str, int]]] = {
    "alerts:list": {"GET": staff_only(WITH_ALERTS), "POST": staff_only(WITH_ALERTS)},
    "alerts:team": {"GET": staff_only({name for name in WITH_ALERTS if ROLES[name][1] == "supervisor"})},
}
