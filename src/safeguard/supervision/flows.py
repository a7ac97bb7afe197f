"""The supervision app's workflows (`safeguard.workflows`): breaches of the notification requirements,
and risk-level overrides, which need a supervisor other than the person who asked (two-person rule)."""

from __future__ import annotations

from safeguard.supervision.actions import SupervisionAction as A
from safeguard.workflows.definitions import Reason, State, Transition, Workflow

BREACH_OUTCOMES = (
    Reason("charged", "Charged with failing to comply"),
    Reason("cautioned", "Cautioned"),
    Reason("reasonable_excuse", "Reasonable excuse accepted"),
    Reason("no_further_action", "No further action"),
    Reason("other", "Other", needs_text=True),
)

BREACH = Workflow(
    name="supervision.breach",
    label="Breach of the notification requirements",
    initial="recorded",
    audit_action="supervision.breach.transition",
    states=(
        State("recorded", "Recorded", description="Waiting for a decision on what happens next"),
        State("referred", "Referred for investigation"),
        State("concluded", "Concluded", final=True),
        State("withdrawn", "Withdrawn: recorded in error", final=True),
    ),
    transitions=(
        Transition("refer", source="recorded", target="referred", action=A.BREACH_RECORD,
                   label="Refer for investigation"),
        Transition("conclude", source=("recorded", "referred"), target="concluded", action=A.BREACH_DECIDE,
                   label="Record the outcome", reasons=BREACH_OUTCOMES),
        Transition("withdraw", source="recorded", target="withdrawn", action=A.BREACH_RECORD,
                   label="Withdraw", requires_text=True),
    ),
)  # fmt: skip

OVERRIDE = Workflow(
    name="supervision.override",
    label="Risk level override",
    initial="draft",
    audit_action="supervision.override.transition",
    states=(
        State("draft", "Not yet asked"),
        State("requested", "Waiting for a supervisor"),
        State("approved", "In force"),
        State("refused", "Refused", final=True),
        State("withdrawn", "Withdrawn", final=True),
        State("ended", "Ended", final=True),
    ),
    transitions=(
        Transition("request", source="draft", target="requested", action=A.OVERRIDE_REQUEST,
                   label="Ask a supervisor to approve"),
        Transition("approve", source="requested", target="approved", action=A.OVERRIDE_DECIDE,
                   label="Approve", different_actor_from="request"),
        Transition("refuse", source="requested", target="refused", action=A.OVERRIDE_DECIDE,
                   label="Refuse", requires_text=True, different_actor_from="request"),
        Transition("withdraw", source="requested", target="withdrawn", action=A.OVERRIDE_REQUEST,
                   label="Withdraw the request"),
        Transition("end", source="approved", target="ended", action=A.OVERRIDE_REQUEST,
                   label="End the override", requires_text=True),
    ),
)  # fmt: skip
