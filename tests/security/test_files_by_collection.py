"""Files by collection (issue 15, high): who may choose, see and download which image or document.

Two stations, 甲站 (the demo role `station` administers it) and 乙站 (another administrator), an
internal activity of 乙站 with a photo and a file, a draft normative document with its file, and
an editorial image and document in the root collection. Every demo role (station, daibiao,
fagong, editor, reviewer) tries every chooser, chosen, select-format, preview, edit, URL-generator
and serve URL of each file; only those who may choose it get it. Forged POSTs of the activity,
station, document and page forms naming a file the user may not choose change nothing, publish
nothing, say why in Chinese and never show the file. The data migrations move existing files into
the collections of the records that use them."""

import importlib
import re

from django.apps import apps
from django.test import TestCase
from django.urls import reverse
from wagtail.images import get_image_model
from wagtail.models import Collection
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from core.factories import DocumentFactory, ImageFactory, register_collection, root_collection
from core.file_choices import NOT_YOURS
from core.models import FileCollection
from deputies.factories import DeputyFactory, TownshipFactory
from documents.factories import DocumentFileFactory, NormativeDocumentFactory
from documents.models import NormativeDocument
from news.factories import NewsCategoryFactory, NewsIndexPageFactory, NewsPageFactory
from stations.factories import (
    ActivityFactory,
    ActivityFileFactory,
    ActivityPhotoFactory,
    StationFactory,
    StationSystemFactory,
)
from stations.models import Activity, ActivityPhoto, Station
from tests.admin_helpers import make_user, url
from tests.helpers import default_home
from tests.stations.test_admin import activity_data

ROLES = {
    "station": ["工作站管理员"],
    "daibiao": ["代表工委"],
    "fagong": ["法工委"],
    "editor": ["编辑"],
    "reviewer": ["审核"],
}


def rendition_urls(image):
    """The media URLs of the image's file and renditions (what must not reach a wrong user)."""
    stem = image.file.name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return [f"/media/original_images/{stem}", f"/media/images/{stem}."]


def body_text(response):
    if response.streaming:
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


class FilesTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.users = {name: make_user(name, *groups) for name, groups in ROLES.items()}
        cls.other_admin = make_user("yizhan", "工作站管理员")
        cls.superuser = make_user("admin", superuser=True)
        township = TownshipFactory(name="新桥镇")
        cls.ours = StationFactory(name="甲站", township=township, managers=[cls.users["station"]])
        cls.theirs = StationFactory(name="乙站", township=township, managers=[cls.other_admin])
        cls.ours_activity = ActivityFactory(station=cls.ours, title="甲站公开活动", is_public=True)
        cls.internal = ActivityFactory(station=cls.theirs, title="乙站内部活动", is_public=False)
        cls.secret_photo = ImageFactory(
            title="乙站内部活动秘密照片", collection=cls.theirs.collection
        )
        cls.secret_file = DocumentFactory(
            title="乙站内部活动秘密资料", collection=cls.theirs.collection
        )
        ActivityPhotoFactory(activity=cls.internal, image=cls.secret_photo)
        ActivityFileFactory(activity=cls.internal, document=cls.secret_file)
        cls.our_photo = ImageFactory(title="甲站自己的照片", collection=cls.ours.collection)
        cls.draft_document = NormativeDocumentFactory(live=False, title="未发布的规范性文件")
        cls.draft_file = DocumentFactory(
            title="未发布规范性文件正文", collection=register_collection(FileCollection.DOCUMENTS)
        )
        DocumentFileFactory(document=cls.draft_document, file=cls.draft_file)
        cls.editorial_image = ImageFactory(title="编辑部新闻图片", collection=root_collection())
        cls.editorial_file = DocumentFactory(title="编辑部通知附件", collection=root_collection())

    def login(self, user):
        self.client.force_login(user)


