from django.apps import apps
from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.api import APIField
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from core.blocks import BodyStreamBlock
from core.file_choices import AdminPageForm
from core.models import BasePage
from news.models import AppraisalPage, InitiativePage, NewsPage

# Quick entries on the home page to registers that later apps provide. Each is shown only
# when a live page of that type exists, so the home page never links to a 404. Named by
# model label so that home does not import the apps that depend on it.
QUICK_ENTRIES = [
    (
        "stations.StationIndexPage",
        "find/",
        "找代表·找站点",
        "按村（社区）查找您的人大代表和代表工作站",
    ),
    ("deputies.DeputyIndexPage", "", "人大代表名录", "全县各级人大代表"),
    (
        "documents.DocumentRegistryPage",
        "",
        "规范性文件备案审查",
        "查阅经备案审查的规范性文件，提出审查建议",
    ),
]


class HomePage(Page):
    introduction = models.TextField("导语", blank=True, max_length=300)
    news_count = models.PositiveSmallIntegerField("首页新闻条数", default=6)

    content_panels = [*Page.content_panels, FieldPanel("introduction"), FieldPanel("news_count")]
    api_fields = [APIField("introduction")]
    base_form_class = AdminPageForm

    template = "pages/home_page.html"
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "home.StandardPage",
        "news.NewsIndexPage",
        "news.InitiativeIndexPage",
        "news.AppraisalIndexPage",
        "deputies.DeputyIndexPage",
        "stations.StationIndexPage",
        "documents.DocumentRegistryPage",
        "stats.StatisticsPage",
    ]
    max_count = 1

    class Meta:
        verbose_name = "首页"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["latest_news"] = (
            NewsPage.objects.live()
            .public()
            .descendant_of(self)
            .select_related("category")
            .defer_streamfields()
            .order_by("-date", "-pk")[: self.news_count]
        )
        context["current_initiatives"] = (
            InitiativePage.objects.current().descendant_of(self).defer_streamfields()[:3]
        )
        context["latest_appraisals"] = (
            AppraisalPage.objects.live()
            .public()
            .descendant_of(self)
            .select_related("department")
            .defer_streamfields()
            .order_by("-year", "department__name")[:4]
        )
        context["quick_entries"] = self.quick_entries(request)
        return context

    def quick_entries(self, request):
        entries = []
        for label, suffix, title, description in QUICK_ENTRIES:
            try:
                model = apps.get_model(label)
            except (LookupError, ValueError):
                continue
            target = model.objects.live().public().descendant_of(self).first()
            if target is not None:
                entries.append(
                    {
                        "title": title,
                        "description": description,
                        "url": target.get_url(request) + suffix,
                    }
                )
        return entries


class StandardPage(BasePage):
    """Static content: 机构设置, 工作制度, 联系我们 …"""

    body = StreamField(BodyStreamBlock(), verbose_name="正文", blank=True)

    content_panels = [*Page.content_panels, FieldPanel("summary"), FieldPanel("body")]
    search_fields = [*BasePage.search_fields, index.SearchField("body")]
    api_fields = [APIField("summary"), APIField("body")]

    template = "pages/standard_page.html"
    parent_page_types = ["home.HomePage", "home.StandardPage"]
    subpage_types = ["home.StandardPage"]

    class Meta:
        verbose_name = "普通页面"
        verbose_name_plural = "普通页面"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["children"] = self.get_children().live().public().specific()
        return context
