"""Demo content of the deputies register: a term, a county with three townships and their villages,
about 60 deputies across levels, groups, the standing committee, trainings with attendance,
check-ins, voter contact counts and duty reports. Names are generated and fictitious."""

import datetime
import random

from django.utils import timezone
from wagtail.models import Site

from core.demo_utils import child_by_slug, publish

from .factories import TermFactory
from .models import (
    Area,
    CheckIn,
    CommitteeMember,
    Constituency,
    Deputy,
    DeputyGroup,
    DeputyIndexPage,
    DutyReport,
    Election,
    GroupContact,
    GroupMembership,
    Level,
    SupervisionRole,
    Training,
    TrainingAttendance,
    VoterContact,
)

SURNAMES = list(
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段"
)
COMPOUND_SURNAMES = ["欧阳", "诸葛", "司马"]
GIVEN = "建国华明丽娟秀英志强伟军红梅海燕德胜振华文静玉兰春生晓东永刚桂芳淑珍国庆立新雪梅卫东"

TOWNSHIPS = {
    "城关镇": [
        ("东关社区", Area.COMMUNITY),
        ("西关社区", Area.COMMUNITY),
        ("南街村", Area.VILLAGE),
        ("北街村", Area.VILLAGE),
    ],
    "新桥镇": [
        ("新桥村", Area.VILLAGE),
        ("河口村", Area.VILLAGE),
        ("李家庄村", Area.VILLAGE),
        ("王庄村", Area.VILLAGE),
    ],
    "石岭乡": [("石岭村", Area.VILLAGE), ("东岭村", Area.VILLAGE), ("柳树沟村", Area.VILLAGE)],
}
POSTS = [
    "{t}党委书记",
    "{t}镇长",
    "{v}党支部书记",
    "{v}村委会主任",
    "县第一中学教师",
    "县人民医院医生",
    "县农业农村局副局长",
    "{v}种植专业合作社理事长",
    "县供电公司职工",
    "{t}卫生院院长",
    "县市场监督管理局科员",
    "某建材有限公司董事长",
    "{v}个体工商户",
    "县律师事务所律师",
]
TRAININGS = [
    ("全县人大代表履职能力培训班", "county", "central", "县委党校", "地方组织法、选举法、代表法"),
    (
        "省人大代表履职专题讲座（视频）",
        "provincial",
        "video",
        "各乡镇分会场",
        "代表法、代表建议撰写",
    ),
    ("代表工作站规范化建设经验交流会", "county", "exchange", "城关镇代表工作站", "代表工作站建设"),
    ("市人大常委会代表工作培训班", "city", "central", "市人大培训中心", "监督法、预算审查监督"),
    ("乡村振兴专题讲座", "expert", "meeting", "县人大常委会会议室", "乡村振兴促进法"),
]


def _name(rng, used):
    while True:
        compound = rng.random() < 0.05
        surname = rng.choice(COMPOUND_SURNAMES if compound else SURNAMES)
        given = "".join(rng.sample(GIVEN, rng.choice([1, 2, 2, 2])))
        if surname + given not in used:
            used.add(surname + given)
            return surname, given


