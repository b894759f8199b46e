"""Demo content of the stats app: the page 数据统计 under the home page, in the menu. Its figures
come from the other apps' demo records (trainings, check-ins, stations, initiatives, appraisals,
normative documents), computed when the page is viewed."""

from wagtail.models import Site

from core.demo_utils import child_by_slug, publish

from .models import StatisticsPage

SLUG = "statistics"


def load(command):
    home = Site.objects.get(is_default_site=True).root_page.specific
    if child_by_slug(home, SLUG) is not None or StatisticsPage.objects.exists():
        return 0
    page = StatisticsPage(
        title="数据统计",
        slug=SLUG,
        show_in_menus=True,
        summary="代表培训、双联系双报到、代表工作站、倡议书、部门评议和规范性文件备案审查的"
        "年度数据，根据登记记录自动统计。",
    )
    home.add_child(instance=page)
    publish(page)
    return 1
