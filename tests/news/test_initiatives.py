import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import (
    inline_formset,
    nested_form_data,
    rich_text,
    streamfield,
)

from core.blocks import RICH_TEXT_FEATURES
from core.factories import heading, paragraph
from news.factories import (
    InitiativeIndexPageFactory,
    InitiativePageFactory,
    InitiativeResponseFactory,
)
from news.models import InitiativeIndexPage, InitiativePage, InitiativeResponse
from tests.helpers import (
    HIDDEN_MARKERS,
    breadcrumbs,
    create_hidden,
    default_home,
    h1_texts,
    link_texts,
    main_text,
    parse,
)

DAY = datetime.timedelta(days=1)

# (deputy, funds, households): three deputies, four actions, 160,000.00 yuan, 50 households.
RESPONSES = [
    ("王建华", Decimal("80000.00"), None),
    ("李秀英", None, 15),
    ("张国强", Decimal("50000.00"), 32),
    (" 王建华 ", Decimal("30000.00"), 3),
]


class InitiativeTestData(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.today = timezone.localdate()
        cls.home = default_home()
        cls.index = InitiativeIndexPageFactory(
            parent=cls.home, title="倡议书", slug="initiatives", summary="县人大常委会倡议。"
        )
        cls.open_ended = InitiativePageFactory(
            parent=cls.index,
            title="关于积极参与振兴乡村行动的倡议书",
            issued_date=cls.today - 300 * DAY,
            period_start=None,
            period_end=None,
        )
        cls.in_period = InitiativePageFactory(
            parent=cls.index,
            title="秸秆禁烧倡议书",
            slug="jiegan-jinshao",
            issued_date=datetime.date(2026, 11, 25),
            period_start=cls.today - 10 * DAY,
            period_end=cls.today + 50 * DAY,
            summary="倡议人大代表带头宣传秸秆禁烧。",
            body=[heading("一、带头宣传"), paragraph("<p>利用代表工作站向群众宣传禁烧政策。</p>")],
        )
        for name, funds, households in RESPONSES:
            InitiativeResponseFactory(
                page=cls.in_period,
                deputy_name=name,
                funds=funds,
                households=households,
                action=f"{name.strip()}的响应行动",
                date=datetime.date(2026, 10, 8),
            )
        cls.ends_today = InitiativePageFactory(
            parent=cls.index,
            title="防汛救灾倡议书",
            issued_date=cls.today - 20 * DAY,
            period_start=cls.today - 20 * DAY,
            period_end=cls.today,
        )
        cls.future = InitiativePageFactory(
            parent=cls.index,
            title="冬季供暖监督倡议书",
            issued_date=cls.today,
            period_start=cls.today + DAY,
            period_end=cls.today + 90 * DAY,
        )
        cls.ended = InitiativePageFactory(
            parent=cls.index,
            title="安全生产监督倡议书",
            issued_date=cls.today - 400 * DAY,
            period_start=cls.today - 400 * DAY,
            period_end=cls.today - DAY,
        )
        cls.ended_earlier = InitiativePageFactory(
            parent=cls.index,
            title="森林防火倡议书",
            issued_date=cls.today - 700 * DAY,
            period_start=cls.today - 700 * DAY,
            period_end=cls.today - 500 * DAY,
        )
        create_hidden(
            InitiativePageFactory, cls.index, "长期倡议", period_start=None, period_end=None
        )
        create_hidden(
            InitiativePageFactory,
            cls.index,
            "旧倡议",
            issued_date=cls.today - 30 * DAY,
            period_start=cls.today - 30 * DAY,
            period_end=cls.today - 2 * DAY,
        )


class TestTotals(InitiativeTestData):
    def test_sums_funds_households_and_counts_deputies_and_responses(self):
        totals = self.in_period.totals()
        self.assertEqual(
            totals,
            {"responses": 4, "deputies": 3, "funds": Decimal("160000.00"), "households": 50},
        )
        self.assertIsInstance(totals["funds"], Decimal)

    def test_no_responses(self):
        totals = self.open_ended.totals()
        self.assertEqual(totals, {"responses": 0, "deputies": 0, "funds": 0, "households": 0})
        self.assertIsInstance(totals["funds"], Decimal)

    def test_only_missing_amounts(self):
        InitiativeResponseFactory(page=self.ended, funds=None, households=None)
        totals = self.ended.totals()
        self.assertEqual(totals["funds"], Decimal(0))
        self.assertEqual(totals["households"], 0)
        self.assertEqual(totals["responses"], 1)

    def test_counts_unsaved_rows_as_a_preview_does(self):
        page = InitiativePageFactory.build(title="预览中的倡议书")
        page.responses.add(
            InitiativeResponse(deputy_name="赵红梅", action="巡查", funds=Decimal("0.5"))
        )
        page.responses.add(
            InitiativeResponse(deputy_name="刘志明", action="粉碎还田", households=7)
        )
        self.assertEqual(
            page.totals(), {"responses": 2, "deputies": 2, "funds": Decimal("0.5"), "households": 7}
        )

    def test_page_shows_formatted_totals_and_rows(self):
        response = self.client.get("/initiatives/jiegan-jinshao/")
        soup = parse(response)
        totals = [li.get_text(" ", strip=True) for li in soup.select("ul.totals li")]
        self.assertEqual(
            totals,
            ["3 名代表参与", "4 项响应行动", "投入资金 160,000.00 元", "帮扶 50 户"],
        )
        footer = [cell.get_text(strip=True) for cell in soup.select("tfoot tr > *")]
        self.assertEqual(footer, ["合计", "3 名代表，4 项", "160,000.00", "50", ""])
        rows = [
            [c.get_text(strip=True) for c in tr.find_all(["th", "td"])]
            for tr in soup.select("tbody tr")
        ]
        self.assertEqual(rows[0][2:], ["80,000.00", "—", "2026年10月8日"])
        self.assertEqual(rows[1][2:], ["—", "15", "2026年10月8日"])

    def test_page_without_responses_says_so(self):
        response = self.client.get(self.open_ended.url)
        self.assertContains(response, "尚无代表响应记录。")
        self.assertNotContains(response, "合计")


class TestCurrentInitiatives(InitiativeTestData):
    def test_current_includes_open_ended_and_in_period(self):
        current = set(InitiativePage.objects.current().values_list("title", flat=True))
        self.assertEqual(
            current, {"关于积极参与振兴乡村行动的倡议书", "秸秆禁烧倡议书", "防汛救灾倡议书"}
        )

    def test_current_on_a_given_day(self):
        tomorrow = self.today + DAY
        current = set(InitiativePage.objects.current(on=tomorrow).values_list("title", flat=True))
        self.assertEqual(
            current, {"关于积极参与振兴乡村行动的倡议书", "秸秆禁烧倡议书", "冬季供暖监督倡议书"}
        )

    def test_is_current_and_is_upcoming_agree(self):
        self.assertTrue(self.open_ended.is_current)
        self.assertTrue(self.ends_today.is_current)
        self.assertFalse(self.future.is_current)
        self.assertFalse(self.ended.is_current)
        self.assertEqual(
            [p.is_upcoming for p in (self.open_ended, self.ends_today, self.future, self.ended)],
            [False, False, True, False],
        )

    def test_period_end_before_start_is_refused(self):
        self.in_period.period_end = self.in_period.period_start - DAY
        with self.assertRaises(ValidationError) as caught:
            self.in_period.full_clean()
        self.assertEqual(
            caught.exception.message_dict["period_end"], ["结束日期不能早于开始日期。"]
        )

    def test_one_day_period_is_fine(self):
        self.in_period.period_end = self.in_period.period_start
        self.in_period.full_clean()

    def test_negative_funds_are_refused(self):
        response = InitiativeResponse(
            page=self.in_period, deputy_name="孙伟", action="捐资", funds=Decimal("-1")
        )
        with self.assertRaises(ValidationError) as caught:
            response.full_clean()
        self.assertIn("funds", caught.exception.message_dict)


class TestInitiativePages(InitiativeTestData):
    def test_initiative_page_renders(self):
        response = self.client.get("/initiatives/jiegan-jinshao/")
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "pages/initiative_page.html")
        self.assertEqual(h1_texts(response), ["秸秆禁烧倡议书"])
        facts = parse(response).find("dl", class_="facts")
        self.assertEqual(facts.find("time").text, "2026年11月25日")
        self.assertIn("进行中", facts.get_text())
        self.assertEqual(parse(response).find("h2", class_="block-heading").text, "一、带头宣传")
        self.assertIn("利用代表工作站向群众宣传禁烧政策。", main_text(response))
        self.assertEqual(
            breadcrumbs(response),
            [("首页", "/"), ("倡议书", "/initiatives/"), ("秸秆禁烧倡议书", None)],
        )

    def test_status_label(self):
        for page, label in [
            (self.open_ended, "进行中"),
            (self.ends_today, "进行中"),
            (self.future, "未开始"),
            (self.ended, "已结束"),
        ]:
            with self.subTest(page=page.title):
                response = self.client.get(page.url)
                status = parse(response).find("dl", class_="facts").find(class_="status")
                self.assertEqual(status.text, label)

    def test_index_splits_current_and_past(self):
        response = self.client.get("/initiatives/")
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "pages/initiative_index_page.html")
        self.assertEqual(h1_texts(response), ["倡议书"])
        self.assertEqual(breadcrumbs(response), [("首页", "/"), ("倡议书", None)])
        soup = parse(response)
        current = [a.text for a in soup.find(id="current-heading").parent.select(".card__title a")]
        past = [a.text for a in soup.find(id="past-heading").parent.select(".card__title a")]
        # Newest issued first.
        self.assertEqual(
            current, ["秸秆禁烧倡议书", "防汛救灾倡议书", "关于积极参与振兴乡村行动的倡议书"]
        )
        self.assertEqual(past[-2:], ["安全生产监督倡议书", "森林防火倡议书"])
        upcoming = [
            a.text for a in soup.find(id="upcoming-heading").parent.select(".card__title a")
        ]
        # Published ahead of its period: neither current nor past.
        self.assertEqual(upcoming, ["冬季供暖监督倡议书"])
        self.assertNotIn("冬季供暖监督倡议书", current)
        self.assertNotIn("冬季供暖监督倡议书", past)

    def test_index_and_home_leave_out_drafts_private_and_expired(self):
        for url in ("/initiatives/", "/"):
            text = main_text(self.client.get(url))
            for prefix in ("长期倡议", "旧倡议"):
                for marker in HIDDEN_MARKERS:
                    with self.subTest(url=url, title=prefix + marker):
                        self.assertNotIn(prefix + marker, text)

    @override_settings(NEWS_PAGE_SIZE=1)
    def test_past_initiatives_are_paginated(self):
        first = link_texts(self.client.get("/initiatives/"), "#past-heading ~ .card-list a")
        second = link_texts(self.client.get("/initiatives/?page=2"), "#past-heading ~ .card-list a")
        self.assertEqual(first, ["安全生产监督倡议书"])
        self.assertEqual(second, ["森林防火倡议书"])
        for page in ("abc", "999"):
            self.assertEqual(self.client.get("/initiatives/", {"page": page}).status_code, 200)