class TestCollections(FilesTestCase):
    def test_each_station_has_its_own_collection_named_after_it(self):
        parent = register_collection(FileCollection.STATIONS)
        self.assertEqual(parent.name, "代表工作站")
        for station in (self.ours, self.theirs):
            self.assertEqual(station.collection.name, station.name)
            self.assertEqual(station.collection.get_parent(), parent)

    def test_a_new_station_gets_a_collection_and_a_rename_renames_it(self):
        station = StationFactory(name="新建联络点", township=self.ours.township)
        self.assertEqual(station.collection.name, "新建联络点")
        station.name = "更名后的联络点"
        station.save()
        station.collection.refresh_from_db()
        self.assertEqual(station.collection.name, "更名后的联络点")

    def test_publishing_an_old_revision_keeps_the_collection(self):
        revision = self.ours.save_revision()
        collection = self.ours.collection
        revision.content["collection"] = None
        revision.save()
        revision.publish()
        self.ours.refresh_from_db()
        self.assertEqual(self.ours.collection, collection)
        self.assertEqual(Collection.objects.filter(name="甲站").count(), 1)

    def test_the_register_collections_and_the_root(self):
        names = {row.key: row.collection.name for row in FileCollection.objects.all()}
        self.assertEqual(
            names,
            {"stations": "代表工作站", "deputies": "人大代表照片", "documents": "规范性文件"},
        )
        for collection in (row.collection for row in FileCollection.objects.all()):
            self.assertEqual(collection.get_parent(), root_collection())


