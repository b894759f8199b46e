import importlib
import random

import factory.random
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from faker import Faker


class Command(BaseCommand):
    help = (
        "载入演示内容：一个县人大常委会网站的栏目、新闻、倡议书和部门评议。"
        "可重复执行，已存在的内容不会重复创建。每个应用的 demo.py 提供 load(command)。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="在 DEBUG 关闭（生产）时也执行。谨慎使用。"
        )
        parser.add_argument("--seed", type=int, default=2026, help="随机数种子（默认 2026）")

    def handle(self, *args, force=False, seed=2026, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "当前 DEBUG 已关闭（疑似生产环境），拒绝载入演示数据。确需载入请加 --force。"
            )
        # Seed every source of randomness the factories use, so runs are repeatable.
        random.seed(seed)
        Faker.seed(seed)
        factory.random.reseed_random(seed)

        total = 0
        for app_config in apps.get_app_configs():
            try:
                module = importlib.import_module(f"{app_config.name}.demo")
            except ModuleNotFoundError as error:
                if error.name == f"{app_config.name}.demo":
                    continue
                raise
            with transaction.atomic():
                created = module.load(self)
            total += created
            self.stdout.write(f"{app_config.verbose_name}（{app_config.label}）：新建 {created} 项")
        if total:
            self.stdout.write(self.style.SUCCESS(f"演示内容载入完成，共新建 {total} 项。"))
        else:
            self.stdout.write(self.style.SUCCESS("演示内容已存在，没有任何改动。"))
