from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "safeguard.audit"
    label = "audit"
    verbose_name = "Audit"

    def ready(self) -> None:
        from django.core.signals import request_started

        from safeguard.policy import forget_refusal

        # A refusal noted in one request must never be recorded against the next.
        request_started.connect(forget_refusal, dispatch_uid="safeguard.audit.forget_refusal")
