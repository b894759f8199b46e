"""The public pages of the station network: the directory by township, a station's page with its
wall data, the map page (a list that works without JavaScript, map data as JSON), the printable
notice board with its QR code, the sitemap, the station section of deputies' profiles and the
home page's next reception days. Drafts, internal records and unpublished deputies never show."""

import datetime
import json
import xml.etree.ElementTree as ET

import segno
from bs4 import BeautifulSoup
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.test.utils import WagtailPageTestCase

from core.factories import DocumentFactory, ImageFactory
from deputies.factories import (
    CountyFactory,
    DeputyFactory,
    DeputyIndexPageFactory,
    TownshipFactory,
    VillageFactory,
)
from deputies.models import Deputy
from home.models import HomePage
from stations import factories
from stations.factories import (
    ActivityFactory,
    ActivityFileFactory,
    ActivityPhotoFactory,
    ReceptionFactory,
    StationDeputyFactory,
    StationIndexPageFactory,
    StationSystemFactory,
)
from stations.models import Reception, Station, StationIndexPage
from stations.views import tile_settings
from tests.helpers import breadcrumbs, default_home, h1_texts, main_text, parse

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
# Measured: directory 15, station page 28 (both constant). About half are Wagtail's (site, page
# route, view restrictions, menu, breadcrumbs, settings, the deputies' index page for profile
# links); the station page's own are the station and one query per prefetched relation.
MAX_DIRECTORY_QUERIES = 16
MAX_STATION_QUERIES = 30


class StationFactory(factories.StationFactory):
    """Saves after the post-generation hooks: the app's factory sets `areas` (a
    ParentalManyToManyField) on the in-memory cluster only, which a save writes."""

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create:
            instance.save()


def days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


def section(soup, heading_id):
    return soup.find("section", attrs={"aria-labelledby": heading_id})


