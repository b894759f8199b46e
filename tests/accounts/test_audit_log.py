"""Login events in Wagtail's audit log (AccountLogEntry), readable in 站点历史 by superusers only,
and `manage.py prune_audit_log`."""

from datetime import timedelta
from io import StringIO

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.core.management import CommandError, call_command
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone
from wagtail.log_actions import registry
from wagtail.models import ModelLogEntry, PageLogEntry

from accounts.models import AccountLogEntry
from stations.models import StationLogEntry
from tests.accounts.helpers import make_staff, post_login
from tests.helpers import default_home

HISTORY = reverse("wagtailadmin_reports:site_history")


class AuditEventTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_staff("editor")

    def test_successful_login(self):
        post_login(self.client, "editor", ip="10.1.1.1", HTTP_USER_AGENT="Firefox")
        entry = AccountLogEntry.objects.get(action="accounts.login")
        self.assertEqual(entry.user, self.editor)
        self.assertEqual(entry.object_id, str(self.editor.pk))
        self.assertEqual(entry.data["ip_address"], "10.1.1.1")
        self.assertEqual(entry.data["user_agent"], "Firefox")
        self.assertEqual(entry.message, "登录成功；用户名：editor；IP：10.1.1.1")

    def test_failed_login_of_an_existing_account(self):
        post_login(self.client, "editor", "wrong", ip="10.1.1.2")
        entry = AccountLogEntry.objects.get(action="accounts.login_failed")
        self.assertEqual(entry.user, self.editor)
        self.assertEqual(entry.data["ip_address"], "10.1.1.2")
        self.assertNotIn("wrong", str(entry.data))

    def test_failed_login_with_an_unknown_username(self):
        post_login(self.client, "nobody", "wrong", ip="10.1.1.3")
        entry = AccountLogEntry.objects.get(action="accounts.login_failed")
        self.assertIsNone(entry.user)
        self.assertEqual(entry.object_id, "")
        self.assertEqual(entry.label, "nobody")
        self.assertEqual(entry.message, "登录失败；用户名：nobody；IP：10.1.1.3")

    def test_logout(self):
        post_login(self.client, "editor")
        self.client.post(reverse("wagtailadmin_logout"), REMOTE_ADDR="10.0.0.1")
        entry = AccountLogEntry.objects.get(action="accounts.logout")
        self.assertEqual(entry.user, self.editor)

    def test_actions_have_chinese_labels(self):
        labels = dict(registry.get_choices())
        self.assertEqual(labels["accounts.login_failed"], "登录失败")
        self.assertEqual(labels["accounts.lockout"], "登录锁定")
        self.assertEqual(labels["accounts.otp_disabled"], "停用双因素认证")
        self.assertIn(AccountLogEntry, registry.get_log_entry_models())


class SiteHistoryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.superuser = make_staff("root", superuser=True)
        cls.editor = make_staff("editor")
        AccountLogEntry.objects.log_event(
            "accounts.login_failed", username="intruder-x", ip_address="192.0.2.55"
        )
        AccountLogEntry.objects.log_event(
            "accounts.login", user=cls.editor, ip_address="192.0.2.66"
        )

    def test_superuser_sees_login_events(self):
        self.client.force_login(self.superuser)
        response = self.client.get(HISTORY)
        self.assertEqual(response.status_code, 200)
        text = response.content.decode()
        self.assertIn("intruder-x", text)
        self.assertIn("192.0.2.55", text)
        self.assertIn("登录成功", text)

    def test_superuser_filters_by_action(self):
        self.client.force_login(self.superuser)
        response = self.client.get(HISTORY, {"action": "accounts.login_failed"})
        text = response.content.decode()
        self.assertIn("intruder-x", text)
        self.assertNotIn("192.0.2.66", text)

    def test_editor_never_sees_them(self):
        self.client.force_login(self.editor)
        response = self.client.get(HISTORY)
        self.assertEqual(response.status_code, 200)
        text = response.content.decode()
        self.assertNotIn("intruder-x", text)
        self.assertNotIn("192.0.2.", text)
        self.assertFalse(AccountLogEntry.objects.viewable_by_user(self.editor).exists())
        # Not even through the action filter.
        response = self.client.get(HISTORY, {"action": "accounts.login_failed"})
        self.assertNotIn("intruder-x", response.content.decode())


class PruneAuditLogTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = make_staff("editor")
        home = default_home()
        now = timezone.now()
        cls.old, cls.recent = now - timedelta(days=400), now - timedelta(days=100)
        for when in (cls.old, cls.recent):
            PageLogEntry.objects.log_action(home, "wagtail.edit", timestamp=when)
            ModelLogEntry.objects.log_action(cls.user, "wagtail.edit", timestamp=when)
            AccountLogEntry.objects.log_event("accounts.login", user=cls.user, ip_address="1.1.1.1")
            # attempt_time is auto_now_add: set afterwards.
            attempt = AccessAttempt.objects.create(
                username="x",
                ip_address="1.1.1.1",
                user_agent=str(when),
                get_data="",
                post_data="",
                http_accept="",
                path_info="/",
                failures_since_start=1,
            )
            access = AccessLog.objects.create(username="x", ip_address="1.1.1.1")
            failure = AccessFailureLog.objects.create(
                username="x", ip_address="1.1.1.1", locked_out=False
            )
            for record in (attempt, access, failure):
                type(record).objects.filter(pk=record.pk).update(attempt_time=when)
        AccountLogEntry.objects.filter(pk=AccountLogEntry.objects.order_by("pk").first().pk).update(
            timestamp=cls.old
        )
        cls.station_model_entries = StationLogEntry.objects.count()

    def counts(self):
        models = [PageLogEntry, ModelLogEntry, AccountLogEntry, AccessAttempt, AccessLog]
        return {model.__name__: model.objects.count() for model in [*models, AccessFailureLog]}

    def run_command(self, *args):
        out = StringIO()
        call_command("prune_audit_log", *args, stdout=out)
        return out.getvalue()

    def test_deletes_what_is_older_than_the_days(self):
        before = self.counts()
        output = self.run_command("--days", "200")
        after = self.counts()
        for name in before:
            self.assertEqual(after[name], before[name] - 1, name)
        self.assertFalse(AccountLogEntry.objects.filter(timestamp__lt=self.recent).exists())
        self.assertIn("已删除 6 条", output)
        self.assertIn("stations.StationLogEntry: 0", output)

    def test_dry_run_counts_and_keeps(self):
        before = self.counts()
        output = self.run_command("--days", "200", "--dry-run")
        self.assertEqual(self.counts(), before)
        self.assertIn("将删除 6 条", output)
        self.assertIn("axes.AccessFailureLog: 1", output)

    @override_settings(AUDIT_LOG_RETENTION_DAYS=50)
    def test_refuses_less_than_six_months(self):
        before = self.counts()
        with self.assertRaisesMessage(CommandError, "保留天数不能少于 183 天"):
            self.run_command("--days", "182")
        with self.assertRaisesMessage(CommandError, "至少保存六个月"):
            self.run_command()  # the setting is below the minimum too
        self.assertEqual(self.counts(), before)

    @override_settings(AUDIT_LOG_RETENTION_DAYS=90 * 5)
    def test_default_days_from_the_setting(self):
        before = self.counts()
        self.run_command()  # 450 days: nothing is that old
        self.assertEqual(self.counts(), before)
        with override_settings(AUDIT_LOG_RETENTION_DAYS=365):
            self.run_command()
        self.assertEqual(self.counts()["ModelLogEntry"], before["ModelLogEntry"] - 1)
