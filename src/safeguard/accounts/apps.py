from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "safeguard.accounts"
    label = "accounts"

    def ready(self) -> None:
        from safeguard.accounts import signals  # noqa: F401  (connects the lockout handler)
