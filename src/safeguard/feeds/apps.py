from django.apps import AppConfig


class FeedsConfig(AppConfig):
    name = "safeguard.feeds"
    label = "feeds"
    verbose_name = "Calendar feeds"
