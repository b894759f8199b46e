from collections import defaultdict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from core.api import NamedSnippetSerializer, display
from core.blocks import BodyStreamBlock
from core.models import BasePage
from core.utils import MAX_ID, check_date_range, paginate, parse_int

RATING_CHOICES = [("满意", "满意"), ("基本满意", "基本满意"), ("不满意", "不满意")]


def current_year():
    return timezone.localdate().year


class Department(models.Model):
    """A department appraised (被评议部门). A snippet so each year's appraisal of the same
    department links to one record, which makes the year-on-year comparison possible."""

    name = models.CharField("部门名称", max_length=100, unique=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    panels = [FieldPanel("name"), FieldPanel("sort_order")]

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = "被评议部门"
        verbose_name_plural = "被评议部门"

    def __str__(self):
        return self.name


class AppraisalIndexPage(BasePage):
    """重点部门评议: all appraisals, a department × year comparison table and filters."""

    template = "pages/appraisal_index_page.html"
    parent_page_types = ["home.HomePage"]
    subpage_types = ["news.AppraisalPage"]

    content_panels = [*Page.content_panels, FieldPanel("summary")]

    class Meta:
        verbose_name = "部门评议列表页"
        verbose_name_plural = "部门评议列表页"

    def appraisals(self):
        return (
            AppraisalPage.objects.live()
            .public()
            .child_of(self)
            .select_related("department")
            .order_by("-year", "department__sort_order", "department__name")
        )

    def comparison(self, appraisals):
        """Rows per department, one cell per year (newest first): the overall satisfaction."""
        years = sorted({a.year for a in appraisals}, reverse=True)
        cells = defaultdict(dict)
        departments = {}
        for appraisal in appraisals:
            departments[appraisal.department_id] = appraisal.department
            cells[appraisal.department_id][appraisal.year] = appraisal
        rows = [
            {"department": dept, "cells": [cells[dept.pk].get(year) for year in years]}
            for dept in sorted(departments.values(), key=lambda d: (d.sort_order, d.name))
        ]
        return {"years": years, "rows": rows}

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        everything = list(self.appraisals())
        items = self.appraisals()
        notices = []
        # At most the largest id (BigAutoField): SQLite overflowed on more (a 500; fuzzing).
        department = parse_int(request.GET.get("department"), minimum=1, maximum=MAX_ID)
        if request.GET.get("department") and department is None:
            notices.append("所选部门无效，已显示全部部门。")
        elif department:
            items = items.filter(department_id=department)
        year = None
        if request.GET.get("year", "").strip():
            year = parse_int(request.GET["year"], minimum=1949, maximum=2100)
            if year is None:
                notices.append("年份应为四位数字，如 2026，已显示全部年份。")
            else:
                items = items.filter(year=year)
        context.update(
            {
                "appraisals_page": paginate(request, items, settings.NEWS_PAGE_SIZE),
                "comparison": self.comparison(everything),
                "departments": sorted(
                    {a.department for a in everything}, key=lambda d: (d.sort_order, d.name)
                ),
                "years": sorted({a.year for a in everything}, reverse=True),
                "selected_department": department,
                "selected_year": year,
                "notices": notices,
            }
        )
        return context


class AppraisalPage(BasePage):
    year = models.PositiveSmallIntegerField(
        "评议年度",
        default=current_year,
        validators=[MinValueValidator(1949), MaxValueValidator(2100)],
    )
    department = models.ForeignKey(
        Department, verbose_name="被评议部门", on_delete=models.PROTECT, related_name="appraisals"
    )
    overall_satisfaction = models.DecimalField(
        "总体满意率（%）",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    overall_rating = models.CharField("测评结果", max_length=10, choices=RATING_CHOICES, blank=True)
    body = StreamField(BodyStreamBlock(), verbose_name="评议情况", blank=True)
    rectification = StreamField(
        BodyStreamBlock(), verbose_name="整改报告", blank=True, help_text="被评议部门的整改情况报告"
    )

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("year"), FieldPanel("department")])], heading="评议对象"
        ),
        FieldPanel("summary"),
        InlinePanel("stages", heading="评议阶段", label="阶段"),
        InlinePanel("team_members", heading="评议组成员", label="成员"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("overall_satisfaction"), FieldPanel("overall_rating")]),
                InlinePanel("result_items", heading="分项结果", label="测评项目"),
            ],
            heading="测评结果",
        ),
        FieldPanel("body"),
        FieldPanel("rectification"),
    ]

    # The site search (search/backends/site.py): its result type.
    search_result_type = "appraisal"

    search_fields = [
        *BasePage.search_fields,
        index.SearchField("body"),
        index.SearchField("rectification"),
        index.RelatedFields("department", [index.SearchField("name")]),
        index.FilterField("year"),
    ]

    # Wagtail API v2 (/api/v2/pages/, opendata/api.py): what the page shows.
    api_fields = [
        APIField("year"),
        APIField("department", serializer=NamedSnippetSerializer()),
        APIField("summary"),
        APIField("overall_satisfaction"),
        APIField("overall_rating"),
        APIField("stages"),
        APIField("team_members"),
        APIField("result_items"),
        APIField("body"),
        APIField("rectification"),
    ]

    template = "pages/appraisal_page.html"
    parent_page_types = ["news.AppraisalIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = "部门评议"
        verbose_name_plural = "部门评议"

    def clean(self):
        super().clean()
        if self.department_id and self.year:
            duplicate = (
                AppraisalPage.objects.filter(department_id=self.department_id, year=self.year)
                .exclude(pk=self.pk)
                .exists()
            )
            if duplicate:
                raise ValidationError(
                    {"year": f"{self.year}年度已有对“{self.department}”的评议页面，请勿重复创建。"}
                )

    def ordered_stages(self):
        order = {
            key: position for position, (key, _label) in enumerate(AppraisalStage.STAGE_CHOICES)
        }
        return sorted(self.stages.all(), key=lambda s: (order.get(s.stage, 99), s.start_date or 0))

    def team(self):
        """The team with their register entries in one query (in memory for previews)."""
        return list(self.team_members.all().select_related("deputy"))

    def previous_appraisals(self):
        """This department's other years, for the year-on-year view on the page."""
        return (
            AppraisalPage.objects.live()
            .public()
            .filter(department_id=self.department_id)
            .exclude(pk=self.pk)
            .order_by("-year")
        )


class AppraisalStage(Orderable):
    STAGE_CHOICES = [
        ("mobilise", "动员部署"),
        ("investigate", "调查了解"),
        ("meeting", "评议会议"),
        ("evaluate", "满意度测评"),
        ("rectify", "整改落实"),
        ("review", "回头看"),
    ]

    page = ParentalKey(AppraisalPage, related_name="stages", on_delete=models.CASCADE)
    stage = models.CharField("阶段", max_length=20, choices=STAGE_CHOICES)
    start_date = models.DateField("开始日期")
    end_date = models.DateField("结束日期", null=True, blank=True)
    description = models.TextField("工作内容", blank=True)

    panels = [
        FieldRowPanel([FieldPanel("stage"), FieldPanel("start_date"), FieldPanel("end_date")]),
        FieldPanel("description"),
    ]

    api_fields = [
        APIField("stage"),
        APIField("stage_display", serializer=display("stage")),
        APIField("start_date"),
        APIField("end_date"),
        APIField("description"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = "评议阶段"
        verbose_name_plural = "评议阶段"

    def clean(self):
        super().clean()
        check_date_range(self.start_date, self.end_date)


class AppraisalTeamMember(Orderable):
    page = ParentalKey(AppraisalPage, related_name="team_members", on_delete=models.CASCADE)
    deputy = models.ForeignKey(
        "deputies.Deputy",
        verbose_name="代表",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="appraisal_teams",
        help_text="评议组成员是人大代表时从名册中选择",
    )
    name = models.CharField("姓名", max_length=50, blank=True, help_text="选择了代表时可留空")
    role = models.CharField(
        "职务",
        max_length=20,
        choices=[("组长", "组长"), ("副组长", "副组长"), ("成员", "成员")],
        default="成员",
    )
    unit = models.CharField("工作单位及职务", max_length=100, blank=True)

    panels = [
        FieldRowPanel(
            [FieldPanel("deputy"), FieldPanel("name"), FieldPanel("role"), FieldPanel("unit")]
        )
    ]

    # As on the page: the name shown, not the register entry behind it.
    api_fields = [APIField("name"), APIField("role"), APIField("unit")]

    class Meta(Orderable.Meta):
        verbose_name = "评议组成员"
        verbose_name_plural = "评议组成员"

    def clean(self):
        super().clean()
        if self.deputy_id and not self.name.strip():
            self.name = self.deputy.name
        if not self.name.strip():
            raise ValidationError({"name": "请选择代表或填写姓名。"})


class AppraisalResultItem(Orderable):
    page = ParentalKey(AppraisalPage, related_name="result_items", on_delete=models.CASCADE)
    item = models.CharField("测评项目", max_length=100)
    score = models.DecimalField(
        "得分",
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    rating = models.CharField("等次", max_length=10, choices=RATING_CHOICES, blank=True)

    panels = [FieldRowPanel([FieldPanel("item"), FieldPanel("score"), FieldPanel("rating")])]

    api_fields = [APIField("item"), APIField("score"), APIField("rating")]

    class Meta(Orderable.Meta):
        verbose_name = "测评项目"
        verbose_name_plural = "测评项目"

    def clean(self):
        super().clean()
        if self.score is None and not self.rating:
            raise ValidationError("请填写得分或等次。")
