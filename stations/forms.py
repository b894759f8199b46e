"""Admin forms of the station network (the viewsets' base_form_class, see wagtail_hooks.py).

- The 工作站 field of receptions and activities offers only the stations the user reaches
  (stations/permissions.py): a POST naming another station fails validation.
- A reception that has already ended cannot be published (saving it as a draft is allowed).
- Deputies on duty who are not resident at the station are a warning, not an error: the form
  lists them in `non_resident_deputies` and the views show them after saving.
- The 后台管理账号 field of a station (who administers it) is shown to 代表工委 only, and offers
  the accounts of the 工作站管理员 group.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from wagtail.admin.forms import WagtailAdminModelForm

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


class StationAdminForm(WagtailAdminModelForm):
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


class ReceptionAdminForm(StationChoiceMixin, WagtailAdminModelForm):
    non_resident_deputies = ()

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
        if station is not None and deputies:
            resident = station.resident_deputy_ids()
            self.non_resident_deputies = [d for d in deputies if d.pk not in resident]
        return cleaned_data


class ActivityAdminForm(StationChoiceMixin, WagtailAdminModelForm):
    pass
