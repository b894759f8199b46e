"""Deletes audit-log entries older than N days: every Wagtail log-entry model (PageLogEntry,
ModelLogEntry, StationLogEntry, AccountLogEntry, whatever is registered) and django-axes' records
(AccessAttempt, AccessLog, AccessFailureLog). 网络安全等级保护 2.0 asks for at least six months of
audit records, so fewer than 183 days is refused."""

from datetime import timedelta

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import registry
from wagtail.models import PageLogEntry

MINIMUM_DAYS = 183


class Command(BaseCommand):
    help = "删除 N 天以前的审计日志（Wagtail 操作记录与登录记录）；N 不少于 183 天。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="保留天数（默认 AUDIT_LOG_RETENTION_DAYS，即 365）",
        )
        parser.add_argument("--dry-run", action="store_true", help="只统计，不删除")

    def targets(self):
        """(model, timestamp field) of every log to prune, in a stable order."""
        models = set(registry.get_log_entry_models()) | {PageLogEntry}
        found = [(model, "timestamp") for model in sorted(models, key=lambda m: m._meta.label)]
        found += [(AccessAttempt, "attempt_time"), (AccessLog, "attempt_time")]
        found.append((AccessFailureLog, "attempt_time"))
        return found

    def handle(self, *args, days=None, dry_run=False, **options):
        if days is None:
            days = settings.AUDIT_LOG_RETENTION_DAYS
        if days < MINIMUM_DAYS:
            raise CommandError(
                f"保留天数不能少于 {MINIMUM_DAYS} 天"
                f"（网络安全等级保护要求审计记录至少保存六个月），收到 --days {days}。"
            )
        cutoff = timezone.now() - timedelta(days=days)
        total = 0
        with transaction.atomic():
            for model, field in self.targets():
                old = model._default_manager.filter(**{f"{field}__lt": cutoff})
                # delete() counts cascaded rows too; only this model's are reported.
                count = old.count() if dry_run else old.delete()[1].get(model._meta.label, 0)
                total += count
                self.stdout.write(f"{model._meta.label}: {count}")
        verb = "将删除" if dry_run else "已删除"
        since = f"{timezone.localtime(cutoff):%Y-%m-%d %H:%M}"
        self.stdout.write(f"{verb} {total} 条 {since} 以前的记录（保留 {days} 天）。")
