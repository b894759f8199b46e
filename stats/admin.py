"""The dashboard panel 本年度数据: this year's key figures, from the same functions as the public
statistics page, with links to the page and to the registers behind each figure."""

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from wagtail.admin.ui.components import Component
from wagtail.permissions import policy_registry

from core.periods import Period
from deputies.models import CheckIn, Training
from deputies.models.base import quarter_bounds, quarter_of
from deputies.stats import checkin_statistics, training_statistics
from documents import stats as document_stats
from documents.models import NormativeDocument
from news.stats import appraisal_statistics, initiative_statistics
from stations.models import Activity, Reception
from stations.stats import activity_statistics, reception_statistics

from .charts import format_value
from .compose import document_querysets
from .models import StatisticsPage


def _listing_url(user, model):
    """The admin listing of a register, when the user may view it."""
    if not policy_registry.get_by_type(model).user_has_any_permission(user, ["view", "change"]):
        return None
    viewset = getattr(model, "snippet_viewset", None)
    if viewset is None:
        return None
    try:
        return reverse(viewset.get_url_name("list"))
    except NoReverseMatch:
        return None


def key_figures(user=None, now=None):
    """[{label, value, unit, url}] of this calendar year (the check-ins: this quarter)."""
    now = timezone.localtime(now)
    today = now.date()
    year = Period.year(today.year)
    trainings = training_statistics(year, today=today).total
    checkins = checkin_statistics(Period(quarter_bounds(*quarter_of(today))[0], today), today=today)
    quarter = checkins.latest
    receptions = reception_statistics(year, now=now)
    activities = activity_statistics(year, today=today)
    initiatives = initiative_statistics(year, today=today).total
    appraisals = appraisal_statistics(year, today=today)
    documents, reviews = document_querysets(year)
    filing = document_stats.totals(
        document_stats.annual_statistics(documents=documents, reviews=reviews)
    )

    def url(model):
        return _listing_url(user, model) if user is not None else None

    overdue_url = None
    if user is not None and policy_registry.get_by_type(CheckIn).user_has_permission(user, "view"):
        try:
            overdue_url = reverse("deputies_overdue_checkins:index")
        except NoReverseMatch:
            overdue_url = None
    appraised = appraisals.years[-1].departments if appraisals.years else 0
    return [
        {"label": "培训场次", "value": trainings.sessions, "unit": "场", "url": url(Training)},
        {"label": "参训人次", "value": trainings.attendances, "unit": "人次", "url": url(Training)},
        {
            "label": f"{quarter.label}报到" if quarter else "本季度报到",
            "value": quarter.checkins if quarter else 0,
            "unit": "次",
            "url": url(CheckIn),
        },
        {
            "label": "本季度未报到代表",
            "value": quarter.deputies_overdue if quarter else 0,
            "unit": "名",
            "url": overdue_url,
        },
        {"label": "举行代表接待日", "value": receptions.total, "unit": "次", "url": url(Reception)},
        {"label": "工作站活动记录", "value": activities.total, "unit": "条", "url": url(Activity)},
        {"label": "倡议书参与代表", "value": initiatives.deputies, "unit": "人", "url": None},
        {
            "label": "倡议投入资金",
            "value": format_value(initiatives.funds, "money"),
            "unit": "元",
            "url": None,
        },
        {"label": "评议部门", "value": appraised, "unit": "个", "url": None},
        {
            "label": "报备规范性文件",
            "value": filing.filed,
            "unit": "件",
            "url": url(NormativeDocument),
        },
        {"label": "审结", "value": filing.reviewed, "unit": "件", "url": None},
    ]


class StatisticsDashboardPanel(Component):
    """本年度数据 on the Wagtail dashboard: every admin user sees it (the figures are public)."""

    name = "statistics"
    template_name = "stats/admin/dashboard_panel.html"
    order = 120

    def __init__(self, request, now=None):
        self.request = request
        self.now = now

    def get_context_data(self, parent_context=None):
        now = timezone.localtime(self.now)
        page = StatisticsPage.objects.live().public().first()
        page_url = None
        if page is not None:
            page_url = f"{page.get_url(self.request)}?year={now.year}"
        return {
            "year": now.year,
            "figures": key_figures(self.request.user, now),
            "page_url": page_url,
        }
