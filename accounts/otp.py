"""The second factor: a TOTP device (django_otp.plugins.otp_totp) per staff member, with one-time
recovery codes (otp_static). Helpers shared by the views and the middleware."""

from base64 import b32encode

import segno
from django.conf import settings
from django.db import transaction
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODES = 10
DEVICE_NAME = "身份验证器"


def totp_device(user, confirmed=True):
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("pk").first()


def has_second_factor(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def second_factor_required(user):
    """The user must pass the second factor in this session before any other admin view."""
    if has_second_factor(user):
        return True
    return settings.ADMIN_REQUIRE_TOTP and user.has_perm("wagtailadmin.access_admin")


def pending_device(user):
    """The unconfirmed device of an enrollment in progress (a new secret only when none is)."""
    device = totp_device(user, confirmed=False)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def secret(device):
    """The base32 secret, in groups of four for typing into an app by hand."""
    text = b32encode(device.bin_key).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def qr_svg(device):
    """The otpauth:// URL as an inline SVG QR code (segno, no image file, no network)."""
    return segno.make(device.config_url, error="m").svg_inline(
        scale=5, dark="#000", light="#fff", title="用身份验证器应用扫描此二维码"
    )


def verify(user, code):
    """The confirmed device that accepts `code` (the TOTP device, or a recovery code), or None.
    Each device's own verify_token applies django-otp's exponential throttling and refuses a
    code used once already."""
    code = "".join(str(code or "").split()).lower()
    if not code:
        return None
    with transaction.atomic():
        if code.isdigit():
            device = (
                TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
            )
        else:
            device = (
                StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
            )
        if device is not None and device.verify_token(code):
            return device
    return None


def throttled(user):
    """Seconds until django-otp accepts another code from this user's TOTP device, or 0."""
    device = totp_device(user)
    if device is None:
        return 0
    allowed, extra = device.verify_is_allowed()
    if allowed or not extra or "locked_until" not in extra:
        return 0
    from django.utils import timezone

    return max(1, int((extra["locked_until"] - timezone.now()).total_seconds()) + 1)


@transaction.atomic
def enable(request, device):
    """Confirm the device, replace any recovery codes, mark this session verified; returns the
    new recovery codes (shown once)."""
    user = device.user
    device.confirmed = True
    device.save()
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name="恢复码", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=static, token=code) for code in codes)
    otp_login(request, device)
    return codes


@transaction.atomic
def disable(user):
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
