"""The CSV download of the deputies register (<index>/csv/): the list's deputies with the list's
filters, public fields only, in the official order; BOM, neutralised formulas, constant queries."""

import datetime

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from deputies.factories import (
    ConstituencyFactory,
    CountyFactory,
    DeputyFactory,
    DeputyGroupFactory,
    DeputyIndexPageFactory,
    ElectionFactory,
    GroupMembershipFactory,
    TermFactory,
    TownshipFactory,
    VillageFactory,
    VoterContactFactory,
    VoterContactPersonFactory,
    level,
)
from deputies.models import Deputy, Level
from deputies.views import CSV_HEADER
from tests.helpers import default_home, parse, read_csv

TERM_START = datetime.date(2021, 12, 1)
ELECTED = datetime.date(2021, 11, 20)

# Private data that must never reach the download: register numbers (an ID-card-like string),
# voters' names, phones and addresses, the text of their concerns.
PRIVATE_MARKERS = [
    "SFZ130101198001011234",
    "选民隐私张某",
    "13900009999",
    "隐私路八号院",
    "隐私诉求：宅基地纠纷",
]

# Queries of the whole download, measured 16: Wagtail's 6 (site, route, view restrictions), the
# filters' choices 4 (term, levels, townships, groups), the site again for absolute URLs, the
# deputies and one per prefetched relation 5. Constant in the number of rows.
MAX_CSV_QUERIES = 18


