"""The optional TOTP second factor (django-otp): enrollment with a QR code and a confirming code,
the second login step, recovery codes, turning it off, and ADMIN_REQUIRE_TOTP."""

import re
from datetime import timedelta

from django.test import TestCase, override_settings
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from freezegun import freeze_time

from accounts.models import AccountLogEntry
from tests.accounts.helpers import current_code, make_staff, post_login

SETUP = reverse("accounts_two_factor")
VERIFY = reverse("accounts_verify")
START = "2026-06-01 01:00:00"


def enrolled(user):
    device = TOTPDevice.objects.create(user=user, name="身份验证器", confirmed=True)
    static = StaticDevice.objects.create(user=user, name="恢复码", confirmed=True)
    StaticToken.objects.create(device=static, token="recover123")
    return device


class EnrollmentTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_staff("editor")

    def setUp(self):
        self.client.force_login(self.editor)

    def test_account_page_links_to_it(self):
        response = self.client.get(reverse("wagtailadmin_account"))
        self.assertContains(response, SETUP)
        self.assertContains(response, "双因素认证")

    def test_setup_page_shows_a_qr_code_and_the_secret(self):
        response = self.client.get(SETUP)
        self.assertEqual(response.status_code, 200)
        device = TOTPDevice.objects.get(user=self.editor, confirmed=False)
        text = response.content.decode()
        self.assertIn("<svg", text)
        secret = re.search(r"密钥：<code>([A-Z2-7 ]+)</code>", text).group(1).replace(" ", "")
        self.assertIn(f"secret={secret}", device.config_url)
        # Reloading keeps the same secret (the app may already have it).
        self.client.get(SETUP)
        self.assertEqual(TOTPDevice.objects.filter(user=self.editor).count(), 1)

    def test_a_valid_code_turns_it_on_and_shows_recovery_codes(self):
        with freeze_time(START):
            self.client.get(SETUP)
            device = TOTPDevice.objects.get(user=self.editor)
            response = self.client.post(SETUP, {"action": "enable", "code": current_code(device)})
            # This session counts as verified: the admin stays open.
            self.assertEqual(self.client.get("/admin/").status_code, 200)
        self.assertEqual(response.status_code, 200)
        device.refresh_from_db()
        self.assertTrue(device.confirmed)
        codes = StaticToken.objects.filter(device__user=self.editor)
        self.assertEqual(codes.count(), 10)
        for token in codes:
            self.assertContains(response, token.token)
        self.assertContains(response, "双因素认证已启用")
        self.assertTrue(AccountLogEntry.objects.filter(action="accounts.otp_enabled").exists())

    def test_a_wrong_code_does_not(self):
        self.client.get(SETUP)
        response = self.client.post(SETUP, {"action": "enable", "code": "000000"})
        self.assertContains(response, "动态验证码不正确或已过期")
        self.assertFalse(TOTPDevice.objects.filter(user=self.editor, confirmed=True).exists())
        entry = AccountLogEntry.objects.get(action="accounts.otp_failed")
        self.assertEqual(entry.data["step"], "enable")


class SecondStepTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_staff("editor")
        cls.device = enrolled(cls.editor)

    def login(self):
        response = post_login(self.client, "editor")
        self.assertEqual(response.status_code, 302)

    def test_no_admin_view_before_the_code(self):
        self.login()
        for path in ("/admin/", "/admin/pages/", SETUP, reverse("wagtailadmin_account")):
            response = self.client.get(path)
            self.assertEqual(response.status_code, 302, path)
            self.assertTrue(response["Location"].startswith(VERIFY), path)
        page = self.client.get(VERIFY)
        self.assertContains(page, "动态验证码")

    def test_logout_before_the_code(self):
        # The logout in front of Wagtail's (POST only) is still let through at the second step.
        self.login()
        response = self.client.post(reverse("wagtailadmin_logout"))
        self.assertEqual(response.status_code, 302)
        self.assertFalse(response["Location"].startswith(VERIFY))
        self.assertNotIn("_auth_user_id", self.client.session)
        self.assertTrue(AccountLogEntry.objects.filter(action="accounts.logout").exists())

    def test_the_code_opens_the_admin(self):
        with freeze_time(START):
            self.login()
            response = self.client.post(
                VERIFY, {"code": current_code(self.device), "next": "/admin/pages/"}
            )
            self.assertEqual(self.client.get("/admin/").status_code, 200)
        self.assertRedirects(response, "/admin/pages/", fetch_redirect_response=False)
        self.assertTrue(AccountLogEntry.objects.filter(action="accounts.otp_verified").exists())

    def test_a_wrong_code_is_refused_and_audited(self):
        with freeze_time(START):
            self.login()
            response = self.client.post(VERIFY, {"code": "123456"})
        self.assertContains(response, "动态验证码不正确或已过期")
        self.assertEqual(self.client.get("/admin/").status_code, 302)
        entry = AccountLogEntry.objects.get(action="accounts.otp_failed")
        self.assertEqual(entry.data["step"], "login")

    def test_a_code_is_used_once(self):
        with freeze_time(START) as clock:
            code = current_code(self.device)
            self.login()
            self.client.post(VERIFY, {"code": code})
            self.client.post(reverse("wagtailadmin_logout"))
            clock.tick(timedelta(seconds=5))
            self.login()
            response = self.client.post(VERIFY, {"code": code})
            self.assertEqual(response.status_code, 200)
            clock.tick(timedelta(seconds=30))
            response = self.client.post(VERIFY, {"code": current_code(self.device)})
            self.assertEqual(response.status_code, 302)

    def test_a_recovery_code_works_once(self):
        self.login()
        response = self.client.post(VERIFY, {"code": "recover123"})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.client.get("/admin/").status_code, 200)
        self.assertFalse(StaticToken.objects.filter(token="recover123").exists())

    def test_five_wrong_codes_end_the_session(self):
        with freeze_time(START) as clock:
            self.login()
            for _ in range(5):
                clock.tick(timedelta(minutes=1))  # past django-otp's throttling delay
                response = self.client.post(VERIFY, {"code": "111111"})
        self.assertRedirects(response, "/admin/login/", fetch_redirect_response=False)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_public_site_treats_the_unverified_as_anonymous(self):
        self.login()
        response = self.client.get("/")
        self.assertEqual(response.status_code, 200)
        self.assertFalse(response.wsgi_request.user.is_authenticated)

    def test_users_without_it_log_in_with_the_password_alone(self):
        make_staff("plain")
        post_login(self.client, "plain")
        self.assertEqual(self.client.get("/admin/").status_code, 200)


class TurnOffTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_staff("editor")
        cls.device = enrolled(cls.editor)

    def setUp(self):
        with freeze_time(START):
            post_login(self.client, "editor")
            self.client.post(VERIFY, {"code": current_code(self.device)})

    def test_needs_a_valid_code(self):
        with freeze_time(START):
            response = self.client.post(SETUP, {"action": "disable", "code": "999999"})
        self.assertContains(response, "动态验证码不正确或已过期")
        self.assertTrue(TOTPDevice.objects.filter(user=self.editor).exists())

    def test_a_valid_code_turns_it_off(self):
        with freeze_time(START) as clock:
            clock.tick(timedelta(seconds=30))
            response = self.client.post(
                SETUP, {"action": "disable", "code": current_code(self.device)}
            )
        self.assertRedirects(response, SETUP, fetch_redirect_response=False)
        self.assertFalse(TOTPDevice.objects.filter(user=self.editor).exists())
        self.assertFalse(StaticDevice.objects.filter(user=self.editor).exists())
        self.assertTrue(AccountLogEntry.objects.filter(action="accounts.otp_disabled").exists())

    @override_settings(ADMIN_REQUIRE_TOTP=True)
    def test_cannot_be_turned_off_when_required(self):
        with freeze_time(START) as clock:
            clock.tick(timedelta(seconds=30))
            self.client.post(SETUP, {"action": "disable", "code": current_code(self.device)})
        self.assertTrue(TOTPDevice.objects.filter(user=self.editor).exists())


@override_settings(ADMIN_REQUIRE_TOTP=True)
class RequiredTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_staff("editor")

    def test_enrollment_comes_first(self):
        self.client.force_login(self.editor)
        for path in ("/admin/", "/admin/pages/"):
            response = self.client.get(path)
            self.assertRedirects(response, SETUP, fetch_redirect_response=False)
        self.assertContains(self.client.get(SETUP), "本站要求后台用户启用双因素认证")
        with freeze_time(START):
            device = TOTPDevice.objects.get(user=self.editor)
            self.client.post(SETUP, {"action": "enable", "code": current_code(device)})
            self.assertEqual(self.client.get("/admin/").status_code, 200)

    @override_settings(ADMIN_REQUIRE_TOTP=False)
    def test_off_by_default(self):
        self.client.force_login(self.editor)
        self.assertEqual(self.client.get("/admin/").status_code, 200)
