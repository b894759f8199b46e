"""Slugs of pages with Chinese titles (core/slugs.py): new pages get the pinyin of the title's
first syllables, editable; existing pages keep theirs, and a changed slug leaves a redirect."""

from urllib.parse import quote

from django.test import TestCase
from django.urls import reverse
from wagtail.contrib.redirects.models import Redirect
from wagtail.test.utils.form_data import nested_form_data, streamfield

from core.slugs import pinyin_slug
from home.factories import StandardPageFactory
from home.models import StandardPage
from tests.admin_helpers import make_user
from tests.helpers import default_home

TITLE = "关于规范城区停车收费的通知"


def page_data(title=TITLE, slug="", action="action-publish"):
    data = nested_form_data({"title": title, "slug": slug, "summary": "", "body": streamfield([])})
    data[action] = action
    return data


class TestPinyinSlug(TestCase):
    def test_the_first_syllables_in_pinyin(self):
        self.assertEqual(pinyin_slug(TITLE), "guan-yu-gui-fan-cheng-qu")
        self.assertEqual(pinyin_slug("2026年县人大常委会工作要点"), "2026-nian-xian-ren-da-chang")
        self.assertEqual(pinyin_slug("《代表法》学习会"), "dai-biao-fa-xue-xi-hui")
        self.assertEqual(pinyin_slug("ABC 会议"), "abc-hui-yi")
        self.assertEqual(pinyin_slug("！！"), "")
        self.assertLessEqual(len(pinyin_slug("长" * 200, max_syllables=100)), 50)


class TestNewPageSlugs(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = make_user("guanliyuan", superuser=True)
        cls.home = default_home()

    def setUp(self):
        self.client.force_login(self.admin)
        self.add_url = reverse(
            "wagtailadmin_pages:add", args=["home", "standardpage", self.home.pk]
        )

    def test_an_empty_slug_becomes_the_pinyin_of_the_title(self):
        response = self.client.post(self.add_url, page_data())
        self.assertEqual(response.status_code, 302, response.content[:2000])
        page = StandardPage.objects.get(title=TITLE)
        self.assertEqual(page.slug, "guan-yu-gui-fan-cheng-qu")
        self.assertTrue(page.live)
        self.assertEqual(self.client.get("/guan-yu-gui-fan-cheng-qu/").status_code, 200)

        response = self.client.post(self.add_url, page_data())  # the same title again
        self.assertEqual(response.status_code, 302)
        self.assertCountEqual(
            StandardPage.objects.filter(title=TITLE).values_list("slug", flat=True),
            ["guan-yu-gui-fan-cheng-qu", "guan-yu-gui-fan-cheng-qu-2"],
        )

    def test_a_draft_gets_one_too(self):
        response = self.client.post(self.add_url, page_data(action="action-save"))
        self.assertIn(response.status_code, (200, 302))
        self.assertEqual(StandardPage.objects.get(title=TITLE).slug, "guan-yu-gui-fan-cheng-qu")

    def test_a_typed_slug_is_kept(self):
        self.client.post(self.add_url, page_data(slug="parking-fees"))
        self.assertEqual(StandardPage.objects.get(title=TITLE).slug, "parking-fees")

    def test_a_title_without_any_spelling_gets_the_date(self):
        self.client.post(self.add_url, page_data(title="！？"))
        self.assertRegex(StandardPage.objects.get(title="！？").slug, r"^20\d{6}$")

    def test_the_editor_slugifies_without_unicode(self):
        response = self.client.get(self.add_url)
        # Django leaves out an attribute whose value is False: w-slug's default, no Unicode.
        self.assertContains(response, 'data-controller="w-slug"')
        self.assertNotContains(response, "data-w-slug-allow-unicode-value")

    def test_pages_made_in_code_get_the_pinyin_slug(self):
        page = StandardPage(title="代表接待日安排")
        self.home.add_child(instance=page)
        self.assertEqual(page.slug, "dai-biao-jie-dai-ri-an")


class TestExistingSlugs(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = make_user("guanliyuan", superuser=True)
        cls.page = StandardPageFactory(parent=default_home(), title="工作制度", slug="工作制度")

    def setUp(self):
        self.client.force_login(self.admin)

    def test_an_existing_chinese_slug_still_works_and_can_be_saved(self):
        self.assertEqual(self.client.get(f"/{quote('工作制度')}/").status_code, 200)
        edit = reverse("wagtailadmin_pages:edit", args=[self.page.pk])
        response = self.client.post(edit, page_data(title="工作制度", slug="工作制度"))
        self.assertEqual(response.status_code, 302, response.content[:2000])
        self.page.refresh_from_db()
        self.assertEqual(self.page.slug, "工作制度")

    def test_changing_a_slug_leaves_a_redirect(self):
        edit = reverse("wagtailadmin_pages:edit", args=[self.page.pk])
        with self.captureOnCommitCallbacks(execute=True):  # Wagtail creates it after the commit
            response = self.client.post(edit, page_data(title="工作制度", slug="gong-zuo-zhi-du"))
        self.assertEqual(response.status_code, 302, response.content[:2000])
        self.assertTrue(Redirect.objects.filter(redirect_page=self.page).exists())
        response = self.client.get(f"/{quote('工作制度')}/")
        self.assertEqual(response.status_code, 301)
        self.assertEqual(response["Location"], "/gong-zuo-zhi-du/")
