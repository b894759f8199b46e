"""Admin forms of the station network (the viewsets' base_form_class, see wagtail_hooks.py).

- The 工作站 field of receptions and activities offers only the stations the user reaches
  (stations/permissions.py): a POST naming another station fails validation.
- A reception that has already ended cannot be published (saving it as a draft is allowed).
- Deputies on duty who are not resident at the station are a warning, not an error: the form
  lists them in `non_resident_deputies` and the views show them after saving. So is a reception
  outside the station's opening days or hours (`opening_warning`, stations/opening.py).
- A deputy who is not serving on the reception's date (代表资格终止, or not yet elected) cannot
  be put on duty, in a draft either. The 值班代表 picker offers serving deputies only, the
  station's resident deputies first, with a search box (DutyDeputiesWidget).
- Photos and files: only those the user may choose (core/file_choices.py), so a forged POST
  cannot attach another station's internal photo or an unpublished document's file.
- The 后台管理账号 field of a station (who administers it) is shown to 代表工委 only, and offers
  the accounts of the 工作站管理员 group.
"""

import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from core.file_choices import AdminModelForm
from deputies.models import Deputy

from . import opening
from .models import Station
from .permissions import STATION_ADMINS, sees_all_stations, station_choices

PUBLISH_ACTION = "action-publish"
NOT_YOUR_STATION = "只能选择您管理的工作站。"
PAST_RECEPTION = "该接待日的时间已过，不能发布。请更正日期和时间，或保存为草稿。"


class StationChoiceMixin:
    """Narrow the 工作站 field to the user's stations; preselect it when he has only one."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("station")
        if field is None or self.for_user is None:
            return
        field.queryset = station_choices(self.for_user)
        field.error_messages = {**field.error_messages, "invalid_choice": NOT_YOUR_STATION}
        if not self.is_bound and self.instance.pk is None and not self.initial.get("station"):
            stations = list(field.queryset[:2])
            if len(stations) == 1:
                self.initial["station"] = stations[0].pk


class StationAdminForm(AdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.for_user is not None and not sees_all_stations(self.for_user):
            # A station administrator cannot hand his station to other accounts.
            self.fields.pop("managers", None)
        elif "managers" in self.fields:
            # Offer the accounts of the 工作站管理员 group (and whoever is linked already).
            linked = self.instance.managers.all() if self.instance.pk else []
            self.fields["managers"].queryset = (
                get_user_model()
                .objects.filter(
                    Q(groups__name=STATION_ADMINS) | Q(pk__in=[user.pk for user in linked])
                )
                .distinct()
                .order_by("username")
            )


class DutyDeputiesWidget(forms.SelectMultiple):
    """A multi-select with the station's resident deputies in their own group first, and a
    search box (static/stations/deputy-picker.js) on top."""

    class Media:
        js = ["stations/deputy-picker.js"]

    def __init__(self, attrs=None):
        super().__init__(attrs={"data-deputy-picker": "", "size": 12, **(attrs or {})})


def deputy_label(deputy):
    return f"{deputy.name}（{deputy.post}）" if deputy.post else deputy.name


def not_serving_reason(deputy, date):
    if deputy.elected_date and deputy.elected_date > date:
        return f"{deputy.name}到{deputy.elected_date:%Y年%m月%d日}才当选"
    if deputy.status_date:
        reason = dict(Deputy.REASON_CHOICES).get(deputy.status_reason, "")
        return f"{deputy.name}的代表资格已于{deputy.status_date:%Y年%m月%d日}终止（{reason}）"
    return f"{deputy.name}的代表资格已终止"


class ReceptionAdminForm(StationChoiceMixin, AdminModelForm):
    non_resident_deputies = ()
    opening_warning = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("deputies")
        if field is None:
            return
        chosen = list(self.instance.deputies.all()) if self.instance.pk else []
        # Any deputy validates (so that an ended one gets the named refusal of clean()); the
        # picker offers serving deputies and those already on duty.
        field.queryset = Deputy.objects.order_by("sort_key", "name", "pk")
        offered = field.queryset.filter(
            Q(pk__in=Deputy.objects.serving()) | Q(pk__in=[deputy.pk for deputy in chosen])
        )
        field.widget = DutyDeputiesWidget()
        field.help_text = (
            "只列在任代表，本站进站代表在前；可在上方输入姓名筛选，按住 Ctrl（Mac 为 ⌘）多选。"
        )
        station = self.instance.station if self.instance.station_id else None
        if station is None and self.initial.get("station"):
            station = Station.objects.filter(pk=self.initial["station"]).first()
        resident = station.resident_deputy_ids() if station else set()
        deputies = list(offered)
        groups = [
            ("本站进站代表", [d for d in deputies if d.pk in resident]),
            ("其他在任代表", [d for d in deputies if d.pk not in resident]),
        ]
        field.widget.choices = [
            (label, [(deputy.pk, deputy_label(deputy)) for deputy in members])
            for label, members in groups
            if members
        ]

    @property
    def is_publishing(self):
        return self.is_bound and bool(self.data.get(PUBLISH_ACTION))

    def clean(self):
        cleaned_data = super().clean()
        date = cleaned_data.get("date")
        end_time = cleaned_data.get("end_time")
        if self.is_publishing and date and end_time:
            ends_at = timezone.make_aware(datetime.datetime.combine(date, end_time))
            if ends_at <= timezone.now():
                self.add_error("date", PAST_RECEPTION)

        station = cleaned_data.get("station")
        deputies = cleaned_data.get("deputies")
        if date and deputies:
            ended = [deputy for deputy in deputies if not deputy.is_serving(date)]
            if ended:
                reasons = "；".join(not_serving_reason(deputy, date) for deputy in ended)
                self.add_error("deputies", f"不在任的代表不能安排值班：{reasons}。")
        if station is not None and deputies:
            resident = station.resident_deputy_ids()
            self.non_resident_deputies = [d for d in deputies if d.pk not in resident]
        if station is not None and date:
            self.opening_warning = opening.outside(
                station.opening_hours, date, cleaned_data.get("start_time"), end_time
            )
        return cleaned_data


class ActivityAdminForm(StationChoiceMixin, AdminModelForm):
    pass
