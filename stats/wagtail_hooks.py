"""Admin registration of the stats app: this year's key figures on the dashboard."""

from wagtail import hooks

from .admin import StatisticsDashboardPanel


@hooks.register("construct_homepage_panels")
def add_statistics_panel(request, panels):
    panels.append(StatisticsDashboardPanel(request))
