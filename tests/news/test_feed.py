import datetime

import feedparser
from django.test import TestCase

from news.factories import (
    InitiativeIndexPageFactory,
    InitiativePageFactory,
    NewsCategoryFactory,
    NewsIndexPageFactory,
    NewsPageFactory,
)
from news.feeds import InitiativeFeed, NewsFeed
from tests.helpers import create_hidden, default_home, main_text, make_private, parse


class TestNewsFeed(TestCase):
    @classmethod
    def setUpTestData(cls):
        home = default_home()
        cls.index = NewsIndexPageFactory(
            parent=home, title="新闻动态", slug="news", summary="县人大常委会工作动态。"
        )
        category = NewsCategoryFactory(name="工作动态", slug="gongzuo-dongtai")
        cls.older = NewsPageFactory(
            parent=cls.index,
            title="县人大常委会召开第十一次会议",
            slug="meeting-11",
            date=datetime.date(2026, 3, 5),
            category=category,
            summary="会议听取审议了乡村振兴工作情况的报告。",
        )
        cls.newer = NewsPageFactory(
            parent=cls.index,
            title="县人大常委会召开第十二次会议",
            slug="meeting-12",
            date=datetime.date(2026, 11, 25),
            category=None,
            summary="会议审查批准了县本级财政决算。",
        )
        cls.hidden = create_hidden(
            NewsPageFactory, cls.index, "新闻", date=datetime.date(2026, 12, 1)
        )

    def setUp(self):
        response = self.client.get("/news/feed/")
        self.assertEqual(response.status_code, 200)
        self.response = response
        self.feed = feedparser.parse(response.content)

    def test_is_well_formed_rss(self):
        self.assertTrue(self.response["Content-Type"].startswith("application/rss+xml"))
        self.assertEqual(self.feed.bozo, 0, getattr(self.feed, "bozo_exception", None))
        self.assertEqual(self.feed.version, "rss20")

    def test_channel_title_link_and_language(self):
        self.assertEqual(self.feed.feed.title, "新闻动态")
        self.assertEqual(self.feed.feed.link, "http://testserver/news/")
        self.assertEqual(self.feed.feed.description, "县人大常委会工作动态。")
        self.assertEqual(self.feed.feed.language, "zh-cn")

    def test_items_newest_first_with_absolute_links(self):
        self.assertEqual(
            [(entry.title, entry.link) for entry in self.feed.entries],
            [
                ("县人大常委会召开第十二次会议", "http://testserver/news/meeting-12/"),
                ("县人大常委会召开第十一次会议", "http://testserver/news/meeting-11/"),
            ],
        )

    def test_items_carry_summary_date_and_category(self):
        newer, older = self.feed.entries
        self.assertEqual(newer.summary, "会议审查批准了县本级财政决算。")
        # 08:00 in Asia/Shanghai on the news date.
        self.assertEqual(newer.published_parsed[:4], (2026, 11, 25, 0))
        self.assertEqual([tag.term for tag in older.tags], ["工作动态"])
        self.assertNotIn("tags", newer)

    def test_drafts_private_and_expired_news_are_left_out(self):
        titles = [entry.title for entry in self.feed.entries]
        for page in self.hidden:
            self.assertNotIn(page.title, titles)
        self.assertNotIn("新闻草稿", self.response.content.decode())

    def test_feed_is_limited(self):
        self.assertEqual(NewsFeed.limit, 20)
        for n in range(NewsFeed.limit):
            NewsPageFactory(
                parent=self.index, date=datetime.date(2025, 1, 1) + datetime.timedelta(n)
            )
        feed = feedparser.parse(self.client.get("/news/feed/").content)
        self.assertEqual(len(feed.entries), NewsFeed.limit)
        self.assertEqual(feed.entries[0].title, "县人大常委会召开第十二次会议")


