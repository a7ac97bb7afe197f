"""Every action name the audit log records, and every kind of record it names, with the words an
auditor reads: an enumeration, not free text.

The core's names are `AuditAction`; each app adds its own with `register(...)` in its
AppConfig.ready(). The audit writer refuses a name that is in neither (`services.record_event`:
an error in development and tests; in production the event is still recorded and an error
logged), so the list cannot drift from the code. The auditor's filter offers exactly these.
Refusals (403, and 404 for records out of reach) are recorded under the policy's own action names
(`safeguard.policy.Action` and every app's registered actions), so those need words too
(`tests/integration/test_audit_actions.py`).
"""

from __future__ import annotations

from collections.abc import Collection

from django.db import models

from safeguard.audit import partitions

# The audit log's column width for an action name.
MAX_ACTION = 40


class AuditAction(models.TextChoices):
    # The policy's actions (a refusal is recorded under the action that was refused)
    DASHBOARD_VIEW = "dashboard.view", "Open the dashboard"
    PERSON_VIEW = "person.view", "View a person's record"
    PERSON_CREATE = "person.create", "Create a person's record"
    PERSON_EDIT = "person.edit", "Edit people's records"
    PERSON_NOTE_ADD = "person.note.add", "Add case notes"
    AUDIT_VIEW = "audit.view", "View the audit log"
    USERS_VIEW = "users.view", "View user accounts"
    USERS_MANAGE = "users.manage", "Manage user accounts"
    INSIGHTS_VIEW = "insights.view", "View insights"
    JOBS_VIEW = "jobs.view", "View background jobs"
    SENTENCING_CALCULATE = "sentencing.calculate", "Use the sentencing calculator"
    SENTENCING_CASE_VIEW = "sentencing.case.view", "View a sentencing case"
    SENTENCING_CASE_EDIT = "sentencing.case.edit", "Edit sentencing cases"
    GUIDELINES_MANAGE = "guidelines.manage", "Manage guideline data"
    INSTRUMENTS_SCORE = "instruments.score", "Score a risk instrument"
    ASSESSMENT_VIEW = "assessment.view", "View an assessment"
    ASSESSMENT_EDIT = "assessment.edit", "Edit assessments"
    # People
    PERSON_SEARCH = "person.search", "Search people"
    PERSON_UPDATE = "person.update", "Change a person's details"
    PERSON_CONVICTION_CREATE = "person.conviction.create", "Add a conviction"
    PERSON_ADDRESS_CREATE = "person.address.create", "Add an address"
    PERSON_NOTE_CREATE = "person.note.create", "Write a case note"
    PERSON_SHARE = "person.share", "Share a person's record with another agency"
    # Assessments
    ASSESSMENT_START = "assessment.start", "Start an assessment"
    ASSESSMENT_SAVE = "assessment.save", "Save an assessment draft"
    ASSESSMENT_COMPLETE = "assessment.complete", "Complete an assessment"
    ASSESSMENT_CORRECT = "assessment.correct", "Correct an assessment"
    ASSESSMENT_HISTORY = "assessment.history", "View a person's assessment history"
    ASSESSMENT_COMPARE = "assessment.compare", "Compare assessments"
    ASSESSMENT_DUE = "assessment.due", "List reassessments due"
    # Sentencing
    SENTENCING_CASE_CREATE = "sentencing.case.create", "Create a sentencing case"
    SENTENCING_CASE_UPDATE = "sentencing.case.update", "Change a sentencing case"
    SENTENCING_CASE_LIST = "sentencing.case.list", "List sentencing cases"
    SENTENCING_CASE_PERSON_CHOICES = "sentencing.case.person_choices", "List people for a sentencing case"
    SENTENCING_CASE_COMPARE = "sentencing.case.compare", "Compare sentencing scenarios"
    SENTENCING_SCENARIO_CREATE = "sentencing.scenario.create", "Add a sentencing scenario"
    SENTENCING_SCENARIO_UPDATE = "sentencing.scenario.update", "Change a sentencing scenario"
    SENTENCING_SCENARIO_VIEW = "sentencing.scenario.view", "View a sentencing scenario"
    SENTENCING_REPORT_VIEW = "sentencing.report.view", "View a pre-sentence report"
    SENTENCING_REPORT_PDF = "sentencing.report.pdf", "Download a pre-sentence report"
    SENTENCING_REPORT_PREPARE = "sentencing.report.prepare", "Prepare a pre-sentence report"
    SENTENCING_REPORT_SIGN = "sentencing.report.sign", "Sign a pre-sentence report"
    GUIDELINE_UPLOAD = "guideline.upload", "Upload guideline data"
    GUIDELINE_VERIFY = "guideline.verify", "Record a guideline verification"
    # Accounts and sign-in
    USER_VIEW = "user.view", "View a user account"
    ACCOUNT_LOCKED = "account.locked", "Account locked"
    ACCOUNT_UNLOCKED = "account.unlocked", "Account unlocked"
    ACCOUNT_ENABLED = "account.enabled", "Account enabled"
    ACCOUNT_DISABLED = "account.disabled", "Account disabled"
    ACCOUNT_SIGNED_OUT_EVERYWHERE = "account.signed_out_everywhere", "Signed out everywhere"
    MEMBERSHIP_ROLE_CHANGED = "membership.role_changed", "Role changed"
    ACCOUNT_SET_UP = "account.set_up", "Account set up with a set-up link"
    ACCOUNT_PASSWORD_RESET = "account.password_reset", "Password reset"
    ACCOUNT_SECOND_FACTOR_RESET = "account.second_factor_reset", "Second factor reset"
    ACCOUNT_UNLOCK_REFUSED = "account.unlock_refused", "Refused: unlock own account"
    ACCOUNT_ENABLE_REFUSED = "account.enable_refused", "Refused: enable own account"
    ACCOUNT_DISABLE_REFUSED = "account.disable_refused", "Refused: disable own account"
    ACCOUNT_PASSWORD_RESET_REFUSED = "account.password_reset_refused", "Refused: reset own password"
    ACCOUNT_SECOND_FACTOR_RESET_REFUSED = "account.second_factor_reset_refused", "Refused: reset own second factor"
    USER_CREATED = "user.created", "User created"
    MEMBERSHIP_ADDED = "membership.added", "Role added"
    MEMBERSHIP_ENDED = "membership.ended", "Role ended"
    MEMBERSHIP_ADD_REFUSED = "membership.add_refused", "Refused: give own account a role"
    MEMBERSHIP_ROLE_CHANGE_REFUSED = "membership.role_change_refused", "Refused: change own role"
    MEMBERSHIP_END_REFUSED = "membership.end_refused", "Refused: end own role"
    MEMBERSHIP_ROLE_REFUSED = "membership.role_refused", "Refused: change own role (approval)"
    APPROVAL_REQUESTED = "approval.requested", "Approval requested for a privileged change"
    APPROVAL_APPROVED = "approval.approved", "Privileged change approved"
    APPROVAL_REFUSED = "approval.refused", "Privileged change refused"
    APPROVAL_APPROVE_REFUSED = "approval.approve_refused", "Refused: decide own or own-account request"
    APPROVAL_REFUSE_REFUSED = "approval.refuse_refused", "Refused: refuse own or own-account request"
    APPROVAL_VIEW = "approval.view", "View a privileged change request"
    # Calendar feeds and downloads
    CALENDAR_FEED_CREATE = "calendar.feed.create", "Calendar feed link created"
    CALENDAR_FEED_REVOKE = "calendar.feed.revoke", "Calendar feed link revoked"
    CALENDAR_FEED_READ = "calendar.feed.read", "Calendar feed read"
    LIST_EXPORT = "list.export", "List downloaded"
    MFA_ENROLLED = "mfa.enrolled", "Second factor set up"
    MFA_RECOVERY_CODES_ISSUED = "mfa.recovery_codes_issued", "Recovery codes issued"
    API_TOKEN_CREATED = "api_token.created", "API token created"
    SIGN_IN_PASSWORD = "sign_in.password", "Sign in: password"
    SIGN_IN_MFA = "sign_in.mfa", "Sign in: security code"
    SIGN_IN_SIGN_OUT = "sign_in.sign_out", "Sign out"
    # The audit log itself
    AUDIT_SEARCH = "audit.search", "Search the audit log"
    AUDIT_EXPORT = "audit.export", "Export the audit log"
    # A refused request whose refused action is not known (see audit.refusals)
    REQUEST_REFUSED = "request.refused", "Refused request"


