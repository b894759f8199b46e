"""List filters of the 备案审查 admin listings (django-filter FilterSets on Wagtail's base).

The documents listing filters on its latest review (`latest_stage`, `latest_conclusion`), which
`documents.admin_views.document_queryset()` annotates; the year of a document is the year of its
filing (报备日期), or of its publication (公布日期) when it has not been filed.
"""

import django_filters
from django import forms
from django.db.models import Q
from django.db.models.functions import Coalesce, ExtractYear
from wagtail.admin.filters import WagtailFilterSet

from .models import IssuingBody, NormativeDocument, Review, ReviewSuggestion

ALL = "全部"
NO_REVIEW = "none"
YES, NO = "yes", "no"
YES_NO = [(YES, "是"), (NO, "否")]

# Extraction outcomes that need a person to type or correct the text (扫描件、提取失败).
MANUAL_TEXT_STATUSES = (NormativeDocument.TEXT_NO_LAYER, NormativeDocument.TEXT_FAILED)


def year_choices(queryset, expression):
    """The years `expression` takes in `queryset`, newest first, as filter choices."""

    def choices():
        years = (
            queryset()
            .annotate(filter_year=ExtractYear(expression))
            .order_by("-filter_year")
            .values_list("filter_year", flat=True)
            .distinct()
        )
        return [(str(year), f"{year}年") for year in years if year]

    return choices


def radio(label, choices, **kwargs):
    return django_filters.ChoiceFilter(
        label=label, choices=choices, widget=forms.RadioSelect, empty_label=ALL, **kwargs
    )


def document_year():
    return Coalesce("date_filed", "date_issued")


class NormativeDocumentFilterSet(WagtailFilterSet):
    issuing_body = django_filters.ModelChoiceFilter(
        label="制定机关", queryset=IssuingBody.objects.all(), empty_label=ALL
    )
    year = django_filters.ChoiceFilter(
        label="年度",
        choices=year_choices(NormativeDocument.objects.all, document_year()),
        method="filter_year",
        empty_label=ALL,
        help_text="报备日期所在年度；未报备的按公布日期",
    )
    validity = radio("效力", NormativeDocument.VALIDITY_CHOICES)
    registered = radio("接收登记", [(YES, "已登记"), (NO, "未登记")], method="filter_registered")
    review_stage = radio(
        "审查阶段",
        [*Review.STAGE_CHOICES, (NO_REVIEW, "未审查")],
        method="filter_review_stage",
        help_text="按最近一次审查",
    )
    review_conclusion = radio("审查结论", Review.CONCLUSION_CHOICES, field_name="latest_conclusion")
    text_status = radio("全文提取", NormativeDocument.TEXT_STATUS_CHOICES)
    manual = radio("需人工录入", YES_NO, method="filter_manual")
    live = radio("发布状态", [(YES, "已发布"), (NO, "草稿")], method="filter_live")

    class Meta:
        model = NormativeDocument
        fields = [
            "issuing_body",
            "year",
            "validity",
            "registered",
            "review_stage",
            "review_conclusion",
            "text_status",
            "manual",
            "live",
        ]

    def filter_year(self, queryset, name, value):
        if not value:
            return queryset
        year = int(value)
        return queryset.filter(
            Q(date_filed__year=year) | Q(date_filed__isnull=True, date_issued__year=year)
        )

    def filter_registered(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(receipt_number__isnull=value == NO)

    def filter_review_stage(self, queryset, name, value):
        if value == NO_REVIEW:
            return queryset.filter(latest_stage__isnull=True)
        return queryset.filter(latest_stage=value) if value else queryset

    def filter_manual(self, queryset, name, value):
        if value == YES:
            return queryset.filter(text_status__in=MANUAL_TEXT_STATUSES)
        if value == NO:
            return queryset.exclude(text_status__in=MANUAL_TEXT_STATUSES)
        return queryset

    def filter_live(self, queryset, name, value):
        return queryset.filter(live=value == YES) if value else queryset


class ReviewFilterSet(WagtailFilterSet):
    kind = radio("审查方式", Review.KIND_CHOICES)
    stage = radio("阶段", Review.STAGE_CHOICES)
    conclusion = radio("审查结论", Review.CONCLUSION_CHOICES)
    year = django_filters.ChoiceFilter(
        label="年度",
        choices=year_choices(Review.objects.all, "received_date"),
        field_name="received_date",
        lookup_expr="year",
        empty_label=ALL,
        help_text="接收登记日期所在年度",
    )
    issuing_body = django_filters.ModelChoiceFilter(
        label="制定机关",
        queryset=IssuingBody.objects.all(),
        field_name="document__issuing_body",
        empty_label=ALL,
    )

    class Meta:
        model = Review
        fields = ["kind", "stage", "conclusion", "year", "issuing_body"]


class ReviewSuggestionFilterSet(WagtailFilterSet):
    status = radio("办理状态", ReviewSuggestion.STATUS_CHOICES)
    year = django_filters.ChoiceFilter(
        label="年度",
        choices=year_choices(ReviewSuggestion.objects.all, "submitted_at"),
        method="filter_year",
        empty_label=ALL,
        help_text="提交时间所在年度",
    )

    class Meta:
        model = ReviewSuggestion
        fields = ["status", "year"]

    def filter_year(self, queryset, name, value):
        # `submitted_at__year` follows the current time zone (Asia/Shanghai) on every database.
        return queryset.filter(submitted_at__year=int(value)) if value else queryset
