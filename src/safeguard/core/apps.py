from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class CoreConfig(AppConfig):
    name = "safeguard.core"
    label = "core"

    def ready(self) -> None:
        # Each feature app's access rules live in its own `policies.py`, registered into the one
        # policy engine (safeguard.policy.register) before the first request.
        autodiscover_modules("policies")
