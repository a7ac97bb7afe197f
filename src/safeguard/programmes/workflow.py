"""The programme referral state machine of specs/programmes.md ("Referral states and transitions"),
declared as data on the shared workflow piece (`safeguard.workflows`, ADR 0011).

Each transition names a policy action (policies.py decides who holds it and which referrals it
reaches): the programme team makes every transition; the referrer submits, holds, releases a hold
and withdraws before the programme starts. Withdrawal and deselection reasons are the spec's
categories; "Other" asks for words.
"""

from __future__ import annotations

from safeguard.programmes.policies import ProgrammeAction
from safeguard.workflows.definitions import Reason, State, Transition, Workflow

SUBMIT = ProgrammeAction.REFERRAL_SUBMIT
PROGRESS = ProgrammeAction.REFERRAL_PROGRESS
HOLD = ProgrammeAction.REFERRAL_HOLD
RELEASE = ProgrammeAction.REFERRAL_RELEASE
WITHDRAW = ProgrammeAction.REFERRAL_WITHDRAW

WITHDRAWAL_REASONS = (
    Reason("administrative_error", "Administrative error"),
    Reason("motivation_and_behaviour", "Motivation and behaviour"),
    Reason("operational", "Operational"),
    Reason("personal_and_health", "Personal and health"),
    Reason("other", "Other", needs_text=True),
)
DESELECTION_REASONS = (
    Reason("missed_sessions", "Missed too many sessions"),
    Reason("behaviour", "Behaviour in sessions"),
    Reason("other", "Other", needs_text=True),
)

HOLDS = {
    "submitted": "on_hold_submitted",
    "awaiting_assessment": "on_hold_awaiting_assessment",
    "assessment_started": "on_hold_assessment_started",
}
# States in which a referral is waiting (the waiting list) and those that end it.
WAITING = (
    "submitted", "awaiting_assessment", "assessment_started", "assessed_suitable", "suitable_not_ready",
    *HOLDS.values(),
)
ASSESSED = ("assessed_suitable", "suitable_not_ready", "not_suitable")
CLOSED = ("programme_complete", "not_eligible", "not_suitable", "withdrawn", "deselected")

REFERRAL = Workflow(
    name="programmes.referral",
    label="Programme referral",
    audit_action="programmes.referral.transition",
    initial="draft",
    states=(
        State("draft", "Draft"),
        State("submitted", "Submitted"),
        State("awaiting_assessment", "Awaiting assessment"),
        State("assessment_started", "Assessment started"),
        State("assessed_suitable", "Assessed as suitable"),
        State("suitable_not_ready", "Suitable but not ready"),
        State("on_programme", "On programme"),
        State("on_hold_submitted", "On hold (submitted)"),
        State("on_hold_awaiting_assessment", "On hold (awaiting assessment)"),
        State("on_hold_assessment_started", "On hold (assessment started)"),
        State("programme_complete", "Programme complete", final=True),
        State("not_eligible", "Not eligible", final=True),
        State("not_suitable", "Not suitable", final=True),
        State("withdrawn", "Withdrawn", final=True),
        State("deselected", "Deselected", final=True),
    ),
    transitions=(
        Transition("submit", source="draft", target="submitted", action=SUBMIT, label="Submit the referral"),
        Transition("accept", source="submitted", target="awaiting_assessment", action=PROGRESS,
                   label="Accept for assessment"),
        Transition("not_eligible", source="submitted", target="not_eligible", action=PROGRESS,
                   label="Close as not eligible", requires_text=True),
        *(
            Transition("hold", source=state, target=hold, action=HOLD, label="Put on hold", requires_text=True)
            for state, hold in HOLDS.items()
        ),
        *(
            Transition("release", source=hold, target=state, action=RELEASE, label="Release the hold")
            for state, hold in HOLDS.items()
        ),
        Transition("start_assessment", source="awaiting_assessment", target="assessment_started", action=PROGRESS,
                   label="Start the assessment"),
        Transition("mark_suitable", source=("assessment_started", "suitable_not_ready", "on_programme"),
                   target="assessed_suitable", action=PROGRESS, label="Mark as suitable"),
        Transition("mark_not_ready", source=("assessment_started", "assessed_suitable", "on_programme"),
                   target="suitable_not_ready", action=PROGRESS, label="Mark as suitable but not ready"),
        Transition("not_suitable", source="assessment_started", target="not_suitable", action=PROGRESS,
                   label="Close as not suitable", requires_text=True),
        Transition("start_programme", source="assessed_suitable", target="on_programme", action=PROGRESS,
                   label="Start the programme"),
        Transition("complete", source="on_programme", target="programme_complete", action=PROGRESS,
                   label="Record completion"),
        Transition("deselect", source="on_programme", target="deselected", action=PROGRESS, label="Deselect",
                   reasons=DESELECTION_REASONS),
        Transition(
            "withdraw",
            source=("submitted", "awaiting_assessment", "assessment_started", "assessed_suitable",
                    "suitable_not_ready", *HOLDS.values()),
            target="withdrawn", action=WITHDRAW, label="Withdraw", reasons=WITHDRAWAL_REASONS,
        ),
    ),
)
