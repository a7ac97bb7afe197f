"""Every audit event of the prevention service is written here, and only here.

Prevention events belong in the audit log's sealed prevention partition (ADR 0015), which global
auditors of other agencies cannot browse. The writer claims every `prevention.…` action and record
type for that partition by itself; asking for it here as well means an event named otherwise (a
platform action the service records) cannot land in the general log.
Help-seekers' own actions are recorded with no identity at all: no user, no agency, no IP address,
no user agent, never the reference code; the conversation is named by its id.
"""

from __future__ import annotations

from typing import Any

from safeguard.audit.models import AuditEvent
from safeguard.audit.services import record_event

CONVERSATION = "prevention.Conversation"
PARTITION = "prevention"


def audit(**kwargs: Any) -> AuditEvent:
    return record_event(**kwargs, partition=PARTITION)