class StationData(TestCase):
    """Two townships; a station with everything on its wall, a 代表之家 without coordinates, and a
    draft station; deputies published, draft and terminated; reception days and activities both
    public and hidden."""

    @classmethod
    def setUpTestData(cls):
        cls.home = default_home()
        cls.index = StationIndexPageFactory(
            parent=cls.home, title="代表工作站", slug="stations", activities_count=2
        )
        cls.deputies_index = DeputyIndexPageFactory(parent=cls.home, slug="deputies")
        county = CountyFactory()
        cls.chengguan = TownshipFactory(name="城关镇", parent=county, sort_order=1)
        cls.xinqiao = TownshipFactory(name="新桥镇", parent=county, sort_order=2)
        cls.dongguan = VillageFactory(name="东关社区", kind="community", parent=cls.chengguan)
        cls.xiguan = VillageFactory(name="西关村", parent=cls.chengguan)

        cls.wang = DeputyFactory(
            name="王建国",
            post="东关社区党支部书记",
            phone="0311-86001234",
            email="wangjianguo@example.cn",
            photo=ImageFactory(title="王建国照片", file__width=300, file__height=400),
        )
        cls.li = DeputyFactory(name="李丽", post="县第一中学教师", phone="", email="")
        cls.draft_deputy = DeputyFactory(name="草稿代表", live=False)
        cls.former = DeputyFactory(
            name="钱离任",
            status=Deputy.TERMINATED,
            status_date=datetime.date(2025, 3, 1),
            status_reason="transferred",
        )

        cls.station = StationFactory(
            name="东关社区代表工作站",
            township=cls.chengguan,
            areas=[cls.dongguan, cls.xiguan],
            address="城关镇东关街18号",
            latitude=38.041234,
            longitude=114.512345,
            opening_hours="每周一至周五 8:30—17:30",
            phone="0311-80001111",
            person_in_charge="赵负责",
            person_in_charge_post="镇人大主席",
            administrator_name="孙管理",
            administrator_phone="13800001111",
            equipment="接待室、会议室、投影仪",
            introduction="<p>服务东关、西关两个村（社区）。</p>",
            photo=ImageFactory(title="工作站外景", file__width=900, file__height=600),
        )
        StationDeputyFactory(station=cls.station, deputy=cls.wang, role="站长", sort_order=1)
        StationDeputyFactory(station=cls.station, deputy=cls.li, sort_order=2)
        StationDeputyFactory(station=cls.station, deputy=cls.draft_deputy, sort_order=3)
        StationDeputyFactory(station=cls.station, deputy=cls.former, sort_order=4)
        StationSystemFactory(station=cls.station, kind="activity", text="活动制度第一条。")
        StationSystemFactory(station=cls.station, kind="training", text="学习培训制度全文。")
        StationSystemFactory(
            station=cls.station,
            kind="reception_day",
            text="",
            document=DocumentFactory(title="代表接待日制度文件"),
        )

        cls.home_station = StationFactory(
            name="新桥镇人大代表之家",
            kind="home",
            township=cls.xinqiao,
            address="新桥镇政府院内",
            latitude=None,
            longitude=None,
            phone="",
            opening_hours="",
        )
        cls.draft_station = StationFactory(
            name="草稿工作站", township=cls.xinqiao, address="草稿路1号", live=False
        )

        cls.next_reception = ReceptionFactory(
            station=cls.station,
            date=days(3),
            start_time=datetime.time(9, 0),
            end_time=datetime.time(11, 30),
            topic="乡村振兴",
            notes="请携带身份证",
            deputies=[cls.wang, cls.li, cls.draft_deputy],
        )
        cls.later_reception = ReceptionFactory(
            station=cls.station, date=days(10), topic="营商环境", deputies=[cls.li]
        )
        cls.past_reception = ReceptionFactory(
            station=cls.station, date=days(-20), topic="已结束的接待", deputies=[cls.wang]
        )
        cls.draft_reception = ReceptionFactory(
            station=cls.station, date=days(1), topic="草稿接待", live=False, deputies=[cls.wang]
        )
        cls.home_reception = ReceptionFactory(
            station=cls.home_station, date=days(5), topic="新桥接待", deputies=[]
        )
        ReceptionFactory(station=cls.draft_station, date=days(2), topic="草稿站点的接待")

        cls.activity = ActivityFactory(
            station=cls.station,
            kind="voters",
            title="走访东关社区选民",
            date=days(-3),
            participants_count=35,
            body="<p>听取群众对道路硬化的意见。</p>",
            deputies=[cls.wang, cls.draft_deputy],
        )
        ActivityPhotoFactory(
            activity=cls.activity,
            caption="代表走访现场",
            image=ImageFactory(title="走访照片", file__width=800, file__height=600),
        )
        ActivityFileFactory(
            activity=cls.activity,
            title="走访记录表",
            document=DocumentFactory(title="走访记录"),
        )
        cls.older_activity = ActivityFactory(
            station=cls.station, title="学习代表法", date=days(-30), deputies=[cls.li]
        )
        cls.oldest_activity = ActivityFactory(
            station=cls.station, title="最早的活动", date=days(-60)
        )
        ActivityFactory(station=cls.station, title="内部活动记录", date=days(-2), is_public=False)
        ActivityFactory(
            station=cls.station,
            title="草稿活动记录",
            date=days(-1),
            live=False,
            deputies=[cls.wang],
        )

    def station_url(self, station, suffix=""):
        return f"/stations/{station.pk}/{suffix}"

    def profile_url(self, deputy):
        return f"/deputies/{deputy.pk}/"


class TestPageType(WagtailPageTestCase):
    def test_sits_under_home_and_has_no_children(self):
        self.assertAllowedParentPageTypes(StationIndexPage, {HomePage})
        self.assertAllowedSubpageTypes(StationIndexPage, {})

    def test_routes(self):
        page = StationIndexPage(title="代表工作站", slug="stations")
        self.assertEqual(page.reverse_subpage("index"), "")
        self.assertEqual(page.reverse_subpage("map"), "map/")
        self.assertEqual(page.reverse_subpage("calendar"), "receptions.ics")
        self.assertEqual(page.reverse_subpage("station", args=[7]), "7/")
        self.assertEqual(page.reverse_subpage("print", args=[7]), "7/print/")
        self.assertEqual(page.reverse_subpage("station_calendar", args=[7]), "7/receptions.ics")


