"""List filters of the station network's admin listings (django-filter on Wagtail's base).

The 工作站 filter offers only the stations the user reaches (stations/permissions.py): a station
administrator's listing never names another station, not even as a filter choice."""

import django_filters
from django import forms
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet

from deputies.admin_filters import ALL, townships

from .models import Activity, Reception, Station
from .permissions import station_choices

PUBLICATION_CHOICES = [("true", "已发布"), ("false", "草稿（未发布）")]
PUBLIC_CHOICES = [("true", "公开"), ("false", "不公开（仅存档）")]


def user_stations(request):
    return station_choices(request.user if request is not None else None)


def live_filter():
    return django_filters.BooleanFilter(
        label="发布状态",
        field_name="live",
        widget=forms.RadioSelect(choices=[("", ALL), *PUBLICATION_CHOICES]),
    )


def station_filter():
    return django_filters.ModelChoiceFilter(label="工作站", queryset=user_stations, empty_label=ALL)


def township_filter(field_name):
    return django_filters.ModelChoiceFilter(
        label="乡镇（街道）", queryset=townships, field_name=field_name, empty_label=ALL
    )


def date_range_filter():
    return django_filters.DateFromToRangeFilter(
        label="日期范围", field_name="date", widget=DateRangePickerWidget
    )


class StationFilterSet(WagtailFilterSet):
    township = township_filter("township")
    kind = django_filters.ChoiceFilter(
        label="类型", choices=Station.KIND_CHOICES, widget=forms.RadioSelect, empty_label=ALL
    )
    live = live_filter()

    class Meta:
        model = Station
        fields = ["township", "kind", "live"]


class ReceptionFilterSet(WagtailFilterSet):
    station = station_filter()
    township = township_filter("station__township")
    date = date_range_filter()
    live = live_filter()

    class Meta:
        model = Reception
        fields = ["station", "township", "date", "live"]


class ActivityFilterSet(WagtailFilterSet):
    station = station_filter()
    township = township_filter("station__township")
    date = date_range_filter()
    kind = django_filters.ChoiceFilter(
        label="活动类型",
        choices=Activity.KIND_CHOICES,
        widget=forms.RadioSelect,
        empty_label=ALL,
    )
    is_public = django_filters.BooleanFilter(
        label="是否公开",
        field_name="is_public",
        widget=forms.RadioSelect(choices=[("", ALL), *PUBLIC_CHOICES]),
    )
    live = live_filter()

    class Meta:
        model = Activity
        fields = ["station", "township", "date", "kind", "is_public", "live"]
