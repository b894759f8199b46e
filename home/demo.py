"""Demo content of the home app: users, site settings, the home page and static pages."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from wagtail.models import Site

from core.demo_utils import child_by_slug, publish
from core.factories import body_from_paragraphs, heading, paragraph
from core.models import SiteSettings

from .factories import StandardPageFactory

# Dev-only logins, documented in the README. The loader refuses to run with DEBUG off.
DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 (dev-only login, documented)
DEMO_USERS = [
    ("admin", "管理员", None, True),
    ("editor", "编辑", "编辑", False),
    ("reviewer", "审核", "审核", False),
    # Staff of the registers: 代表工委 keep deputies and stations, 法工委 the normative documents.
    ("daibiao", "代表工委", "代表工委", False),
    ("fagong", "法工委", "法工委", False),
]

STANDARD_PAGES = [
    (
        "about",
        "机构设置",
        "县人大常委会机关内设机构及工作职责。",
        [
            heading("常委会组成人员"),
            paragraph(
                "<p>县人民代表大会常务委员会由主任、副主任若干人和委员若干人组成，对县人民代表大会负责并报告工作。</p>"
            ),
            heading("工作机构"),
            paragraph(
                "<ul><li>办公室：负责常委会会议的组织和服务、综合协调、文秘信息、新闻宣传等工作。</li>"
                "<li>法制工作委员会：负责规范性文件备案审查、地方立法协调等工作。</li>"
                "<li>代表工作委员会：负责代表联络、代表培训、代表建议办理督办和代表工作站建设。</li>"
                "<li>财政经济工作委员会：负责预算审查监督、国有资产管理情况监督等工作。</li></ul>"
            ),
        ],
    ),
    (
        "rules",
        "工作制度",
        "常委会“双联系、双报到”、代表述职、代表工作站运行等制度。",
        body_from_paragraphs(
            [
                "为密切常委会同代表、代表同人民群众的联系，县人大常委会建立常委会组成人员联系代表小组、代表联系选民的“双联系”制度，"
                "以及代表向代表小组报到、向选区选民报到的“双报到”制度，每季度至少开展一次报到活动。",
                "代表工作站实行活动制度、学习培训制度、联系选民制度、接待群众制度、视察调查制度和代表接待日制度，"
                "做到活动有记录、有资料、有影像、有档案。",
                "县人大代表每届任期内至少向原选区选民述职一次，接受选民评议，评议结果分为满意、基本满意、不满意三个等次。",
            ]
        ),
    ),
    (
        "contact",
        "联系我们",
        "县人大常委会办公室地址、电话与来信来访方式。",
        body_from_paragraphs(
            [
                "地址：县政府办公楼三楼（人民路88号）。邮编：050000。",
                "办公室电话：0311-12345678。信访接待时间：工作日上午8:30—12:00，下午14:30—17:30。",
            ]
        ),
    ),
]


def load(command):
    created = 0
    User = get_user_model()
    for username, last_name, group_name, is_superuser in DEMO_USERS:
        if User.objects.filter(username=username).exists():
            continue
        user = User.objects.create_user(
            username=username,
            password=DEMO_PASSWORD,
            email=f"{username}@example.com",
            first_name="演示",
            last_name=last_name,
            is_staff=is_superuser,
            is_superuser=is_superuser,
        )
        if group_name:
            user.groups.add(Group.objects.get(name=group_name))
        created += 1

    site = Site.objects.get(is_default_site=True)
    settings = SiteSettings.for_site(site)
    if not settings.address:
        settings.site_name = "演示县人大常委会"
        settings.organisation = "演示县人民代表大会常务委员会办公室"
        settings.address = "演示县人民路88号"
        settings.postcode = "050000"
        settings.phone = "0311-12345678"
        settings.email = "rdbgs@example.gov.cn"
        settings.icp_number = "冀ICP备00000000号-1"
        settings.psb_number = "冀公网安备 13000000000000号"
        settings.psb_code = "13000000000000"
        settings.save()
        created += 1

    home = site.root_page.specific
    if not home.introduction:
        home.introduction = "坚持和完善人民代表大会制度，依法履职，密切联系代表和人民群众。"
        publish(home)
        created += 1

    for slug, title, summary, body in STANDARD_PAGES:
        if child_by_slug(home, slug):
            continue
        page = StandardPageFactory.create(
            parent=home, title=title, slug=slug, summary=summary, body=body, show_in_menus=True
        )
        publish(page)
        created += 1
    return created
