"""Admin sessions: end after ADMIN_SESSION_IDLE_MINUTES without a request (sliding) and after
ADMIN_SESSION_MAX_HOURS in all; and the second factor's gate: a user who must pass it reaches no
admin view but the verify page (and the enrollment page when ADMIN_REQUIRE_TOTP makes him enroll)
until he has, and is an anonymous visitor to the public site meanwhile.

Own middleware rather than SESSION_SAVE_EVERY_REQUEST + a short SESSION_COOKIE_AGE: that would
write every session on every request and shorten anonymous sessions too (page passwords). This one
touches only requests that carry a session cookie and belong to a logged-in user, so anonymous
visitors never get a cookie or a Vary: Cookie from it (the full-page cache relies on that); it
saves the last-seen time at most once a minute. Must come after django_otp's OTPMiddleware."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.http import urlencode
from wagtail.admin import messages

from accounts import otp
from accounts.signals import LOGIN_AT, LOGOUT_REASON, SEEN_AT
from core.csp import admin_prefix

# How often the last-seen time is written (seconds): the idle limit holds to the minute.
SEEN_RESOLUTION = 60
# Requests the admin's JavaScript sends by itself (the concurrent-editing ping every 10 s) are not
# activity: an editor page left open must not keep a session alive.
BACKGROUND_NAMESPACES = {"wagtailadmin_editing_sessions"}
# What a user who still owes the second factor may reach.
VERIFY_URL_NAMES = {"accounts_verify", "wagtailadmin_logout", "wagtailadmin_javascript_catalog"}


def _route(request):
    try:
        return resolve(request.path_info)
    except Resolver404:
        return None


class AdminSessionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = None
        if settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated:
            response = self.check_age(request)
            if response is None and request.user.is_authenticated:
                response = self.check_second_factor(request)
        return response or self.get_response(request)

    def is_admin(self, request):
        prefix = admin_prefix()  # with the script prefix, as request.path
        return prefix is not None and request.path.startswith(prefix)

    def check_age(self, request):
        session = request.session
        now = time.time()
        seen = session.get(SEEN_AT)
        login_at = session.get(LOGIN_AT)
        reason = None
        if seen is not None and now - seen > settings.ADMIN_SESSION_IDLE_MINUTES * 60:
            reason = "idle"
        elif login_at is not None and now - login_at > settings.ADMIN_SESSION_MAX_HOURS * 3600:
            reason = "absolute"
        if reason:
            setattr(request, LOGOUT_REASON, reason)
            logout(request)
            if not self.is_admin(request):
                return None
            if reason == "idle":
                text = f"您已超过 {settings.ADMIN_SESSION_IDLE_MINUTES} 分钟没有操作"
            else:
                text = f"本次登录已满 {settings.ADMIN_SESSION_MAX_HOURS} 小时"
            messages.warning(request, f"{text}，已自动退出，请重新登录。")
            return redirect_to_login(request.get_full_path(), reverse("wagtailadmin_login"))
        if login_at is None:
            session[LOGIN_AT] = int(now)
        if seen is None or now - seen >= SEEN_RESOLUTION:
            route = _route(request)
            if seen is None or route is None or route.namespace not in BACKGROUND_NAMESPACES:
                session[SEEN_AT] = int(now)
        return None

    def check_second_factor(self, request):
        user = request.user
        if user.is_verified() or not otp.second_factor_required(user):
            return None
        if not self.is_admin(request):
            # Not past the second factor: the public site sees an anonymous visitor.
            request.user = AnonymousUser()
            return None
        route = _route(request)
        name = route.url_name if route else None
        if not otp.has_second_factor(user):
            # ADMIN_REQUIRE_TOTP and no device yet: enrollment first.
            if name in VERIFY_URL_NAMES or name == "accounts_two_factor":
                return None
            messages.warning(request, "本站要求后台用户启用双因素认证，请先完成设置。")
            return redirect("accounts_two_factor")
        if name in VERIFY_URL_NAMES:
            return None
        return redirect(
            f"{reverse('accounts_verify')}?{urlencode({'next': request.get_full_path()})}"
        )
