from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from core.blocks import BodyStreamBlock
from core.models import BasePage
from core.utils import check_date_range, paginate
from news.feeds import FeedRoutesMixin, InitiativeFeed


class InitiativeQuerySet(PageQuerySet):
    def current(self, on=None):
        """Live, public initiatives whose period includes `on` (today by default)."""
        on = on or timezone.localdate()
        return (
            self.live()
            .public()
            .filter(Q(period_start__isnull=True) | Q(period_start__lte=on))
            .filter(Q(period_end__isnull=True) | Q(period_end__gte=on))
            .order_by("-issued_date", "-pk")
        )

    def upcoming(self, on=None):
        """Live, public initiatives published ahead of their period."""
        on = on or timezone.localdate()
        return self.live().public().filter(period_start__gt=on).order_by("period_start", "pk")

    def ended(self, on=None):
        """Live, public initiatives whose period is over."""
        on = on or timezone.localdate()
        return self.live().public().filter(period_end__lt=on)


class InitiativeIndexPage(FeedRoutesMixin, RoutablePageMixin, BasePage):
    """倡议书: current, upcoming and past initiatives, and feeds of them all by issue date: RSS 2.0
    (feed/) and Atom 1.0 (feed/atom/), see news/feeds.py."""

    template = "pages/initiative_index_page.html"
    parent_page_types = ["home.HomePage"]
    subpage_types = ["news.InitiativePage"]
    feed_class = InitiativeFeed

    content_panels = [*Page.content_panels, FieldPanel("summary")]

    class Meta:
        verbose_name = "倡议书列表页"
        verbose_name_plural = "倡议书列表页"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        initiatives = InitiativePage.objects.live().public().child_of(self)
        current = initiatives.current()
        context["current_initiatives"] = current
        context["upcoming_initiatives"] = initiatives.upcoming()
        context["past_page"] = paginate(
            request, initiatives.ended().order_by("-issued_date", "-pk"), settings.NEWS_PAGE_SIZE
        )
        return context

    def feed_items(self):
        return (
            InitiativePage.objects.live()
            .public()
            .child_of(self)
            .defer_streamfields()
            .order_by("-issued_date", "-first_published_at", "-pk")
        )


class InitiativePage(BasePage):
    """倡议书: an appeal to deputies; their responses are recorded inline and summed on the page."""

    issuing_body = models.CharField("发起单位", max_length=100, default="县人大常委会")
    issued_date = models.DateField("发布日期", default=timezone.localdate)
    period_start = models.DateField("开始日期", null=True, blank=True)
    period_end = models.DateField("结束日期", null=True, blank=True, help_text="留空表示长期有效")
    target = models.CharField("倡议对象", max_length=200, default="全县各级人大代表")
    body = StreamField(BodyStreamBlock(), verbose_name="倡议书正文")

    objects = PageManager.from_queryset(InitiativeQuerySet)()

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("issuing_body"),
                FieldPanel("issued_date"),
                FieldRowPanel(
                    [FieldPanel("period_start"), FieldPanel("period_end")], heading="倡议期限"
                ),
                FieldPanel("target"),
            ],
            heading="倡议信息",
        ),
        FieldPanel("summary"),
        FieldPanel("body"),
        InlinePanel("responses", heading="代表响应情况", label="响应记录"),
    ]

    # The site search (search/backends/site.py): its result type and date.
    search_result_type = "initiative"
    search_result_date = "issued_date"

    search_fields = [
        *BasePage.search_fields,
        index.SearchField("body"),
        index.SearchField("issuing_body"),
        index.SearchField("target"),
        index.FilterField("issued_date"),
    ]

    # Wagtail API v2 (/api/v2/pages/, opendata/api.py): what the page shows.
    api_fields = [
        APIField("issuing_body"),
        APIField("issued_date"),
        APIField("period_start"),
        APIField("period_end"),
        APIField("target"),
        APIField("summary"),
        APIField("body"),
        APIField("responses"),
    ]

    template = "pages/initiative_page.html"
    parent_page_types = ["news.InitiativeIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = "倡议书"
        verbose_name_plural = "倡议书"

    def clean(self):
        super().clean()
        check_date_range(self.period_start, self.period_end, end_field="period_end")

    @property
    def is_current(self):
        today = timezone.localdate()
        return (self.period_start is None or self.period_start <= today) and (
            self.period_end is None or self.period_end >= today
        )

    @property
    def is_upcoming(self):
        """Published ahead of its period: not current, but not ended either."""
        return self.period_start is not None and self.period_start > timezone.localdate()

    def response_rows(self):
        """The responses with their register entries in one query (in memory for previews)."""
        return list(self.responses.all().select_related("deputy"))

    def totals(self):
        """Sums over the responses. Uses the in-memory cluster so previews count unsaved rows."""
        responses = list(self.responses.all())
        return {
            "responses": len(responses),
            "deputies": len(
                {r.deputy_key for r in responses if r.deputy_id or r.deputy_name.strip()}
            ),
            "funds": sum((r.funds or Decimal(0) for r in responses), Decimal(0)),
            "households": sum(r.households or 0 for r in responses),
        }


class InitiativeResponse(Orderable):
    page = ParentalKey(InitiativePage, related_name="responses", on_delete=models.CASCADE)
    deputy = models.ForeignKey(
        "deputies.Deputy",
        verbose_name="代表",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="initiative_responses",
        help_text="从代表名册中选择；名册中没有的，只填姓名",
    )
    deputy_name = models.CharField(
        "代表姓名", max_length=50, blank=True, help_text="选择了代表时可留空，自动填入"
    )
    deputy_post = models.CharField("工作单位及职务", max_length=100, blank=True)
    action = models.TextField(
        "响应行动", help_text="代表做了什么，如捐资修路、帮扶困难户、宣传禁烧"
    )
    funds = models.DecimalField(
        "投入资金（元）", max_digits=14, decimal_places=2, null=True, blank=True
    )
    households = models.PositiveIntegerField("帮扶户数", null=True, blank=True)
    date = models.DateField("日期", null=True, blank=True)

    panels = [
        FieldRowPanel([FieldPanel("deputy"), FieldPanel("deputy_name"), FieldPanel("deputy_post")]),
        FieldPanel("action"),
        FieldRowPanel([FieldPanel("funds"), FieldPanel("households"), FieldPanel("date")]),
    ]

    # As on the page: the name and post shown, not the register entry behind them.
    api_fields = [
        APIField("deputy_name"),
        APIField("deputy_post"),
        APIField("action"),
        APIField("funds"),
        APIField("households"),
        APIField("date"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = "响应记录"
        verbose_name_plural = "响应记录"

    def clean(self):
        super().clean()
        if self.deputy_id and not self.deputy_name.strip():
            self.deputy_name = self.deputy.name
        if not self.deputy_name.strip():
            raise ValidationError({"deputy_name": "请选择代表或填写代表姓名。"})
        if self.funds is not None and self.funds < 0:
            raise ValidationError({"funds": "资金不能为负数。"})

    @property
    def deputy_key(self):
        """Who responded, for counting distinct deputies: the register entry, else the name."""
        return ("deputy", self.deputy_id) if self.deputy_id else ("name", self.deputy_name.strip())

    def __str__(self):
        return f"{self.deputy_name}：{self.action[:20]}"
