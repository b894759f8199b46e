"""The full-page cache of anonymous visitors' pages (core/pagecache.py): what is stored and served,
to whom, and that publishing or a register change shows at once."""

import datetime
import os
from unittest import mock

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory, TestCase, override_settings
from wagtail.contrib.search_promotions.models import Query

from core import pagecache
from core.models import SiteSettings
from deputies.factories import (
    AreaFactory,
    ConstituencyFactory,
    DeputyFactory,
    DeputyIndexPageFactory,
)
from documents.factories import (
    DocumentRegistryPageFactory,
    NormativeDocumentFactory,
    ReviewSuggestionFactory,
)
from home.factories import StandardPageFactory
from news.factories import NewsIndexPageFactory, NewsPageFactory
from tests.helpers import default_home, make_private, parse

HEADER = "X-Page-Cache"


@override_settings(PAGE_CACHE_SECONDS=300, PAGE_CACHE_MAX_AGE=60)
class PageCacheTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home = default_home()
        cls.news_index = NewsIndexPageFactory(parent=cls.home, title="新闻动态", slug="news")
        cls.first_news = NewsPageFactory(
            parent=cls.news_index,
            title="县人大常委会召开第十一次会议",
            date=datetime.date(2026, 3, 5),
        )
        cls.about = StandardPageFactory(parent=cls.home, title="机构设置", slug="about")
        # Created on the first page view otherwise, and its creation empties the cache.
        SiteSettings.for_site(cls.home.get_site())

    def setUp(self):
        # The cache outlives each test's rolled-back transaction: start from an empty one.
        pagecache.bump()

    def get(self, path, **kwargs):
        response = self.client.get(path, **kwargs)
        self.assertIn(response.status_code, (200, 404), path)
        return response

    def assertHit(self, response):
        self.assertEqual(response[HEADER], "hit")

    def assertMiss(self, response):
        self.assertEqual(response[HEADER], "miss")

    def assertCachedTwice(self, path):
        """A first anonymous request renders and stores, the second is served from the cache."""
        first = self.get(path)
        self.assertMiss(first)
        second = self.get(path)
        self.assertHit(second)
        self.assertEqual(second.content, first.content)
        return second

    def assertNeverCached(self, path, **kwargs):
        for _ in range(2):
            response = self.client.get(path, **kwargs)
            self.assertMiss(response)
            self.assertNotIn("public", response.get("Cache-Control", ""))
        return response


class TestAnonymousHits(PageCacheTestCase):
    def test_second_anonymous_get_is_a_hit_without_sql(self):
        first = self.get("/")
        self.assertMiss(first)
        self.assertEqual(first["Cache-Control"], "public, max-age=60")
        with self.assertNumQueries(0):
            second = self.client.get("/")
        self.assertEqual(second.status_code, 200)
        self.assertHit(second)
        self.assertEqual(second.content, first.content)
        self.assertIn("县人大常委会召开第十一次会议", second.content.decode())

    def test_hit_carries_the_security_and_csp_headers(self):
        first = self.get("/")
        second = self.get("/")
        self.assertHit(second)
        for header in (
            "Content-Security-Policy",
            "X-Frame-Options",
            "X-Content-Type-Options",
            "Referrer-Policy",
            "Cross-Origin-Opener-Policy",
            "Content-Type",
            "Cache-Control",
        ):
            self.assertIn(header, second, header)
            self.assertEqual(second[header], first[header], header)

    def test_stored_pages_do_not_vary_on_cookie(self):
        # nginx keeps one entry per Vary value and purges only the main one.
        response = self.get("/")
        self.assertNotIn("cookie", response.get("Vary", "").lower())

    def test_feeds_and_other_pages_are_cached(self):
        for path in ("/news/", "/news/feed/", "/news/feed/atom/", "/about/", "/sitemap.xml"):
            with self.subTest(path=path):
                self.assertCachedTwice(path)

    def test_head_is_served_from_the_cached_get(self):
        self.get("/about/")
        response = self.client.head("/about/")
        self.assertEqual(response.status_code, 200)
        self.assertHit(response)
        self.assertEqual(response.content, b"")

    def test_not_found_is_not_cached(self):
        # Any path can be asked for: storing 404s would let a crawler fill the cache.
        for _ in range(2):
            response = self.client.get("/no-such-page/")
            self.assertEqual(response.status_code, 404)
            self.assertMiss(response)

    def test_cookies_the_site_does_not_read_still_get_the_cached_page(self):
        self.get("/about/")
        self.client.cookies["Hm_lvt_statistics"] = "1764600000"
        self.assertHit(self.get("/about/"))

    def test_a_pending_flash_message_bypasses_the_cache(self):
        self.get("/about/")
        self.client.cookies["messages"] = "pending"
        self.assertMiss(self.get("/about/"))

    def test_authorization_header_bypasses_the_cache(self):
        self.get("/about/")
        self.assertNeverCached("/about/", HTTP_AUTHORIZATION="Basic dXNlcjpwYXNz")

    def test_off_with_zero_seconds(self):
        with self.settings(PAGE_CACHE_SECONDS=0):
            for _ in range(2):
                response = self.get("/about/")
                self.assertNotIn(HEADER, response)
                self.assertNotIn("public", response.get("Cache-Control", ""))


