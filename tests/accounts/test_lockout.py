"""Lockout after repeated failed logins (django-axes): per username and, separately, per IP,
for the cool-off time, with a Chinese lockout page on Wagtail's admin login."""

from datetime import timedelta
from io import StringIO

from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import RequestFactory, TestCase, override_settings
from freezegun import freeze_time

from accounts.models import AccountLogEntry
from core.ip import bucket, client_ip
from tests.accounts.helpers import make_staff, post_login


@override_settings(AXES_ENABLED=True)
class LockoutTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_staff("editor")
        cls.other = make_staff("other")

    def fail(self, times, username="editor", ips=None):
        for n in range(times):
            ip = ips[n] if ips else "10.0.0.1"
            response = post_login(self.client, username, "wrong-password", ip=ip)
        return response

    def assert_logged_in(self, response):
        self.assertEqual(response.status_code, 302, response.content[:300])
        self.assertEqual(response["Location"], "/admin/")

    def test_four_failures_do_not_lock(self):
        response = self.fail(4)
        self.assertEqual(response.status_code, 200)
        self.assert_logged_in(post_login(self.client, "editor"))

    def test_fifth_failure_locks_with_a_chinese_page(self):
        with freeze_time("2026-06-01 02:00:00"):  # 10:00 in Asia/Shanghai
            response = self.fail(5)
        self.assertEqual(response.status_code, 429)
        text = response.content.decode()
        self.assertIn("登录已暂时锁定", text)
        self.assertIn("连续 5 次登录失败", text)
        self.assertIn("30 分钟后", text)
        self.assertIn("2026年6月1日 10:30", text)
        self.assertIn("本站系统管理员（县人大常委会办公室）", text)

    def test_the_right_password_is_refused_while_locked(self):
        self.fail(5)
        response = post_login(self.client, "editor")
        self.assertEqual(response.status_code, 429)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_username_is_locked_from_every_ip(self):
        self.fail(5, ips=[f"10.0.1.{n}" for n in range(5)])
        self.assertEqual(post_login(self.client, "editor", ip="10.0.9.9").status_code, 429)
        # Another account from that fresh address is not affected.
        self.assert_logged_in(post_login(self.client, "other", ip="10.0.9.9"))

    def test_ip_is_locked_for_every_username(self):
        for n in range(5):
            post_login(self.client, f"guess{n}", "wrong-password", ip="10.0.2.2")
        self.assertEqual(post_login(self.client, "other", ip="10.0.2.2").status_code, 429)
        self.assert_logged_in(post_login(self.client, "other", ip="10.0.3.3"))

    def test_lock_ends_after_the_cool_off(self):
        with freeze_time("2026-06-01 02:00:00") as clock:
            self.fail(5)
            clock.tick(timedelta(minutes=29))
            self.assertEqual(post_login(self.client, "editor").status_code, 429)
            # That attempt restarted the 30 minutes.
            clock.tick(timedelta(minutes=29))
            self.assertEqual(post_login(self.client, "editor", ip="10.7.7.7").status_code, 429)
            clock.tick(timedelta(minutes=31))
            self.assert_logged_in(post_login(self.client, "editor", ip="10.7.7.7"))

    @override_settings(AXES_FAILURE_LIMIT=3, AXES_COOLOFF_TIME=timedelta(minutes=10))
    def test_limit_and_cool_off_are_settings(self):
        response = self.fail(3)
        self.assertEqual(response.status_code, 429)
        self.assertIn("10 分钟后", response.content.decode())

    @override_settings(ADMIN_LOCKOUT_CONTACT="信息科 王工，电话 0000-1234567")
    def test_contact_is_a_setting(self):
        self.assertIn("信息科 王工，电话 0000-1234567", self.fail(5).content.decode())

    def test_lockout_is_audited(self):
        self.fail(5)
        entry = AccountLogEntry.objects.get(action="accounts.lockout")
        self.assertEqual(entry.user, self.editor)
        self.assertEqual(entry.data["ip_address"], "10.0.0.1")
        self.assertEqual(AccountLogEntry.objects.filter(action="accounts.login_failed").count(), 5)

    def test_axes_reset_username_unlocks(self):
        self.fail(5)
        call_command("axes_reset_username", "editor", stdout=StringIO())
        self.assertFalse(AccessAttempt.objects.filter(username="editor").exists())
        self.assert_logged_in(post_login(self.client, "editor"))

    def test_forwarded_for_is_ignored_without_a_proxy(self):
        # A client rotating X-Forwarded-For is still one REMOTE_ADDR.
        for n in range(5):
            post_login(
                self.client, f"guess{n}", "x", ip="10.0.4.4", HTTP_X_FORWARDED_FOR=f"1.2.3.{n}"
            )
        self.assertEqual(post_login(self.client, "other", ip="10.0.4.4").status_code, 429)

    @override_settings(TRUSTED_PROXY_COUNT=1)
    def test_behind_the_proxy_clients_are_told_apart_by_forwarded_for(self):
        proxy = "172.18.0.5"
        for n in range(5):
            post_login(
                self.client,
                f"guess{n}",
                "x",
                ip=proxy,
                # The left entry is the client's own claim; nginx appended the right one.
                HTTP_X_FORWARDED_FOR=f"9.9.9.{n}, 203.0.113.7",
            )
        locked = post_login(self.client, "other", ip=proxy, HTTP_X_FORWARDED_FOR="203.0.113.7")
        self.assertEqual(locked.status_code, 429)
        fine = post_login(self.client, "other", ip=proxy, HTTP_X_FORWARDED_FOR="198.51.100.1")
        self.assert_logged_in(fine)

    def test_ipv6_is_locked_per_64(self):
        # Five addresses of one /64 (a phone's privacy addresses) lock the whole /64.
        for n in range(5):
            post_login(self.client, f"guess{n}", "x", ip=f"2001:db8:ab:cd:{n:x}::{n + 1}")
        locked = post_login(self.client, "other", ip="2001:db8:ab:cd:ffff:ffff:ffff:fffe")
        self.assertEqual(locked.status_code, 429)
        # The next /64 is another client; the audit log keeps the exact address.
        self.assert_logged_in(post_login(self.client, "other", ip="2001:db8:ab:ce::1"))
        entry = AccountLogEntry.objects.filter(action="accounts.login_failed").first()
        self.assertTrue(entry.data["ip_address"].startswith("2001:db8:ab:cd:"))
        self.assertNotEqual(entry.data["ip_address"], "2001:db8:ab:cd::")


