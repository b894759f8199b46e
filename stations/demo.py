"""Demo content of the station network, on top of the deputies demo (deputies/demo.py: 演示县 with
城关镇, 新桥镇 and 石岭乡): the StationIndexPage "代表工作站", a station per township plus a
代表之家 in 城关镇 serving their villages, resident deputies elected there (with generated
photos), the six working systems, reception days over the coming month and the past year,
activity records of the last months with generated photos, and the demo login "station"
(工作站管理员) for 新桥镇人大代表工作站.

石岭乡人大代表工作站 is left incomplete on purpose so that the rule checks (stations/checks.py) show
something: two systems and its administrator missing, a resident deputy without a photo, no
reception day in the coming week, a resident deputy never on duty. One upcoming reception day is
published the day before it (less than two days ahead)."""

import datetime
import random

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from wagtail.models import Site

from core.demo_utils import child_by_slug, publish
from core.factories import ImageFactory, register_collection
from core.models import FileCollection
from deputies.models import Area, Deputy

from .factories import (
    ActivityFactory,
    ActivityPhotoFactory,
    ReceptionFactory,
    StationDeputyFactory,
    StationFactory,
    StationSystemFactory,
)
from .models import SYSTEM_CHOICES, Reception, Station, StationIndexPage

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 (dev-only login, documented in the README)
STATION_USER = "station"
STATION_ADMINS = "工作站管理员"
COUNTY = "演示县"
INCOMPLETE = "石岭乡人大代表工作站"
PHOTO_COLOURS = ["#9e1b1f", "#0b4f8a", "#2e7d32", "#6d4c41", "#455a64", "#8d6e63"]

# name, kind, township, served villages (None: all of the township's), residents, details
STATIONS = [
    (
        "城关镇人大代表工作站",
        "station",
        "城关镇",
        None,
        4,
        {
            "address": "演示县城关镇人民路66号镇政府一楼",
            "latitude": "38.041200",
            "longitude": "114.512300",
            "person_in_charge_post": "城关镇人大主席",
        },
    ),
    (
        "城关镇人大代表之家",
        "home",
        "城关镇",
        ["东关社区", "西关社区"],
        3,
        {
            "address": "演示县城关镇东关社区党群服务中心二楼",
            "latitude": "38.044800",
            "longitude": "114.519600",
            "person_in_charge_post": "东关社区党委书记",
        },
    ),
    (
        "新桥镇人大代表工作站",
        "station",
        "新桥镇",
        None,
        4,
        {
            "address": "演示县新桥镇新桥村新华街18号",
            "latitude": "38.102500",
            "longitude": "114.463100",
            "person_in_charge_post": "新桥镇人大主席",
        },
    ),
    (
        INCOMPLETE,
        "station",
        "石岭乡",
        ["石岭村", "东岭村"],  # 柳树沟村 is served by no station: the finder falls back
        3,
        {
            "address": "演示县石岭乡石岭村村委会院内",
            "latitude": "37.982100",
            "longitude": "114.401700",
            "person_in_charge_post": "石岭乡人大主席",
            "administrator_name": "",
            "administrator_phone": "",
        },
    ),
]

SYSTEM_TEXTS = {
    "activity": "代表工作站每月至少组织一次代表活动，活动有计划、有记录、有资料、有影像、有档案。",
    "training": "定期组织进站代表学习宪法、代表法、地方组织法等法律法规，每年不少于两次集中学习。",
    "voters": "进站代表通过走访、座谈、电话等方式经常联系原选区选民，每季度向选民报到一次。",
    "reception": "群众来站反映问题，由值班代表热情接待、认真记录、及时转办，并在规定时限内反馈。",
    "inspection": "围绕乡镇党委中心工作和群众关注的热点难点问题，每半年组织一次视察调研。",
    "reception_day": "每月固定一天为代表接待日，提前在站点公示栏和网站公布接待时间和值班代表。",
}
TOPICS = ["乡村振兴", "农村人居环境整治", "养老服务", "义务教育", "营商环境", "道路交通安全"]
ACTIVITIES = [
    ("training", "集中学习代表法和地方组织法"),
    ("voters", "进站代表走访选民收集意见建议"),
    ("reception", "代表接待日接待群众来访"),
    ("inspection", "视察农村饮水安全工程"),
    ("group", "代表小组围绕乡村振兴开展专题活动"),
    ("initiative", "响应秸秆禁烧倡议开展宣传"),
]