class RecordType(models.TextChoices):
    """The kinds of record events name (`object_type`: the model's label)."""

    PERSON = "people.Person", "Person"
    SENTENCING_CASE = "courts.SentencingCase", "Sentencing case"
    ASSESSMENT = "assessments.Assessment", "Assessment"
    USER = "accounts.User", "User account"
    GUIDELINE_UPLOAD = "courts.GuidelineUpload", "Guideline upload"
    GUIDELINE_VERIFICATION = "courts.GuidelineVerification", "Guideline verification"
    AUDIT_LOG = "audit.AuditEvent", "Audit log"


_ACTION_LABELS: dict[str, str] = {str(k): str(v) for k, v in AuditAction.choices}
_RECORD_LABELS: dict[str, str] = {str(k): str(v) for k, v in RecordType.choices}


def register(actions: dict[str, str], records: dict[str, str] | None = None) -> None:
    """An app's own action names and record kinds, with their words (called from its AppConfig.ready())."""
    for name, label in actions.items():
        if not name or len(name) > MAX_ACTION:
            raise ValueError(f"audit action {name!r} must be 1 to {MAX_ACTION} characters long")
        if not str(label).strip():
            raise ValueError(f"audit action {name!r} needs words for the auditor")
        if _ACTION_LABELS.get(name, label) != label:
            raise ValueError(f"audit action {name!r} is already registered with other words")
    for name, label in actions.items():
        _ACTION_LABELS[name] = label
    for object_type, label in (records or {}).items():
        _RECORD_LABELS[object_type] = label


def is_known(name: str) -> bool:
    return name in _ACTION_LABELS


def known_names() -> frozenset[str]:
    """Every action name the writer accepts: the core's and every app's."""
    return frozenset(_ACTION_LABELS)


def _readable(name: str, readable: Collection[str] | None) -> bool:
    """Is this name shown to someone who reads these partitions (None: every partition)?"""
    sealed = partitions.claimed_by(name)
    return readable is None or sealed is None or sealed in readable


def action_label(name: str) -> str:
    """The words for an action (the name itself for one this list does not know yet)."""
    return str(_ACTION_LABELS.get(name, name))


def record_label(object_type: str) -> str:
    return str(_RECORD_LABELS.get(object_type, object_type))


def action_choices(readable: Collection[str] | None = None) -> list[tuple[str, str]]:
    """For the filter: every action, in alphabetical order of its words (without the names a
    sealed partition claims, for someone who cannot read that partition)."""
    return sorted(
        ((value, str(label)) for value, label in _ACTION_LABELS.items() if _readable(value, readable)),
        key=lambda c: c[1],
    )


def record_choices(readable: Collection[str] | None = None) -> list[tuple[str, str]]:
    """For the filter: every kind of record, in the order registered (core first)."""
    return [(value, str(label)) for value, label in _RECORD_LABELS.items() if _readable(value, readable)]
