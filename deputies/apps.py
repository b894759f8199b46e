from django.apps import AppConfig


class DeputiesConfig(AppConfig):
    name = "deputies"
    verbose_name = "代表管理"