def _backdate(model, pk, when):
    model.objects.filter(pk=pk).update(first_published_at=when, last_published_at=when)


def _image(title, colour, width=800, height=500, key=FileCollection.STATIONS):
    """A generated photo in the stations' collection (a station's save moves it into the
    station's own) or, for deputies' photos, theirs."""
    return ImageFactory(
        title=title,
        collection=register_collection(key),
        file__width=width,
        file__height=height,
        file__color=colour,
    )


def _residents_for(township, count, taken):
    """Serving, published deputies elected in the township's constituencies, those with a
    public phone first (the wall shows a contact), not already resident elsewhere."""
    deputies = (
        Deputy.objects.public()
        .serving()
        .filter(elections__constituency__areas__parent=township)
        .exclude(pk__in=taken)
        .distinct()
        .order_by("sort_key", "pk")
    )
    chosen = sorted(deputies, key=lambda deputy: not deputy.phone)[:count]
    taken.update(deputy.pk for deputy in chosen)
    return chosen


def _give_photo(deputy, colour):
    if deputy.photo_id:
        return 0
    deputy.photo = _image(
        f"{deputy.name}代表照片", colour, width=240, height=320, key=FileCollection.DEPUTIES
    )
    deputy.save_revision().publish()
    return 1


def _receptions(station, residents, rng, today, now, complete):
    """Reception days: every other month over the past year, the residents taking turns, and
    weekly over the coming month. At the incomplete station the last resident is never on duty
    and there is no reception day in the coming week."""
    created = 0
    on_duty = residents if complete else (residents[:-1] or residents)
    for months_back in range(11, 0, -2):
        date = today - datetime.timedelta(days=30 * months_back + rng.randint(0, 5))
        pair = [on_duty[months_back % len(on_duty)], on_duty[(months_back + 1) % len(on_duty)]]
        created += _reception(station, date, pair, rng, now, lead_days=10, revision=False)
    first = 10 if not complete else 3
    for week in range(4):
        date = today + datetime.timedelta(days=first + 7 * week)
        if date > today + datetime.timedelta(days=31):
            break
        pair = [on_duty[week % len(on_duty)], on_duty[(week + 1) % len(on_duty)]]
        created += _reception(station, date, pair, rng, now, lead_days=10)
    return created


def _reception(station, date, deputies, rng, now, lead_days, revision=True):
    """A published reception day, first published `lead_days` before it starts (or now, if that
    is later). Past ones get no revision history (publishing through revisions is the slow part
    of the demo); the upcoming ones do, as if staff had published them."""
    reception = ReceptionFactory(
        station=station,
        date=date,
        start_time=datetime.time(9, 0),
        end_time=datetime.time(11, 30),
        topic=rng.choice(TOPICS),
        notes="群众可直接到站反映意见建议，也可提前电话预约。",
        deputies=list(dict.fromkeys(deputies)),
        live=not revision,
    )
    if revision:
        reception.save_revision().publish()
    else:
        reception.save()  # the factory sets the deputies in memory only
    published = min(reception.starts_at - datetime.timedelta(days=lead_days), now)
    _backdate(Reception, reception.pk, published)
    return 1


def _activities(station, residents, rng, today):
    created = 0
    for index, (kind, title) in enumerate(rng.sample(ACTIVITIES, 4)):
        date = today - datetime.timedelta(days=12 + index * 35 + rng.randint(0, 10))
        activity = ActivityFactory(
            station=station,
            kind=kind,
            title=f"{station.name}{title}",
            date=date,
            deputies=rng.sample(residents, min(len(residents), 2)),
            participants_count=rng.randint(12, 60),
            body=(
                f"<p>{date.month}月{date.day}日，{station.name}组织进站代表开展“{title}”活动，"
                "听取群众对村内道路、饮水、医疗和养老服务的意见建议，现场记录并逐条转办。</p>"
            ),
            is_public=index != 3,  # one internal record, kept in the admin only
            live=False,
        )
        for number in range(1 + index % 2):
            ActivityPhotoFactory(
                activity=activity,
                image=_image(
                    f"{station.name}{title}现场{number + 1}",
                    PHOTO_COLOURS[(index + number) % len(PHOTO_COLOURS)],
                ),
                caption=f"{title}现场",
            )
        activity.save_revision().publish()
        created += 1
    return created


