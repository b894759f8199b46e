"""The lockout page (axes' AXES_LOCKOUT_CALLABLE) and the second factor's admin views: turning
it on and off (admin/two-factor/) and the second login step (admin/two-factor/verify/)."""

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from django_ratelimit.core import get_usage
from wagtail.admin import messages
from wagtail.admin.views import account as account_views
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from accounts import otp
from accounts.forms import CodeForm
from accounts.models import AccountLogEntry
from core.ip import rate_limit_bucket

MAX_CODE_FAILURES = 5
FAILURES_KEY = "accounts_otp_failures"


def lockout(request, original_response=None, credentials=None):
    """The Chinese lockout page. Own callable rather than AXES_LOCKOUT_TEMPLATE: the page names
    the time to retry (the cool-off counts from this attempt, since axes restarts it on every
    attempt during a lockout), which needs the attempt time axes keeps on the request."""
    from axes.helpers import get_cool_off

    cool_off = get_cool_off(request)
    attempt = getattr(request, "axes_attempt_time", None) or timezone.now()
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "minutes": int(cool_off.total_seconds() // 60) if cool_off else None,
        "retry_at": attempt + cool_off if cool_off else None,
        "contact": settings.ADMIN_LOCKOUT_CONTACT,
    }
    return render(
        request, "accounts/lockout.html", context, status=settings.AXES_HTTP_RESPONSE_CODE
    )


def _safe_next(request, default):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