class TestNewsAtomFeed(TestCase):
    """The same items as the RSS feed, as Atom 1.0 at <index>/feed/atom/."""

    @classmethod
    def setUpTestData(cls):
        home = default_home()
        cls.index = NewsIndexPageFactory(
            parent=home, title="新闻动态", slug="news", summary="县人大常委会工作动态。"
        )
        cls.item = NewsPageFactory(
            parent=cls.index,
            title="县人大常委会召开第十二次会议",
            slug="meeting-12",
            date=datetime.date(2026, 11, 25),
            category=NewsCategoryFactory(name="工作动态", slug="gongzuo-dongtai"),
            summary="会议审查批准了县本级财政决算。",
        )
        cls.hidden = create_hidden(
            NewsPageFactory, cls.index, "新闻", date=datetime.date(2026, 12, 1)
        )

    def setUp(self):
        self.response = self.client.get("/news/feed/atom/")
        self.assertEqual(self.response.status_code, 200)
        self.feed = feedparser.parse(self.response.content)

    def test_is_well_formed_atom(self):
        self.assertTrue(self.response["Content-Type"].startswith("application/atom+xml"))
        self.assertEqual(self.feed.bozo, 0, getattr(self.feed, "bozo_exception", None))
        self.assertEqual(self.feed.version, "atom10")

    def test_feed_title_subtitle_links_author_and_language(self):
        feed = self.feed.feed
        self.assertEqual(feed.title, "新闻动态")
        self.assertEqual(feed.subtitle, "县人大常委会工作动态。")
        self.assertEqual(feed.language, "zh-cn")
        self.assertEqual(feed.author, "县人大常委会")  # SiteSettings.site_name
        links = {link.rel: link.href for link in feed.links}
        self.assertEqual(links["alternate"], "http://testserver/news/")
        self.assertEqual(links["self"], "http://testserver/news/feed/atom/")

    def test_entry_has_absolute_link_id_summary_dates_and_category(self):
        (entry,) = self.feed.entries
        self.assertEqual(entry.title, "县人大常委会召开第十二次会议")
        self.assertEqual(entry.link, "http://testserver/news/meeting-12/")
        self.assertEqual(entry.id, "http://testserver/news/meeting-12/")
        self.assertEqual(entry.summary, "会议审查批准了县本级财政决算。")
        self.assertEqual(entry.published_parsed[:4], (2026, 11, 25, 0))  # 08:00 +08:00
        self.assertIsNotNone(entry.updated_parsed)
        self.assertEqual([tag.term for tag in entry.tags], ["工作动态"])

    def test_drafts_private_and_expired_news_are_left_out(self):
        self.assertEqual(len(self.feed.entries), 1)
        body = self.response.content.decode()
        for page in self.hidden:
            self.assertNotIn(page.title, body)

    def test_rss_url_still_works(self):
        feed = feedparser.parse(self.client.get("/news/feed/").content)
        self.assertEqual(feed.version, "rss20")
        self.assertEqual([entry.title for entry in feed.entries], [self.item.title])

    def test_index_page_announces_both_feeds(self):
        soup = parse(self.client.get("/news/"))
        alternates = {
            link["type"]: link["href"] for link in soup.head.find_all("link", rel="alternate")
        }
        self.assertEqual(
            alternates,
            {"application/rss+xml": "/news/feed/", "application/atom+xml": "/news/feed/atom/"},
        )
        self.assertEqual(
            [a["href"] for a in soup.select(".rss-link a")], ["/news/feed/", "/news/feed/atom/"]
        )


class TestPrivateIndexFeeds(TestCase):
    """A password-protected listing keeps its feeds behind the password too."""

    @classmethod
    def setUpTestData(cls):
        home = default_home()
        cls.news = NewsIndexPageFactory(parent=home, title="内部新闻", slug="internal-news")
        NewsPageFactory(parent=cls.news, title="内部新闻标题甲")
        make_private(cls.news)
        cls.initiatives = InitiativeIndexPageFactory(
            parent=home, title="内部倡议", slug="internal-initiatives"
        )
        InitiativePageFactory(parent=cls.initiatives, title="内部倡议标题乙")
        make_private(cls.initiatives)

    def test_feeds_ask_for_the_password(self):
        for url in (
            "/internal-news/feed/",
            "/internal-news/feed/atom/",
            "/internal-initiatives/feed/",
            "/internal-initiatives/feed/atom/",
        ):
            with self.subTest(url=url):
                response = self.client.get(url)
                body = response.content.decode()
                self.assertNotIn("内部新闻标题甲", body)
                self.assertNotIn("内部倡议标题乙", body)
                self.assertTrue(response["Content-Type"].startswith("text/html"))
                self.assertIn('name="password"', body)