def _index_page():
    home = Site.objects.get(is_default_site=True).root_page.specific
    if child_by_slug(home, "stations") is not None:
        return 0
    page = StationIndexPage(
        title="代表工作站",
        slug="stations",
        show_in_menus=True,
        summary="全县人大代表工作站、代表之家的分布，进站代表，代表接待日安排和活动记录。",
    )
    home.add_child(instance=page)
    publish(page)
    return 1


def _stations(rng, today, now):
    townships = {
        area.name: area
        for area in Area.objects.filter(
            kind=Area.TOWNSHIP, parent__name=COUNTY, parent__kind=Area.COUNTY
        )
    }
    if not townships:
        return 0, {}
    created = 0
    taken = set()
    stations = {}
    for number, (name, kind, township_name, served, residents_count, details) in enumerate(
        STATIONS
    ):
        township = townships.get(township_name)
        if township is None:
            continue
        complete = name != INCOMPLETE
        villages = township.children.order_by("sort_order", "name")
        if served is not None:
            villages = villages.filter(name__in=served)
        station = StationFactory(
            name=name,
            kind=kind,
            township=township,
            areas=list(villages),
            opening_hours="每周一至周五 8:30—12:00，14:30—17:30",
            phone=f"0311-86{number + 1:02d}1234",
            introduction=(
                f"<p>{name}是{township.name}人大代表联系群众、开展闭会期间活动的固定场所，"
                "设有接待室、会议室和代表履职档案室。</p>"
            ),
            photo=_image(f"{name}外景", PHOTO_COLOURS[number % len(PHOTO_COLOURS)]),
            live=False,
            **details,
        )
        residents = _residents_for(township, residents_count, taken)
        for order, deputy in enumerate(residents):
            StationDeputyFactory(
                station=station,
                deputy=deputy,
                role="站长" if order == 0 else ("联络员" if order == 1 else ""),
                start_date=datetime.date(2022, 3, 1),
                sort_order=order,
            )
            if complete or order:
                created += _give_photo(deputy, PHOTO_COLOURS[order % len(PHOTO_COLOURS)])
        systems = SYSTEM_CHOICES if complete else SYSTEM_CHOICES[:4]
        for order, (code, label) in enumerate(systems):
            StationSystemFactory(
                station=station,
                kind=code,
                text=f"{label}\n{SYSTEM_TEXTS[code]}",
                sort_order=order,
            )
        station.save_revision().publish()
        station.refresh_from_db()
        created += 1
        created += _receptions(station, residents, rng, today, now, complete)
        created += _activities(station, residents, rng, today)
        stations[name] = station

    # One reception day published the day before it: shown by the "published late" check.
    late = stations.get("新桥镇人大代表工作站")
    if late is not None:
        created += _reception(
            late,
            today + datetime.timedelta(days=1),
            [resident.deputy for resident in late.resident_deputies.all()[:2]],
            rng,
            now,
            lead_days=1,
        )
    return created, stations


def _station_user(stations):
    User = get_user_model()
    if User.objects.filter(username=STATION_USER).exists():
        return 0
    user = User.objects.create_user(
        username=STATION_USER,
        password=DEMO_PASSWORD,
        email=f"{STATION_USER}@example.com",
        first_name="演示",
        last_name="站点管理员",
    )
    user.groups.add(Group.objects.get(name=STATION_ADMINS))
    station = (
        stations.get("新桥镇人大代表工作站")
        or Station.objects.filter(name="新桥镇人大代表工作站").first()
    )
    if station is not None:
        station.managers.add(user)
    return 1


def load(command):
    rng = random.Random(2026)
    now = timezone.now()
    today = timezone.localdate(now)
    created = _index_page()
    stations = {}
    if not Station.objects.exists():
        count, stations = _stations(rng, today, now)
        created += count
    created += _station_user(stations)
    return created
