"""Demo content of the editorial app: categories, news, initiatives and department appraisals,
in the spirit of a county standing committee's year of work."""

import datetime
import random
from decimal import Decimal

from django.utils import timezone
from wagtail.models import Site

from core.demo_utils import child_by_slug, publish
from core.factories import ImageFactory, body_from_paragraphs, heading, paragraph
from deputies.models import CommitteeMember, Deputy

from .factories import (
    AppraisalIndexPageFactory,
    AppraisalPageFactory,
    DepartmentFactory,
    InitiativeIndexPageFactory,
    InitiativePageFactory,
    NewsCategoryFactory,
    NewsIndexPageFactory,
    NewsPageFactory,
)
from .models import (
    AppraisalResultItem,
    AppraisalStage,
    AppraisalTeamMember,
    InitiativeResponse,
    NewsCategory,
)

CATEGORIES = [
    ("gongzuo-dongtai", "工作动态", 1),
    ("tongzhi-gonggao", "通知公告", 2),
    ("daibiao-fengcai", "代表风采", 3),
    ("daibiao-peixun", "代表培训", 4),
]

# (category slug, title, summary, paragraphs)
NEWS = [
    (
        "daibiao-peixun",
        "县人大常委会举办全县人大代表履职能力培训班",
        "邀请省人大常委会代表工委同志围绕地方组织法、选举法、代表法作专题辅导，全县120余名代表参加。",
        [
            "为进一步提高代表依法履职能力，县人大常委会在县委党校举办全县人大代表履职能力培训班。",
            "培训采取集中授课与交流研讨相结合的方式，围绕新修改的地方组织法、选举法和代表法进行系统辅导，",
            "参训代表纷纷表示，将把学习成果转化为依法履职的实际行动，更好地为人民群众代言、为发展尽力。",
        ],
    ),
    (
        "daibiao-peixun",
        "乡镇人大主席、代表小组组长远程视频培训举行",
        "通过远程视频系统，全县各乡镇、街道分会场同步收看省人大代表履职专题讲座。",
        [
            "县人大常委会组织开展远程视频培训，各乡镇人大主席、街道人大工委主任和代表小组组长在分会场参加。",
            "培训重点讲解了代表建议的撰写要求、闭会期间代表活动的组织方式以及代表工作站规范化建设标准。",
        ],
    ),
    (
        "gongzuo-dongtai",
        "县人大常委会召开第十二次会议",
        "会议听取审议了县人民政府关于乡村振兴工作情况的报告，审查批准了县本级财政决算。",
        [
            "县第十八届人大常委会第十二次会议在县人大常委会会议室召开。",
            "会议听取和审议了县人民政府关于全县乡村振兴工作情况的报告、关于上年度县本级财政决算的报告，",
            "审查和批准了县本级财政决算，表决通过了有关人事任免事项。",
        ],
    ),
    (
        "gongzuo-dongtai",
        "县人大常委会开展代表工作站规范化建设专题调研",
        "调研组实地察看了8个乡镇的代表工作站，对标“六有”要求查找不足。",
        [
            "为推动代表工作站由“有形覆盖”向“有效覆盖”转变，县人大常委会组成专题调研组深入各乡镇开展调研。",
            "调研组对照有场所、有标识、有制度、有计划、有活动、有档案的要求，逐站察看，现场交办问题23条。",
        ],
    ),
    (
        "gongzuo-dongtai",
        "常委会组成人员深入联系代表小组开展“双报到”活动",
        "常委会组成人员分别到所联系的代表小组参加活动，听取代表意见建议。",
        [
            "按照“双联系、双报到”制度要求，县人大常委会组成人员本季度分别到所联系的代表小组报到。",
            "活动中，常委会组成人员与代表面对面交流，共收集涉及道路建设、农村饮水、校园安全等方面的意见建议41条。",
        ],
    ),
    (
        "tongzhi-gonggao",
        "关于开展规范性文件备案审查工作的公告",
        "公民、法人和其他组织认为规范性文件同宪法法律相抵触的，可以向县人大常委会书面提出审查建议。",
        [
            "根据《中华人民共和国各级人民代表大会常务委员会监督法》和有关规定，县人大常委会依法开展规范性文件备案审查工作。",
            "公民、法人和其他组织认为县人民政府及其部门、乡镇人民政府制定的规范性文件同宪法、法律、法规相抵触的，",
            "可以通过本网站“规范性文件备案审查”栏目或书面形式向县人大常委会提出审查建议。",
        ],
    ),
    (
        "tongzhi-gonggao",
        "关于公布本季度代表接待日安排的通知",
        "各代表工作站本季度代表接待日安排已确定，欢迎群众前往反映意见建议。",
        [
            "本季度全县各代表工作站每月第一个星期五为固定代表接待日，接待时间为上午9:00至11:30。",
            "群众可以就经济社会发展、民生保障等方面的问题向进站代表当面反映。",
        ],
    ),
    (
        "daibiao-fengcai",
        "县人大代表王建华：扎根乡村的致富带头人",
        "十年如一日带领村民发展特色种植，带动周边200余户群众增收。",
        [
            "县人大代表、某村党支部书记王建华，多年来带领村民发展大棚蔬菜种植，组建专业合作社。",
            "在履职中，他多次围绕农村产业发展、农田水利建设提出建议，推动解决了一批群众关心的实际问题。",
        ],
    ),
    (
        "daibiao-fengcai",
        "县人大代表李秀英：把群众的事当自己的事",
        "社区卫生服务站医生李秀英代表，坚持每月到代表工作站接待群众。",
        [
            "李秀英代表在社区工作二十余年，始终把群众冷暖放在心上。",
            "当选代表以来，她坚持参加代表接待日活动，协调解决了老旧小区加装电梯、社区卫生服务等问题。",
        ],
    ),
    (
        "gongzuo-dongtai",
        "县人大常委会开展秸秆禁烧工作专项视察",
        "视察组深入田间地头，了解秸秆综合利用和禁烧工作落实情况。",
        [
            "县人大常委会组织部分常委会组成人员和县人大代表，对全县秸秆禁烧和综合利用工作开展专项视察。",
            "视察组建议，进一步完善秸秆收储运体系，加大综合利用补贴力度，推动禁烧工作由“堵”向“疏”转变。",
        ],
    ),
    (
        "gongzuo-dongtai",
        "县人大常委会对县民政局开展工作评议",
        "评议组通过走访座谈、问卷调查等方式，广泛听取代表和群众意见。",
        [
            "按照年度工作要点，县人大常委会对县民政局开展工作评议，成立了由常委会组成人员和县人大代表组成的评议组。",
            "评议组先后召开座谈会6场，发放调查问卷800余份，梳理出意见建议4个方面17条。",
        ],
    ),
    (
        "gongzuo-dongtai",
        "县人大常委会召开代表建议办理工作推进会",
        "会议通报了代表建议办理进展情况，对重点建议办理工作进行再部署。",
        [
            "县人大常委会召开代表建议办理工作推进会，各承办单位负责同志参加。",
            "本次大会期间代表提出的建议已全部交办，已办结的占总数的85%，代表满意和基本满意率达到98%。",
        ],
    ),
]

