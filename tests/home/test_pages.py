import datetime
from decimal import Decimal
from unittest import mock

from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from core.blocks import RICH_TEXT_FEATURES
from core.factories import heading, paragraph
from deputies.models import DeputyIndexPage
from documents.models import DocumentRegistryPage
from home.factories import StandardPageFactory
from home.models import HomePage, StandardPage
from news.factories import (
    AppraisalIndexPageFactory,
    AppraisalPageFactory,
    DepartmentFactory,
    InitiativeIndexPageFactory,
    InitiativePageFactory,
    NewsIndexPageFactory,
    NewsPageFactory,
)
from news.models import AppraisalIndexPage, InitiativeIndexPage, NewsIndexPage
from stations.models import StationIndexPage
from stats.models import StatisticsPage
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


class TestPageTree(WagtailPageTestCase):
    def test_home_page_sits_directly_under_the_tree_root(self):
        self.assertAllowedParentPageTypes(HomePage, {Page})

    def test_home_page_children_are_the_sections(self):
        self.assertAllowedSubpageTypes(
            HomePage,
            {
                StandardPage,
                NewsIndexPage,
                InitiativeIndexPage,
                AppraisalIndexPage,
                DeputyIndexPage,
                StationIndexPage,
                DocumentRegistryPage,
                StatisticsPage,
            },
        )

    def test_there_is_only_one_home_page(self):
        root = Page.get_first_root_node()
        self.assertEqual(HomePage.max_count, 1)
        self.assertEqual(HomePage.objects.count(), 1)
        # The migration's home page uses up max_count: a second one cannot be added anywhere.
        self.assertFalse(HomePage.can_create_at(root))
        self.assertCanNotCreateAt(StandardPage, HomePage)

    def test_standard_page_sits_under_home_or_another_standard_page(self):
        self.assertAllowedParentPageTypes(StandardPage, {HomePage, StandardPage})
        self.assertAllowedSubpageTypes(StandardPage, {StandardPage})
        self.assertCanCreateAt(HomePage, StandardPage)
        self.assertCanNotCreateAt(NewsIndexPage, StandardPage)


class TestStandardPage(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home = default_home()
        cls.about = StandardPageFactory(
            parent=cls.home,
            title="机构设置",
            slug="about",
            summary="县人大常委会机关内设机构及工作职责。",
            body=[
                heading("工作机构"),
                paragraph("<p>办公室负责常委会会议的组织和服务工作。</p>"),
            ],
        )
        cls.office = StandardPageFactory(parent=cls.about, title="办公室", slug="office")
        cls.draft_child = StandardPageFactory(
            parent=cls.about, title="尚未发布的下级页面", slug="draft-child", live=False
        )

    def test_renders_title_summary_and_body(self):
        response = self.client.get("/about/")
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "pages/standard_page.html")
        self.assertEqual(h1_texts(response), ["机构设置"])
        self.assertEqual(parse(response).find("h2", class_="block-heading").text, "工作机构")
        self.assertIn("办公室负责常委会会议的组织和服务工作。", main_text(response))
        self.assertIn("县人大常委会机关内设机构及工作职责。", main_text(response))
        self.assertContains(
            response, '<meta name="description" content="县人大常委会机关内设机构及工作职责。">'
        )

    def test_breadcrumbs_lead_from_home_to_the_page(self):
        response = self.client.get("/about/office/")
        self.assertEqual(
            breadcrumbs(response), [("首页", "/"), ("机构设置", "/about/"), ("办公室", None)]
        )
        self.assertContains(response, '<span aria-current="page">办公室</span>', html=True)

    def test_lists_live_child_pages_only(self):
        response = self.client.get("/about/")
        children = link_texts(response, ".child-pages a")
        self.assertEqual(children, ["办公室"])

    def test_draft_page_is_not_served(self):
        self.assertEqual(self.client.get("/about/draft-child/").status_code, 404)