def load(command):
    if Deputy.objects.exists():
        return 0
    rng = random.Random(2026)
    today = timezone.localdate()
    created = 0
    term = TermFactory(
        number=18,
        name="第十八届",
        start_date=datetime.date(2021, 12, 1),
        end_date=datetime.date(2026, 12, 31),
    )
    created += 1
    levels = {level.code: level for level in Level.objects.all()}

    county = Area.objects.create(name="演示县", kind=Area.COUNTY, code="130000000000")
    townships, villages = [], []
    for t_index, (township_name, children) in enumerate(TOWNSHIPS.items()):
        township = Area.objects.create(
            name=township_name, kind=Area.TOWNSHIP, parent=county, sort_order=t_index
        )
        townships.append(township)
        for v_index, (village_name, kind) in enumerate(children):
            villages.append(
                Area.objects.create(
                    name=village_name, kind=kind, parent=township, sort_order=v_index
                )
            )
    created += 1 + len(townships) + len(villages)

    constituencies = []
    for index, township in enumerate(townships):
        for part in (1, 2):
            constituency = Constituency.objects.create(
                term=term, level=levels["county"], name=f"第{index * 2 + part}选区", seats=10
            )
            children = [v for v in villages if v.parent_id == township.pk]
            constituency.areas.set(children[part - 1 :: 2])
            constituencies.append((township, constituency))
    groups = {
        township.pk: DeputyGroup.objects.create(
            term=term, name=f"{township.name}代表小组", township=township, sort_order=i
        )
        for i, township in enumerate(townships)
    }
    created += len(constituencies) + len(groups)

    used, deputies = set(), []
    for number in range(60):
        township, constituency = constituencies[number % len(constituencies)]
        village = rng.choice([v for v in villages if v.parent_id == township.pk])
        surname, given = _name(rng, used)
        deputy_levels = [levels["county"]]
        if number % 4 == 0:
            deputy_levels.append(levels["township"])
        if number in (3, 17):
            deputy_levels.append(levels["city"])
        if number == 9:
            deputy_levels.append(levels["provincial"])
        terminated = number in (21, 44)
        deputy = Deputy(
            register_number=f"18-{number + 1:03d}",
            name=surname + given,
            surname_length=len(surname),
            gender="female" if number % 3 == 1 else "male",
            ethnicity="回族" if number % 15 == 7 else "汉族",
            birth_year=1962 + (number * 7) % 33,
            party=rng.choice(["中共党员", "中共党员", "群众", "民盟盟员", "九三学社社员"]),
            education=rng.choice(["研究生", "大学本科", "大学本科", "大专", "高中"]),
            post=rng.choice(POSTS).format(t=township.name, v=village.name),
            phone=f"0311-8{number:03d}{rng.randint(1000, 9999)}" if number % 2 == 0 else "",
            elected_date=datetime.date(2021, 11, 20),
            status=Deputy.TERMINATED if terminated else Deputy.SERVING,
            status_date=datetime.date(2025, 3, 1) if terminated else None,
            status_reason=("transferred" if number == 21 else "resigned") if terminated else "",
        )
        deputy.save()
        deputy.levels.set(deputy_levels)
        Election.objects.create(
            deputy=deputy, constituency=constituency, elected_date=datetime.date(2021, 11, 20)
        )
        GroupMembership.objects.create(
            group=groups[township.pk],
            deputy=deputy,
            role="leader" if number < 3 else "member",
            start_date=datetime.date(2021, 12, 1),
        )
        if number % 10 == 5:
            SupervisionRole.objects.create(
                deputy=deputy,
                role=rng.choice(["juror", "volunteer_supervisor", "conduct_supervisor"]),
                organisation=rng.choice(["县人民法院", "县人民检察院", "县纪委监委"]),
                start_date=datetime.date(2022, 3, 1),
            )
        deputy.save_revision().publish()
        deputies.append(deputy)
    created += len(deputies)

    serving = [d for d in deputies if d.status == Deputy.SERVING]
    posts = ["chair", "vice_chair", "vice_chair", "vice_chair", "secretary_general"] + [
        "member"
    ] * 7
    for order, (deputy, post) in enumerate(zip(serving[: len(posts)], posts, strict=True)):
        member = CommitteeMember.objects.create(
            deputy=deputy,
            term=term,
            post=post,
            sort_order=order,
            start_date=datetime.date(2021, 12, 1),
        )
        GroupContact.objects.create(
            committee_member=member,
            group=list(groups.values())[order % 3],
            start_date=datetime.date(2021, 12, 1),
        )
        created += 1

    for offset, (title, level, form, location, topics) in enumerate(TRAININGS):
        for year in (today.year - 1, today.year):
            start = datetime.date(year, 3 + offset * 2, 10 + offset)
            if start > today:
                continue
            training = Training.objects.create(
                title=f"{year}年{title}",
                organiser_level=level,
                form=form,
                location=location,
                topics=topics,
                start_date=start,
                end_date=start + datetime.timedelta(days=1),
            )
            for deputy in rng.sample(serving, rng.randint(15, 40)):
                TrainingAttendance.objects.create(training=training, deputy=deputy)
            created += 1

    quarter_start = datetime.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    for index, deputy in enumerate(serving):
        # Most deputies have reported this quarter; the rest show up in the overdue view.
        if index % 5:
            group = deputy.group_memberships.first().group
            CheckIn.objects.create(
                deputy=deputy,
                kind=CheckIn.TO_GROUP,
                group=group,
                date=min(today, quarter_start + datetime.timedelta(days=index % 40)),
                content="向代表小组报告本季度参加闭会期间活动、联系选民和提出建议的情况。",
            )
        CheckIn.objects.create(
            deputy=deputy,
            kind=CheckIn.TO_VOTERS,
            date=quarter_start - datetime.timedelta(days=20 + index % 30),
            content="到选区向选民报到，听取选民对村内道路、饮水和医疗服务的意见。",
        )
        VoterContact.objects.create(
            deputy=deputy,
            start_date=quarter_start - datetime.timedelta(days=92),
            end_date=quarter_start - datetime.timedelta(days=1),
            method=rng.choice(["visit", "forum", "reception"]),
            voters_count=rng.randint(8, 60),
            summary="走访选民，收集意见建议。",
        )
        if index % 3 == 0:
            votes = rng.randint(40, 80)
            dissatisfied = rng.randint(0, 3)
            basic = rng.randint(2, 10)
            DutyReport.objects.create(
                deputy=deputy,
                date=datetime.date(today.year, 1, 10 + index % 15),
                title=f"{deputy.name}代表{today.year - 1}年度述职报告",
                venue=f"{deputy.post[:3]}代表工作站",
                text="一年来，本人认真参加县人代会和闭会期间代表活动，围绕乡村振兴、民生实事提出建议，"
                "定期到代表工作站接待选民，帮助协调解决群众反映的问题。",
                satisfied=votes - dissatisfied - basic,
                basically_satisfied=basic,
                dissatisfied=dissatisfied,
            )
        created += 2

    home = Site.objects.get(is_default_site=True).root_page.specific
    if child_by_slug(home, "deputies") is None:
        index_page = DeputyIndexPage(
            title="人大代表",
            slug="deputies",
            show_in_menus=True,
            summary="全县各级人大代表名录（按姓氏笔画排序）、常委会组成人员和代表履职情况。",
        )
        home.add_child(instance=index_page)
        publish(index_page)
        created += 1
    return created
