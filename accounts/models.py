"""The security audit log of admin accounts: logins, failed logins, lockouts, logouts, session
timeouts and the second factor. A Wagtail log-entry model (shown in 站点历史), kept apart from
ModelLogEntry so that only superusers read it (usernames tried and IP addresses are personal data
and a map for attackers)."""

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from wagtail.models.audit_log import BaseLogEntry, BaseLogEntryManager, LogEntryQuerySet


class AccountLogEntryQuerySet(LogEntryQuerySet):
    def with_instances(self):
        # Every entry is about a user account. A failed login with an unknown username has no
        # account (object_id ""), which Wagtail's with_instances would look up as an integer key
        # and fail on.
        entries = list(self)
        ids = {int(entry.object_id) for entry in entries if entry.object_id.isdigit()}
        users = get_user_model().objects.in_bulk(ids) if ids else {}
        for entry in entries:
            key = int(entry.object_id) if entry.object_id.isdigit() else None
            yield entry, users.get(key)


class AccountLogEntryManager(BaseLogEntryManager):
    def get_queryset(self):
        return AccountLogEntryQuerySet(self.model, using=self._db)

    def viewable_by_user(self, user):
        """Superusers only: editors and staff never see logins, IP addresses or usernames tried."""
        if user.is_superuser:
            return self.all()
        return self.none()

    def for_instance(self, instance):
        return self.filter(
            content_type=ContentType.objects.get_for_model(instance, for_concrete_model=False),
            object_id=str(instance.pk),
        )

    def log_action(self, instance, action, **kwargs):
        kwargs.setdefault("object_id", str(instance.pk))
        return super().log_action(instance, action, **kwargs)

    def log_event(self, action, *, user=None, username="", ip_address=None, **data):
        """One entry about an account: `user` when the account exists (the entry links to it),
        otherwise only the username that was tried. The acting user is the account itself."""
        from core.ip import client_ip

        request = data.pop("request", None)
        if request is not None and ip_address is None:
            ip_address = client_ip(request)
            data.setdefault("user_agent", request.META.get("HTTP_USER_AGENT", "")[:255])
        username = username or (user.get_username() if user is not None else "")
        data.update(username=username, ip_address=ip_address or "")
        return self.model.objects.create(
            content_type=ContentType.objects.get_for_model(get_user_model()),
            object_id=str(user.pk) if user is not None else "",
            label=username or "（空用户名）",
            action=action,
            timestamp=timezone.now(),
            user=user,
            data=data,
        )


class AccountLogEntry(BaseLogEntry):
    object_id = models.CharField(max_length=255, blank=True, db_index=True)

    objects = AccountLogEntryManager()

    class Meta(BaseLogEntry.Meta):
        ordering = ["-timestamp", "-id"]
        verbose_name = "账号安全记录"
        verbose_name_plural = "账号安全记录"

    def __str__(self):
        return f"AccountLogEntry {self.pk}: {self.action} {self.label}"