INITIATIVES = [
    (
        "zhenxing-xiangcun",
        "关于积极参与振兴乡村行动的倡议书",
        "号召全县各级人大代表发挥带头作用，投身乡村振兴，为群众办实事。",
        [
            "全县各级人大代表：",
            "实施乡村振兴战略是新时代“三农”工作的总抓手。为充分发挥人大代表在乡村振兴中的示范带动作用，"
            "县人大常委会向全县各级人大代表发出如下倡议：",
            "一、争当乡村产业发展的带头人。立足本地资源，发展特色产业，带动群众增收致富。",
            "二、争当乡风文明建设的引领者。带头移风易俗，弘扬文明新风。",
            "三、争当为民办实事的践行者。深入联系选民，帮助解决群众急难愁盼问题。",
        ],
        -200,
        365,
        [
            ("王建华", "某村党支部书记", "捐资修建村内道路1.2公里", Decimal("80000"), 0, -150),
            (
                "李秀英",
                "社区卫生服务站医生",
                "为困难群众开展免费义诊并资助药费",
                Decimal("12000"),
                15,
                -120,
            ),
            (
                "张国强",
                "农业合作社理事长",
                "吸纳脱贫户务工，提供种苗和技术指导",
                Decimal("50000"),
                32,
                -90,
            ),
            ("陈丽", "县第二中学教师", "资助困难家庭学生完成学业", Decimal("18000"), 6, -60),
        ],
    ),
    (
        "jiegan-jinshao",
        "秸秆禁烧倡议书",
        "倡议人大代表带头宣传秸秆禁烧，推广秸秆综合利用，守护蓝天白云。",
        [
            "全县各级人大代表：",
            "秸秆焚烧污染空气、危害健康、易引发火灾。为切实做好秸秆禁烧工作，县人大常委会倡议：",
            "一、带头宣传。利用代表工作站、代表接待日等平台，向群众宣传秸秆禁烧的政策规定。",
            "二、带头落实。自觉做到不焚烧秸秆，推广秸秆还田、饲料化、能源化利用。",
            "三、带头监督。发现焚烧行为及时劝阻和报告，协助乡镇做好巡查工作。",
        ],
        -40,
        60,
        [
            ("刘志明", "某镇农机站站长", "组织农机开展秸秆粉碎还田作业", Decimal("6000"), 120, -30),
            ("赵红梅", "某村村委会主任", "带队夜间巡查，入户宣传禁烧政策", None, 260, -25),
        ],
    ),
    (
        "anquan-shengchan",
        "关于做好安全生产监督工作的倡议书",
        "倡议代表围绕安全生产开展监督，推动企业落实主体责任。",
        [
            "全县各级人大代表：",
            "安全生产事关人民群众生命财产安全。县人大常委会倡议各级代表积极参与安全生产监督，及时反映隐患问题。",
        ],
        -500,
        -200,
        [("孙伟", "某企业安全部部长", "组织企业开展安全隐患自查自纠", Decimal("30000"), 0, -400)],
    ),
]