class TestWhoChoosesWhat(FilesTestCase):
    """Every chooser URL of every file, as every role: only those who may choose it get it."""

    def expectations(self):
        # file -> the users who may choose it (superusers always may).
        station, daibiao, fagong, editor, reviewer = (
            self.users[name] for name in ("station", "daibiao", "fagong", "editor", "reviewer")
        )
        return {
            self.secret_photo: {daibiao, self.other_admin},
            self.our_photo: {station, daibiao},
            self.editorial_image: {station, daibiao, editor, reviewer, self.other_admin},
            self.secret_file: {daibiao, self.other_admin},
            self.draft_file: {fagong},
            self.editorial_file: {editor, reviewer},
        }

    def everyone(self):
        return [*self.users.values(), self.other_admin]

    def test_image_chooser_listing_and_search(self):
        for image, allowed in self.expectations().items():
            if not isinstance(image, get_image_model()):
                continue
            for user in self.everyone():
                self.login(user)
                for name in ("choose", "choose_results"):
                    for query in ("", "?q=" + image.title, "?q=x", "?layout=list"):
                        with self.subTest(image=image.title, user=user.username, url=name + query):
                            response = self.client.get(
                                reverse(f"wagtailimages_chooser:{name}") + query
                            )
                            self.assertEqual(response.status_code, 200)
                            content = response.content.decode()
                            chosen = reverse("wagtailimages_chooser:chosen", args=[image.pk])
                            if user in allowed and query in ("", "?layout=list"):
                                self.assertIn(chosen, content)
                            elif user not in allowed:
                                self.assertNotIn(chosen, content)
                                for media in rendition_urls(image):
                                    self.assertNotIn(media, content)

    def test_image_chosen_select_format_preview_edit_and_url_generator(self):
        for image, allowed in self.expectations().items():
            if not isinstance(image, get_image_model()):
                continue
            urls = [
                reverse("wagtailimages_chooser:chosen", args=[image.pk]),
                reverse("wagtailimages_chooser:select_format", args=[image.pk]),
                reverse("wagtailimages:preview", args=[image.pk, "max-165x165"]),
                reverse("wagtailimages:edit", args=[image.pk]),
                reverse("wagtailimages:url_generator", args=[image.pk]),
                reverse("wagtailimages:image_usage", args=[image.pk]),
            ]
            for user in self.everyone():
                self.login(user)
                for address in urls:
                    with self.subTest(image=image.title, user=user.username, url=address):
                        response = self.client.get(address)
                        content = body_text(response)
                        if user in allowed and "chooser" in address:
                            self.assertEqual(response.status_code, 200)
                            self.assertIn(rendition_urls(image)[1], content)
                        elif user not in allowed:
                            self.assertIn(response.status_code, (302, 403, 404))
                            for media in rendition_urls(image):
                                self.assertNotIn(media, content)
                            self.assertNotIn(image.title, content)

    def test_document_chooser_and_chosen(self):
        for document, allowed in self.expectations().items():
            if isinstance(document, get_image_model()):
                continue
            for user in self.everyone():
                self.login(user)
                for query in ("", "?q=" + document.title):
                    for name in ("choose", "choose_results"):
                        with self.subTest(document=document.title, user=user.username, url=name):
                            response = self.client.get(
                                reverse(f"wagtaildocs_chooser:{name}") + query
                            )
                            self.assertEqual(response.status_code, 200)
                            # The listing's links: the chosen URL of the document.
                            chosen = reverse("wagtaildocs_chooser:chosen", args=[document.pk])
                            found = chosen in response.content.decode()
                            if query == "":
                                self.assertEqual(found, user in allowed)
                            elif user not in allowed:
                                self.assertFalse(found)
                with self.subTest(document=document.title, user=user.username, url="chosen"):
                    response = self.client.get(
                        reverse("wagtaildocs_chooser:chosen", args=[document.pk])
                    )
                    if user in allowed:
                        self.assertEqual(response.status_code, 200)
                        self.assertIn(document.url, response.content.decode())
                    else:
                        self.assertIn(response.status_code, (302, 403, 404))
                        self.assertNotIn(document.title, response.content.decode())

    def test_serving_a_document(self):
        for document, allowed in self.expectations().items():
            if isinstance(document, get_image_model()):
                continue
            for user in [None, *self.everyone(), self.superuser]:
                self.client.logout()
                if user is not None:
                    self.login(user)
                with self.subTest(document=document.title, user=user and user.username):
                    response = self.client.get(document.url)
                    if user is self.superuser or user in allowed:
                        self.assertEqual(response.status_code, 200)
                        b"".join(response.streaming_content)
                    else:
                        self.assertEqual(response.status_code, 404)

    def test_a_public_record_makes_its_file_public_to_everyone(self):
        published = NormativeDocumentFactory(title="已发布的规范性文件")
        public_file = DocumentFactory(
            title="已发布文件正文", collection=register_collection(FileCollection.DOCUMENTS)
        )
        DocumentFileFactory(document=published, file=public_file)
        for user in [None, *self.everyone()]:
            self.client.logout()
            if user is not None:
                self.login(user)
            with self.subTest(user=user and user.username):
                self.assertEqual(self.client.get(public_file.url).status_code, 200)

    def test_a_station_administrator_may_add_only_to_his_stations(self):
        self.login(self.users["station"])
        response = self.client.get(reverse("wagtailimages:add"))
        self.assertEqual(response.status_code, 200)
        # One collection he may add to: the field is hidden, uploads go to 甲站.
        self.assertNotIn("collection", response.context["form"].fields)
        response = self.client.post(
            reverse("wagtailimages_chooser:create"),
            {
                "image-chooser-upload-title": "甲站新照片",
                "image-chooser-upload-file": ImageFactory.build().file,
                "image-chooser-upload-collection": str(self.theirs.collection.pk),
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            get_image_model().objects.get(title="甲站新照片").collection, self.ours.collection
        )


class TestNoImageToChoose(FilesTestCase):
    """Issue 15, low: searching the image chooser as a user who may choose no image (法工委)
    was a 500 (EmptyResultSet from the search backend on an empty queryset)."""

    def test_the_chooser_search_answers_with_no_result(self):
        self.login(self.users["fagong"])
        for name in ("choose", "choose_results"):
            for query in ("x", "乙站", "内部 活动"):
                with self.subTest(url=name, q=query):
                    response = self.client.get(
                        reverse(f"wagtailimages_chooser:{name}"), {"q": query}
                    )
                    self.assertEqual(response.status_code, 200)
                    self.assertNotIn("/admin/images/chooser/chosen/", body_text(response))

    def test_the_backend_searches_an_empty_queryset(self):
        images = get_image_model().objects.filter(collection__in=[])
        self.assertEqual(list(images.search("乙站")), [])
        self.assertEqual(images.search("乙站").count(), 0)
        self.assertEqual(list(get_image_model().objects.none().search("x")), [])


class TestForgedPosts(FilesTestCase):
    """A form naming a file the user may not choose refuses, saves and publishes nothing, says
    why in Chinese and does not show the file."""

    def assertRefused(self, response, *files, message):
        self.assertEqual(response.status_code, 200)
        content = response.content.decode()
        self.assertIn(message, content)
        for file in files:
            self.assertNotIn(file.title, content)
            if isinstance(file, get_image_model()):
                for media in rendition_urls(file):
                    self.assertNotIn(media, content)

    def test_activity_form(self):
        self.login(self.users["station"])
        activity = self.ours_activity
        revisions = activity.revisions.count()
        data = activity_data(
            self.ours,
            photos=[(self.secret_photo, "")],
            **{"action-publish": "action-publish"},
        )
        data.update(
            nested_form_data(
                {"files": inline_formset([{"document": str(self.secret_file.pk), "title": ""}])}
            )
        )
        response = self.client.post(url(Activity, "edit", activity.pk), data)
        self.assertRefused(
            response, self.secret_photo, self.secret_file, message=NOT_YOURS["image"]
        )
        self.assertIn(NOT_YOURS["document"], response.content.decode())
        activity.refresh_from_db()
        self.assertEqual(activity.revisions.count(), revisions)
        self.assertFalse(activity.photos.exists())
        self.assertFalse(activity.files.exists())
        self.assertFalse(
            ActivityPhoto.objects.filter(image=self.secret_photo)
            .exclude(activity=self.internal)
            .exists()
        )
        # The file stays unreachable: not public, not downloadable by him.
        self.client.logout()
        self.assertEqual(self.client.get(self.secret_file.url).status_code, 404)

    def test_activity_form_keeps_a_file_it_already_holds(self):
        """A photo chosen earlier by someone else (代表工委 from the common collection, say)
        stays valid for the station administrator editing the record."""
        held = ImageFactory(title="代表工委放入的照片", collection=self.theirs.collection)
        ActivityPhotoFactory(activity=self.ours_activity, image=held)
        self.login(self.users["station"])
        photo = self.ours_activity.photos.get()
        data = activity_data(self.ours, **{"action-publish": "action-publish"})
        data.update(
            nested_form_data(
                {
                    "photos": inline_formset(
                        [{"id": str(photo.pk), "image": str(held.pk), "caption": "说明"}],
                        initial=1,
                    )
                }
            )
        )
        response = self.client.post(url(Activity, "edit", self.ours_activity.pk), data)
        self.assertEqual(response.status_code, 302)
        photo.refresh_from_db()
        self.assertEqual((photo.image, photo.caption), (held, "说明"))

    def test_station_form(self):
        from tests.stations.test_admin import station_data

        self.login(self.users["station"])
        data = station_data(
            self.ours.township,
            name=self.ours.name,
            photo=str(self.secret_photo.pk),
            **{"action-publish": "action-publish"},
        )
        data.update(
            nested_form_data(
                {
                    "systems": inline_formset(
                        [{"kind": "activity", "text": "", "document": str(self.secret_file.pk)}]
                    )
                }
            )
        )
        data.pop("managers")
        response = self.client.post(url(Station, "edit", self.ours.pk), data)
        self.assertRefused(
            response, self.secret_photo, self.secret_file, message=NOT_YOURS["image"]
        )
        self.ours.refresh_from_db()
        self.assertIsNone(self.ours.photo)
        self.assertFalse(self.ours.systems.exists())

    def test_normative_document_form(self):
        self.login(self.users["fagong"])
        document = NormativeDocumentFactory(title="法工委的文件")
        edit = self.client.get(url(NormativeDocument, "edit", document.pk))
        form = edit.context["form"]
        data = {}  # the form as shown, then the forged file row
        for name in form.fields:
            value = form[name].value()
            if value is None:
                continue
            data[name] = value if not hasattr(value, "isoformat") else value.isoformat()
        data.update(
            nested_form_data(
                {"files": inline_formset([{"file": str(self.secret_file.pk), "label": "正文"}])}
            )
        )
        data["action-publish"] = "action-publish"
        response = self.client.post(url(NormativeDocument, "edit", document.pk), data)
        self.assertRefused(response, self.secret_file, message=NOT_YOURS["document"])
        self.assertFalse(document.files.exists())

    def test_page_form(self):
        home = default_home()
        index = NewsIndexPageFactory(parent=home, title="新闻动态", slug="news")
        page = NewsPageFactory(parent=index, title="一条新闻", slug="a-news")
        category = NewsCategoryFactory(name="工作动态", slug="gongzuo")
        self.login(self.users["editor"])
        data = nested_form_data(
            {
                "title": "一条新闻",
                "slug": "a-news",
                "date": "2026-11-25",
                "category": category.pk,
                "source": "",
                "tags": "",
                "summary": "摘要",
                "cover_image": str(self.secret_photo.pk),
                "cover_image_alt": "",
                "body": streamfield(
                    [("document", {"document": str(self.draft_file.pk), "title": ""})]
                ),
            }
        )
        revisions = page.revisions.count()
        response = self.client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)
        self.assertRefused(response, self.secret_photo, self.draft_file, message=NOT_YOURS["image"])
        self.assertIn(NOT_YOURS["document"], response.content.decode())
        self.assertEqual(page.revisions.count(), revisions)
        page.refresh_from_db()
        self.assertIsNone(page.cover_image)

    def test_a_page_body_document_link_in_rich_text(self):
        from wagtail.test.utils.form_data import rich_text

        from core.blocks import RICH_TEXT_FEATURES

        home = default_home()
        index = NewsIndexPageFactory(parent=home, title="新闻动态", slug="news")
        page = NewsPageFactory(parent=index, title="一条新闻", slug="a-news")
        self.login(self.users["editor"])

        def linking(document):
            link = f'<p><a linktype="document" id="{document.pk}">附件</a></p>'
            return nested_form_data(
                {
                    "title": "一条新闻",
                    "slug": "a-news",
                    "date": "2026-11-25",
                    "category": page.category.pk,
                    "summary": "摘要",
                    "body": streamfield(
                        [("paragraph", rich_text(link, features=RICH_TEXT_FEATURES))]
                    ),
                }
            )

        response = self.client.post(
            reverse("wagtailadmin_pages:edit", args=[page.pk]), linking(self.draft_file)
        )
        self.assertRefused(response, self.draft_file, message=NOT_YOURS["document"])
        # An editorial file he may choose is taken.
        data = linking(self.editorial_file)
        response = self.client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)
        self.assertEqual(response.status_code, 302)