class TestHomePage(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home = default_home()
        cls.home.introduction = "坚持和完善人民代表大会制度。"
        cls.home.save()
        today = timezone.localdate()

        cls.news_index = NewsIndexPageFactory(parent=cls.home, title="新闻动态", slug="news")
        cls.older = NewsPageFactory(
            parent=cls.news_index,
            title="县人大常委会召开第十一次会议",
            date=datetime.date(2026, 3, 5),
        )
        cls.newer = NewsPageFactory(
            parent=cls.news_index,
            title="县人大常委会召开第十二次会议",
            date=datetime.date(2026, 11, 25),
        )
        create_hidden(NewsPageFactory, cls.news_index, "新闻", date=datetime.date(2026, 12, 1))

        initiatives = InitiativeIndexPageFactory(parent=cls.home, slug="initiatives")
        cls.current = InitiativePageFactory(
            parent=initiatives,
            title="秸秆禁烧倡议书",
            issued_date=today - datetime.timedelta(days=10),
            period_end=today + datetime.timedelta(days=50),
        )
        cls.ended = InitiativePageFactory(
            parent=initiatives,
            title="安全生产监督倡议书",
            issued_date=today - datetime.timedelta(days=400),
            period_end=today - datetime.timedelta(days=30),
        )
        create_hidden(InitiativePageFactory, initiatives, "倡议", issued_date=today)

        appraisals = AppraisalIndexPageFactory(parent=cls.home, slug="appraisals")
        cls.appraisal = AppraisalPageFactory(
            parent=appraisals,
            year=2025,
            department=DepartmentFactory(name="县民政局"),
            overall_satisfaction=Decimal("93.60"),
        )
        for n, page in enumerate(create_hidden(AppraisalPageFactory, appraisals, "评议")):
            page.department = DepartmentFactory(name=f"不应出现的部门{n}")
            page.save()

    def get_home(self):
        response = self.client.get("/")
        self.assertEqual(response.status_code, 200)
        return response

    def test_renders_with_one_h1_and_the_introduction(self):
        response = self.get_home()
        self.assertTemplateUsed(response, "pages/home_page.html")
        self.assertEqual(h1_texts(response), ["县人大常委会"])
        self.assertIn("坚持和完善人民代表大会制度。", main_text(response))
        self.assertIsNone(breadcrumbs(response))

    def test_latest_news_newest_first_with_chinese_dates(self):
        response = self.get_home()
        section = parse(response).find("section", class_="home-section--news")
        titles = [a.text for a in section.select(".headline-list a")]
        self.assertEqual(titles, ["县人大常委会召开第十二次会议", "县人大常委会召开第十一次会议"])
        dates = [t.text for t in section.find_all("time")]
        self.assertEqual(dates, ["2026年11月25日", "2026年3月5日"])
        self.assertEqual(section.find("p", class_="more").a["href"], "/news/")

    def test_news_count_limits_the_headlines(self):
        self.home.news_count = 1
        self.home.save()
        response = self.get_home()
        section = parse(response).find("section", class_="home-section--news")
        self.assertEqual(
            [a.text for a in section.select(".headline-list a")], ["县人大常委会召开第十二次会议"]
        )

    def test_current_initiatives_only(self):
        text = main_text(self.get_home())
        self.assertIn("秸秆禁烧倡议书", text)
        self.assertNotIn("安全生产监督倡议书", text)

    def test_latest_appraisals_with_satisfaction(self):
        response = self.get_home()
        section = parse(response).find(id="appraisals-heading").parent
        self.assertEqual(
            [li.get_text(" ", strip=True) for li in section.select(".headline-list li")],
            ["2025年度 县民政局 满意率 93.60%"],
        )

    def test_drafts_private_and_expired_pages_are_not_listed(self):
        text = main_text(self.get_home())
        for prefix in ("新闻", "倡议", "评议"):
            for marker in HIDDEN_MARKERS:
                self.assertNotIn(prefix + marker, text)
        self.assertNotIn("不应出现的部门", text)

    def test_quick_entries_hidden_while_their_apps_are_missing(self):
        response = self.get_home()
        self.assertEqual(response.context["quick_entries"], [])
        self.assertNotContains(response, "quick-entries")
        self.assertNotContains(response, "找代表·找站点")
        self.assertNotContains(response, "人大代表名录")

    def test_quick_entry_shown_once_its_target_page_exists(self):
        # Installed types stand in for the register index pages of later apps.
        StandardPageFactory(parent=self.home, title="尚未发布", slug="unpublished", live=False)
        entries = [
            ("news.NewsIndexPage", "feed/", "新闻订阅", "订阅工作动态"),
            ("deputies.DeputyIndexPage", "", "人大代表名录", "全县各级人大代表"),
            ("home.StandardPage", "", "机构设置", "只有草稿，不应显示"),
            ("news.InitiativePage", "", "倡议", "进行中的倡议"),
        ]
        with mock.patch("home.models.QUICK_ENTRIES", entries):
            response = self.get_home()
        quick = parse(response).find("section", class_="quick-entries")
        self.assertEqual(
            [(a["href"], a.strong.text) for a in quick.find_all("a")],
            [("/news/feed/", "新闻订阅"), (self.current.url, "倡议")],
        )
        self.assertNotContains(response, "人大代表名录")
        self.assertNotContains(response, "只有草稿，不应显示")

    def test_empty_sections_say_so(self):
        Page.objects.descendant_of(self.home).delete()
        response = self.get_home()
        self.assertContains(response, "暂无新闻。")
        self.assertContains(response, "目前没有进行中的倡议。")
        self.assertContains(response, "暂无评议结果。")


class TestEditorsCreatePages(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home = default_home()

    def setUp(self):
        self.login()

    def test_create_standard_page_with_heading_and_paragraph(self):
        self.assertCanCreate(
            self.home,
            StandardPage,
            nested_form_data(
                {
                    "title": "联系我们",
                    "slug": "contact",
                    "summary": "县人大常委会办公室地址与电话。",
                    "body": streamfield(
                        [
                            ("heading", {"text": "办公地址", "level": "h2"}),
                            (
                                "paragraph",
                                rich_text("<p>县政府办公楼三楼。</p>", features=RICH_TEXT_FEATURES),
                            ),
                        ]
                    ),
                }
            ),
        )
        page = StandardPage.objects.get(slug="contact")
        self.assertTrue(page.live)
        self.assertEqual(page.get_parent().specific, self.home)
        self.assertEqual([block.block_type for block in page.body], ["heading", "paragraph"])
        self.assertEqual(page.body[0].value["text"], "办公地址")
        self.assertIn("县政府办公楼三楼。", page.body[1].value.source)
        self.assertContains(self.client.get("/contact/"), "县政府办公楼三楼。")

    def test_a_second_home_page_cannot_be_added(self):
        root = Page.get_first_root_node()
        url = reverse("wagtailadmin_pages:add", args=["home", "homepage", root.pk])
        response = self.client.post(
            url, nested_form_data({"title": "第二个首页", "slug": "home-2", "news_count": "6"})
        )
        self.assertNotEqual(response.status_code, 200)
        self.assertEqual(HomePage.objects.count(), 1)