DEPARTMENTS = ["县民政局", "县住房和城乡建设局"]
# (department index, year offset from this year, satisfaction %, rating, item scores)
APPRAISALS = [
    (
        0,
        -1,
        Decimal("93.60"),
        "满意",
        [
            ("依法行政", Decimal("94.2")),
            ("服务群众", Decimal("92.8")),
            ("整改落实", Decimal("93.1")),
        ],
    ),
    (
        0,
        -2,
        Decimal("88.40"),
        "基本满意",
        [
            ("依法行政", Decimal("89.0")),
            ("服务群众", Decimal("87.5")),
            ("整改落实", Decimal("88.1")),
        ],
    ),
    (
        1,
        -1,
        Decimal("90.20"),
        "满意",
        [
            ("依法行政", Decimal("91.0")),
            ("服务群众", Decimal("89.3")),
            ("整改落实", Decimal("90.4")),
        ],
    ),
    (
        1,
        -2,
        Decimal("84.70"),
        "基本满意",
        [
            ("依法行政", Decimal("85.5")),
            ("服务群众", Decimal("83.9")),
            ("整改落实", Decimal("84.6")),
        ],
    ),
]
TEAM = [
    ("周振华", "组长", "县人大常委会副主任"),
    ("吴敏", "副组长", "县人大常委会委员"),
    ("郑海燕", "成员", "县人大代表"),
    ("冯德胜", "成员", "县人大代表"),
]
STAGES = [
    ("mobilise", 0, 0, "召开评议动员会，印发评议工作方案。"),
    ("investigate", 10, 60, "走访座谈、问卷调查，广泛征求代表和群众意见。"),
    ("meeting", 90, 90, "召开常委会会议，听取被评议部门工作报告，进行评议。"),
    ("evaluate", 90, 90, "常委会组成人员对被评议部门进行满意度测评。"),
    ("rectify", 100, 190, "被评议部门针对评议意见制定整改方案，逐项落实。"),
    ("review", 220, 235, "对整改情况开展“回头看”，巩固评议成果。"),
]


