from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "safeguard.insights"
    label = "insights"
    verbose_name = "Insights"

    def ready(self) -> None:
        from safeguard.insights import registrations

        registrations.register_all()
