from django.urls import path, reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail import hooks
from wagtail.log_actions import LogFormatter

from accounts import views
from accounts.models import AccountLogEntry

# action → (label in the 站点历史 filter, message in the report)
ACTIONS = {
    "accounts.login": ("登录成功", "登录成功"),
    "accounts.login_failed": ("登录失败", "登录失败"),
    "accounts.lockout": ("登录锁定", "连续登录失败，已锁定"),
    "accounts.logout": ("退出登录", "退出登录"),
    "accounts.session_expired": ("会话超时", "会话超时，已自动退出"),
    "accounts.otp_enabled": ("启用双因素认证", "启用双因素认证"),
    "accounts.otp_disabled": ("停用双因素认证", "停用双因素认证"),
    "accounts.otp_verified": ("双因素认证通过", "动态验证码验证通过"),
    "accounts.otp_failed": ("动态验证码错误", "动态验证码错误"),
    "accounts.password_reset_requested": ("申请找回密码", "申请通过邮件找回密码"),
    "accounts.password_reset_done": ("找回密码并重设", "通过邮件链接重设了密码"),
}


def _formatter(label, message):
    class AccountFormatter(LogFormatter):
        def format_message(self, log_entry):
            data = log_entry.data or {}
            parts = [message]
            if data.get("username"):
                parts.append(f"用户名：{data['username']}")
            if data.get("ip_address"):
                parts.append(f"IP：{data['ip_address']}")
            return "；".join(parts)

    AccountFormatter.label = label
    return AccountFormatter


@hooks.register("register_log_actions")
def register_account_log(actions):
    for action, (label, message) in ACTIONS.items():
        actions.register_action(action)(_formatter(label, message))
    # The OTP devices' own log entries (if anything logs them) land here too, never in
    # ModelLogEntry; registering a model is also what puts AccountLogEntry into 站点历史.
    for model in (TOTPDevice, StaticDevice):
        actions.register_model(model, AccountLogEntry)


@hooks.register("register_admin_urls")
def two_factor_urls():
    return [
        path("two-factor/", views.TwoFactorView.as_view(), name="accounts_two_factor"),
        path("two-factor/verify/", views.VerifyView.as_view(), name="accounts_verify"),
    ]


@hooks.register("register_account_menu_item")
def two_factor_menu_item(request):
    return {
        "url": reverse("accounts_two_factor"),
        "label": "双因素认证",
        "help_text": "登录时除密码外再输入手机身份验证器上的动态验证码。",
    }
