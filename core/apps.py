from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "公共"

    def ready(self):
        from core import csv_export, pagecache

        pagecache.connect_signals()
        csv_export.install_admin_cell_writer()
