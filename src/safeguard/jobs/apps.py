from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "safeguard.jobs"
    label = "jobs"
    verbose_name = "Background jobs"

    def ready(self) -> None:
        # Every app declares its periodic jobs in its own `tasks.py`; import them all now so that
        # each process (web and every worker) sees the same list.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("tasks")
