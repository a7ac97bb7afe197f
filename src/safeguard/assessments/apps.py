from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "safeguard.assessments"
    label = "assessments"

    def ready(self) -> None:
        from safeguard.assessments import due
        from safeguard.assessments.feeds import PROVIDER, reassessments_due
        from safeguard.core.due import register as register_due
        from safeguard.feeds.registry import register

        register(PROVIDER, reassessments_due)
        register_due(due.PROVIDER)
