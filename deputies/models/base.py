import datetime

from django.db import models
from django.db.models import Q

from core.utils import check_date_range


class DatedQuerySet(models.QuerySet):
    def as_of(self, date=None):
        """Rows in force on `date` (today by default): started on or before it, not yet ended."""
        from django.utils import timezone

        date = date or timezone.localdate()
        return self.filter(Q(start_date__isnull=True) | Q(start_date__lte=date)).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=date)
        )


class DatedModel(models.Model):
    """A membership or role that holds from start_date to end_date (open-ended when empty)."""

    start_date = models.DateField("开始日期", null=True, blank=True)
    end_date = models.DateField("结束日期", null=True, blank=True, help_text="留空表示至今")

    objects = DatedQuerySet.as_manager()

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        check_date_range(self.start_date, self.end_date)

    def in_force(self, date=None):
        from django.utils import timezone

        date = date or timezone.localdate()
        return (self.start_date is None or self.start_date <= date) and (
            self.end_date is None or self.end_date >= date
        )


def quarter_of(date: datetime.date):
    """(year, quarter 1–4) of a date."""
    return date.year, (date.month - 1) // 3 + 1


def quarter_bounds(year: int, quarter: int):
    start = datetime.date(year, 3 * (quarter - 1) + 1, 1)
    end_month = 3 * quarter
    end = (
        datetime.date(year + 1, 1, 1) if end_month == 12 else datetime.date(year, end_month + 1, 1)
    ) - datetime.timedelta(days=1)
    return start, end
