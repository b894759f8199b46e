from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Max
from django.test import TestCase, override_settings
from wagtail.contrib.search_promotions.models import QueryDailyHits, SearchPromotion
from wagtail.images import get_image_model
from wagtail.models import Page, Revision

from core.models import SiteSettings
from news.models import AppraisalPage, InitiativePage, NewsCategory, NewsPage
from tests.helpers import default_home, h1_texts, parse


def snapshot():
    return {
        "pages": Page.objects.count(),
        "live pages": Page.objects.live().count(),
        "revisions": Revision.objects.count(),
        "images": get_image_model().objects.count(),
        "users": get_user_model().objects.count(),
        "categories": NewsCategory.objects.count(),
        "search promotions": SearchPromotion.objects.count(),
        "search hits": QueryDailyHits.objects.count(),
        "latest revision": Page.objects.aggregate(Max("latest_revision_created_at"))[
            "latest_revision_created_at__max"
        ],
    }


def load(**options):
    out = StringIO()
    call_command("load_demo_data", stdout=out, **options)
    return out.getvalue()


class TestRefusesInProduction(TestCase):
    @override_settings(DEBUG=False)
    def test_refuses_when_debug_is_off(self):
        before = snapshot()
        with self.assertRaisesMessage(CommandError, "--force"):
            load()
        self.assertEqual(snapshot(), before)


class TestLoadDemoData(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.empty = snapshot()
        cls.first_output = load(force=True)
        cls.after_first = snapshot()
        cls.second_output = load(force=True)
        cls.after_second = snapshot()

    def test_creates_content(self):
        self.assertIn("演示内容载入完成", self.first_output)
        self.assertGreater(self.after_first["pages"], self.empty["pages"])
        self.assertGreaterEqual(NewsPage.objects.live().count(), 10)
        self.assertEqual(InitiativePage.objects.live().count(), 3)
        self.assertEqual(AppraisalPage.objects.live().count(), 4)
        self.assertEqual(
            set(get_user_model().objects.values_list("username", flat=True)),
            {"admin", "editor", "reviewer", "daibiao", "fagong", "station"},
        )
        self.assertEqual(
            SiteSettings.for_site(default_home().get_site()).icp_number, "冀ICP备00000000号-1"
        )

    def test_second_run_changes_nothing(self):
        self.assertEqual(self.after_second, self.after_first)
        self.assertIn("没有任何改动", self.second_output)
        self.assertNotIn("演示内容载入完成", self.second_output)

    def test_demo_users_are_in_their_roles(self):
        User = get_user_model()
        self.assertTrue(User.objects.get(username="admin").is_superuser)
        self.assertEqual(
            list(User.objects.get(username="editor").groups.values_list("name", flat=True)),
            ["编辑"],
        )
        self.assertEqual(
            list(User.objects.get(username="reviewer").groups.values_list("name", flat=True)),
            ["审核"],
        )
        for username, group in (
            ("daibiao", "代表工委"),
            ("fagong", "法工委"),
            ("station", "工作站管理员"),
        ):
            user = User.objects.get(username=username)
            self.assertEqual(list(user.groups.values_list("name", flat=True)), [group])
            self.assertFalse(user.is_superuser)

    def test_the_search_page_shows_demo_promotions_and_popular_queries(self):
        self.assertEqual(SearchPromotion.objects.count(), 3)
        soup = parse(self.client.get("/search/", {"q": "接待日"}))
        promoted = soup.select(".search-promotions li a")
        self.assertEqual([a["href"] for a in promoted], ["/stations/"])
        self.assertTrue(soup.select(".search-results li"), "the demo receptions are found")
        soup = parse(self.client.get("/search/"))
        popular = [a.get_text() for a in soup.select(".search-popular a")]
        self.assertEqual(popular[:2], ["代表接待日", "倡议书"])

    def test_demo_home_page_renders_with_news(self):
        response = self.client.get("/")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(h1_texts(response), ["演示县人大常委会"])
        soup = parse(response)
        headlines = soup.select(".home-section--news .headline-list a")
        self.assertEqual(len(headlines), default_home().news_count)
        newest = NewsPage.objects.live().order_by("-date").first()
        self.assertEqual(headlines[0].text, newest.title)
        self.assertTrue(soup.select("#initiatives-heading ~ .headline-list a"))
        self.assertTrue(soup.select("#appraisals-heading ~ .headline-list a"))
        menu = [a.text for a in soup.select("nav.main-nav a")]
        self.assertEqual(menu[:4], ["首页", "新闻动态", "倡议书", "部门评议"])

    def test_every_demo_page_renders(self):
        for page in Page.objects.live().filter(depth__gt=1).specific():
            with self.subTest(page=page.title):
                response = self.client.get(page.url)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(len(h1_texts(response)), 1)
        self.assertEqual(self.client.get("/news/feed/").status_code, 200)
