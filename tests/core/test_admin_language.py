"""The zh-hans admin speaks Chinese where Wagtail 8's own zh_Hans catalogue falls short: the
project's catalogue (website/locale/zh_Hans/LC_MESSAGES/django.po, LOCALE_PATHS) fills the gaps
found by rendering the admin's screens. The committed .mo must be compiled from the .po."""

import re
from pathlib import Path

import polib
from django.conf import settings
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import translation
from wagtail.models import Page

from documents.factories import IssuingBodyFactory, NormativeDocumentFactory
from documents.models import NormativeDocument
from tests.admin_helpers import make_user, url
from tests.documents.admin_helpers import resubmission

CATALOGUE = Path(settings.BASE_DIR) / "website" / "locale" / "zh_Hans" / "LC_MESSAGES"

# English the acceptance test saw in the zh-hans admin (issue 16 item 6), and more found by
# rendering the same screens: none may be left.
ENGLISH = [
    "Pages created in",
    "Page <span",
    "New: ",
    "created and published",
    "updated and published",
    "Go to the first error",
    "Autosave is paused",
    "Anyone can edit this",
    "Page types usage",
    "Search terms",
    "Save your changes before leaving",
    "Sort by '",
    "To be created by",
    "Locking: ",
    "Choose when this",
    "Show disabled",
]


def english_in(html):
    return [phrase for phrase in ENGLISH if phrase in html]


@override_settings(LANGUAGE_CODE="zh-hans")
class TestNoEnglishInTheAdmin(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = make_user("guanliyuan", superuser=True)
        cls.body = IssuingBodyFactory(name="县人民政府")
        cls.document = NormativeDocumentFactory(
            title="关于规范城区停车收费的通知", issuing_body=cls.body
        )

    def setUp(self):
        self.client.force_login(self.admin)
        translation.activate("zh-hans")

    def get(self, path, **params):
        response = self.client.get(path, params, follow=True)
        self.assertEqual(response.status_code, 200, path)
        return response.content.decode()

    def assertChinese(self, html, screen):
        self.assertEqual(english_in(html), [], screen)

    def test_dashboard(self):
        html = self.get(reverse("wagtailadmin_home"))
        self.assertRegex(html, r"\d+ 个页面")
        self.assertChinese(html, "dashboard")

    def test_reports(self):
        for name in (
            "wagtailadmin_reports:page_types_usage",
            "wagtailsearchpromotions:search_terms",
        ):
            with self.subTest(name):
                html = self.get(reverse(name))
                self.assertChinese(html, name)
        self.assertIn(
            "页面类型使用情况", self.get(reverse("wagtailadmin_reports:page_types_usage"))
        )
        self.assertIn("搜索词", self.get(reverse("wagtailsearchpromotions:search_terms")))

    def test_snippet_create_and_edit_screens(self):
        html = self.get(url(NormativeDocument, "add"))
        self.assertIn("新建规范性文件", html)
        self.assertChinese(html, "create view")
        html = self.get(url(NormativeDocument, "edit", self.document.pk))
        self.assertIn("自动保存已暂停", html)
        self.assertIn("任何人都可以编辑此规范性文件", html)
        self.assertChinese(html, "edit view")
        self.assertChinese(self.get(url(NormativeDocument, "list")), "listing")

    def test_page_screens(self):
        home = Page.objects.get(depth=2)
        for path in (
            reverse("wagtailadmin_explore", args=[home.pk]),
            reverse("wagtailadmin_pages:edit", args=[home.pk]),
        ):
            with self.subTest(path):
                self.assertChinese(self.get(path), path)

    def test_messages_after_saving(self):
        data = resubmission(
            self.client.get(url(NormativeDocument, "add")).context["form"],
            title="关于加强城市养犬管理的通告",
            issuing_body=self.body.pk,
            date_issued="2026-04-01",
            validity="valid",
        )
        data["action-publish"] = "action-publish"
        response = self.client.post(url(NormativeDocument, "add"), data, follow=True)
        html = response.content.decode()
        self.assertIn("已创建并发布", html)
        self.assertChinese(html, "created and published")

        document = NormativeDocument.objects.get(title="关于加强城市养犬管理的通告")
        response = self.client.get(url(NormativeDocument, "edit", document.pk))
        data = resubmission(response.context["form"], summary="摘要")
        data["action-publish"] = "action-publish"
        html = self.client.post(
            url(NormativeDocument, "edit", document.pk), data, follow=True
        ).content.decode()
        self.assertIn("已更新并发布", html)
        self.assertChinese(html, "updated and published")


class TestCatalogue(TestCase):
    def test_the_committed_mo_is_compiled_from_the_po(self):
        po = polib.pofile(str(CATALOGUE / "django.po"))
        mo = polib.mofile(str(CATALOGUE / "django.mo"))
        compiled = {(entry.msgctxt, entry.msgid): entry for entry in mo}
        for entry in po.translated_entries():
            with self.subTest(entry.msgid):
                found = compiled.get((entry.msgctxt, entry.msgid))
                self.assertIsNotNone(found, "run `make messages`")
                self.assertEqual(
                    (found.msgstr, found.msgstr_plural),
                    (entry.msgstr, entry.msgstr_plural),
                    "run `make messages`",
                )
        self.assertEqual(len(compiled), len(po.translated_entries()), "run `make messages`")

    def test_translations_keep_the_placeholders(self):
        placeholder = re.compile(r"%\(\w+\)[sd]|\{\w+\}")
        for entry in polib.pofile(str(CATALOGUE / "django.po")):
            source = set(placeholder.findall(entry.msgid_plural or entry.msgid))
            translated = entry.msgstr_plural.get(0, "") if entry.msgid_plural else entry.msgstr
            with self.subTest(entry.msgid):
                self.assertEqual(set(placeholder.findall(translated)), source)