class TestDirectory(StationData):
    def test_stations_grouped_by_township_in_order(self):
        response = self.client.get("/stations/")
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "pages/station_index_page.html")
        self.assertEqual(h1_texts(response), ["代表工作站"])
        self.assertEqual(breadcrumbs(response), [("首页", "/"), ("代表工作站", None)])
        soup = parse(response)
        groups = {
            group.h2.contents[0].strip(): [
                a.get_text(strip=True) for a in group.select(".station-card__name a")
            ]
            for group in soup.select("section.station-township")
        }
        self.assertEqual(
            groups, {"城关镇": ["东关社区代表工作站"], "新桥镇": ["新桥镇人大代表之家"]}
        )
        self.assertEqual(list(groups), ["城关镇", "新桥镇"])
        self.assertIn("全县共 2 个代表工作站", main_text(response))
        nav = soup.find("nav", attrs={"aria-label": "按乡镇（街道）浏览"})
        self.assertEqual(
            [a["href"] for a in nav.find_all("a")],
            [f"#township-{self.chengguan.pk}", f"#township-{self.xinqiao.pk}"],
        )

    def test_cards_show_the_wall_basics_and_the_next_reception_day(self):
        soup = parse(self.client.get("/stations/"))
        link = soup.find("a", string="东关社区代表工作站")
        self.assertEqual(link["href"], self.station_url(self.station))
        card = link.find_parent("li").get_text(" ", strip=True)
        for expected in (
            "城关镇东关街18号",
            "每周一至周五 8:30—17:30",
            "0311-80001111",
            "东关社区、西关村",
            f"{days(3).year}年{days(3).month}月{days(3).day}日",
            "9:00—11:30",
        ):
            self.assertIn(expected, card)
        other = soup.find("a", string="新桥镇人大代表之家").find_parent("li")
        self.assertIn("人大代表之家", [tag.get_text() for tag in other.select(".tag")])
        self.assertIn(f"{days(5).month}月{days(5).day}日", other.get_text())

    def test_draft_stations_are_not_listed(self):
        text = main_text(self.client.get("/stations/"))
        self.assertNotIn("草稿工作站", text)

    def test_links_to_the_map_the_finder_and_the_county_calendar(self):
        soup = parse(self.client.get("/stations/"))
        links = {a.get_text(" ", strip=True): a["href"] for a in soup.select(".station-links a")}
        self.assertEqual(links["站点地图"], "/stations/map/")
        self.assertEqual(links["按村（社区）查找代表和站点"], "/stations/find/")
        self.assertEqual(links["订阅全县代表接待日 （iCal 日历）"], "/stations/receptions.ics")
        feed = soup.find("link", attrs={"type": "text/calendar"})
        self.assertEqual(feed["href"], "/stations/receptions.ics")

    def test_a_station_without_a_reception_day_says_so(self):
        Reception.objects.filter(station=self.home_station).update(live=False)
        soup = parse(self.client.get("/stations/"))
        card = soup.find("a", string="新桥镇人大代表之家").find_parent("li")
        self.assertIn("下次接待日 暂未安排", card.get_text(" ", strip=True))

    def test_empty_directory(self):
        Station.objects.update(live=False)
        response = self.client.get("/stations/")
        self.assertEqual(response.status_code, 200)
        self.assertIn("暂无代表工作站信息。", main_text(response))