def load(command):
    created = 0
    today = timezone.localdate()
    rng = random.Random(2026)
    home = Site.objects.get(is_default_site=True).root_page.specific
    # Link responses and appraisal teams to the register when the deputies' demo has filled it.
    register = iter(Deputy.objects.public().serving().order_by("register_number")[10:20])
    committee = list(
        CommitteeMember.objects.select_related("deputy").filter(post__in=["vice_chair", "member"])[
            :2
        ]
    )

    categories = {}
    for slug, name, order in CATEGORIES:
        if not NewsCategory.objects.filter(slug=slug).exists():
            created += 1
        categories[slug] = NewsCategoryFactory(slug=slug, name=name, sort_order=order)

    news_index = child_by_slug(home, "news")
    if news_index is None:
        news_index = NewsIndexPageFactory(
            parent=home,
            title="新闻动态",
            slug="news",
            show_in_menus=True,
            summary="县人大常委会工作动态、通知公告、代表风采与代表培训。",
        )
        publish(news_index)
        news_index.move(home, pos="first-child")
        created += 1
    covers = []
    for position, (slug, title, summary, paragraphs) in enumerate(NEWS):
        page_slug = f"news-{position + 1:03d}"
        if child_by_slug(news_index, page_slug):
            continue
        if not covers:
            covers = [ImageFactory(title=f"新闻图片{n + 1}") for n in range(4)]
        date = today - datetime.timedelta(days=position * 23 + rng.randint(0, 9))
        page = NewsPageFactory(
            parent=news_index,
            title=title,
            slug=page_slug,
            date=date,
            category=categories[slug],
            summary=summary,
            body=body_from_paragraphs(paragraphs),
            cover_image=covers[position % len(covers)] if position % 3 == 0 else None,
            cover_image_alt="县人大常委会会议现场" if position % 6 == 0 else "",
        )
        page.tags.add("人大工作", categories[slug].name)
        publish(page, on_date=date)
        created += 1

    initiative_index = child_by_slug(home, "initiatives")
    if initiative_index is None:
        initiative_index = InitiativeIndexPageFactory(
            parent=home,
            title="倡议书",
            slug="initiatives",
            show_in_menus=True,
            summary="县人大常委会向全县各级人大代表发出的倡议及代表响应情况。",
        )
        publish(initiative_index)
        initiative_index.move(news_index, pos="right")
        created += 1
    for slug, title, summary, paragraphs, start, end, responses in INITIATIVES:
        if child_by_slug(initiative_index, slug):
            continue
        issued = today + datetime.timedelta(days=start)
        page = InitiativePageFactory.build(
            title=title,
            slug=slug,
            summary=summary,
            body=body_from_paragraphs(paragraphs),
            issued_date=issued,
            period_start=issued,
            period_end=today + datetime.timedelta(days=end),
        )
        for name, post, action, funds, households, offset in responses:
            # Responses come from deputies in the register (deputies' demo runs first); the
            # hand-written name is the fallback when there is no register.
            deputy = next(register, None)
            page.responses.add(
                InitiativeResponse(
                    deputy=deputy,
                    deputy_name=deputy.name if deputy else name,
                    deputy_post=deputy.post if deputy else post,
                    action=action,
                    funds=funds,
                    households=households or None,
                    date=today + datetime.timedelta(days=offset),
                )
            )
        initiative_index.add_child(instance=page)
        publish(page, on_date=issued)
        created += 1

    appraisal_index = child_by_slug(home, "appraisals")
    if appraisal_index is None:
        appraisal_index = AppraisalIndexPageFactory(
            parent=home,
            title="部门评议",
            slug="appraisals",
            show_in_menus=True,
            summary="县人大常委会对重点部门开展工作评议的过程、结果和整改情况。",
        )
        publish(appraisal_index)
        appraisal_index.move(initiative_index, pos="right")
        created += 1
    departments = [DepartmentFactory(name=name, sort_order=n) for n, name in enumerate(DEPARTMENTS)]
    for dept_index, offset, satisfaction, rating, items in APPRAISALS:
        department = departments[dept_index]
        year = today.year + offset
        slug = f"{year}-department-{dept_index + 1}"
        if child_by_slug(appraisal_index, slug):
            continue
        page = AppraisalPageFactory.build(
            title=f"{year}年度{department.name}工作评议",
            slug=slug,
            year=year,
            department=department,
            overall_satisfaction=satisfaction,
            overall_rating=rating,
            summary=f"县人大常委会对{department.name}{year}年度工作开展评议，测评满意率{satisfaction}%。",
            body=[
                heading("评议总体情况"),
                paragraph(
                    f"<p>评议组认为，{department.name}能够认真贯彻落实县委决策部署，依法履行职责，"
                    "服务群众意识不断增强，但在政策宣传、基层服务能力等方面仍有不足。</p>"
                ),
            ],
            rectification=body_from_paragraphs(
                [
                    f"{department.name}针对评议意见，制定整改方案，明确整改措施、责任人和时限。",
                    "截至目前，17条意见建议已全部整改到位，建立长效机制5项。",
                ]
            ),
        )
        start = datetime.date(year, 3, 1)
        for stage, begin, end, description in STAGES:
            page.stages.add(
                AppraisalStage(
                    stage=stage,
                    start_date=start + datetime.timedelta(days=begin),
                    end_date=start + datetime.timedelta(days=end),
                    description=description,
                )
            )
        for (_name, role, unit), member in zip(TEAM, committee, strict=False):
            page.team_members.add(
                AppraisalTeamMember(
                    deputy=member.deputy, name=member.deputy.name, role=role, unit=unit
                )
            )
        for name, role, unit in TEAM[len(committee) :]:
            page.team_members.add(AppraisalTeamMember(name=name, role=role, unit=unit))
        for item, score in items:
            page.result_items.add(AppraisalResultItem(item=item, score=score, rating=rating))
        appraisal_index.add_child(instance=page)
        publish(page, on_date=datetime.date(year, 6, 30))
        created += 1
    return created
