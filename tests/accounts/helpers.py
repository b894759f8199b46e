"""Shared by the tests of admin accounts' security: logging in through Wagtail's login form,
a staff user with a known password, the current TOTP code of a device."""

import time

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django_otp.oath import TOTP

LOGIN_URL = "/admin/login/"
PASSWORD = "Qiang-Mima-2026!"


def make_staff(username, superuser=False):
    User = get_user_model()
    if superuser:
        return User.objects.create_superuser(username, f"{username}@example.com", PASSWORD)
    # Wagtail's account form requires both names.
    user = User.objects.create_user(
        username, f"{username}@example.com", PASSWORD, first_name="小", last_name="王"
    )
    user.groups.add(Group.objects.get(name="编辑"))
    return user


def post_login(client, username, password=PASSWORD, ip="10.0.0.1", **extra):
    return client.post(
        LOGIN_URL, {"username": username, "password": password}, REMOTE_ADDR=ip, **extra
    )


def current_code(device):
    """The code the authenticator app shows now (django-otp's own TOTP, at the current clock)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"
