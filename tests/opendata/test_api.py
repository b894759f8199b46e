"""Wagtail API v2 at /api/v2/: pages, images and documents, read-only. Only live, unrestricted
pages; only files that public content uses (never those of internal activities, draft records
or restricted collections); the same answer for a logged-in superuser as for anyone."""

import datetime

from django.contrib.auth import get_user_model
from django.test import TestCase
from wagtail.models import CollectionViewRestriction, PageViewRestriction

from core.factories import DocumentFactory, ImageFactory, root_collection
from deputies.factories import DeputyFactory
from documents.factories import DocumentFileFactory, NormativeDocumentFactory
from home.models import StandardPage
from news.factories import (
    AppraisalIndexPageFactory,
    AppraisalPageFactory,
    AppraisalStageFactory,
    AppraisalTeamMemberFactory,
    InitiativeIndexPageFactory,
    InitiativePageFactory,
    InitiativeResponseFactory,
    NewsCategoryFactory,
    NewsIndexPageFactory,
    NewsPageFactory,
)
from stations.factories import (
    ActivityFactory,
    ActivityFileFactory,
    ActivityPhotoFactory,
    StationFactory,
)
from tests.helpers import HIDDEN_MARKERS, create_hidden, default_home

API = "/api/v2/"


def titles(response):
    return [item["title"] for item in response.json()["items"]]


