from django.apps import AppConfig


class CourtsConfig(AppConfig):
    name = "safeguard.courts"
    label = "courts"
