"""Template tags of the station network for other apps' templates (the home page, deputies'
profiles): links to station pages and the next reception days, without importing stations in
Python.

    {% load stations_tags %}
    {% next_receptions limit=3 as receptions %}
    {% station_url station as url %}
"""

from django import template

from stations.models import Reception, StationIndexPage
from stations.views import receptions_with_deputies

register = template.Library()


def _index_page(request):
    """The live station index page, looked up once per request."""
    if request is None:
        return StationIndexPage.objects.live().public().first()
    if not hasattr(request, "_station_index_page"):
        request._station_index_page = StationIndexPage.objects.live().public().first()
    return request._station_index_page


@register.simple_tag(takes_context=True)
def station_url(context, station):
    """The public page of a live station, or "" when there is none (no station, a draft, or no
    live station index page)."""
    if station is None or not station.live:
        return ""
    index_page = _index_page(context.get("request"))
    if index_page is None:
        return ""
    return index_page.station_url(station)


@register.simple_tag(takes_context=True)
def next_receptions(context, limit=3):
    """The next reception days (代表接待日) of the county, soonest first, each with `station`,
    `duty_deputies` (published deputies on duty) and `station_url` ("" without a live index
    page). Empty when there is no live station index page: nothing to link to."""
    index_page = _index_page(context.get("request"))
    if index_page is None:
        return []
    receptions = list(receptions_with_deputies(Reception.objects.public().upcoming())[:limit])
    for reception in receptions:
        reception.station_url = index_page.station_url(reception.station)
    return receptions


@register.simple_tag(takes_context=True)
def finder_url(context):
    """The finder's URL (查找我的代表和工作站), or "" without a live station index page: the home
    page's village box posts there."""
    index_page = _index_page(context.get("request"))
    if index_page is None:
        return ""
    return index_page.get_url(context.get("request")) + index_page.reverse_subpage("find")
