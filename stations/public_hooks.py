"""The station network's part of a deputy's profile (deputies' PROFILE_SECTIONS_HOOK): the stations
he is resident at, his next reception days and the public activities he took part in.

Registered from StationsConfig.ready(); stations/wagtail_hooks.py holds the admin's hooks."""

from wagtail import hooks

from deputies.views import PROFILE_SECTIONS_HOOK, ProfileSection

from .models import Activity, Reception, Station, StationDeputy
from .views import receptions_with_deputies

PROFILE_RECEPTIONS = 3
PROFILE_ACTIVITIES = 5


@hooks.register(PROFILE_SECTIONS_HOOK)
def deputy_station_work(request, deputy, date):
    """One section, 代表工作站, shown when the deputy has a live station, an upcoming reception
    day or a public activity; the links go to the station pages (templatetags.stations_tags)."""
    residencies = list(
        StationDeputy.objects.filter(deputy=deputy, station__in=Station.objects.public())
        .select_related("station__township")
        .order_by("station__township__sort_order", "station__name")
    )
    receptions = list(
        receptions_with_deputies(Reception.objects.public().upcoming().filter(deputies=deputy))[
            :PROFILE_RECEPTIONS
        ]
    )
    activities = list(
        Activity.objects.public()
        .filter(deputies=deputy)
        .select_related("station")
        .order_by("-date", "-pk")[:PROFILE_ACTIVITIES]
    )
    if residencies or receptions or activities:
        yield ProfileSection(
            slug="stations",
            heading="代表工作站",
            order=30,
            template_name="components/station_deputy_section.html",
            context={
                "residencies": residencies,
                "receptions": receptions,
                "activities": activities,
            },
        )
