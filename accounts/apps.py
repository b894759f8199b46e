from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "后台账号安全"

    def ready(self):
        # Login, logout, failed login and lockout go to the audit log (accounts/signals.py).
        from accounts import signals  # noqa: F401
