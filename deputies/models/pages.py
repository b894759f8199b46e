from django.db import models
from django.utils.functional import cached_property
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.models import Page

from core.models import BasePage


class DeputyIndexPage(RoutablePageMixin, BasePage):
    """The public register: list of serving deputies (filters: level, township, group), a profile
    per deputy (<pk>/), the standing committee by post (committee/) and the list as a CSV
    download (csv/). Queries and context live in deputies/views.py so the model stays small."""

    page_size = models.PositiveSmallIntegerField("每页人数", default=40)

    content_panels = [*Page.content_panels, FieldPanel("summary"), FieldPanel("page_size")]

    template = "pages/deputy_index_page.html"
    parent_page_types = ["home.HomePage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = "人大代表名录页"
        verbose_name_plural = "人大代表名录页"

    @path("", name="index")
    def index_route(self, request):
        from deputies import views

        return self.render(request, context_overrides=views.list_context(self, request))

    @path("<int:pk>/", name="profile")
    def profile_route(self, request, pk):
        from deputies import views

        return self.render(
            request,
            template="pages/deputy_profile.html",
            context_overrides=views.profile_context(self, request, pk),
        )

    @cached_property
    def profile_url_prefix(self):
        """The profile route's URL up to the pk (<index>/), worked out once per page object: a
        `routablepageurl` per card in a list of 40 cost about a third of the list's CPU time.
        Cards link to f"{prefix}{pk}/", the shape of the `profile` route above."""
        return self.url + self.reverse_subpage("profile", args=[0]).removesuffix("0/")

    @path("committee/", name="committee")
    def committee_route(self, request):
        from deputies import views

        return self.render(
            request,
            template="pages/deputy_committee.html",
            context_overrides=views.committee_context(self, request),
        )

    @path("csv/", name="csv")
    def csv_route(self, request):
        from deputies import views

        return views.csv_download(self, request)

    def get_sitemap_urls(self, request=None):
        from deputies import views

        return [*super().get_sitemap_urls(request), *views.sitemap_entries(self, request)]
