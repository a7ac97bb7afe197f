"""The safeguarding disclosure, the one exception to the service's confidentiality, as a workflow.

One prevention supervisor asks for a disclosure with a written reason (an imminent risk to an
identified child); a different supervisor approves or refuses it (the two-person rule,
`different_actor_from`); only an approved excerpt is released, to the receiving agency named in
the request. Every step is kept in the workflow history (reasons encrypted) and audited.
"""

from __future__ import annotations

from safeguard.prevention.policies import PreventionAction
from safeguard.workflows.definitions import State, Transition, Workflow

DISCLOSURE = Workflow(
    name="prevention.disclosure",
    label="Safeguarding disclosure",
    audit_action="prevention.disclosure.transition",
    initial="draft",
    states=(
        State("draft", "Being written"),
        State("requested", "Waiting for a second supervisor"),
        State("approved", "Approved, not yet released"),
        State("refused", "Refused", final=True),
        State("released", "Released", final=True),
        State("withdrawn", "Withdrawn", final=True),
    ),
    transitions=(
        Transition("request", source="draft", target="requested", action=PreventionAction.DISCLOSURE_REQUEST,
                   label="Ask for the disclosure", requires_text=True,
                   description="The imminent risk to an identified child, in words."),
        Transition("approve", source="requested", target="approved", action=PreventionAction.DISCLOSURE_DECIDE,
                   label="Approve", different_actor_from="request"),
        Transition("refuse", source="requested", target="refused", action=PreventionAction.DISCLOSURE_DECIDE,
                   label="Refuse", requires_text=True, different_actor_from="request"),
        Transition("withdraw", source="requested", target="withdrawn", action=PreventionAction.DISCLOSURE_REQUEST,
                   label="Withdraw", requires_text=True),
        Transition("release", source="approved", target="released", action=PreventionAction.DISCLOSURE_RELEASE,
                   label="Record the release"),
    ),
)
