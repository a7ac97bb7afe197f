"""The supervision app's policy action names and their words (imported by `policies`, `flows` and views)."""

from __future__ import annotations


class SupervisionAction:
    VIEW = "supervision.view"
    CASE_EDIT = "supervision.case.edit"
    CASE_TRANSFER = "supervision.case.transfer"
    REGISTER_EDIT = "supervision.register.edit"
    BREACH_RECORD = "supervision.breach.record"
    BREACH_DECIDE = "supervision.breach.decide"
    OVERRIDE_REQUEST = "supervision.override.request"
    OVERRIDE_DECIDE = "supervision.override.decide"
    MAPPA_EDIT = "supervision.mappa.edit"
    TEAM_VIEW = "supervision.team.view"
    SETTINGS_MANAGE = "supervision.settings.manage"


ACTION_WORDS = {
    SupervisionAction.VIEW: "View supervision records",
    SupervisionAction.CASE_EDIT: "Change supervision cases",
    SupervisionAction.CASE_TRANSFER: "Transfer supervision cases",
    SupervisionAction.REGISTER_EDIT: "Change notification requirements",
    SupervisionAction.BREACH_RECORD: "Record notification breaches",
    SupervisionAction.BREACH_DECIDE: "Decide notification breaches",
    SupervisionAction.OVERRIDE_REQUEST: "Ask for a risk level override",
    SupervisionAction.OVERRIDE_DECIDE: "Decide risk level overrides",
    SupervisionAction.MAPPA_EDIT: "Change MAPPA levels and meetings",
    SupervisionAction.TEAM_VIEW: "View the team's caseload",
    SupervisionAction.SETTINGS_MANAGE: "Set the agency's visit frequencies",
}
