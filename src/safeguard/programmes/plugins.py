"""Everything the programmes app plugs into the platform, registered from `ProgrammesConfig.ready()`:
audit words, navigation, dashboard panels, due items, the calendar feed, the person-page section and
the demo data."""

from __future__ import annotations

from typing import Any

from safeguard.audit import actions as audit_actions
from safeguard.core import due, plugins
from safeguard.feeds import registry as feeds
from safeguard.policy import Actor
from safeguard.programmes.policies import ProgrammeAction as A

AUDIT_WORDS = {
    A.CATALOGUE_VIEW: "View the programme catalogue",
    A.REFERRAL_VIEW: "View a programme referral",
    A.REFERRAL_CREATE: "Refer a person to a programme",
    A.REFERRAL_SUBMIT: "Submit a programme referral",
    A.REFERRAL_PROGRESS: "Move a programme referral on (programme team)",
    A.REFERRAL_HOLD: "Put a programme referral on hold",
    A.REFERRAL_RELEASE: "Release a programme referral's hold",
    A.REFERRAL_WITHDRAW: "Withdraw a programme referral",
    A.INVITATION_RECORD: "Record a police invitation to self-refer",
    A.GROUP_VIEW: "View programme groups",
    A.GROUP_MANAGE: "Manage programme groups",
    A.SESSION_RUN: "Run programme sessions",
    A.REPORT_VIEW: "View end-of-programme reports",
    A.CUSTODY_RECORD: "Record custody and release dates",
    A.RELEASE_GAP_VIEW: "View releases without treatment",
    A.PSEUDONYM_MANAGE: "Manage pseudonymous course participants",
    "programmes.referral.create": "Programme referral made",
    "programmes.referral.transition": "Programme referral moved on",
    "programmes.referral.list": "List programme referrals",
    "programmes.referral.suitability": "View a referral's suitability",
    "programmes.waiting.view": "View a programme waiting list",
    "programmes.invitation.record": "Police invitation to self-refer recorded",
    "programmes.site.create": "Programme site added",
    "programmes.closure.add": "Programme site closure recorded",
    "programmes.custody.record": "Custody and release date recorded",
    "programmes.custody.release": "Release from custody recorded",
    "programmes.group.create": "Programme group set up",
    "programmes.group.reschedule": "Programme group rescheduled",
    "programmes.group.view": "View a programme group",
    "programmes.member.allocate": "Person allocated to a programme group",
    "programmes.member.enrol": "Pseudonymous participant enrolled",
    "programmes.member.view": "View a group member's progress",
    "programmes.session.catch_up": "Catch-up session added",
    "programmes.session.book": "One-to-one session booked",
    "programmes.register.view": "View a session register",
    "programmes.register.take": "Session register taken",
    "programmes.homework.update": "Homework updated",
    "programmes.progress.rate": "Progress ratings recorded",
    "programmes.report.view": "View an end-of-programme report",
    "programmes.report.pdf": "Download an end-of-programme report",
    "programmes.release_gap.view": "View releases without treatment (list)",
    "programmes.pseudonym.sessions": "Prevention centre read a participant's sessions",
    "programmes.pseudonym.attendance": "Prevention centre read a participant's attendance",
}
RECORD_WORDS = {
    "programmes.Referral": "Programme referral",
    "programmes.Invitation": "Invitation to self-refer",
    "programmes.Group": "Programme group",
    "programmes.GroupMember": "Programme group member",
    "programmes.Session": "Programme session",
    "programmes.Homework": "Programme homework",
    "programmes.Site": "Programme site",
    "programmes.CustodyPeriod": "Custody period",
}


def _section(actor: Actor, person: Any) -> dict[str, Any] | None:
    from safeguard.programmes.selectors import person_programmes

    return {"programmes": person_programmes(actor=actor, person=person)}


def register_all() -> None:
    from safeguard.programmes import dashboards
    from safeguard.programmes.demo import load as demo_load
    from safeguard.programmes.feeds import PROVIDER, sessions_for_feed

    audit_actions.register(AUDIT_WORDS, records=RECORD_WORDS)
    plugins.register_nav(plugins.NavEntry("Programmes", "programmes:home", A.CATALOGUE_VIEW, order=40))
    plugins.register_panel(plugins.DashboardPanel(
        "programmes.facilitator", "programmes/panels/facilitator.html", A.SESSION_RUN,
        dashboards.facilitator_panel, order=10, width="two-thirds",
    ))
    plugins.register_panel(plugins.DashboardPanel(
        "programmes.manager", "programmes/panels/manager.html", A.GROUP_MANAGE, dashboards.manager_panel,
        order=20, width="full",
    ))
    plugins.register_panel(plugins.DashboardPanel(
        "programmes.referrals", "programmes/panels/referrer.html", A.REFERRAL_CREATE, dashboards.referrer_panel,
        order=30, width="one-third",
    ))
    plugins.register_panel(plugins.DashboardPanel(
        "programmes.release", "programmes/panels/release.html", A.RELEASE_GAP_VIEW, dashboards.release_panel,
        order=40, width="full",
    ))
    plugins.register_person_section(plugins.PersonSection(
        "programmes", "programmes/person_section.html", A.REFERRAL_VIEW, _section, order=30,
    ))
    for provider in (
        due.DueProvider("programmes.waiting", "Referrals waiting too long", A.GROUP_MANAGE, dashboards.due_waiting),
        due.DueProvider("programmes.register", "Registers to take", A.SESSION_RUN, dashboards.due_registers),
        due.DueProvider("programmes.homework", "Homework overdue", A.SESSION_RUN, dashboards.due_homework),
        due.DueProvider("programmes.breach", "Absences at the breach threshold", A.REFERRAL_VIEW, dashboards.due_breach),
        due.DueProvider("programmes.stable", "STABLE-2007 re-assessments", A.SESSION_RUN, dashboards.due_stable),
        due.DueProvider("programmes.report", "End-of-programme reports to read", A.REPORT_VIEW, dashboards.due_reports),
    ):
        due.register(provider)
    feeds.register(PROVIDER, sessions_for_feed)
    plugins.register_demo(plugins.DemoLoader("programmes", demo_load, order=50))
