import datetime
import json

from django.test import TestCase, override_settings
from django.urls import reverse
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from core.blocks import RICH_TEXT_FEATURES
from core.factories import ImageFactory, heading, paragraph
from news.factories import NewsCategoryFactory, NewsIndexPageFactory, NewsPageFactory
from news.models import NewsIndexPage, NewsPage
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

# (title, date, category key): deliberately not in date order.
NEWS = [
    ("县人大常委会召开第十一次会议", datetime.date(2026, 3, 5), "fengcai"),
    ("县人大常委会召开第十二次会议", datetime.date(2026, 11, 25), "dongtai"),
    ("代表履职能力培训班开班", datetime.date(2025, 6, 1), "fengcai"),
    ("常委会组成人员开展双报到活动", datetime.date(2025, 12, 31), "dongtai"),
    ("秸秆禁烧工作专项视察", datetime.date(2024, 1, 10), "dongtai"),
]
NEWEST_FIRST = [title for title, _date, _key in sorted(NEWS, key=lambda n: n[1], reverse=True)]


def card_titles(response):
    return link_texts(response, ".card-list .card__title a")


class NewsTestData(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home = default_home()
        cls.index = NewsIndexPageFactory(
            parent=cls.home, title="新闻动态", slug="news", summary="县人大常委会工作动态。"
        )
        cls.categories = {
            "dongtai": NewsCategoryFactory(name="工作动态", slug="gongzuo-dongtai", sort_order=1),
            "fengcai": NewsCategoryFactory(name="代表风采", slug="daibiao-fengcai", sort_order=2),
            "unused": NewsCategoryFactory(name="通知公告", slug="tongzhi-gonggao", sort_order=3),
        }
        cls.news = {
            title: NewsPageFactory(
                parent=cls.index, title=title, date=date, category=cls.categories[key]
            )
            for title, date, key in NEWS
        }
        # Dated in the future of every live item, so they would come first if they leaked.
        cls.hidden = create_hidden(
            NewsPageFactory,
            cls.index,
            "新闻",
            date=datetime.date(2026, 12, 1),
            category=cls.categories["dongtai"],
        )


class TestNewsPage(NewsTestData):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.page = cls.news["县人大常委会召开第十二次会议"]
        cls.page.body = [
            heading("会议议程"),
            paragraph("<p>会议听取和审议了县人民政府关于乡村振兴工作情况的报告。</p>"),
        ]
        cls.page.summary = "会议审查批准了县本级财政决算。"
        cls.page.source = "县人大常委会办公室"
        cls.page.cover_image = ImageFactory(title="会议现场")
        cls.page.cover_image_alt = "县人大常委会第十二次会议现场"
        cls.page.save()
        cls.page.tags.add("常委会会议")
        cls.page.save()

    def test_renders_title_date_and_body(self):
        response = self.client.get(self.page.url)
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "pages/news_page.html")
        self.assertEqual(h1_texts(response), ["县人大常委会召开第十二次会议"])
        article = parse(response).find("article")
        self.assertEqual(article.find("time").text, "2026年11月25日")
        self.assertEqual(article.find("time")["datetime"], "2026-11-25")
        self.assertEqual(article.find("h2", class_="block-heading").text, "会议议程")
        text = main_text(response)
        self.assertIn("会议听取和审议了县人民政府关于乡村振兴工作情况的报告。", text)
        self.assertIn("来源：县人大常委会办公室", text)
        self.assertIn("常委会会议", text)

    def test_cover_image_carries_its_alt_text(self):
        response = self.client.get(self.page.url)
        image = parse(response).find("figure", class_="article__cover").find("img")
        self.assertEqual(image["alt"], "县人大常委会第十二次会议现场")

    def test_category_links_to_the_filtered_index(self):
        response = self.client.get(self.page.url)
        link = parse(response).select_one(".article__meta a")
        self.assertEqual(link["href"], "/news/?category=gongzuo-dongtai")
        self.assertEqual(link.text, "工作动态")

    def test_breadcrumbs(self):
        response = self.client.get(self.page.url)
        self.assertEqual(
            breadcrumbs(response),
            [("首页", "/"), ("新闻动态", "/news/"), ("县人大常委会召开第十二次会议", None)],
        )

    def test_related_news_same_category_live_only_newest_first(self):
        response = self.client.get(self.page.url)
        related = link_texts(response, ".related a")
        self.assertEqual(related, ["常委会组成人员开展双报到活动", "秸秆禁烧工作专项视察"])


