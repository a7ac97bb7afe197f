from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "safeguard.alerts"
    label = "alerts"
    verbose_name = "Due items and alerts"

    def ready(self) -> None:
        from safeguard.alerts import panels
        from safeguard.alerts.feeds import PROVIDER, due_for_feed
        from safeguard.alerts.policies import AlertsAction
        from safeguard.alerts.services import ACKNOWLEDGE
        from safeguard.audit import actions
        from safeguard.core import plugins
        from safeguard.feeds.registry import register as register_feed

        actions.register(
            {
                AlertsAction.VIEW: "View due items",
                AlertsAction.TEAM_VIEW: "View the team's due items",
                ACKNOWLEDGE: "Acknowledge due items",
            },
            records={"alerts.DueItem": "Due item"},
        )
        plugins.register_panel(
            plugins.DashboardPanel(
                name="alerts.attention",
                template="alerts/_panel.html",
                action=AlertsAction.VIEW,
                context=panels.attention,
                order=10,
                width="two-thirds",
            )
        )
        plugins.register_nav(
            plugins.NavEntry("Alerts", "alerts:list", AlertsAction.VIEW, order=10, when=panels.has_providers)
        )
        register_feed(PROVIDER, due_for_feed)
