"""List filters of the register's admin listings (django-filter FilterSets on Wagtail's base).

Filters that follow a many-valued relation (elections, levels, group memberships) ask for distinct
rows, so a deputy elected in two constituencies is listed once.
"""

import django_filters
from django import forms
from django.db.models import Q
from django.db.models.functions import ExtractYear
from wagtail.admin.filters import WagtailFilterSet

from .models import (
    Area,
    CheckIn,
    CommitteeMember,
    Constituency,
    Deputy,
    DeputyGroup,
    DutyReport,
    Level,
    Term,
    Training,
    VoterContact,
)

ALL = "全部"


def townships(request=None):
    return Area.objects.filter(kind__in=[Area.TOWNSHIP, Area.STREET])


def year_choices(model, date_field):
    """The years that occur in `model.date_field`, newest first, as filter choices."""

    def choices():
        years = (
            model.objects.annotate(year=ExtractYear(date_field))
            .order_by("-year")
            .values_list("year", flat=True)
            .distinct()
        )
        return [(str(year), f"{year}年") for year in years if year]

    return choices


class DeputyFilterSet(WagtailFilterSet):
    """Term, level, township, group and status of the deputies listing.

    Township: a deputy belongs to a township (乡镇/街道) when he is elected in a constituency that
    covers the township or one of its villages/communities, *or* is a member of a deputy group
    based in the township. The second half catches deputies to the provincial and city congresses,
    who have no county constituency but take part in a township's group. Any term counts, unless
    the term filter is set: then that term's constituencies and groups only."""

    term = django_filters.ModelChoiceFilter(
        empty_label=ALL,
        label="届次",
        queryset=Term.objects.all(),
        field_name="elections__constituency__term",
        distinct=True,
    )
    level = django_filters.ModelChoiceFilter(
        empty_label=ALL,
        label="代表层级",
        queryset=Level.objects.all(),
        field_name="levels",
        distinct=True,
    )
    township = django_filters.ModelChoiceFilter(
        empty_label=ALL, label="乡镇（街道）", queryset=townships, method="filter_township"
    )
    group = django_filters.ModelChoiceFilter(
        empty_label=ALL,
        label="代表小组",
        queryset=DeputyGroup.objects.select_related("term"),
        field_name="group_memberships__group",
        distinct=True,
    )
    status = django_filters.ChoiceFilter(
        label="任职状态", choices=Deputy.STATUS_CHOICES, widget=forms.RadioSelect, empty_label=ALL
    )

    class Meta:
        model = Deputy
        fields = ["term", "level", "township", "group", "status"]

    def filter_township(self, queryset, name, township):
        if not township:
            return queryset
        by_constituency = Q(elections__constituency__areas=township) | Q(
            elections__constituency__areas__parent=township
        )
        by_group = Q(group_memberships__group__township=township)
        # With a term chosen, count that term's constituencies and groups only.
        term = self.form.cleaned_data.get("term")
        if term:
            by_constituency &= Q(elections__constituency__term=term)
            by_group &= Q(group_memberships__group__term=term)
        return queryset.filter(by_constituency | by_group).distinct()


def term_filter():
    return django_filters.ModelChoiceFilter(
        label="届次", queryset=Term.objects.all(), empty_label=ALL
    )


class DeputyGroupFilterSet(WagtailFilterSet):
    term = term_filter()
    township = django_filters.ModelChoiceFilter(
        empty_label=ALL, label="所在乡镇（街道）", queryset=townships
    )

    class Meta:
        model = DeputyGroup
        fields = ["term", "township"]


class CommitteeMemberFilterSet(WagtailFilterSet):
    term = term_filter()
    post = django_filters.ChoiceFilter(
        label="职务",
        choices=CommitteeMember.POST_CHOICES,
        widget=forms.RadioSelect,
        empty_label=ALL,
    )

    class Meta:
        model = CommitteeMember
        fields = ["term", "post"]


class AreaFilterSet(WagtailFilterSet):
    kind = django_filters.ChoiceFilter(
        label="类型", choices=Area.KIND_CHOICES, widget=forms.RadioSelect, empty_label=ALL
    )
    parent = django_filters.ModelChoiceFilter(
        empty_label=ALL,
        label="上级",
        queryset=Area.objects.exclude(kind__in=[Area.VILLAGE, Area.COMMUNITY]),
    )

    class Meta:
        model = Area
        fields = ["kind", "parent"]


class ConstituencyFilterSet(WagtailFilterSet):
    term = term_filter()
    level = django_filters.ModelChoiceFilter(
        empty_label=ALL, label="层级", queryset=Level.objects.all()
    )

    class Meta:
        model = Constituency
        fields = ["term", "level"]


class TrainingFilterSet(WagtailFilterSet):
    year = django_filters.ChoiceFilter(
        label="年度",
        choices=year_choices(Training, "start_date"),
        field_name="start_date",
        lookup_expr="year",
        empty_label=ALL,
    )
    organiser_level = django_filters.ChoiceFilter(
        label="组织层级",
        choices=Training.LEVEL_CHOICES,
        widget=forms.RadioSelect,
        empty_label=ALL,
    )
    form = django_filters.ChoiceFilter(
        label="培训形式", choices=Training.FORM_CHOICES, widget=forms.RadioSelect, empty_label=ALL
    )

    class Meta:
        model = Training
        fields = ["year", "organiser_level", "form"]


QUARTER_CHOICES = [("1", "第一季度"), ("2", "第二季度"), ("3", "第三季度"), ("4", "第四季度")]


class CheckInFilterSet(WagtailFilterSet):
    year = django_filters.ChoiceFilter(
        label="年度",
        choices=year_choices(CheckIn, "date"),
        field_name="date",
        lookup_expr="year",
        empty_label=ALL,
    )
    quarter = django_filters.ChoiceFilter(
        label="季度",
        choices=QUARTER_CHOICES,
        method="filter_quarter",
        widget=forms.RadioSelect,
        empty_label=ALL,
    )
    kind = django_filters.ChoiceFilter(
        label="报到对象", choices=CheckIn.KIND_CHOICES, widget=forms.RadioSelect, empty_label=ALL
    )
    group = django_filters.ModelChoiceFilter(
        empty_label=ALL, label="代表小组", queryset=DeputyGroup.objects.select_related("term")
    )

    class Meta:
        model = CheckIn
        fields = ["year", "quarter", "kind", "group"]

    def filter_quarter(self, queryset, name, quarter):
        if not quarter:
            return queryset
        first_month = 3 * (int(quarter) - 1) + 1
        return queryset.filter(date__month__gte=first_month, date__month__lte=first_month + 2)


class DutyReportFilterSet(WagtailFilterSet):
    year = django_filters.ChoiceFilter(
        label="年度",
        choices=year_choices(DutyReport, "date"),
        field_name="date",
        lookup_expr="year",
        empty_label=ALL,
    )

    class Meta:
        model = DutyReport
        fields = ["year"]


class VoterContactFilterSet(WagtailFilterSet):
    year = django_filters.ChoiceFilter(
        label="年度",
        choices=year_choices(VoterContact, "start_date"),
        field_name="start_date",
        lookup_expr="year",
        empty_label=ALL,
    )
    method = django_filters.ChoiceFilter(
        label="方式", choices=VoterContact.METHOD_CHOICES, widget=forms.RadioSelect, empty_label=ALL
    )

    class Meta:
        model = VoterContact
        fields = ["year", "method"]
