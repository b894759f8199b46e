"""The period a statistic covers (统计期间): all records, a term (届), a calendar year, or a year
within a term. Shared by the apps' stats.py modules, which filter their querysets with
`Period.q(field)` and list their years with `Period.year_list(...)`."""

import datetime
from dataclasses import dataclass

from django.db.models import Q


@dataclass(frozen=True)
class Period:
    """Dates from `start` to `end`, both included; None is open on that side."""

    start: datetime.date | None = None
    end: datetime.date | None = None
    label: str = "全部年度"

    @classmethod
    def year(cls, year):
        return cls(datetime.date(year, 1, 1), datetime.date(year, 12, 31), f"{year}年")

    @property
    def is_bounded(self):
        return self.start is not None or self.end is not None

    def q(self, field):
        """A filter keeping rows whose date `field` falls within the period."""
        condition = Q()
        if self.start is not None:
            condition &= Q(**{f"{field}__gte": self.start})
        if self.end is not None:
            condition &= Q(**{f"{field}__lte": self.end})
        return condition

    def contains(self, date):
        return (self.start is None or date >= self.start) and (self.end is None or date <= self.end)

    def contains_year(self, year):
        """A year belongs to the period when its 31 December does (used for records that carry a
        year rather than a date: appraisals). Each year so falls into exactly one term."""
        return self.contains(datetime.date(year, 12, 31))

    def year_list(self, data_years, today):
        """The years to show, oldest first: from the period's start (else the oldest year with
        data) to its end (else this year), never past this year. Empty when the period has no
        start and there is no data."""
        data_years = [y for y in data_years if y is not None]
        first = self.start.year if self.start else min(data_years, default=None)
        if first is None:
            return []
        last = self.end.year if self.end else max([*data_years, today.year])
        return list(range(first, min(last, today.year) + 1))


ALL = Period()