class TestNewsIndex(NewsTestData):
    def test_renders_title_and_items_newest_first(self):
        response = self.client.get("/news/")
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "pages/news_index_page.html")
        self.assertEqual(h1_texts(response), ["新闻动态"])
        self.assertEqual(card_titles(response), NEWEST_FIRST)
        dates = [t.text for t in parse(response).select(".card-list time")]
        self.assertEqual(dates[0], "2026年11月25日")
        self.assertEqual(dates[1], "2026年3月5日")
        self.assertEqual(breadcrumbs(response), [("首页", "/"), ("新闻动态", None)])

    def test_advertises_its_rss_feed(self):
        response = self.client.get("/news/")
        link = parse(response).find("link", rel="alternate")
        self.assertEqual(link["type"], "application/rss+xml")
        self.assertEqual(link["href"], "/news/feed/")

    def test_drafts_private_and_expired_news_are_not_listed(self):
        response = self.client.get("/news/")
        text = main_text(response)
        for marker in HIDDEN_MARKERS:
            self.assertNotIn("新闻" + marker, text)
        self.assertEqual(response.context["news_page"].paginator.count, len(NEWS))

    def test_hidden_news_pages_are_not_served(self):
        draft, private, expired = self.hidden
        self.assertEqual(self.client.get(f"/news/{draft.slug}/").status_code, 404)
        self.assertEqual(self.client.get(f"/news/{expired.slug}/").status_code, 404)
        response = self.client.get(private.url)
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, private.title)  # the password form instead

    def test_filter_offers_used_categories_and_years(self):
        response = self.client.get("/news/")
        soup = parse(response)
        categories = [o.text for o in soup.select("#filter-category option")]
        self.assertEqual(categories, ["全部栏目", "工作动态", "代表风采"])
        years = [o.text for o in soup.select("#filter-year option")]
        self.assertEqual(years, ["全部年份", "2026年", "2025年", "2024年"])

    def test_category_filter(self):
        response = self.client.get("/news/?category=daibiao-fengcai")
        self.assertEqual(
            card_titles(response), ["县人大常委会召开第十一次会议", "代表履职能力培训班开班"]
        )
        self.assertEqual(h1_texts(response), ["新闻动态：代表风采"])
        selected = parse(response).select_one("#filter-category option[selected]")
        self.assertEqual(selected["value"], "daibiao-fengcai")

    def test_year_filter(self):
        response = self.client.get("/news/?year=2025")
        self.assertEqual(
            card_titles(response), ["常委会组成人员开展双报到活动", "代表履职能力培训班开班"]
        )
        self.assertEqual(h1_texts(response), ["新闻动态（2025年）"])

    def test_category_and_year_together(self):
        response = self.client.get("/news/?category=gongzuo-dongtai&year=2026")
        self.assertEqual(card_titles(response), ["县人大常委会召开第十二次会议"])

    def test_filter_without_matches_says_so(self):
        response = self.client.get("/news/?year=2020")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(card_titles(response), [])
        self.assertContains(response, "没有符合筛选条件的新闻。")

    def test_malformed_year_shows_a_notice_and_everything(self):
        for year in ("abc", "1800", "２０２６x"):
            with self.subTest(year=year):
                response = self.client.get("/news/", {"year": year})
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "年份应为四位数字，如 2026，已显示全部年份。")
                self.assertEqual(card_titles(response), NEWEST_FIRST)

    def test_unknown_category_shows_a_notice_and_everything(self):
        response = self.client.get("/news/?category=no-such-category")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "未找到所选栏目，已显示全部新闻。")
        self.assertEqual(card_titles(response), NEWEST_FIRST)
        self.assertEqual(h1_texts(response), ["新闻动态"])

    def test_category_that_cannot_be_a_slug_shows_a_notice(self):
        # NUL was a 500 on PostgreSQL (found by tests/security/test_fuzz.py).
        for value in ("a\x00b", "\x00", "工作动态", "<script>"):
            with self.subTest(category=value):
                response = self.client.get("/news/", {"category": value})
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "未找到所选栏目，已显示全部新闻。")
                self.assertEqual(card_titles(response), NEWEST_FIRST)


