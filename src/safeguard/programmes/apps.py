from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "safeguard.programmes"
    label = "programmes"
    verbose_name = "Treatment programmes"

    def ready(self) -> None:
        # Plug-ins: audit words, dashboard panels, due items, calendar feed, person section, demo data.
        from safeguard.programmes import plugins

        plugins.register_all()
