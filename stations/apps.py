from django.apps import AppConfig


class StationsConfig(AppConfig):
    name = "stations"
    verbose_name = "代表工作站"

    def ready(self):
        # The station section of deputies' profiles (deputies' PROFILE_SECTIONS_HOOK).
        from stations import public_hooks  # noqa: F401