@override_settings(NEWS_PAGE_SIZE=2)
class TestNewsIndexPagination(NewsTestData):
    def test_pages_split_the_list(self):
        seen = []
        for number in (1, 2, 3):
            response = self.client.get("/news/", {"page": number})
            self.assertEqual(response.status_code, 200)
            seen += card_titles(response)
        self.assertEqual(seen, NEWEST_FIRST)
        self.assertContains(response, "第 3 / 3 页，共 5 条")

    def test_pagination_links_keep_the_filters(self):
        response = self.client.get("/news/", {"category": "gongzuo-dongtai"})
        self.assertEqual(len(card_titles(response)), 2)
        next_link = parse(response).find("a", rel="next")
        self.assertEqual(next_link["href"], "?category=gongzuo-dongtai&page=2")
        response = self.client.get("/news/" + next_link["href"])
        self.assertEqual(card_titles(response), ["秸秆禁烧工作专项视察"])

    def test_malformed_page_number_shows_the_first_page(self):
        response = self.client.get("/news/?page=abc")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(card_titles(response), NEWEST_FIRST[:2])

    def test_out_of_range_page_number_shows_the_last_page(self):
        for page in ("999", "-1", "0"):
            with self.subTest(page=page):
                response = self.client.get("/news/", {"page": page})
                self.assertEqual(response.status_code, 200)
                self.assertEqual(card_titles(response), NEWEST_FIRST[4:])


class TestEditorsCreateNews(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home = default_home()
        cls.index = NewsIndexPageFactory(parent=cls.home, title="新闻动态", slug="news")
        cls.category = NewsCategoryFactory(name="工作动态", slug="gongzuo-dongtai")

    def setUp(self):
        self.login()

    def news_data(self, extra_blocks=()):
        blocks = [
            ("heading", {"text": "会议议程", "level": "h3"}),
            (
                "paragraph",
                rich_text("<p>会议听取了专项工作报告。</p>", features=RICH_TEXT_FEATURES),
            ),
            *extra_blocks,
        ]
        return nested_form_data(
            {
                "title": "县人大常委会召开第十三次会议",
                "slug": "meeting-13",
                "date": "2026-11-25",
                "category": self.category.pk,
                "source": "县人大常委会办公室",
                "tags": "常委会会议, 财政决算",
                "summary": "会议审查批准了县本级财政决算。",
                "body": streamfield(blocks),
            }
        )

    def test_create_news_index_page(self):
        self.assertCanCreate(
            self.home,
            NewsIndexPage,
            nested_form_data({"title": "通知公告", "slug": "notices", "summary": "通知与公告。"}),
        )
        self.assertEqual(self.client.get("/notices/").status_code, 200)

    def test_create_news_page(self):
        self.assertCanCreate(self.index, NewsPage, self.news_data())
        page = NewsPage.objects.get(slug="meeting-13")
        self.assertTrue(page.live)
        self.assertEqual(page.date, datetime.date(2026, 11, 25))
        self.assertEqual(page.category, self.category)
        self.assertEqual(sorted(page.tags.names()), ["常委会会议", "财政决算"])
        self.assertEqual([block.block_type for block in page.body], ["heading", "paragraph"])
        self.assertEqual(page.body[0].value["level"], "h3")
        response = self.client.get("/news/meeting-13/")
        self.assertContains(response, '<h3 class="block-heading">会议议程</h3>', html=True)
        self.assertContains(response, "2026年11月25日")

    def test_table_without_caption_or_header_is_refused_in_the_admin(self):
        table = {
            "data": [["部门", "满意率"], ["县民政局", "93.6"]],
            "table_caption": "",
            "table_header_choice": "neither",
            "first_row_is_table_header": False,
            "first_col_is_header": False,
        }
        data = self.news_data(extra_blocks=[("table", json.dumps(table))])
        data["action-publish"] = "action-publish"
        response = self.client.post(
            reverse("wagtailadmin_pages:add", args=["news", "newspage", self.index.pk]),
            data,
            follow=True,
        )
        self.assertEqual(response.status_code, 200)
        self.assertFalse(NewsPage.objects.filter(slug="meeting-13").exists())
        errors = response.context["form"].errors
        self.assertIn("body", errors)
        block_errors = errors.as_data()["body"][0].block_errors
        self.assertEqual(list(block_errors), [2])
        messages = block_errors[2].messages
        self.assertIn("请填写表格标题（表注），以便读屏软件识别。", messages)
        self.assertIn("请设置表头行或表头列。", messages)
