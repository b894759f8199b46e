import datetime

import feedparser
from django.test import TestCase

from news.factories import NewsCategoryFactory, NewsIndexPageFactory, NewsPageFactory
from news.feeds import NewsFeed
from tests.helpers import create_hidden, default_home


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