class TestQueryStringCap(PageCacheTestCase):
    def test_first_pages_of_a_listing_are_cached(self):
        self.assertCachedTwice("/news/?page=2")
        self.assertCachedTwice(f"/news/?page={pagecache.MAX_PAGE}")

    def test_deep_pages_and_other_parameters_are_not(self):
        for path in (
            f"/news/?page={pagecache.MAX_PAGE + 1}",
            "/news/?page=02",
            "/news/?page=2&page=3",
            "/news/?page=2&utm_source=wechat",
            "/news/?utm_source=wechat",
            "/about/?x=1",
        ):
            with self.subTest(path=path):
                self.assertNeverCached(path)

    def test_uncached_variants_add_no_keys(self):
        keys_before = len(cache._cache)
        for n in range(50):
            self.client.get(f"/news/?page={100 + n}")
            self.client.get(f"/about/?q={n}")
            self.client.get(f"/no-such-page-{n}/")
        self.assertEqual(len(cache._cache), keys_before)


class TestLoggedInUsers(PageCacheTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.editor = get_user_model().objects.create_superuser(
            "editor", "editor@example.cn", "editor-password-2026"
        )

    def has_userbar(self, response):
        return parse(response).find("wagtail-userbar") is not None or (
            "wagtail-userbar" in response.content.decode()
        )

    def test_logged_in_user_is_never_served_the_cached_page(self):
        self.assertCachedTwice("/about/")
        self.client.force_login(self.editor)
        response = self.assertNeverCached("/about/")
        self.assertTrue(self.has_userbar(response))

    def test_a_logged_in_page_is_never_stored_for_anonymous_visitors(self):
        self.client.force_login(self.editor)
        self.assertTrue(self.has_userbar(self.get("/about/")))
        self.client.logout()
        self.client.cookies.clear()
        anonymous = self.get("/about/")
        self.assertMiss(anonymous)
        self.assertFalse(self.has_userbar(anonymous))
        self.assertHit(self.get("/about/"))

    def test_admin_is_never_cached(self):
        self.client.force_login(self.editor)
        self.assertNeverCached("/admin/")
        self.client.logout()
        self.client.cookies.clear()
        self.assertNeverCached("/admin/login/")


class TestNotStored(PageCacheTestCase):
    def test_post_is_not_cached_and_does_not_store(self):
        response = self.client.post("/about/")
        self.assertMiss(response)
        self.assertMiss(self.get("/about/"))

    def test_a_form_with_a_csrf_token_is_not_cached(self):
        registry = DocumentRegistryPageFactory(parent=self.home, slug="documents-registry")
        path = f"{registry.url}suggest/"
        response = self.assertNeverCached(path)
        self.assertEqual(response.status_code, 200)
        self.assertIn("csrfmiddlewaretoken", response.content.decode())
        self.assertIn("csrftoken", response.cookies)

    def test_a_response_that_sets_a_cookie_is_not_stored(self):
        def page(request):
            response = HttpResponse("<p>机构设置</p>")
            if sets_cookie:
                response.set_cookie("seen", "1")
            return response

        middleware = pagecache.PageCacheMiddleware(page)
        sets_cookie = True
        for _ in range(2):
            self.assertMiss(middleware(RequestFactory().get("/about/")))
        sets_cookie = False  # the same page without the cookie: stored
        self.assertMiss(middleware(RequestFactory().get("/about/")))
        self.assertHit(middleware(RequestFactory().get("/about/")))

    def test_a_preview_is_never_answered_from_the_cache(self):
        # Wagtail renders a preview by passing a dummy request for the page's public URL through
        # the middleware again (Page.make_preview_request); it must get the draft.
        self.assertCachedTwice("/about/")
        request = RequestFactory().get("/about/")
        request.is_dummy = True
        middleware = pagecache.PageCacheMiddleware(lambda request: HttpResponse("草稿预览"))
        self.assertEqual(middleware(request).content.decode(), "草稿预览")
        self.assertHit(self.get("/about/"))

    def test_private_page_is_not_cached(self):
        self.assertCachedTwice("/about/")
        make_private(self.about)  # leaves the cache at once (PageViewRestriction saved)
        response = self.assertNeverCached("/about/")
        self.assertIn("no-cache", response["Cache-Control"])
        self.assertNotIn("机构设置</h1>", response.content.decode())

    def test_search_is_not_cached_so_every_search_is_counted(self):
        NewsPageFactory(parent=self.news_index, title="代表接待日安排")
        for _ in range(2):
            self.assertMiss(self.client.get("/search/?q=接待日"))
        self.assertEqual(Query.get("接待日").hits, 2)
        # Nor the empty search page, which lists the popular searches those hits make.
        self.assertNeverCached("/search/")


class TestInvalidation(PageCacheTestCase):
    def test_publishing_news_shows_on_the_home_at_once_and_unpublishing_removes_it(self):
        self.assertCachedTwice("/")
        news = NewsPageFactory(
            parent=self.news_index,
            title="县人大常委会召开第十二次会议",
            date=datetime.date(2026, 11, 25),
            category=self.first_news.category,
            live=False,
        )
        self.assertHit(self.get("/"))  # a draft changes nothing public
        news.save_revision().publish()
        response = self.get("/")
        self.assertMiss(response)
        self.assertIn("县人大常委会召开第十二次会议", response.content.decode())
        self.assertHit(self.get("/"))

        news.refresh_from_db()
        news.unpublish()
        response = self.get("/")
        self.assertMiss(response)
        self.assertNotIn("县人大常委会召开第十二次会议", response.content.decode())

    def test_scheduled_expiry_goes_through_the_same_signals(self):
        from tests.helpers import expire

        self.assertCachedTwice("/")
        expire(self.first_news)
        self.assertNotIn("县人大常委会召开第十一次会议", self.get("/").content.decode())

    def test_moving_and_deleting_a_page(self):
        self.assertCachedTwice("/news/")
        self.first_news.move(self.about, pos="last-child")
        self.assertNotIn("县人大常委会召开第十一次会议", self.get("/news/").content.decode())
        self.assertCachedTwice("/about/")
        self.about.delete()
        self.assertEqual(self.client.get("/about/").status_code, 404)

    def test_a_deputy_edit_is_visible_at_once(self):
        index = DeputyIndexPageFactory(parent=self.home)
        deputy = DeputyFactory(name="王建国")
        path = f"{index.url}{deputy.pk}/"
        self.assertIn("王建国", self.assertCachedTwice(path).content.decode())
        deputy.name = "王建民"
        deputy.save()
        response = self.get(path)
        self.assertMiss(response)
        self.assertIn("王建民", response.content.decode())

    def test_saving_a_draft_of_a_register_entry_keeps_the_cache(self):
        deputy = DeputyFactory(name="王建国")
        self.assertCachedTwice("/about/")
        deputy.save_revision()
        self.assertHit(self.get("/about/"))

    def test_one_bump_on_commit_per_transaction(self):
        deputy = DeputyFactory(name="王建国")
        for n in range(3):
            deputy.name = f"王建国{n}"
            deputy.save()
        pending = [entry for entry in connection.run_on_commit if entry[1] is pagecache.bump]
        self.assertEqual(len(pending), 1)

    def test_local_memory_caches_of_other_processes_see_a_bump(self):
        # Without Redis each gunicorn worker has its own cache: the stamp file carries the bump.
        self.assertTrue(pagecache._local_cache())
        before = pagecache.generation()
        stamp = pagecache._stamp_file()
        other = stamp.with_name("other-process")
        other.write_text("1")
        os.replace(other, stamp)  # what bump() does in another process
        self.assertNotEqual(pagecache.generation(), before)

    def test_a_many_to_many_change_alone_empties_the_cache(self):
        constituency = ConstituencyFactory()
        area = AreaFactory()
        self.assertCachedTwice("/about/")
        constituency.areas.add(area)
        self.assertMiss(self.get("/about/"))

    def test_a_citizens_suggestion_does_not_empty_the_cache(self):
        document = NormativeDocumentFactory()  # a register entry: this one does empty it
        self.assertCachedTwice("/about/")
        ReviewSuggestionFactory(document=document)  # what the public form stores
        self.assertHit(self.get("/about/"))


class BrokenCache:
    """A cache server that does not answer (Redis down): every call raises."""

    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise ConnectionError("cache server unreachable")

        return fail


@override_settings(PAGE_CACHE_SECONDS=300, PAGE_CACHE_MAX_AGE=60)
class TestCacheServerDown(PageCacheTestCase):
    def test_pages_are_rendered_uncached_not_a_500(self):
        with mock.patch.object(pagecache, "cache", BrokenCache()):
            for _ in range(2):
                response = self.client.get("/about/")
                self.assertEqual(response.status_code, 200)
                self.assertIn("机构设置", response.content.decode())
                self.assertMiss(response)

    def test_a_publish_goes_through_when_the_cache_cannot_be_emptied(self):
        with mock.patch.object(pagecache, "cache", BrokenCache()):
            news = NewsPageFactory(parent=self.news_index, title="县人大常委会召开第十二次会议")
            news.save_revision().publish()
        news.refresh_from_db()
        self.assertTrue(news.live)