class DeputiesCsvData(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.index = DeputyIndexPageFactory(parent=default_home(), title="人大代表", slug="deputies")
        cls.term = TermFactory(number=18, name="第十八届", start_date=TERM_START, end_date=None)
        county = CountyFactory()
        cls.chengguan = TownshipFactory(name="城关镇", parent=county, sort_order=1)
        cls.xinqiao = TownshipFactory(name="新桥镇", parent=county, sort_order=2)
        cls.c1 = ConstituencyFactory(
            term=cls.term,
            name="第一选区",
            areas=[VillageFactory(name="东关社区", kind="community", parent=cls.chengguan)],
        )
        cls.c2 = ConstituencyFactory(
            term=cls.term,
            name="第二选区",
            areas=[VillageFactory(name="河口村", parent=cls.xinqiao)],
        )
        cls.g1 = DeputyGroupFactory(
            term=cls.term, name="城关镇代表小组", township=cls.chengguan, sort_order=1
        )
        cls.g2 = DeputyGroupFactory(
            term=cls.term, name="新桥镇代表小组", township=cls.xinqiao, sort_order=2
        )
        cls.wang = cls.deputy(
            "王建国",
            cls.c1,
            cls.g1,
            role="leader",
            register_number=PRIVATE_MARKERS[0],
            gender="male",
            ethnicity="汉族",
            birth_year=1975,
            party="中共党员",
            education="大学本科",
            post="城关镇东关社区党支部书记",
            phone="0311-86001234",
            email="wangjianguo@example.cn",
        )
        cls.li = cls.deputy(
            "李丽",
            cls.c2,
            cls.g2,
            levels=(level(Level.COUNTY), level(Level.TOWNSHIP)),
            gender="female",
            ethnicity="回族",
            birth_year=1988,
            party="群众",
            education="大专",
            post='=HYPERLINK("http://evil.example","点我")',
            phone="",
            email="",
        )
        # Not in the list, so not in the download: a draft and a deputy who left office.
        cls.draft = cls.deputy("草稿代表", cls.c1, cls.g1, live=False)
        cls.left = cls.deputy(
            "钱终止",
            cls.c1,
            cls.g1,
            status=Deputy.TERMINATED,
            status_date=datetime.date(2025, 3, 1),
            status_reason="transferred",
        )
        contact = VoterContactFactory(deputy=cls.wang)
        VoterContactPersonFactory(
            contact=contact,
            name=PRIVATE_MARKERS[1],
            phone=PRIVATE_MARKERS[2],
            address=PRIVATE_MARKERS[3],
            concern=PRIVATE_MARKERS[4],
        )

    @classmethod
    def deputy(cls, name, constituency, group, levels=None, role="member", **kwargs):
        person = DeputyFactory(
            name=name,
            levels=list(levels or [level(Level.COUNTY)]),
            elected_date=ELECTED,
            **kwargs,
        )
        ElectionFactory(deputy=person, constituency=constituency, elected_date=ELECTED)
        GroupMembershipFactory(group=group, deputy=person, role=role, start_date=TERM_START)
        return person

    def download(self, query=""):
        response = self.client.get(f"/deputies/csv/{query}")
        self.assertEqual(response.status_code, 200)
        return response


class TestDeputiesCsv(DeputiesCsvData):
    def test_header_and_rows_in_the_official_order(self):
        raw, rows = read_csv(self.download())
        self.assertTrue(raw.startswith(b"\xef\xbb\xbf"))
        self.assertEqual(rows[0], CSV_HEADER)
        self.assertEqual(
            rows[1:],
            [
                [
                    "王建国",
                    "男",
                    "汉族",
                    "1975",
                    "中共党员",
                    "大学本科",
                    "城关镇东关社区党支部书记",
                    "县人大代表",
                    "县级第一选区",
                    "城关镇代表小组（组长）",
                    "2021-11-20",
                    "0311-86001234",
                    "wangjianguo@example.cn",
                    f"http://localhost/deputies/{self.wang.pk}/",
                ],
                [
                    "李丽",
                    "女",
                    "回族",
                    "1988",
                    "群众",
                    "大专",
                    '\'=HYPERLINK("http://evil.example","点我")',
                    "县人大代表、乡镇人大代表",
                    "县级第二选区",
                    "新桥镇代表小组",
                    "2021-11-20",
                    "",
                    "",
                    f"http://localhost/deputies/{self.li.pk}/",
                ],
            ],
        )

    def test_is_an_attachment_named_by_date(self):
        response = self.download()
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertEqual(
            response["Content-Disposition"],
            f'attachment; filename="deputies-{timezone.localdate().isoformat()}.csv"',
        )
        self.assertTrue(response.streaming)

    def test_no_private_data_and_no_hidden_deputies(self):
        raw, _rows = read_csv(self.download())
        text = raw.decode("utf-8-sig")
        for marker in [*PRIVATE_MARKERS, "草稿代表", "钱终止"]:
            with self.subTest(marker=marker):
                self.assertNotIn(marker, text)

    def test_filters_of_the_list_are_honoured(self):
        cases = {
            f"?township={self.xinqiao.pk}": ["李丽"],
            f"?group={self.g1.pk}": ["王建国"],
            "?level=township": ["李丽"],
            f"?level=county&township={self.chengguan.pk}": ["王建国"],
            "?township=999999": ["王建国", "李丽"],  # unknown: ignored, as on the list
            "?date=2024-06-30": ["王建国", "李丽", "钱终止"],  # as of a day he was serving
        }
        for query, names in cases.items():
            with self.subTest(query=query):
                _raw, rows = read_csv(self.download(query))
                self.assertEqual([row[0] for row in rows[1:]], names)

    def test_list_links_to_the_download_with_its_filters(self):
        soup = parse(self.client.get(f"/deputies/?township={self.xinqiao.pk}&page=1"))
        link = soup.select_one(".csv-link a")
        self.assertEqual(link["href"], f"/deputies/csv/?township={self.xinqiao.pk}")
        self.assertEqual(link.get_text(strip=True), "下载CSV：符合筛选条件的代表名单")
        soup = parse(self.client.get("/deputies/"))
        self.assertEqual(soup.select_one(".csv-link a")["href"], "/deputies/csv/")

    def test_queries_do_not_grow_with_the_number_of_deputies(self):
        def count():
            with CaptureQueriesContext(connection) as queries:
                _raw, rows = read_csv(self.download())
            return len(queries), len(rows) - 1

        once, rows_once = count()
        for n in range(4):
            self.deputy(
                f"新增代表{n}", self.c1 if n % 2 else self.c2, self.g1 if n % 2 else self.g2
            )
        thrice, rows_thrice = count()
        self.assertEqual((rows_once, rows_thrice), (2, 6))
        self.assertEqual(once, thrice)
        self.assertLessEqual(once, MAX_CSV_QUERIES)