class TestStationPage(StationData):
    def test_renders_the_wall_data(self):
        response = self.client.get(self.station_url(self.station))
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "pages/station_detail.html")
        self.assertEqual(h1_texts(response), ["东关社区代表工作站"])
        self.assertEqual(
            breadcrumbs(response),
            [("首页", "/"), ("代表工作站", "/stations/"), ("东关社区代表工作站", None)],
        )
        soup = parse(response)
        facts = soup.find("dl", class_="station__facts").get_text(" ", strip=True)
        for expected in (
            "所在乡镇（街道） 城关镇",
            "城关镇东关街18号",
            "每周一至周五 8:30—17:30",
            "0311-80001111",
            "负责人 赵负责（镇人大主席）",
            "管理员 孙管理，电话 13800001111",
            "服务村（社区） 东关社区、西关村",
        ):
            self.assertIn(expected, facts)
        self.assertEqual(soup.find("a", string="0311-80001111")["href"], "tel:0311-80001111")
        photo = soup.select_one(".station__photo img")
        self.assertEqual(photo["alt"], "东关社区代表工作站照片")
        text = main_text(response)
        self.assertIn("服务东关、西关两个村（社区）。", text)
        self.assertIn("接待室、会议室、投影仪", text)

    def test_resident_deputies_with_photo_post_and_public_contact(self):
        soup = parse(self.client.get(self.station_url(self.station)))
        residents = section(soup, "deputies-heading")
        names = [h.get_text(strip=True) for h in residents.select(".deputy-card__name")]
        # Only published, serving deputies, in the wall's order.
        self.assertEqual(names, ["王建国", "李丽"])
        self.assertIn("2 名", residents.h2.get_text())
        wang = residents.find("a", string="王建国")
        self.assertEqual(wang["href"], self.profile_url(self.wang))
        card = wang.find_parent("li")
        self.assertEqual(card.find("img")["alt"], "王建国代表照片")
        card_text = card.get_text(" ", strip=True)
        for expected in ("站长", "东关社区党支部书记", "0311-86001234", "wangjianguo@example.cn"):
            self.assertIn(expected, card_text)
        li_card = residents.find("a", string="李丽").find_parent("li").get_text(" ", strip=True)
        self.assertIn("可通过本站联系", li_card)

    def test_next_reception_days_soonest_first_with_the_deputies_on_duty(self):
        soup = parse(self.client.get(self.station_url(self.station)))
        table = section(soup, "receptions-heading").find("table")
        rows = table.select("tbody tr")
        self.assertEqual(len(rows), 2)
        first = rows[0].get_text(" ", strip=True)
        self.assertIn(f"{days(3).month}月{days(3).day}日", first)
        self.assertIn("乡村振兴", first)
        self.assertIn("请携带身份证", first)
        self.assertEqual(
            [a.get_text() for a in rows[0].find_all("a")], ["王建国", "李丽"]
        )  # the draft deputy on duty is not named
        self.assertEqual(rows[0].find("a", string="李丽")["href"], self.profile_url(self.li))
        self.assertEqual(rows[0].find("time")["datetime"], f"{days(3):%Y-%m-%d}T09:00")
        self.assertIn("营商环境", rows[1].get_text())
        text = main_text(self.client.get(self.station_url(self.station)))
        self.assertNotIn("已结束的接待", text)
        self.assertNotIn("草稿接待", text)

    def test_without_reception_days(self):
        Reception.objects.filter(station=self.station).update(live=False)
        text = main_text(self.client.get(self.station_url(self.station)))
        self.assertIn("近期没有安排代表接待日。", text)

    def test_the_six_working_systems_as_text_or_file(self):
        soup = parse(self.client.get(self.station_url(self.station)))
        items = section(soup, "systems-heading").select(".station-systems > li")
        labels = [
            (item.summary or item.select_one(".station-systems__label")).get_text(strip=True)
            for item in items
        ]
        self.assertEqual(
            labels,
            [
                "活动制度",
                "学习培训制度",
                "联系选民制度",
                "接待群众制度",
                "视察调查制度",
                "代表接待日制度",
            ],
        )
        self.assertIn("活动制度第一条。", items[0].details.get_text())
        self.assertIn("暂未公示", items[2].get_text())
        download = items[5].find("a")
        self.assertTrue(download.get_text(strip=True).startswith("下载代表接待日制度"))
        self.assertTrue(download["href"].startswith("/documents/"))

    def test_recent_public_activities_with_photos_and_files(self):
        soup = parse(self.client.get(self.station_url(self.station)))
        activities = section(soup, "activities-heading")
        titles = [h.get_text(strip=True) for h in activities.select(".station-activity__title")]
        # Newest first, limited by the page's activities_count (2); internal and draft records
        # are never shown.
        self.assertEqual(titles, ["走访东关社区选民", "学习代表法"])
        first = activities.select_one(".station-activity")
        text = first.get_text(" ", strip=True)
        for expected in ("联系选民", "参加群众 35 人", "听取群众对道路硬化的意见。", "王建国"):
            self.assertIn(expected, text)
        self.assertNotIn("草稿代表", text)
        figure = first.find("figure")
        self.assertEqual(figure.img["alt"], "代表走访现场")
        self.assertTrue(figure.img["src"].endswith(".webp"))
        self.assertIn("max-1600x1600", figure.a["href"])
        self.assertEqual(figure.figcaption.get_text(), "代表走访现场")
        self.assertEqual(first.select_one(".station-activity__files a").get_text(), "走访记录表")
        page_text = main_text(self.client.get(self.station_url(self.station)))
        for hidden in ("内部活动记录", "草稿活动记录", "最早的活动"):
            self.assertNotIn(hidden, page_text)

    def test_links_to_print_calendar_and_map(self):
        soup = parse(self.client.get(self.station_url(self.station)))
        links = {a.get_text(" ", strip=True): a["href"] for a in soup.select(".station-links a")}
        self.assertEqual(links["打印公示牌 （A4）"], self.station_url(self.station, "print/"))
        self.assertEqual(
            links["订阅本站接待日 （iCal 日历）"],
            self.station_url(self.station, "receptions.ics"),
        )
        self.assertEqual(
            soup.find("a", string="在站点地图中查看")["href"],
            f"/stations/map/#station-{self.station.pk}",
        )
        # A station without coordinates has no map link.
        other = parse(self.client.get(self.station_url(self.home_station)))
        self.assertIsNone(other.find("a", string="在站点地图中查看"))

    def test_a_station_with_little_data_still_renders(self):
        response = self.client.get(self.station_url(self.home_station))
        self.assertEqual(response.status_code, 200)
        text = main_text(response)
        self.assertIn("暂无进站代表信息。", text)
        self.assertIn("暂无公开的活动记录。", text)
        self.assertEqual(text.count("暂未公示"), 6)

    def test_draft_and_unknown_stations_are_not_found(self):
        for url in (
            self.station_url(self.draft_station),
            self.station_url(self.draft_station, "print/"),
            "/stations/99999999/",
            "/stations/99999999/print/",
            "/stations/abc/",
        ):
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)

    def test_unpublishing_a_station_hides_it(self):
        Station.objects.filter(pk=self.station.pk).update(live=False)
        self.assertEqual(self.client.get(self.station_url(self.station)).status_code, 404)
        self.assertNotIn("东关社区代表工作站", main_text(self.client.get("/stations/")))


