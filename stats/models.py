"""The public statistics page (数据统计): figures computed from the registers and pages of every
app, per year and term; never typed in. The figures come from each app's stats.py, composed in
stats/compose.py; their definitions are in docs/statistics.md."""

from django.utils import timezone
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page

from core.models import BasePage


def current_time():
    """Now, in the site's time zone (a function, so tests can fix the clock of this page)."""
    return timezone.localtime()


class StatisticsPage(BasePage):
    template = "pages/statistics_page.html"
    parent_page_types = ["home.HomePage"]
    subpage_types = []
    max_count = 1

    content_panels = [*Page.content_panels, FieldPanel("summary")]

    class Meta:
        verbose_name = "数据统计页"
        verbose_name_plural = "数据统计页"

    def get_context(self, request, *args, **kwargs):
        from . import compose

        context = super().get_context(request, *args, **kwargs)
        now = current_time()
        filters = compose.parse_filters(request.GET, today=now.date())
        context.update(
            {
                "filters": filters,
                "notices": filters.notices,
                "sections": compose.sections(filters, request=request, now=now),
            }
        )
        return context
