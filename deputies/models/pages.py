from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.models import Page

from core.models import BasePage


class DeputyIndexPage(RoutablePageMixin, BasePage):
    """The public register: list of serving deputies (filters: level, township, group), a profile
    per deputy (<pk>/) and the standing committee by post (committee/). Routes live in
    deputies/views.py so the model stays small."""

    page_size = models.PositiveSmallIntegerField("每页人数", default=40)

    content_panels = [*Page.content_panels, FieldPanel("summary"), FieldPanel("page_size")]

    template = "pages/deputy_index_page.html"
    parent_page_types = ["home.HomePage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = "人大代表名录页"
        verbose_name_plural = "人大代表名录页"