class TestEditorsCreateInitiatives(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home = default_home()
        cls.index = InitiativeIndexPageFactory(parent=cls.home, title="倡议书", slug="initiatives")

    def setUp(self):
        self.login()

    def initiative_data(self, **overrides):
        data = {
            "title": "秸秆禁烧倡议书",
            "slug": "jiegan-jinshao",
            "issuing_body": "县人大常委会",
            "issued_date": "2026-10-01",
            "period_start": "2026-10-01",
            "period_end": "2026-12-31",
            "target": "全县各级人大代表",
            "summary": "倡议人大代表带头宣传秸秆禁烧。",
            "body": streamfield(
                [
                    ("heading", {"text": "一、带头宣传", "level": "h2"}),
                    (
                        "paragraph",
                        rich_text("<p>向群众宣传禁烧政策。</p>", features=RICH_TEXT_FEATURES),
                    ),
                ]
            ),
            "responses": inline_formset(
                [
                    {
                        "deputy_name": "刘志明",
                        "deputy_post": "某镇农机站站长",
                        "action": "组织农机开展秸秆粉碎还田作业",
                        "funds": "6000",
                        "households": "120",
                        "date": "2026-10-20",
                    },
                    {
                        "deputy_name": "赵红梅",
                        "deputy_post": "",
                        "action": "入户宣传禁烧政策",
                        "funds": "",
                        "households": "260",
                        "date": "",
                    },
                ]
            ),
        }
        data.update(overrides)
        return nested_form_data(data)

    def test_create_initiative_index_page(self):
        self.assertCanCreate(
            self.home,
            InitiativeIndexPage,
            nested_form_data({"title": "倡议活动", "slug": "appeals", "summary": "倡议。"}),
        )
        self.assertEqual(self.client.get("/appeals/").status_code, 200)

    def test_create_initiative_with_responses(self):
        self.assertCanCreate(self.index, InitiativePage, self.initiative_data())
        page = InitiativePage.objects.get(slug="jiegan-jinshao")
        self.assertTrue(page.live)
        self.assertEqual([block.block_type for block in page.body], ["heading", "paragraph"])
        self.assertEqual(
            list(page.responses.values_list("deputy_name", "funds", "households")),
            [("刘志明", Decimal("6000.00"), 120), ("赵红梅", None, 260)],
        )
        self.assertEqual(page.totals()["funds"], Decimal("6000.00"))
        self.assertContains(self.client.get(page.url), "投入资金 <strong>6,000.00</strong> 元")

    def test_period_end_before_start_is_shown_to_the_editor(self):
        data = self.initiative_data(period_end="2026-09-30")
        data["action-publish"] = "action-publish"
        response = self.client.post(
            reverse("wagtailadmin_pages:add", args=["news", "initiativepage", self.index.pk]), data
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.context["form"].errors["period_end"], ["结束日期不能早于开始日期。"]
        )
        self.assertFalse(InitiativePage.objects.filter(slug="jiegan-jinshao").exists())
