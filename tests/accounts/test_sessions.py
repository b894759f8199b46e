"""Admin sessions end after ADMIN_SESSION_IDLE_MINUTES without a request (sliding) and after
ADMIN_SESSION_MAX_HOURS in all; anonymous visitors get no session cookie."""

from datetime import timedelta

from django.test import TestCase, override_settings
from django.urls import reverse
from freezegun import freeze_time

from accounts.models import AccountLogEntry
from tests.accounts.helpers import LOGIN_URL, make_staff, post_login
from tests.helpers import default_home

START = "2026-06-01 01:00:00"


class IdleTimeoutTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_staff("editor")

    def assert_in_admin(self):
        response = self.client.get("/admin/")
        self.assertEqual(response.status_code, 200)

    def assert_sent_to_login(self, path="/admin/"):
        response = self.client.get(path)
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(LOGIN_URL), response["Location"])
        return response

    def test_session_ends_after_thirty_idle_minutes(self):
        with freeze_time(START) as clock:
            post_login(self.client, "editor")
            self.assert_in_admin()
            clock.tick(timedelta(minutes=31))
            response = self.assert_sent_to_login("/admin/pages/")
            self.assertIn("next=/admin/pages/", response["Location"])
            self.assertNotIn("_auth_user_id", self.client.session)
            login_page = self.client.get(response["Location"])
            self.assertContains(login_page, "您已超过 30 分钟没有操作，已自动退出，请重新登录。")
            # Still out afterwards.
            self.assert_sent_to_login()
        entry = AccountLogEntry.objects.get(action="accounts.session_expired")
        self.assertEqual(entry.user, self.editor)
        self.assertEqual(entry.data["reason"], "idle")

    def test_every_request_restarts_the_thirty_minutes(self):
        with freeze_time(START) as clock:
            post_login(self.client, "editor")
            for _ in range(4):  # 4 × 29 minutes: almost two hours, never idle for 30
                clock.tick(timedelta(minutes=29))
                self.assert_in_admin()
            clock.tick(timedelta(minutes=30, seconds=30))
            self.assert_sent_to_login()

    def test_the_editing_ping_is_not_activity(self):
        # Wagtail's edit views ping every 10 s by themselves while open.
        ping = reverse(
            "wagtailadmin_editing_sessions:ping", args=["wagtailcore", "page", default_home().pk, 0]
        )
        with freeze_time(START) as clock:
            post_login(self.client, "editor")
            for _ in range(3):
                clock.tick(timedelta(minutes=10))
                self.client.post(ping)
            clock.tick(timedelta(minutes=1))  # 31 minutes after the last real request
            self.assert_sent_to_login()

    @override_settings(ADMIN_SESSION_IDLE_MINUTES=5)
    def test_idle_minutes_are_a_setting(self):
        with freeze_time(START) as clock:
            self.client.force_login(self.editor)
            self.assert_in_admin()
            clock.tick(timedelta(minutes=4))
            self.assert_in_admin()
            clock.tick(timedelta(minutes=6))
            self.assert_sent_to_login()

    @override_settings(ADMIN_SESSION_MAX_HOURS=1)
    def test_absolute_limit_even_when_active(self):
        with freeze_time(START) as clock:
            post_login(self.client, "editor")
            for _ in range(3):
                clock.tick(timedelta(minutes=19))
                self.assert_in_admin()
            clock.tick(timedelta(minutes=4))  # 61 minutes after login
            self.assert_sent_to_login()
            self.assertContains(self.client.get(LOGIN_URL), "本次登录已满 1 小时")
        entry = AccountLogEntry.objects.get(action="accounts.session_expired")
        self.assertEqual(entry.data["reason"], "absolute")

    def test_an_expired_session_on_the_public_site_is_just_anonymous(self):
        with freeze_time(START) as clock:
            self.client.force_login(self.editor)
            clock.tick(timedelta(minutes=45))
            response = self.client.get("/")
            self.assertEqual(response.status_code, 200)
            self.assertNotIn("_auth_user_id", self.client.session)


class AnonymousVisitorTests(TestCase):
    def test_no_session_cookie_for_anonymous_pages(self):
        for path in ("/", LOGIN_URL, "/search/?q=代表"):
            response = self.client.get(path)
            self.assertIn(response.status_code, (200, 404), path)
            self.assertNotIn("sessionid", response.cookies, path)
            self.assertNotIn("sessionid", self.client.cookies, path)