class BucketTests(TestCase):
    def test_buckets(self):
        self.assertEqual(bucket("203.0.113.7"), "203.0.113.7")
        self.assertEqual(bucket("2001:db8:1:2:aaaa:bbbb:cccc:dddd"), "2001:db8:1:2::")
        self.assertEqual(bucket("2001:DB8:1:2::1"), "2001:db8:1:2::")
        self.assertEqual(bucket("::ffff:203.0.113.7"), "203.0.113.7")
        self.assertIsNone(bucket("not-an-ip"))
        self.assertIsNone(bucket(None))


class ClientIpTests(TestCase):
    def ip(self, remote="10.0.0.1", forwarded=None):
        extra = {"REMOTE_ADDR": remote}
        if forwarded is not None:
            extra["HTTP_X_FORWARDED_FOR"] = forwarded
        return client_ip(RequestFactory().get("/", **extra))

    def test_remote_addr_without_proxy(self):
        self.assertEqual(self.ip(forwarded="1.1.1.1"), "10.0.0.1")

    @override_settings(TRUSTED_PROXY_COUNT=1)
    def test_right_most_entry_behind_one_proxy(self):
        self.assertEqual(self.ip(forwarded="6.6.6.6, 1.1.1.1"), "1.1.1.1")

    @override_settings(TRUSTED_PROXY_COUNT=2)
    def test_second_from_the_right_behind_two(self):
        self.assertEqual(self.ip(forwarded="6.6.6.6, 1.1.1.1, 10.9.9.9"), "1.1.1.1")

    @override_settings(TRUSTED_PROXY_COUNT=1)
    def test_garbage_falls_back_to_remote_addr(self):
        self.assertEqual(self.ip(forwarded="not-an-ip"), "10.0.0.1")
        self.assertEqual(self.ip(), "10.0.0.1")
