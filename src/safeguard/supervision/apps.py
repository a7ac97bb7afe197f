from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "safeguard.supervision"
    label = "supervision"
    verbose_name = "Supervision in the community"

    def ready(self) -> None:
        from safeguard.supervision import plugins

        plugins.register_all()
