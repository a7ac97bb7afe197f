from django.apps import AppConfig


class CourtsConfig(AppConfig):
    name = "safeguard.courts"
    label = "courts"

    def ready(self) -> None:
        from safeguard.core import plugins
        from safeguard.courts.policies import CourtsAction

        # Before every other app's entries (alerts, caseload, programmes), as the menu always had them.
        plugins.register_nav(plugins.NavEntry("Sentencing", "courts:case-list", CourtsAction.SENTENCING_CASE_VIEW, order=5))
        plugins.register_nav(plugins.NavEntry("Guidelines", "courts:guideline-list", CourtsAction.GUIDELINES_MANAGE, order=6))