class TestInitiativeFeeds(TestCase):
    """倡议书: RSS 2.0 at <index>/feed/ and Atom 1.0 at <index>/feed/atom/, every live public
    initiative (current, upcoming and ended) by issue date, newest first."""

    @classmethod
    def setUpTestData(cls):
        home = default_home()
        cls.index = InitiativeIndexPageFactory(
            parent=home,
            title="倡议书",
            slug="initiatives",
            summary="县人大常委会向全县代表发出的倡议。",
        )
        cls.ended = InitiativePageFactory(
            parent=cls.index,
            title="秸秆禁烧倡议书",
            slug="jiegan",
            issued_date=datetime.date(2025, 10, 1),
            period_start=datetime.date(2025, 10, 1),
            period_end=datetime.date(2025, 11, 30),
            summary="倡议全县代表带头宣传秸秆禁烧。",
        )
        cls.current = InitiativePageFactory(
            parent=cls.index,
            title="积极参与振兴乡村倡议书",
            slug="zhenxing",
            issued_date=datetime.date(2026, 3, 1),
            period_start=datetime.date(2026, 3, 1),
            period_end=None,
            summary="",
        )
        cls.hidden = create_hidden(
            InitiativePageFactory, cls.index, "倡议", issued_date=datetime.date(2026, 5, 1)
        )

    def get_feed(self, url, content_type, version):
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response["Content-Type"].startswith(content_type))
        feed = feedparser.parse(response.content)
        self.assertEqual(feed.bozo, 0, getattr(feed, "bozo_exception", None))
        self.assertEqual(feed.version, version)
        return response, feed

    def test_rss_and_atom_carry_the_same_items(self):
        for url, content_type, version in (
            ("/initiatives/feed/", "application/rss+xml", "rss20"),
            ("/initiatives/feed/atom/", "application/atom+xml", "atom10"),
        ):
            with self.subTest(url=url):
                response, feed = self.get_feed(url, content_type, version)
                self.assertEqual(feed.feed.title, "倡议书")
                self.assertEqual(feed.feed.language, "zh-cn")
                self.assertEqual(feed.feed.link, "http://testserver/initiatives/")
                self.assertEqual(
                    [(entry.title, entry.link) for entry in feed.entries],
                    [
                        ("积极参与振兴乡村倡议书", "http://testserver/initiatives/zhenxing/"),
                        ("秸秆禁烧倡议书", "http://testserver/initiatives/jiegan/"),
                    ],
                )
                current, ended = feed.entries
                self.assertEqual(current.published_parsed[:4], (2026, 3, 1, 0))
                self.assertEqual(ended.published_parsed[:4], (2025, 10, 1, 0))
                self.assertEqual(current.summary, "倡议期限：2026年3月1日至长期。")
                self.assertEqual(
                    ended.summary,
                    "倡议全县代表带头宣传秸秆禁烧。倡议期限：2025年10月1日至2025年11月30日。",
                )
                body = response.content.decode()
                for page in self.hidden:
                    self.assertNotIn(page.title, body)

    def test_index_page_announces_and_links_both_feeds(self):
        response = self.client.get("/initiatives/")
        self.assertEqual(response.status_code, 200)
        soup = parse(response)
        alternates = {
            link["type"]: link["href"] for link in soup.head.find_all("link", rel="alternate")
        }
        self.assertEqual(
            alternates,
            {
                "application/rss+xml": "/initiatives/feed/",
                "application/atom+xml": "/initiatives/feed/atom/",
            },
        )
        self.assertEqual([a.get_text() for a in soup.select(".feed-links a")], ["RSS", "Atom"])
        # The listing itself is unchanged by the routes.
        self.assertIn("积极参与振兴乡村倡议书", main_text(response))

    def test_feed_is_limited(self):
        for n in range(InitiativeFeed.limit):
            InitiativePageFactory(
                parent=self.index, issued_date=datetime.date(2024, 1, 1) + datetime.timedelta(n)
            )
        _response, feed = self.get_feed("/initiatives/feed/", "application/rss+xml", "rss20")
        self.assertEqual(len(feed.entries), InitiativeFeed.limit)
        self.assertEqual(feed.entries[0].title, "积极参与振兴乡村倡议书")
