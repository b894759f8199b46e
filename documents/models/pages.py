from django.db import models
from django.utils.functional import cached_property
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page

from core.models import BasePage


class DocumentRegistryPage(RoutablePageMixin, BasePage):
    """The public registry of filed normative documents. Routes (context in documents/views.py):

    ""                          list with facets (制定机关, year, validity, conclusion) and counts
    <int:pk>/                   a document: metadata, review conclusion, files, full text
    statistics/                 annual statistics computed from the records
    catalogue/ , catalogue/<year>/   the annual catalogue (备案目录)
    suggest/                    the review-suggestion form (审查建议)
    track/                      a suggestion's status, by tracking number plus check code
    csv/                        the list as a CSV download, with the list's filters
    """

    introduction = RichTextField(
        "说明", blank=True, features=["bold", "italic", "ol", "ul", "link"]
    )
    suggestion_notice = RichTextField(
        "审查建议须知",
        blank=True,
        features=["bold", "italic", "ol", "ul", "link"],
        help_text="显示在审查建议表单上方，如受理范围、办理时限",
    )
    page_size = models.PositiveSmallIntegerField("每页条数", default=20)

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("introduction"),
        FieldPanel("suggestion_notice"),
        FieldPanel("page_size"),
    ]

    template = "pages/document_registry_page.html"
    parent_page_types = ["home.HomePage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = "规范性文件备案审查页"
        verbose_name_plural = "规范性文件备案审查页"

    @path("", name="index")
    def index_route(self, request):
        from documents import views

        return views.registry(self, request)

    @path("<int:pk>/", name="document")
    def document_route(self, request, pk):
        from documents import views

        return views.document_detail(self, request, pk)

    @path("statistics/", name="statistics")
    def statistics_route(self, request):
        from documents import views

        return views.statistics(self, request)

    @path("catalogue/", name="catalogue_index")
    def catalogue_index_route(self, request):
        from documents import views

        return views.catalogue(self, request)

    @path("catalogue/<int:year>/", name="catalogue")
    def catalogue_route(self, request, year):
        from documents import views

        return views.catalogue(self, request, year)

    @path("csv/", name="csv")
    def csv_route(self, request):
        from documents import views

        return views.csv_download(self, request)

    @path("suggest/", name="suggest")
    def suggest_route(self, request):
        from documents import views

        return views.suggest(self, request)

    @path("track/", name="track")
    def track_route(self, request):
        from documents import views

        return views.track(self, request)

    @cached_property
    def document_url_prefix(self):
        """The document route's URL up to the pk, worked out once (see DeputyIndexPage)."""
        return self.url + self.reverse_subpage("document", args=[0]).removesuffix("0/")

    def document_url(self, document):
        return f"{self.document_url_prefix}{document.pk}/"

    def get_sitemap_urls(self, request=None):
        from documents import views

        return [*super().get_sitemap_urls(request), *views.sitemap_entries(self, request)]