class TestMapPage(StationData):
    def test_lists_every_live_station_with_its_address(self):
        response = self.client.get("/stations/map/")
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "pages/station_map.html")
        self.assertEqual(h1_texts(response), ["代表工作站地图"])
        self.assertEqual(
            breadcrumbs(response),
            [("首页", "/"), ("代表工作站", "/stations/"), ("站点地图", None)],
        )
        soup = parse(response)
        table = soup.find("table", class_="station-table")
        self.assertIn("共 2 个，其中 1 个已标注地图位置", table.caption.get_text())
        rows = {
            row.th.get_text(strip=True): row.get_text(" ", strip=True)
            for row in table.select("tbody tr")
        }
        self.assertEqual(list(rows), ["东关社区代表工作站", "新桥镇人大代表之家"])
        self.assertIn("城关镇东关街18号", rows["东关社区代表工作站"])
        self.assertIn("新桥镇政府院内 未标注地图位置", rows["新桥镇人大代表之家"])
        link = table.find("a", string="东关社区代表工作站")
        self.assertEqual(link["href"], self.station_url(self.station))
        self.assertNotIn("草稿工作站", main_text(response))

    def test_map_data_is_json_with_the_located_stations_and_the_tile_layer(self):
        soup = parse(self.client.get("/stations/map/"))
        data = json.loads(soup.find("script", id="station-map-data").string)
        self.assertEqual(
            data["stations"],
            [
                {
                    "id": self.station.pk,
                    "name": "东关社区代表工作站",
                    "url": self.station_url(self.station),
                    "address": "城关镇东关街18号",
                    "township": "城关镇",
                    "lat": 38.041234,
                    "lng": 114.512345,
                }
            ],
        )
        self.assertEqual(data["tiles"]["url"], "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
        # The marker images by their static URLs (hashed in production, see marker_icon()).
        self.assertEqual(
            data["icon"],
            {
                "url": "/static/vendor/leaflet/images/marker-icon.png",
                "retina_url": "/static/vendor/leaflet/images/marker-icon-2x.png",
                "shadow_url": "/static/vendor/leaflet/images/marker-shadow.png",
            },
        )
        self.assertIn("OpenStreetMap", data["tiles"]["attribution"])
        # The map is hidden until the script shows it; the scripts load only with map data.
        self.assertTrue(soup.find("div", id="station-map").has_attr("hidden"))
        scripts = [script["src"] for script in soup.find_all("script", src=True)]
        self.assertEqual(
            scripts, ["/static/vendor/leaflet/leaflet.js", "/static/js/station-map.js"]
        )
        self.assertTrue(all(s.has_attr("defer") for s in soup.find_all("script", src=True)))

    @override_settings(
        STATION_MAP_TILE_URL="https://t{s}.tianditu.gov.cn/vec_w/wmts?TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk={token}",
        STATION_MAP_LABEL_URL="https://t{s}.tianditu.gov.cn/cva_w/wmts?TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk={token}",
        STATION_MAP_TILE_SUBDOMAINS="0,1,2,3",
        STATION_MAP_TILE_ATTRIBUTION="天地图",
        TIANDITU_TOKEN="abc123",
    )
    def test_tianditu_token_is_put_into_the_tile_urls(self):
        soup = parse(self.client.get("/stations/map/"))
        tiles = json.loads(soup.find("script", id="station-map-data").string)["tiles"]
        self.assertEqual(
            tiles,
            {
                "url": "https://t{s}.tianditu.gov.cn/vec_w/wmts?TILEMATRIX={z}&TILEROW={y}"
                "&TILECOL={x}&tk=abc123",
                "labels_url": "https://t{s}.tianditu.gov.cn/cva_w/wmts?TILEMATRIX={z}"
                "&TILEROW={y}&TILECOL={x}&tk=abc123",
                "attribution": "天地图",
                "subdomains": "0123",
            },
        )

    @override_settings(
        STATION_MAP_TILE_URL="https://t0.tianditu.gov.cn/vec_w/wmts?tk={token}", TIANDITU_TOKEN=""
    )
    def test_without_a_usable_tile_layer_the_page_is_the_list(self):
        self.assertIsNone(tile_settings())
        response = self.client.get("/stations/map/")
        soup = parse(response)
        self.assertIsNone(soup.find("script", id="station-map-data"))
        self.assertIsNone(soup.find("div", id="station-map"))
        self.assertEqual(soup.find_all("script", src=True), [])
        self.assertIn("城关镇东关街18号", main_text(response))

    def test_without_located_stations_there_is_no_map(self):
        Station.objects.update(latitude=None, longitude=None)
        soup = parse(self.client.get("/stations/map/"))
        self.assertIsNone(soup.find("div", id="station-map"))
        self.assertEqual(len(soup.select(".station-table tbody tr")), 2)


class TestNoticeBoard(StationData):
    def test_a4_sheet_with_the_wall_data(self):
        response = self.client.get(self.station_url(self.station, "print/"))
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "pages/station_print.html")
        self.assertEqual(h1_texts(response), ["东关社区代表工作站"])
        soup = parse(response)
        self.assertEqual(soup.html["lang"], "zh-Hans")
        self.assertEqual(soup.find("meta", attrs={"name": "robots"})["content"], "noindex")
        self.assertEqual(
            [link["href"] for link in soup.find_all("link", rel="stylesheet")],
            ["/static/css/station-print.css"],
        )
        # No site header, menu or footer on the sheet.
        self.assertIsNone(soup.find("nav"))
        board = soup.find("main").get_text(" ", strip=True)
        for expected in (
            "公 示 牌",
            "城关镇东关街18号",
            "东关社区、西关村",
            "每周一至周五 8:30—17:30",
            "0311-80001111",
            "赵负责（镇人大主席）",
            "孙管理",
            "王建国",
            "站长",
            "0311-86001234",
            "李丽",
            "乡村振兴",
            "接待室、会议室、投影仪",
            "视察调查制度 （暂未公示）",
        ):
            self.assertIn(expected, board)
        for hidden in ("草稿代表", "钱离任", "草稿接待", "已结束的接待"):
            self.assertNotIn(hidden, board)
        back = soup.find("a", string="返回站点页面")
        self.assertEqual(back["href"], self.station_url(self.station))
        deputies = soup.select(".notice-board__deputies .deputy-card__name")
        self.assertEqual([d.get_text(strip=True) for d in deputies], ["王建国", "李丽"])
        self.assertEqual(soup.select(".notice-board__deputies a[href^='/deputies/']"), [])

    def test_full_texts_of_the_systems_follow_the_board(self):
        soup = parse(self.client.get(self.station_url(self.station, "print/")))
        texts = soup.select(".notice-board__system-text h3")
        self.assertEqual(
            [h.get_text() for h in texts],
            ["东关社区代表工作站活动制度", "东关社区代表工作站学习培训制度"],
        )

    def test_qr_code_links_back_to_the_live_page(self):
        soup = parse(self.client.get(self.station_url(self.station, "print/")))
        url = f"http://localhost/stations/{self.station.pk}/"
        self.assertEqual(soup.select_one(".notice-board__url").get_text(), url)
        svg = soup.select_one(".notice-board__qr svg")
        self.assertEqual(svg.title.get_text(), "东关社区代表工作站网页二维码")
        # The same modules as segno's code for the URL: the code encodes the live page's URL.
        expected = BeautifulSoup(
            segno.make(url, error="m").svg_inline(scale=4, border=2), "html.parser"
        )
        self.assertEqual(svg.path["d"], expected.svg.path["d"])


