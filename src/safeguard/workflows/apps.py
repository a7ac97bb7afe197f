from django.apps import AppConfig


class WorkflowsConfig(AppConfig):
    name = "safeguard.workflows"
    label = "workflows"
    verbose_name = "Workflows"
