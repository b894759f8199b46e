"""Authentication events → the audit log (AccountLogEntry), and the session's login time for
the absolute session limit (accounts/middleware.py)."""

import time

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from accounts.models import AccountLogEntry

LOGIN_AT = "accounts_login_at"
SEEN_AT = "accounts_seen_at"
# Set on the request by the middleware before it logs a user out for inactivity.
LOGOUT_REASON = "accounts_logout_reason"


def _account(username):
    if not username:
        return None
    User = get_user_model()
    return User._default_manager.filter(**{User.USERNAME_FIELD: username}).first()


@receiver(user_logged_in)
def log_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[LOGIN_AT] = now
        request.session[SEEN_AT] = now
    AccountLogEntry.objects.log_event("accounts.login", user=user, request=request)


@receiver(user_login_failed)
def log_login_failed(sender, credentials, request=None, **kwargs):
    User = get_user_model()
    username = str(credentials.get(User.USERNAME_FIELD) or credentials.get("username") or "")
    AccountLogEntry.objects.log_event(
        "accounts.login_failed",
        user=_account(username),
        username=username[:150],
        request=request,
    )


@receiver(user_locked_out)
def log_lockout(sender, request, username, ip_address, **kwargs):
    username = str(username or "")
    AccountLogEntry.objects.log_event(
        "accounts.lockout",
        user=_account(username),
        username=username[:150],
        ip_address=ip_address,
        request=request,
    )


@receiver(user_logged_out)
def log_logout(sender, request, user, **kwargs):
    if user is None:
        return
    reason = getattr(request, LOGOUT_REASON, None)
    action = "accounts.session_expired" if reason else "accounts.logout"
    extra = {"reason": reason} if reason else {}
    AccountLogEntry.objects.log_event(action, user=user, request=request, **extra)
