import re

from django.conf import settings
from django.db import models
from django.utils import timezone
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.images.api.fields import ImageRenditionField
from wagtail.models import Page
from wagtail.search import index

from core.api import NamedSnippetSerializer
from core.blocks import BodyStreamBlock
from core.models import BasePage
from core.utils import paginate, parse_int
from news.feeds import FeedRoutesMixin, NewsFeed

# What NewsCategory.slug holds (SlugField, allow_unicode=False).
SLUG = re.compile(r"[-a-zA-Z0-9_]+")


class NewsCategory(models.Model):
    """栏目: 工作动态, 通知公告, 代表风采 … managed by editors as a snippet."""

    name = models.CharField("名称", max_length=50, unique=True)
    slug = models.SlugField(
        "网址名",
        max_length=50,
        unique=True,
        allow_unicode=False,
        help_text="用于网址，如 gongzuo-dongtai",
    )
    sort_order = models.PositiveSmallIntegerField("排序", default=0, help_text="数字小的排在前面")

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("sort_order")]

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = "新闻栏目"
        verbose_name_plural = "新闻栏目"

    def __str__(self):
        return self.name


class NewsPageTag(TaggedItemBase):
    content_object = ParentalKey(
        "news.NewsPage", related_name="tagged_items", on_delete=models.CASCADE
    )


class NewsIndexPage(FeedRoutesMixin, RoutablePageMixin, BasePage):
    """A news listing with category and year filters, pagination and feeds: RSS 2.0 (feed/) and
    Atom 1.0 (feed/atom/), see news/feeds.py."""

    template = "pages/news_index_page.html"
    parent_page_types = ["home.HomePage"]
    subpage_types = ["news.NewsPage"]
    feed_class = NewsFeed

    content_panels = [*Page.content_panels, FieldPanel("summary")]

    class Meta:
        verbose_name = "新闻列表页"
        verbose_name_plural = "新闻列表页"

    def news(self):
        return (
            NewsPage.objects.live()
            .public()
            .child_of(self)
            .select_related("category", "cover_image")
            .defer_streamfields()
            .order_by("-date", "-first_published_at", "-pk")
        )

    def feed_items(self):
        return self.news()

    @path("")
    def index_route(self, request):
        items = self.news()
        notices = []
        category = None
        category_slug = request.GET.get("category", "").strip()
        if category_slug:
            # Only a slug can name a category: anything else (NUL, which PostgreSQL refuses in a
            # query, was a 500; found by fuzzing) is unknown without asking the database.
            category = (
                NewsCategory.objects.filter(slug=category_slug).first()
                if SLUG.fullmatch(category_slug)
                else None
            )
            if category is None:
                notices.append("未找到所选栏目，已显示全部新闻。")
            else:
                items = items.filter(category=category)
        year = None
        if request.GET.get("year", "").strip():
            year = parse_int(request.GET["year"], minimum=1949, maximum=2100)
            if year is None:
                notices.append("年份应为四位数字，如 2026，已显示全部年份。")
            else:
                items = items.filter(date__year=year)
        context = {
            "news_page": paginate(request, items, settings.NEWS_PAGE_SIZE),
            "categories": NewsCategory.objects.filter(pk__in=self.news().values("category")),
            "years": [d.year for d in self.news().dates("date", "year", order="DESC")],
            "selected_category": category,
            "selected_year": year,
            "notices": notices,
        }
        return self.render(request, context_overrides=context)


class NewsPage(BasePage):
    date = models.DateField("发布日期", default=timezone.localdate)
    category = models.ForeignKey(
        NewsCategory,
        verbose_name="栏目",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="news_pages",
    )
    source = models.CharField("来源", max_length=100, blank=True, default="县人大常委会办公室")
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name="封面图片",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cover_image_alt = models.CharField(
        "封面图片替代文字",
        max_length=200,
        blank=True,
        help_text="描述图片内容，供读屏软件使用；图片仅作装饰时留空",
    )
    tags = ClusterTaggableManager("标签", through=NewsPageTag, blank=True)
    body = StreamField(BodyStreamBlock(), verbose_name="正文")

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [FieldPanel("date"), FieldPanel("category"), FieldPanel("source"), FieldPanel("tags")],
            heading="发布信息",
        ),
        MultiFieldPanel([FieldPanel("cover_image"), FieldPanel("cover_image_alt")], heading="封面"),
        FieldPanel("summary"),
        FieldPanel("body"),
    ]

    # The site search (search/backends/site.py): its result type and date.
    search_result_type = "news"
    search_result_date = "date"

    search_fields = [
        *BasePage.search_fields,
        index.SearchField("body"),
        index.FilterField("date"),
        index.RelatedFields("category", [index.SearchField("name")]),
    ]

    # Wagtail API v2 (/api/v2/pages/, opendata/api.py).
    api_fields = [
        APIField("date"),
        APIField("category", serializer=NamedSnippetSerializer()),
        APIField("source"),
        APIField("summary"),
        APIField("tags"),
        APIField("cover_image"),
        APIField(
            "cover_image_thumbnail",
            serializer=ImageRenditionField("fill-720x480|format-webp", source="cover_image"),
        ),
        APIField("cover_image_alt"),
        APIField("body"),
    ]

    template = "pages/news_page.html"
    parent_page_types = ["news.NewsIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = "新闻"
        verbose_name_plural = "新闻"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        related = NewsPage.objects.live().public().sibling_of(self, inclusive=False)
        if self.category_id:
            related = related.filter(category_id=self.category_id)
        context["related_news"] = related.defer_streamfields().order_by("-date", "-pk")[:3]
        return context
