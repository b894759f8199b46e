"""The password rules of base.py (at least 12 characters, not common, not all digits, not like
the user's details) in the two admin forms that set a password: Wagtail's "add user" and the
account's password change; the messages are Chinese."""

import re

from django.contrib.auth import get_user_model
from django.test import TestCase
from django.urls import reverse

from tests.accounts.helpers import PASSWORD, make_staff
from tests.helpers import parse

ADD_USER = reverse("wagtailusers_users:add")
ACCOUNT = reverse("wagtailadmin_account")
SHORT = "Kq7#mZ2$pL9"  # 11 characters, otherwise strong
COMMON = "password1234"  # 12 characters, in Django's list of common passwords
GOOD = "Qiang-Mima-2027!"
TOO_SHORT = "密码长度太短。密码必须包含至少 12 个字符。"
TOO_COMMON = "这个密码太常见了。"


class AddUserTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.superuser = make_staff("root", superuser=True)

    def setUp(self):
        self.client.force_login(self.superuser)

    def add(self, password):
        data = {
            "username": "newstaff",
            "email": "newstaff@example.com",
            "first_name": "新",
            "last_name": "编辑",
            "password1": password,
            "password2": password,
        }
        return self.client.post(ADD_USER, data)

    def test_eleven_characters_are_refused(self):
        response = self.add(SHORT)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, TOO_SHORT)
        self.assertFalse(get_user_model().objects.filter(username="newstaff").exists())

    def test_a_common_password_is_refused(self):
        response = self.add(COMMON)
        self.assertContains(response, TOO_COMMON)
        self.assertFalse(get_user_model().objects.filter(username="newstaff").exists())

    def test_a_good_password_is_accepted(self):
        response = self.add(GOOD)
        self.assertEqual(response.status_code, 302, response.content[:500])
        self.assertTrue(get_user_model().objects.get(username="newstaff").check_password(GOOD))


class ChangePasswordTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_staff("editor")

    def setUp(self):
        self.client.force_login(self.editor)

    def change(self, new):
        # Every field of the account form as the page shows it, plus the new password.
        form = parse(self.client.get(ACCOUNT)).find("form", method=re.compile("post", re.I))
        data = {}
        for field in form.find_all(["input", "select", "textarea"]):
            name = field.get("name")
            if not name or field.get("type") in {"submit", "file"}:
                continue
            if field.get("type") in {"checkbox", "radio"}:
                if field.has_attr("checked"):
                    data[name] = field.get("value", "on")
            elif field.name == "select":
                option = field.find("option", selected=True) or field.find("option")
                data[name] = option.get("value", "") if option else ""
            else:
                data[name] = field.get("value", field.text if field.name == "textarea" else "")
        data.update(
            {
                "password-old_password": PASSWORD,
                "password-new_password1": new,
                "password-new_password2": new,
            }
        )
        return self.client.post(ACCOUNT, data)

    def password_is(self, password):
        self.editor.refresh_from_db()
        return self.editor.check_password(password)

    def test_eleven_characters_are_refused(self):
        response = self.change(SHORT)
        self.assertContains(response, TOO_SHORT)
        self.assertTrue(self.password_is(PASSWORD))

    def test_a_common_password_is_refused(self):
        response = self.change(COMMON)
        self.assertContains(response, TOO_COMMON)
        self.assertTrue(self.password_is(PASSWORD))

    def test_a_good_password_is_accepted(self):
        response = self.change(GOOD)
        self.assertRedirects(response, ACCOUNT, fetch_redirect_response=False)
        self.assertTrue(self.password_is(GOOD))
        # The session survives its own password change.
        self.assertEqual(self.client.get("/admin/").status_code, 200)