class TestQueryCount(TestCase):
    """The directory and a station page take a bounded number of queries, whatever the number of
    stations, resident deputies, reception days and activities."""

    @classmethod
    def setUpTestData(cls):
        cls.index = StationIndexPageFactory(parent=default_home(), activities_count=50)
        DeputyIndexPageFactory(parent=default_home())
        cls.county = CountyFactory()
        cls.station = StationFactory(
            township=TownshipFactory(parent=cls.county),
            photo=ImageFactory(file__width=60, file__height=40),
        )
        StationSystemFactory(station=cls.station, kind="activity", text="全文")
        StationSystemFactory(
            station=cls.station, kind="training", text="", document=DocumentFactory()
        )

    def add_stations(self, count):
        for _ in range(count):
            township = TownshipFactory(parent=self.county)
            station = StationFactory(
                township=township,
                areas=[VillageFactory(parent=township)],
                photo=ImageFactory(file__width=60, file__height=40),
            )
            ReceptionFactory(station=station)

    def add_wall(self, count):
        for _ in range(count):
            deputy = DeputyFactory(photo=ImageFactory(file__width=30, file__height=40))
            StationDeputyFactory(station=self.station, deputy=deputy)
            ReceptionFactory(station=self.station, deputies=[deputy])
            activity = ActivityFactory(station=self.station, deputies=[deputy])
            ActivityPhotoFactory(activity=activity, image__file__width=40, image__file__height=30)
            ActivityFileFactory(activity=activity)

    def count_queries(self, url):
        self.client.get(url)  # renders the renditions once, as the first visitor does
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return len(queries), response

    def test_directory(self):
        self.add_stations(2)
        few, response = self.count_queries("/stations/")
        self.assertEqual(len(parse(response).select(".station-card")), 3)
        self.add_stations(10)
        many, response = self.count_queries("/stations/")
        self.assertEqual(len(parse(response).select(".station-card")), 13)
        self.assertEqual(few, many)
        self.assertLessEqual(many, MAX_DIRECTORY_QUERIES)

    def test_station_page(self):
        url = f"/stations/{self.station.pk}/"
        self.add_wall(2)
        few, response = self.count_queries(url)
        self.assertEqual(len(parse(response).select(".station-deputy")), 2)
        self.add_wall(8)
        many, response = self.count_queries(url)
        soup = parse(response)
        self.assertEqual(len(soup.select(".station-deputy")), 10)
        self.assertEqual(len(soup.select(".station-activity")), 10)
        self.assertEqual(few, many)
        self.assertLessEqual(many, MAX_STATION_QUERIES)

    def test_map_and_print_pages(self):
        self.add_stations(2)
        self.add_wall(2)
        map_few, _ = self.count_queries("/stations/map/")
        print_few, _ = self.count_queries(f"/stations/{self.station.pk}/print/")
        self.add_stations(6)
        self.add_wall(6)
        self.assertEqual(self.count_queries("/stations/map/")[0], map_few)
        self.assertEqual(self.count_queries(f"/stations/{self.station.pk}/print/")[0], print_few)


