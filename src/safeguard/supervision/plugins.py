"""What the supervision app adds to the shell (called once from `SupervisionConfig.ready`): its audit
words, the due-item provider, menu entries, the dashboard panel, the person-page section, the calendar
feed and the demo loader."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from safeguard import policy
from safeguard.feeds.registry import FeedEvent, Window
from safeguard.policy import Actor
from safeguard.supervision.actions import ACTION_WORDS
from safeguard.supervision.actions import SupervisionAction as A

AUDIT_WORDS = {
    **ACTION_WORDS,
    "supervision.caseload.view": "View a caseload",
    "supervision.caseload.team": "View a team's caseload",
    "supervision.record.view": "View a person's supervision record",
    "supervision.due.list": "List supervision work due",
    "supervision.case.open": "Start supervising a person",
    "supervision.case.update": "Change a supervision case",
    "supervision.case.close": "End a supervision case",
    "supervision.case.transfer": "Transfer a supervision case",
    "supervision.case.management": "Change active or reactive management",
    "supervision.trigger.record": "Record a reactive management review trigger",
    "supervision.trigger.review": "Review reactive management",
    "supervision.requirement.create": "Record notification requirements",
    "supervision.notification.record": "Record a notification",
    "supervision.notification.made": "Record that a notification was made",
    "supervision.breach.record": "Record a breach of the notification requirements",
    "supervision.breach.transition": "Move a breach along its workflow",
    "supervision.override.transition": "Move a risk level override along its workflow",
    "supervision.plan.save": "Save a risk management plan",
    "supervision.plan.item.add": "Add to a risk management plan",
    "supervision.plan.item.remove": "Remove from a risk management plan",
    "supervision.visit.schedule": "Schedule a home visit",
    "supervision.visit.record": "Record a home visit",
    "supervision.visit.cancel": "Cancel a home visit",
    "supervision.mappa.set": "Set a MAPPA category and level",
    "supervision.meeting.record": "Record a MAPPA meeting",
    "supervision.action.add": "Add a MAPPA action",
    "supervision.action.complete": "Complete a MAPPA action",
    "supervision.settings.frequency": "Visit frequencies changed",
    "supervision.refresh": "Supervision due dates and tiers refreshed",
}
RECORD_WORDS = {
    "supervision.SupervisionCase": "Supervision case",
    "supervision.NotificationRequirement": "Notification requirements",
    "supervision.NotificationEvent": "Register notification",
    "supervision.Breach": "Breach of notification requirements",
    "supervision.RiskLevelOverride": "Risk level override",
    "supervision.Visit": "Home visit",
    "supervision.ReviewTrigger": "Reactive management review trigger",
    "supervision.MappaMeeting": "MAPPA meeting",
    "supervision.MappaAction": "MAPPA action",
    "supervision.AgencyVisitFrequency": "Agency visit frequencies",
}
PANEL_ITEMS = 8


def caseload_panel(actor: Actor) -> dict[str, Any] | None:
    """The dashboard panel: the actor's own supervision work due (a supervisor: the team's), most urgent
    first. Hidden for roles without supervision; bounded queries through the due-item provider."""
    from safeguard.core.due import DueQuery, provide_once
    from safeguard.supervision import selectors

    if not policy.allows(actor, A.VIEW):
        return None
    today = timezone.localdate()
    team = policy.allows(actor, A.TEAM_VIEW)
    items = provide_once(selectors.due_items, DueQuery(actor=actor, today=today, limit=PANEL_ITEMS, team=team))
    overdue, capped = selectors.overdue_case_count(actor, today, team=team)
    return {
        "supervision_items": [{"item": i, "status": i.status(today)} for i in items],
        "supervision_overdue": overdue,
        "supervision_overdue_capped": capped,
        "supervision_team": team,
        "supervision_more": len(items) >= PANEL_ITEMS,
    }


def person_section(actor: Actor, person: Any) -> dict[str, Any] | None:
    """On the person page: this person's open supervision cases in reach, with a link to the record."""
    from safeguard.supervision import ports

    if not policy.allows(actor, A.VIEW):
        return None
    return {"supervision_cases": ports.open_cases_of(actor=actor, person_ids=[person.pk]), "supervision_person": person}


def visits_feed(actor: Actor, window: Window) -> list[FeedEvent]:
    """Calendar feed: the actor's scheduled visits and visit due dates, by person reference only."""
    from safeguard.supervision.choices import VisitStatus
    from safeguard.supervision.models import SupervisionCase, Visit

    if not policy.allows(actor, A.VIEW):
        return []
    start, end = window.start, window.end
    events = []
    planned = policy.scope(actor, A.VIEW, Visit.objects.filter(
        status=VisitStatus.SCHEDULED, planned_for__range=(start, end), case__officer=actor.user, agency=actor.agency,
    )).select_related("person").order_by("planned_for", "id")[:250]  # fmt: skip
    for visit in planned:
        if visit.planned_for is None:
            continue
        events.append(FeedEvent(uid=f"supervision-visit-{visit.pk}", start=visit.planned_for,
                                summary=f"Home visit: {visit.person.reference} ({visit.get_kind_display().lower()})"))  # fmt: skip
    due = policy.scope(actor, A.VIEW, SupervisionCase.objects.filter(
        closed_on__isnull=True, officer=actor.user, agency=actor.agency, next_visit_due__range=(start, end),
    )).select_related("person").order_by("next_visit_due", "id")[:250]  # fmt: skip
    for case in due:
        if case.next_visit_due is not None:
            events.append(FeedEvent(uid=f"supervision-visit-due-{case.pk}-{case.next_visit_due.isoformat()}",
                                    start=case.next_visit_due, summary=f"Home visit due: {case.person.reference}"))  # fmt: skip
    return events


def register_all() -> None:
    from safeguard.audit import actions as audit_actions
    from safeguard.core import due, plugins
    from safeguard.feeds import registry as feeds
    from safeguard.supervision import demo, selectors

    audit_actions.register(AUDIT_WORDS, records=RECORD_WORDS)
    due.register(due.DueProvider("supervision", "Supervision in the community", A.VIEW, selectors.due_items))
    plugins.register_nav(plugins.NavEntry("Caseload", "supervision:caseload", A.VIEW, order=20))
    plugins.register_nav(plugins.NavEntry("Team", "supervision:team", A.TEAM_VIEW, order=21))
    plugins.register_panel(plugins.DashboardPanel(
        "supervision.caseload", "supervision/panels/caseload.html", A.VIEW, caseload_panel, order=10, width="two-thirds",
    ))  # fmt: skip
    plugins.register_person_section(plugins.PersonSection(
        "supervision.cases", "supervision/panels/person_section.html", A.VIEW, person_section, order=20,
    ))  # fmt: skip
    feeds.register("supervision.visits", visits_feed)
    plugins.register_demo(plugins.DemoLoader("supervision", demo.load, order=50))