class ApiData(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home = default_home()
        news_index = NewsIndexPageFactory(parent=cls.home, slug="news")
        cls.category = NewsCategoryFactory(name="工作动态", slug="gongzuo-dongtai")
        cls.linked_document = DocumentFactory(title="新闻附件公开文件")
        cls.cover = ImageFactory(title="新闻封面公开图片")
        cls.news = NewsPageFactory(
            parent=news_index,
            title="公开新闻",
            date=datetime.date(2026, 5, 1),
            category=cls.category,
            summary="新闻摘要",
            cover_image=cls.cover,
            body=[
                {
                    "type": "paragraph",
                    "value": (
                        f'<p>见<a linktype="document" id="{cls.linked_document.pk}">附件</a></p>'
                    ),
                }
            ],
        )
        cls.hidden = create_hidden(NewsPageFactory, news_index, "隐藏新闻")
        # A login restriction (not only a password): a logged-in superuser may pass it on the
        # site, but the API authenticates nobody.
        cls.members_only = StandardPage(title="会员秘密页面", slug="members-only", summary="内部")
        cls.home.add_child(instance=cls.members_only)
        PageViewRestriction.objects.create(
            page=cls.members_only, restriction_type=PageViewRestriction.LOGIN
        )
        cls.members_child = StandardPage(title="受限子页面", slug="child")
        cls.members_only.add_child(instance=cls.members_child)
        cls.standard = StandardPage(
            title="机构设置",
            slug="about",
            summary="常委会机构",
            body=[{"type": "paragraph", "value": "<p>常委会设办公室。</p>"}],
        )
        cls.home.add_child(instance=cls.standard)

        initiatives = InitiativeIndexPageFactory(parent=cls.home)
        cls.initiative = InitiativePageFactory(
            parent=initiatives, title="秸秆禁烧倡议书", target="全县各级人大代表"
        )
        InitiativeResponseFactory(
            page=cls.initiative, deputy_name="王建国", action="宣传禁烧", households=5
        )
        appraisals = AppraisalIndexPageFactory(parent=cls.home)
        cls.appraisal = AppraisalPageFactory(parent=appraisals, year=2026)
        AppraisalStageFactory(page=cls.appraisal, stage="meeting")
        AppraisalTeamMemberFactory(page=cls.appraisal, name="李丽", role="组长")

        # Images and documents: used by public content, by hidden content, or by nothing.
        cls.public_photo = ImageFactory(title="公开代表照片")
        DeputyFactory(photo=cls.public_photo)
        DeputyFactory(live=False, photo=ImageFactory(title="草稿代表秘密照片"))
        station = StationFactory()
        public_activity = ActivityFactory(station=station)
        internal = ActivityFactory(station=station, is_public=False, title="内部活动")
        ActivityPhotoFactory(activity=public_activity, image=ImageFactory(title="公开活动照片"))
        ActivityPhotoFactory(activity=internal, image=ImageFactory(title="内部活动秘密照片"))
        ActivityFileFactory(
            activity=public_activity, document=DocumentFactory(title="公开活动资料")
        )
        ActivityFileFactory(activity=internal, document=DocumentFactory(title="内部活动秘密资料"))
        DocumentFileFactory(
            document=NormativeDocumentFactory(), file=DocumentFactory(title="公开规范性文件正文")
        )
        DocumentFileFactory(
            document=NormativeDocumentFactory(live=False),
            file=DocumentFactory(title="草稿规范性文件秘密正文"),
        )
        ImageFactory(title="未使用秘密图片")
        DocumentFactory(title="未使用秘密文件")
        # A restricted collection: used by public content, still not listed (Wagtail's rule).
        private = root_collection().add_child(name="内部资料")
        CollectionViewRestriction.objects.create(
            collection=private, restriction_type=CollectionViewRestriction.LOGIN
        )
        ActivityFileFactory(
            activity=public_activity,
            document=DocumentFactory(title="受限收藏夹秘密文件", collection=private),
        )
        DeputyFactory(photo=ImageFactory(title="受限收藏夹秘密照片", collection=private))


class PagesApiTests(ApiData):
    def test_listing_has_live_public_pages_only(self):
        response = self.client.get(f"{API}pages/", {"limit": 20})
        self.assertEqual(response.status_code, 200)
        listed = titles(response)
        for title in ("公开新闻", "机构设置", "秸秆禁烧倡议书", self.appraisal.title):
            self.assertIn(title, listed)
        for title in listed:
            self.assertFalse(any(marker in title for marker in HIDDEN_MARKERS), title)
        self.assertNotIn("会员秘密页面", listed)
        self.assertNotIn("受限子页面", listed, "a restricted page's descendants are hidden too")

    def test_hidden_pages_are_not_found(self):
        for page in [*self.hidden, self.members_only, self.members_child]:
            response = self.client.get(f"{API}pages/{page.pk}/")
            self.assertEqual(response.status_code, 404, page.title)

    def test_a_logged_in_superuser_gets_the_public_answer(self):
        user = get_user_model().objects.create_superuser("boss", "boss@example.cn", "pw")
        self.client.force_login(user)
        self.assertNotIn("会员秘密页面", titles(self.client.get(f"{API}pages/", {"limit": 20})))
        response = self.client.get(
            f"{API}pages/",
            HTTP_AUTHORIZATION="Basic Ym9zczpwdw==",  # boss:pw
        )
        self.assertNotIn("会员秘密页面", titles(response))

    def test_news_detail_fields(self):
        data = self.client.get(f"{API}pages/{self.news.pk}/").json()
        self.assertEqual(data["meta"]["type"], "news.NewsPage")
        self.assertEqual(data["date"], "2026-05-01")
        self.assertEqual(data["category"], {"id": self.category.pk, "name": "工作动态"})
        self.assertEqual(data["summary"], "新闻摘要")
        self.assertEqual(data["body"][0]["type"], "paragraph")
        self.assertEqual(data["cover_image"]["id"], self.cover.pk)
        self.assertIn("fill-720x480", data["cover_image_thumbnail"]["url"])

    def test_listing_by_type_with_fields(self):
        response = self.client.get(
            f"{API}pages/", {"type": "news.NewsPage", "fields": "date,category,summary"}
        )
        self.assertEqual(response.status_code, 200)
        items = response.json()["items"]
        self.assertEqual([item["title"] for item in items], ["公开新闻"])
        self.assertEqual(items[0]["category"]["name"], "工作动态")

    def test_initiative_appraisal_and_standard_page_fields(self):
        initiative = self.client.get(f"{API}pages/{self.initiative.pk}/").json()
        self.assertEqual(initiative["target"], "全县各级人大代表")
        self.assertIn("issued_date", initiative)
        self.assertEqual(initiative["responses"][0]["deputy_name"], "王建国")
        self.assertEqual(initiative["responses"][0]["households"], 5)
        self.assertNotIn("deputy", initiative["responses"][0])

        appraisal = self.client.get(f"{API}pages/{self.appraisal.pk}/").json()
        self.assertEqual(appraisal["year"], 2026)
        self.assertEqual(appraisal["department"]["name"], self.appraisal.department.name)
        self.assertEqual(appraisal["overall_satisfaction"], "92.50")
        self.assertEqual(appraisal["stages"][0]["stage_display"], "评议会议")
        self.assertEqual(appraisal["team_members"][0]["name"], "李丽")

        standard = self.client.get(f"{API}pages/{self.standard.pk}/").json()
        self.assertEqual(standard["summary"], "常委会机构")
        self.assertEqual(standard["body"][0]["value"], "<p>常委会设办公室。</p>")

    def test_read_only(self):
        for url in (
            f"{API}pages/",
            f"{API}pages/{self.news.pk}/",
            f"{API}images/",
            f"{API}documents/",
        ):
            self.assertEqual(self.client.post(url, {"title": "x"}).status_code, 405, url)
            self.assertEqual(self.client.put(url).status_code, 405, url)
            self.assertEqual(self.client.delete(url).status_code, 405, url)

    def test_search(self):
        response = self.client.get(f"{API}pages/", {"search": "公开新闻"})
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("会员秘密页面", titles(response))

    def test_huge_offset_and_unknown_search_operator_are_400_not_500(self):
        # Both were 500s (found by tests/security/test_fuzz.py).
        for endpoint in ("pages", "images", "documents"):
            for params in ({"offset": "9" * 20}, {"search": "新闻", "search_operator": "x"}):
                with self.subTest(endpoint=endpoint, params=params):
                    response = self.client.get(f"{API}{endpoint}/", params)
                    self.assertEqual(response.status_code, 400)
                    self.assertIn("message", response.json())
        self.assertEqual(self.client.get(f"{API}pages/", {"offset": "10000"}).status_code, 200)

    def test_does_not_shadow_the_other_apis(self):
        self.assertEqual(self.client.get("/api/search/", {"q": "新闻"}).status_code, 200)
        self.assertEqual(self.client.get("/api/areas/", {"q": ""}).status_code, 200)


class FilesApiTests(ApiData):
    def test_images_are_those_public_content_shows(self):
        response = self.client.get(f"{API}images/", {"limit": 20})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            sorted(titles(response)), sorted(["新闻封面公开图片", "公开代表照片", "公开活动照片"])
        )

    def test_documents_are_those_public_content_links(self):
        response = self.client.get(f"{API}documents/", {"limit": 20})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            sorted(titles(response)),
            sorted(["新闻附件公开文件", "公开活动资料", "公开规范性文件正文"]),
        )
        self.assertTrue(response.json()["items"][0]["meta"]["download_url"].startswith("http"))

    def test_hidden_files_are_not_found_by_id(self):
        from wagtail.documents import get_document_model
        from wagtail.images import get_image_model

        for image in get_image_model().objects.filter(title__contains="秘密"):
            self.assertEqual(self.client.get(f"{API}images/{image.pk}/").status_code, 404)
        for document in get_document_model().objects.filter(title__contains="秘密"):
            self.assertEqual(self.client.get(f"{API}documents/{document.pk}/").status_code, 404)
        self.assertEqual(self.client.get(f"{API}images/{self.public_photo.pk}/").status_code, 200)

    def test_a_file_goes_when_its_page_is_unpublished(self):
        self.news.unpublish()
        self.assertNotIn("新闻附件公开文件", titles(self.client.get(f"{API}documents/")))
        self.assertNotIn("新闻封面公开图片", titles(self.client.get(f"{API}images/")))

    def test_a_draft_revision_does_not_publish_its_files(self):
        draft_image = ImageFactory(title="草稿修订秘密图片")
        self.news.cover_image = draft_image
        self.news.save_revision()
        self.assertNotIn("草稿修订秘密图片", titles(self.client.get(f"{API}images/")))

    def test_nothing_hidden_in_any_listing(self):
        for endpoint in ("pages", "images", "documents"):
            body = self.client.get(f"{API}{endpoint}/", {"limit": 20}).content.decode()
            self.assertNotIn("秘密", body, endpoint)
