"""What insights plugs into the shell: navigation, the analyst's dashboard panel, the person-page
section, demo data, and the words of its audit actions."""

from __future__ import annotations

from typing import Any

from safeguard.core import plugins
from safeguard.insights.policies import InsightsAction

AUDIT_ACTIONS = {
    InsightsAction.OUTCOME_VIEW: "View a person's outcomes",
    InsightsAction.OUTCOME_RECORD: "Record an outcome",
    InsightsAction.OUTCOME_IMPORT: "Import outcomes or follow-up",
    InsightsAction.PUBLISH: "Publish statistics",
    "insights.outcome.delete": "Remove an outcome",
    "insights.follow_up.record": "Record a follow-up period",
    "insights.follow_up.import": "Import follow-up periods",
    "insights.analysis.view": "View an analysis (aggregate)",
    "insights.analysis.run": "Run an analysis in the background (aggregate)",
}
RECORDS = {
    "insights.ImportBatch": "Outcome data import",
    "insights.AnalysisResult": "Analysis (aggregate)",
    "insights.PublishedStatistics": "Published statistics",
}


def _panel(actor: Any) -> dict[str, Any] | None:
    from safeguard.insights import selectors

    return {"summary": selectors.summary(actor=actor)}


def _section(actor: Any, person: Any) -> dict[str, Any] | None:
    from safeguard import policy
    from safeguard.insights import selectors

    outcomes = selectors.person_outcomes(actor=actor, person=person)
    if outcomes is None:
        return None
    return {"outcomes": outcomes, "may_record": policy.allows(actor, InsightsAction.OUTCOME_RECORD), "person": person}


def _demo(agencies: Any) -> dict[str, int]:
    from safeguard.insights import demo

    return demo.load(agencies)


def register_all() -> None:
    from safeguard.audit import actions

    actions.register(AUDIT_ACTIONS, records=RECORDS)
    plugins.register_nav(plugins.NavEntry("Evidence", "insights:home", InsightsAction.ANALYSE, order=60))
    plugins.register_nav(plugins.NavEntry("Import outcomes", "insights:import-start", InsightsAction.OUTCOME_IMPORT, order=65))
    plugins.register_panel(plugins.DashboardPanel(
        "insights.summary", "insights/_panel.html", InsightsAction.ANALYSE, _panel, order=10, width="full",
    ))
    plugins.register_person_section(plugins.PersonSection(
        "insights.outcomes", "insights/_person_section.html", InsightsAction.OUTCOME_VIEW, _section, order=60,
    ))
    plugins.register_demo(plugins.DemoLoader("insights.outcomes", _demo, order=90))