class TestSitemap(StationData):
    def test_lists_the_map_the_finder_and_every_live_station(self):
        response = self.client.get("/sitemap.xml")
        self.assertEqual(response.status_code, 200)
        root = ET.fromstring(response.content)  # noqa: S314 (our own sitemap)
        paths = [
            "/" + loc.text.split("://", 1)[1].split("/", 1)[1]
            for loc in root.findall("sm:url/sm:loc", SITEMAP_NS)
        ]
        self.assertEqual(
            [p for p in paths if p.startswith("/stations/")],
            [
                "/stations/",
                "/stations/map/",
                "/stations/find/",
                *(self.station_url(s) for s in (self.station, self.home_station)),
            ],
        )

    def test_unpublished_index_page_takes_its_sub_pages_along(self):
        self.index.unpublish()
        self.assertNotIn("/stations/", self.client.get("/sitemap.xml").content.decode())


class TestDeputyProfileSection(StationData):
    def test_profile_shows_the_stations_reception_days_and_activities(self):
        response = self.client.get(self.profile_url(self.wang))
        self.assertEqual(response.status_code, 200)
        soup = parse(response)
        block = section(soup, "stations-heading")
        self.assertEqual(block.h3.get_text(), "代表工作站")
        self.assertEqual(
            [h.get_text() for h in block.find_all("h4")],
            ["所在代表工作站", "近期代表接待日", "参加工作站活动"],
        )
        lists = block.select("ul.headline-list")
        self.assertIn("东关社区代表工作站（站长）", lists[0].get_text(strip=True))
        self.assertEqual(lists[0].a["href"], self.station_url(self.station))
        receptions = lists[1].find_all("li")
        # The next reception day he is on duty for; not the past one, not the draft.
        self.assertEqual(len(receptions), 1)
        self.assertIn(f"{days(3).month}月{days(3).day}日", receptions[0].get_text())
        self.assertIn("乡村振兴", receptions[0].get_text())
        activities = lists[2].get_text(" ", strip=True)
        self.assertIn("走访东关社区选民", activities)
        self.assertNotIn("草稿活动记录", activities)

    def test_a_deputy_without_station_work_has_no_section(self):
        other = DeputyFactory(name="周其他")
        soup = parse(self.client.get(self.profile_url(other)))
        self.assertIsNone(section(soup, "stations-heading"))

    def test_a_resident_without_reception_days_is_told_so(self):
        Reception.objects.update(live=False)
        soup = parse(self.client.get(self.profile_url(self.li)))
        block = section(soup, "stations-heading")
        self.assertIn("近期没有安排李丽的代表接待日。", block.get_text())

    def test_a_draft_station_is_not_shown(self):
        StationDeputyFactory(station=self.draft_station, deputy=self.li)
        soup = parse(self.client.get(self.profile_url(self.li)))
        self.assertNotIn("草稿工作站", section(soup, "stations-heading").get_text())


class TestHomePage(StationData):
    def test_next_reception_days_on_the_home_page(self):
        soup = parse(self.client.get("/"))
        block = section(soup, "receptions-heading")
        self.assertEqual(block.h2.get_text(), "近期代表接待日")
        items = block.find_all("li")
        self.assertEqual(len(items), 3)
        self.assertEqual(
            [item.find("a").get_text() for item in items],
            ["东关社区代表工作站", "新桥镇人大代表之家", "东关社区代表工作站"],
        )
        self.assertEqual(items[0].find("a")["href"], self.station_url(self.station))
        first = items[0].get_text(" ", strip=True)
        self.assertIn("值班代表： 王建国 、 李丽", first)
        self.assertIn("待定", items[1].get_text())
        self.assertNotIn("草稿", block.get_text())

    def test_hidden_when_there_is_none(self):
        Reception.objects.update(live=False)
        self.assertIsNone(section(parse(self.client.get("/")), "receptions-heading"))

    def test_hidden_without_a_live_station_index_page(self):
        self.index.unpublish()
        self.assertIsNone(section(parse(self.client.get("/")), "receptions-heading"))