class TwoFactorView(WagtailAdminTemplateMixin, TemplateView):
    """双因素认证 in the account area: scan the QR code, confirm with a code (on); a code to turn
    it off. Reached only in a session that has passed the second factor (the middleware)."""

    template_name = "accounts/two_factor.html"
    page_title = "双因素认证"
    header_icon = "key"

    def get_breadcrumbs_items(self):
        return [
            *super().get_breadcrumbs_items(),
            {"url": reverse("wagtailadmin_account"), "label": "账号设置"},
            {"url": "", "label": self.page_title},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        device = otp.totp_device(user)
        context["enabled"] = device is not None
        context["required"] = settings.ADMIN_REQUIRE_TOTP
        context.setdefault("form", CodeForm())
        if device is None:
            pending = otp.pending_device(user)
            context["qr_svg"] = otp.qr_svg(pending)
            context["secret"] = otp.secret(pending)
        else:
            context["recovery_left"] = sum(
                static.token_set.count()
                for static in otp.StaticDevice.objects.filter(user=user, confirmed=True)
            )
        return context

    def post(self, request):
        user = request.user
        form = CodeForm(request.POST)
        action = request.POST.get("action")
        enabled = otp.has_second_factor(user)
        if action == "disable" and enabled and settings.ADMIN_REQUIRE_TOTP:
            messages.error(request, "本站要求所有后台用户使用双因素认证，不能停用。")
            return redirect("accounts_two_factor")
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        code = form.cleaned_data["code"]
        if action == "enable" and not enabled:
            device = otp.pending_device(user)
            if device.verify_token("".join(code.split())):
                codes = otp.enable(request, device)
                AccountLogEntry.objects.log_event(
                    "accounts.otp_enabled", user=user, request=request
                )
                messages.success(
                    request, "双因素认证已启用。以后登录时，输入密码后还要输入动态验证码。"
                )
                return self.render_to_response(self.get_context_data(recovery_codes=codes))
        elif action == "disable" and enabled:
            if otp.verify(user, code) is not None:
                otp.disable(user)
                AccountLogEntry.objects.log_event(
                    "accounts.otp_disabled", user=user, request=request
                )
                messages.success(request, "双因素认证已停用。")
                return redirect("accounts_two_factor")
        else:
            return redirect("accounts_two_factor")
        AccountLogEntry.objects.log_event(
            "accounts.otp_failed", user=user, request=request, step=action
        )
        form.add_error("code", "动态验证码不正确或已过期，请输入应用中当前显示的 6 位数字。")
        return self.render_to_response(self.get_context_data(form=form))


class VerifyView(TemplateView):
    """The second login step: after the password, a code from the app or a recovery code. Five
    wrong codes end the session (back to the password)."""

    template_name = "accounts/verify.html"

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_verified() or not otp.has_second_factor(user):
            return redirect(_safe_next(request, reverse("wagtailadmin_home")))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", CodeForm())
        context["next"] = _safe_next(self.request, "")
        return context

    def post(self, request):
        user = request.user
        form = CodeForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        wait = otp.throttled(user)
        device = None if wait else otp.verify(user, form.cleaned_data["code"])
        if device is not None:
            otp.otp_login(request, device)
            request.session.pop(FAILURES_KEY, None)
            AccountLogEntry.objects.log_event(
                "accounts.otp_verified",
                user=user,
                request=request,
                recovery_code=device.__class__.__name__ == "StaticDevice",
            )
            return redirect(_safe_next(request, reverse("wagtailadmin_home")))
        failures = request.session.get(FAILURES_KEY, 0) + 1
        request.session[FAILURES_KEY] = failures
        AccountLogEntry.objects.log_event(
            "accounts.otp_failed", user=user, request=request, step="login", failures=failures
        )
        if failures >= MAX_CODE_FAILURES:
            logout(request)
            messages.error(
                request, f"动态验证码连续错误 {failures} 次，请重新输入用户名和密码登录。"
            )
            return redirect("wagtailadmin_login")
        if wait:
            form.add_error("code", f"尝试过于频繁，请 {wait} 秒后再输入。")
        else:
            form.add_error(
                "code",
                "动态验证码不正确或已过期，请输入应用中当前显示的 6 位数字或一个未用过的恢复码。",
            )
        return self.render_to_response(self.get_context_data(form=form))


# -- Logout and password reset, in front of Wagtail's views (website/urls.py) ------------------

# Wagtail's LogoutView answers a GET with Django's 405 but deletes the session cookie and adds
# its "logged out" message anyway, without ending the session or writing the audit entry (a
# link or an <img> on any site could do that to an editor). Non-POST is refused before it runs.
admin_logout = require_POST(account_views.LogoutView.as_view())

PASSWORD_RESET_IP_RATE = "ADMIN_PASSWORD_RESET_IP_RATE", "5/h"
PASSWORD_RESET_EMAIL_RATE = "ADMIN_PASSWORD_RESET_EMAIL_RATE", "3/h"
RESET_THROTTLED_MESSAGE = "找回密码的请求过于频繁，请一小时后再试，或联系本站系统管理员。"


def _rate(setting):
    name, default = setting
    return getattr(settings, name, default)


class PasswordResetView(account_views.PasswordResetView):
    """Wagtail's, off unless ADMIN_PASSWORD_RESET (WAGTAIL_PASSWORD_RESET_ENABLED: 404 then);
    when on, throttled per client IP and per address typed, and every request audited."""

    def post(self, request, *args, **kwargs):
        email = request.POST.get("email", "").strip()[:254]
        by_ip = get_usage(
            request,
            group="accounts:password-reset-ip",
            key=lambda _group, request: rate_limit_bucket(request),
            rate=_rate(PASSWORD_RESET_IP_RATE),
            increment=True,
        )
        by_email = get_usage(
            request,
            group="accounts:password-reset-email",
            key=lambda _group, _request: email.lower() or "-",
            rate=_rate(PASSWORD_RESET_EMAIL_RATE),
            increment=True,
        )
        limited = any(usage and usage["should_limit"] for usage in (by_ip, by_email))
        AccountLogEntry.objects.log_event(
            "accounts.password_reset_requested",
            username=email,
            request=request,
            throttled=limited,
        )
        if limited:
            form = self.get_form_class()(request.POST)
            form.is_valid()
            form.add_error(None, RESET_THROTTLED_MESSAGE)
            response = self.render_to_response(self.get_context_data(form=form))
            response.status_code = 429
            return response
        return super().post(request, *args, **kwargs)


class PasswordResetConfirmView(account_views.PasswordResetConfirmView):
    """Wagtail's, with the new password audited."""

    def form_valid(self, form):
        response = super().form_valid(form)
        AccountLogEntry.objects.log_event(
            "accounts.password_reset_done", user=form.user, request=self.request
        )
        return response