class TestMigrationsMoveExistingFiles(TestCase):
    """The data migrations, run again on files left in the root: each moves to the collection of
    the records that use it; a file a page uses, or nothing uses, stays in the root."""

    def test_files_move_where_they_belong(self):
        township = TownshipFactory(name="古城镇")
        first = StationFactory(name="一站", township=township)
        second = StationFactory(name="二站", township=township)
        root = root_collection()
        station_photo = ImageFactory(collection=root)
        first.photo = station_photo
        first.save()
        Station.objects.filter(pk=first.pk).update(photo=station_photo)
        shared = DocumentFactory(collection=root)
        StationSystemFactory(station=first, kind="activity", document=shared)
        StationSystemFactory(station=second, kind="activity", document=shared)
        activity_file = DocumentFactory(collection=root)
        ActivityFileFactory(activity=ActivityFactory(station=second), document=activity_file)
        deputy_photo = ImageFactory(collection=root)
        DeputyFactory(photo=deputy_photo)
        normative = DocumentFactory(collection=root)
        DocumentFileFactory(file=normative)
        on_a_page = ImageFactory(collection=root)
        news = NewsPageFactory(
            parent=NewsIndexPageFactory(parent=default_home(), slug="news"), cover_image=on_a_page
        )
        ActivityPhotoFactory(activity=ActivityFactory(station=first), image=on_a_page)
        news.save_revision().publish()
        unused = ImageFactory(collection=root)
        # Put everything back in the root, as before the migrations.
        for model in (get_image_model(), type(shared)):
            model.objects.all().update(collection=root)

        for module in (
            "deputies.migrations.0005_photo_collection",
            "documents.migrations.0003_file_collection",
            "stations.migrations.0005_station_files",
        ):
            importlib.import_module(module).forwards(apps, None)

        def collection_of(file):
            file.refresh_from_db()
            return file.collection

        self.assertEqual(collection_of(station_photo), first.collection)
        self.assertEqual(collection_of(activity_file), second.collection)
        self.assertEqual(collection_of(shared), register_collection(FileCollection.STATIONS))
        self.assertEqual(collection_of(deputy_photo), register_collection(FileCollection.DEPUTIES))
        self.assertEqual(collection_of(normative), register_collection(FileCollection.DOCUMENTS))
        self.assertEqual(collection_of(on_a_page), root)
        self.assertEqual(collection_of(unused), root)

    def test_the_groups_grants(self):
        from wagtail.models import GroupCollectionPermission

        def grants(group):
            return {
                (
                    row.collection.name if row.collection.depth > 1 else "root",
                    row.permission.codename,
                )
                for row in GroupCollectionPermission.objects.filter(group__name=group)
            }

        self.assertEqual(
            grants("工作站管理员"),
            {
                ("root", "choose_image"),
                ("代表工作站", "add_image"),
                ("代表工作站", "choose_image"),
                ("代表工作站", "add_document"),
                ("代表工作站", "choose_document"),
            },
        )
        self.assertEqual(
            grants("法工委"), {("规范性文件", "add_document"), ("规范性文件", "choose_document")}
        )
        daibiao = grants("代表工委")
        self.assertIn(("人大代表照片", "add_image"), daibiao)
        self.assertNotIn(("root", "add_image"), daibiao)
        self.assertNotIn(("root", "choose_document"), daibiao)
        self.assertFalse(re.search("root", str(grants("法工委"))))
