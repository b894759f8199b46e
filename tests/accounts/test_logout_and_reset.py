"""Logout by POST only, and the password reset: off by default, throttled and audited when on
(accounts/views.py, in front of Wagtail's views in website/urls.py)."""

from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.test import TestCase, override_settings
from django.urls import reverse

from accounts.models import AccountLogEntry
from tests.accounts.helpers import make_staff, post_login

RESET_URL = "/admin/password_reset/"


class LogoutTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_staff("editor")

    def setUp(self):
        post_login(self.client, "editor")
        self.session_key = self.client.session.session_key

    def test_get_is_refused_before_wagtail_runs(self):
        response = self.client.get("/admin/logout/")
        self.assertEqual(response.status_code, 405)
        self.assertEqual(response["Allow"], "POST")
        # The cookie is not deleted, and the session still works.
        self.assertNotIn(settings.SESSION_COOKIE_NAME, response.cookies)
        self.assertEqual(self.client.session.session_key, self.session_key)
        self.assertEqual(self.client.get("/admin/").status_code, 200)
        self.assertFalse(AccountLogEntry.objects.filter(action="accounts.logout").exists())

    def test_post_ends_the_session_and_is_audited(self):
        response = self.client.post(reverse("wagtailadmin_logout"))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.client.get("/admin/").status_code, 302)  # to the login page
        entry = AccountLogEntry.objects.get(action="accounts.logout")
        self.assertEqual(entry.user, self.editor)


class PasswordResetOffTests(TestCase):
    def test_off_by_default(self):
        self.assertFalse(settings.ADMIN_PASSWORD_RESET)
        self.assertEqual(self.client.get(RESET_URL).status_code, 404)
        self.assertEqual(self.client.post(RESET_URL, {"email": "a@example.com"}).status_code, 404)
        self.assertNotIn(RESET_URL, self.client.get("/admin/login/").content.decode())
        self.assertEqual(mail.outbox, [])


@override_settings(WAGTAIL_PASSWORD_RESET_ENABLED=True, ADMIN_PASSWORD_RESET=True)
class PasswordResetOnTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_staff("editor")

    def setUp(self):
        cache.clear()

    def request(self, email="editor@example.com", ip="10.0.0.1"):
        return self.client.post(RESET_URL, {"email": email}, REMOTE_ADDR=ip)

    def test_request_is_audited_and_sends_the_mail(self):
        response = self.request(ip="10.5.5.5")
        self.assertEqual(response.status_code, 302)
        self.assertEqual(len(mail.outbox), 1)
        entry = AccountLogEntry.objects.get(action="accounts.password_reset_requested")
        self.assertEqual(entry.data["username"], "editor@example.com")
        self.assertEqual(entry.data["ip_address"], "10.5.5.5")
        self.assertFalse(entry.data["throttled"])
        self.assertIn("申请通过邮件找回密码", entry.message)

    def test_throttled_per_address_typed(self):
        for n in range(3):
            self.assertEqual(self.request(ip=f"10.0.0.{n}").status_code, 302)
        response = self.request(ip="10.0.0.9")
        self.assertEqual(response.status_code, 429)
        self.assertIn("找回密码的请求过于频繁", response.content.decode())
        self.assertEqual(len(mail.outbox), 3)
        self.assertEqual(
            AccountLogEntry.objects.filter(
                action="accounts.password_reset_requested", data__throttled=True
            ).count(),
            1,
        )

    def test_throttled_per_ip_and_per_ipv6_64(self):
        for n in range(5):
            self.request(email=f"x{n}@example.com", ip=f"2001:db8:1:2::{n + 1}")
        response = self.request(email="editor@example.com", ip="2001:db8:1:2:ffff::9")
        self.assertEqual(response.status_code, 429)
        self.assertEqual(mail.outbox, [])  # none of the addresses exists but editor's
        # Another /64 is not affected.
        self.assertEqual(self.request(ip="2001:db8:1:3::1").status_code, 302)

    def test_new_password_is_audited(self):
        self.request()
        link = next(line for line in mail.outbox[0].body.splitlines() if "/confirm/" in line)
        path = link[link.index("/admin/") :].strip()
        response = self.client.get(path)  # Django redirects to the set-password URL
        self.assertEqual(response.status_code, 302)
        new = "Xin-Mima-2026-Chun!"
        response = self.client.post(
            response["Location"], {"new_password1": new, "new_password2": new}
        )
        self.assertEqual(response.status_code, 302)
        entry = AccountLogEntry.objects.get(action="accounts.password_reset_done")
        self.assertEqual(entry.user, self.editor)
        self.editor.refresh_from_db()
        self.assertTrue(self.editor.check_password(new))
