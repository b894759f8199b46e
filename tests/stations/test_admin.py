"""The station network's admin (menu 代表工作站) as 代表工委 and as a station administrator:
listings, filters, Chinese search, CSV/XLSX export, inspect views, and bad input — coordinates
out of range, a past reception published, a deputy on duty from another station (a warning),
uploads that are not images, oversized files: a clear Chinese message and nothing saved."""

import datetime
import io
from decimal import Decimal
from unittest import mock

import PIL.Image
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from core.factories import DocumentFactory, ImageFactory, register_collection
from core.models import FileCollection
from deputies.factories import DeputyFactory, TownshipFactory
from stations.factories import (
    ActivityFactory,
    ActivityPhotoFactory,
    ReceptionFactory,
    StationDeputyFactory,
    StationFactory,
    add_all_systems,
)
from stations.forms import NOT_YOUR_STATION, PAST_RECEPTION
from stations.models import Activity, Reception, Station
from tests.admin_helpers import ListingAssertions, csv_rows, make_user, url, xlsx_rows

STATION_ADMINS = "工作站管理员"
STAFF = "代表工委"


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def future(days=7):
    return timezone.localdate() + datetime.timedelta(days=days)


def reception_data(station, deputies=(), **fields):
    data = {
        "station": str(station.pk),
        "date": future().isoformat(),
        "start_time": "09:00",
        "end_time": "11:30",
        "deputies": [str(deputy.pk) for deputy in deputies],
        "topic": "听取群众意见",
        "notes": "",
    }
    data.update(fields)
    return data


def activity_data(station, photos=(), **fields):
    data = nested_form_data(
        {
            "station": str(station.pk),
            "kind": "voters",
            "date": (timezone.localdate() - datetime.timedelta(days=2)).isoformat(),
            "title": "代表进站联系选民",
            "participants_count": "25",
            "body": '{"blocks": [], "entityMap": {}}',
            "photos": inline_formset(
                [{"image": str(image.pk), "caption": caption} for image, caption in photos]
            ),
            "files": inline_formset([]),
            "is_public": "on",
        }
    )
    data["deputies"] = []
    data.update(fields)
    return data


def station_data(township, **fields):
    data = nested_form_data(
        {
            "name": "新建人大代表联络点",
            "kind": "point",
            "township": str(township.pk),
            "introduction": '{"blocks": [], "entityMap": {}}',
            "photo": "",
            "address": "城关镇人民路1号",
            "latitude": "38.041234",
            "longitude": "114.512345",
            "opening_hours": "",
            "phone": "",
            "person_in_charge": "",
            "person_in_charge_post": "",
            "administrator_name": "",
            "administrator_phone": "",
            "resident_deputies": inline_formset([]),
            "equipment": "",
            "systems": inline_formset([]),
        }
    )
    data["areas"] = []
    data["managers"] = []
    data.update(fields)
    return data


def with_deputies(obj, *deputies):
    """Set a ParentalManyToManyField (written to the database on save, not on set)."""
    obj.deputies.set(deputies)
    obj.save()
    return obj


def png(size=(40, 30), name="photo.png"):
    buffer = io.BytesIO()
    PIL.Image.new("RGB", size, "#9e1b1f").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


class AdminTestCase(ListingAssertions, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.chengguan = TownshipFactory(name="城关镇")
        cls.hekou = TownshipFactory(name="河口乡")
        cls.staff = make_user("daigongwei", STAFF)
        cls.manager = make_user("zhanzhang", STATION_ADMINS)
        cls.station = StationFactory(
            name="城关镇人大代表工作站",
            township=cls.chengguan,
            address="城关镇解放路8号",
            latitude=Decimal("38.041234"),
            longitude=Decimal("114.512345"),
            managers=[cls.manager],
        )
        cls.home = StationFactory(
            name="河口乡人大代表之家",
            kind="home",
            township=cls.hekou,
            address="河口乡政府院内",
            latitude=Decimal("38.101234"),
            longitude=Decimal("114.602345"),
            live=False,
        )
        add_all_systems(cls.station)
        cls.wang = DeputyFactory(name="王建国")
        cls.li = DeputyFactory(name="李秀英")
        cls.zhao = DeputyFactory(name="赵卫东")
        StationDeputyFactory(station=cls.station, deputy=cls.wang, role="站长")
        StationDeputyFactory(station=cls.home, deputy=cls.li)

        cls.reception = with_deputies(
            ReceptionFactory(station=cls.station, date=future(5), topic="乡村振兴"), cls.wang
        )
        cls.old_reception = ReceptionFactory(
            station=cls.station, date=datetime.date(2025, 3, 15), topic="营商环境"
        )
        cls.home_reception = ReceptionFactory(
            station=cls.home, date=future(9), topic="秸秆禁烧", live=False
        )
        cls.activity = with_deputies(
            ActivityFactory(
                station=cls.station,
                kind="inspection",
                title="视察农村公路建设",
                date=datetime.date(2025, 6, 3),
            ),
            cls.wang,
        )
        cls.internal = ActivityFactory(
            station=cls.home,
            kind="training",
            title="代表学习地方组织法",
            date=datetime.date(2025, 9, 20),
            is_public=False,
        )
        ActivityPhotoFactory(activity=cls.activity, caption="代表察看路面")

    def setUp(self):
        self.client.force_login(self.staff)


class TestListings(AdminTestCase):
    def test_every_listing_renders_with_its_columns(self):
        for model, texts in (
            (Station, ["城关镇人大代表工作站", "人大代表之家", "城关镇"]),
            (Reception, ["乡村振兴", "09:00—11:30", "王建国"]),
            (Activity, ["视察农村公路建设", "视察调研", "代表学习地方组织法"]),
        ):
            with self.subTest(model=model.__name__):
                response = self.client.get(url(model, "list"))
                self.assertEqual(response.status_code, 200)
                for text in texts:
                    self.assertContains(response, text)

    def test_query_count_does_not_grow_with_the_rows(self):
        def queries(model):
            with CaptureQueriesContext(connection) as captured:
                self.assertEqual(self.client.get(url(model, "list")).status_code, 200)
            return len(captured.captured_queries)

        before = {model: queries(model) for model in (Station, Reception, Activity)}
        for number in range(5):
            station = StationFactory(
                name=f"加测站{number}",
                township=self.hekou,
                latitude=Decimal("38.1"),
                longitude=Decimal("114.6"),
            )
            StationDeputyFactory(station=station)
            with_deputies(ReceptionFactory(station=station), self.wang, self.li)
            with_deputies(ActivityFactory(station=station), self.zhao)
        for model, count in before.items():
            self.assertEqual(queries(model), count, model.__name__)

    def test_station_filters(self):
        self.assertListed(Station, {"township": self.hekou.pk}, [self.home])
        self.assertListed(Station, {"kind": "home"}, [self.home])
        self.assertListed(Station, {"live": "true"}, [self.station])
        self.assertListed(Station, {"live": "false"}, [self.home])

    def test_reception_filters(self):
        self.assertListed(Reception, {"station": self.home.pk}, [self.home_reception])
        self.assertListed(
            Reception, {"township": self.chengguan.pk}, [self.reception, self.old_reception]
        )
        self.assertListed(
            Reception,
            {"date_from": "2025-01-01", "date_to": "2025-12-31"},
            [self.old_reception],
        )
        self.assertListed(Reception, {"date_from": future(6).isoformat()}, [self.home_reception])
        self.assertListed(Reception, {"live": "false"}, [self.home_reception])

    def test_activity_filters(self):
        self.assertListed(Activity, {"station": self.station.pk}, [self.activity])
        self.assertListed(Activity, {"township": self.hekou.pk}, [self.internal])
        self.assertListed(Activity, {"kind": "training"}, [self.internal])
        self.assertListed(Activity, {"is_public": "false"}, [self.internal])
        self.assertListed(Activity, {"is_public": "true"}, [self.activity])
        self.assertListed(
            Activity, {"date_from": "2025-06-01", "date_to": "2025-06-30"}, [self.activity]
        )

    def test_search_in_chinese(self):
        self.assertListed(Station, {"q": "河口"}, [self.home])
        self.assertListed(Station, {"q": "解放路"}, [self.station])
        self.assertListed(Reception, {"q": "禁烧"}, [self.home_reception])
        self.assertListed(Reception, {"q": "城关镇"}, [self.reception, self.old_reception])
        self.assertListed(Activity, {"q": "公路"}, [self.activity])
        self.assertListed(Activity, {"q": "不存在的活动"}, [])

    def test_station_filter_of_an_administrator_offers_his_stations_only(self):
        self.client.force_login(self.manager)
        response = self.client.get(url(Reception, "list"))
        choices = response.context["filters"].form.fields["station"].queryset
        self.assertEqual(list(choices), [self.station])
        self.assertNotContains(response, "河口乡人大代表之家")


class TestExport(AdminTestCase):
    def test_csv_and_xlsx_of_every_register(self):
        for model, headings, count in (
            (Station, ["名称", "类型", "服务村（社区）", "进站代表", "工作制度", "已发布"], 2),
            (Reception, ["工作站", "日期", "值班代表", "接待主题", "已发布"], 3),
            (Activity, ["工作站", "活动类型", "标题", "参加代表", "活动照片", "公开"], 2),
        ):
            with self.subTest(model=model.__name__):
                header, *rows = csv_rows(self.client.get(url(model, "list"), {"export": "csv"}))
                for heading in headings:
                    self.assertIn(heading, header)
                self.assertEqual(len(rows), count)
                sheet = xlsx_rows(self.client.get(url(model, "list"), {"export": "xlsx"}))
                self.assertEqual(sheet[0], header)
                self.assertEqual(len(sheet), count + 1)

    def test_computed_columns(self):
        header, *rows = csv_rows(
            self.client.get(url(Station, "list"), {"export": "csv", "township": self.chengguan.pk})
        )
        row = dict(zip(header, rows[0], strict=True))
        self.assertEqual(row["进站代表"], "王建国（站长）")
        self.assertTrue(row["工作制度"].startswith("6/6"))
        self.assertEqual(row["已发布"], "是")
        header, *rows = csv_rows(
            self.client.get(url(Activity, "list"), {"export": "csv", "q": "公路"})
        )
        row = dict(zip(header, rows[0], strict=True))
        self.assertEqual(row["活动照片"], "1 张：代表察看路面")
        self.assertEqual(row["参加代表"], "王建国")
        self.assertEqual(row["活动类型"], "视察调研")


class TestInspect(AdminTestCase):
    def test_inspect_views(self):
        for model, obj, texts in (
            (Station, self.station, ["王建国（站长）", "6/6", self.manager.username]),
            (Reception, self.reception, ["王建国", "非本站进站代表的值班代表", "无"]),
            (Activity, self.activity, ["代表察看路面", "代表们听取了群众意见。", "视察调研"]),
        ):
            with self.subTest(model=model.__name__):
                response = self.client.get(url(model, "inspect", obj.pk))
                self.assertEqual(response.status_code, 200)
                for text in texts:
                    self.assertContains(response, text)

    def test_menu_group(self):
        from django.test import RequestFactory
        from wagtail.admin.menu import admin_menu

        request = RequestFactory().get("/admin/")
        request.user = self.staff
        group = next(
            item
            for item in admin_menu.menu_items_for_request(request)
            if item.label == "代表工作站"
        )
        self.assertEqual(
            [item.label for item in group.menu.menu_items_for_request(request)],
            ["工作站", "代表接待日", "活动记录"],
        )


class TestCreateAndEdit(AdminTestCase):
    def test_create_and_publish_a_reception(self):
        data = reception_data(self.station, deputies=[self.wang], **{"action-publish": "1"})
        response = self.client.post(url(Reception, "add"), data)
        self.assertEqual(response.status_code, 302)
        created = Reception.objects.get(topic="听取群众意见")
        self.assertTrue(created.live)
        self.assertEqual(list(created.deputies.all()), [self.wang])
        self.assertFalse(any("请注意" in message for message in messages_of(response)))

    def test_create_an_activity_with_a_photo(self):
        image = ImageFactory()
        data = activity_data(self.station, photos=[(image, "座谈现场")], **{"action-publish": "1"})
        response = self.client.post(url(Activity, "add"), data)
        self.assertEqual(response.status_code, 302)
        created = Activity.objects.get(title="代表进站联系选民")
        self.assertEqual(created.photos.get().caption, "座谈现场")
        self.assertTrue(created.live)

    def test_staff_create_a_station_with_its_administrator(self):
        data = station_data(self.chengguan, managers=[str(self.manager.pk)])
        response = self.client.post(url(Station, "add"), data)
        self.assertEqual(response.status_code, 302)
        created = Station.objects.get(name="新建人大代表联络点")
        self.assertEqual(list(created.managers.all()), [self.manager])
        self.assertIn(created, self.manager.managed_stations.all())

    def test_administrators_are_chosen_from_the_station_administrators_group(self):
        response = self.client.get(url(Station, "edit", self.station.pk))
        choices = response.context["form"].fields["managers"].queryset
        self.assertEqual(list(choices), [self.manager])
        data = station_data(self.chengguan, name="另一站", managers=[str(self.staff.pk)])
        response = self.client.post(url(Station, "add"), data)
        self.assertIn("managers", response.context["form"].errors)
        self.assertFalse(Station.objects.filter(name="另一站").exists())


class TestBadInput(AdminTestCase):
    def test_coordinates_out_of_range(self):
        count = Station.objects.count()
        for field, value in (("latitude", "91"), ("longitude", "-181"), ("latitude", "abc")):
            with self.subTest(field=field, value=value):
                data = station_data(self.chengguan, **{field: value})
                response = self.client.post(url(Station, "add"), data)
                self.assertEqual(response.status_code, 200)
                errors = response.context["form"].errors[field]
                self.assertTrue(errors)
                self.assertTrue(all(any("\u4e00" <= c <= "\u9fff" for c in e) for e in errors))
        self.assertEqual(Station.objects.count(), count)
        self.assertIn("输入一个数字。", response.context["form"].errors["latitude"])

    def test_latitude_above_90_names_the_limit(self):
        response = self.client.post(
            url(Station, "add"), station_data(self.chengguan, latitude="91")
        )
        self.assertEqual(response.context["form"].errors["latitude"], ["确保该值小于或等于90。"])

    def test_coordinates_out_of_range_on_edit_change_nothing(self):
        self.client.force_login(self.manager)
        form = self.client.get(url(Station, "edit", self.station.pk)).context["form"]
        data = station_data(self.chengguan, name=self.station.name, longitude="200")
        data.pop("managers")
        data["action-publish"] = "1"
        revisions = self.station.revisions.count()
        response = self.client.post(url(Station, "edit", self.station.pk), data)
        self.assertEqual(response.status_code, 200)
        self.assertIn("longitude", response.context["form"].errors)
        self.assertNotIn("managers", form.fields)
        self.station.refresh_from_db()
        self.assertEqual(self.station.longitude, Decimal("114.512345"))
        self.assertEqual(self.station.revisions.count(), revisions)

    def test_publishing_a_past_reception_is_refused(self):
        count = Reception.objects.count()
        yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
        data = reception_data(self.station, date=yesterday, **{"action-publish": "1"})
        response = self.client.post(url(Reception, "add"), data)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["form"].errors["date"], [PAST_RECEPTION])
        self.assertEqual(Reception.objects.count(), count)

    def test_a_reception_that_ended_today_is_past_too(self):
        today = timezone.localdate()
        noon = timezone.make_aware(datetime.datetime.combine(today, datetime.time(12, 0)))
        with mock.patch("django.utils.timezone.now", return_value=noon):
            ended = reception_data(
                self.station,
                date=today.isoformat(),
                start_time="08:00",
                end_time="11:30",
                **{"action-publish": "1"},
            )
            response = self.client.post(url(Reception, "add"), ended)
            self.assertEqual(response.context["form"].errors["date"], [PAST_RECEPTION])
            # One still going on at noon may be published.
            going_on = {**ended, "start_time": "11:00", "end_time": "13:00", "topic": "进行中"}
            self.assertEqual(self.client.post(url(Reception, "add"), going_on).status_code, 302)
        self.assertTrue(Reception.objects.get(topic="进行中").live)

    def test_a_past_reception_may_be_saved_as_a_draft(self):
        yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
        response = self.client.post(
            url(Reception, "add"), reception_data(self.station, date=yesterday, topic="补录")
        )
        self.assertEqual(response.status_code, 302)
        self.assertFalse(Reception.objects.get(topic="补录").live)

    def test_republishing_a_reception_moved_into_the_past_is_refused(self):
        self.client.force_login(self.manager)
        form = self.client.get(url(Reception, "edit", self.reception.pk)).context["form"]
        self.assertEqual(form["station"].value(), self.station.pk)
        data = reception_data(
            self.station,
            deputies=[self.wang],
            date="2024-01-01",
            topic="乡村振兴",
            **{"action-publish": "1"},
        )
        response = self.client.post(url(Reception, "edit", self.reception.pk), data)
        self.assertEqual(response.context["form"].errors["date"], [PAST_RECEPTION])
        self.reception.refresh_from_db()
        self.assertEqual(self.reception.date, future(5))

    def test_a_deputy_on_duty_from_elsewhere_is_a_warning(self):
        data = reception_data(
            self.station, deputies=[self.wang, self.li, self.zhao], **{"action-publish": "1"}
        )
        response = self.client.post(url(Reception, "add"), data)
        self.assertEqual(response.status_code, 302)
        created = Reception.objects.get(topic="听取群众意见")
        self.assertTrue(created.live)
        warnings = [m for m in messages_of(response) if "不是本站的进站代表" in m]
        self.assertEqual(len(warnings), 1)
        self.assertIn("李秀英、赵卫东", warnings[0])
        self.assertNotIn("王建国", warnings[0])

    def test_a_post_naming_another_station_is_refused(self):
        self.client.force_login(self.manager)
        response = self.client.post(
            url(Reception, "add"), reception_data(self.home, **{"action-publish": "1"})
        )
        self.assertEqual(response.context["form"].errors["station"], [NOT_YOUR_STATION])
        self.assertFalse(Reception.objects.filter(topic="听取群众意见").exists())

    def test_an_activity_dated_in_the_future_is_refused(self):
        data = activity_data(self.station, date=future(5).isoformat())
        response = self.client.post(url(Activity, "add"), data)
        self.assertEqual(response.status_code, 200)
        self.assertIn("不能晚于今天", response.context["form"].errors["date"][0])
        self.assertFalse(Activity.objects.filter(title="代表进站联系选民").exists())


class TestUploads(AdminTestCase):
    """Photos and files come through Wagtail's image and document uploads, which check the
    format and WAGTAILIMAGES_MAX_UPLOAD_SIZE / WAGTAILDOCS_MAX_UPLOAD_SIZE (settings/base.py)."""

    def setUp(self):
        self.client.force_login(self.manager)
        # His station's collection, the only one he may add to (the form hides the field).
        self.collection = self.station.collection

    def upload_image(self, file):
        return self.client.post(
            reverse("wagtailimages:add"),
            {"title": "活动照片", "file": file, "collection": self.collection.pk},
        )

    def test_a_station_administrator_uploads_a_photo(self):
        response = self.upload_image(png())
        self.assertEqual(response.status_code, 302)
        image = get_image_model().objects.get(title="活动照片")
        self.assertEqual(image.collection, self.station.collection)

    def test_a_file_that_is_not_an_image_is_refused(self):
        count = get_image_model().objects.count()
        for file in (
            SimpleUploadedFile("notice.jpg", "这不是图片".encode(), content_type="image/jpeg"),
            SimpleUploadedFile("notice.pdf", b"%PDF-1.4\n", content_type="application/pdf"),
        ):
            with self.subTest(file.name):
                response = self.upload_image(file)
                self.assertEqual(response.status_code, 200)
                errors = response.context["form"].errors["file"]
                self.assertTrue(any("图片" in error for error in errors), errors)
        self.assertEqual(get_image_model().objects.count(), count)

    def test_an_image_with_the_wrong_extension_is_refused(self):
        response = self.upload_image(png(name="photo.gif"))
        self.assertEqual(response.status_code, 200)
        self.assertIn("file", response.context["form"].errors)

    @override_settings(WAGTAILIMAGES_MAX_UPLOAD_SIZE=100)
    def test_an_oversized_image_is_refused(self):
        count = get_image_model().objects.count()
        response = self.upload_image(png(size=(300, 300)))
        self.assertEqual(response.status_code, 200)
        self.assertIn("文件过大", response.context["form"].errors["file"][0])
        self.assertEqual(get_image_model().objects.count(), count)

    def upload_document(self, file):
        return self.client.post(
            reverse("wagtaildocs:add"),
            {"title": "活动资料", "file": file, "collection": self.collection.pk},
        )

    def test_a_document_of_a_refused_type_is_refused(self):
        count = get_document_model().objects.count()
        response = self.upload_document(SimpleUploadedFile("setup.exe", b"MZ\x90\x00"))
        self.assertEqual(response.status_code, 200)
        self.assertIn("file", response.context["form"].errors)
        self.assertEqual(get_document_model().objects.count(), count)

    @override_settings(WAGTAILDOCS_MAX_UPLOAD_SIZE=10)
    def test_an_oversized_document_is_refused(self):
        count = get_document_model().objects.count()
        response = self.upload_document(SimpleUploadedFile("record.pdf", b"%PDF-1.4\n" * 10))
        self.assertEqual(response.status_code, 200)
        self.assertIn("文件过大", response.context["form"].errors["file"][0])
        self.assertEqual(get_document_model().objects.count(), count)

    def test_settings_set_upload_limits(self):
        from django.conf import settings

        self.assertLessEqual(settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE, 20 * 1024 * 1024)
        self.assertLessEqual(settings.WAGTAILDOCS_MAX_UPLOAD_SIZE, 50 * 1024 * 1024)
        self.assertNotIn("exe", settings.WAGTAILDOCS_EXTENSIONS)

    def test_activity_files_use_uploaded_documents(self):
        # 代表工委 upload into the stations' common collection; saving moves it to the station's.
        document = DocumentFactory(
            title="座谈记录", collection=register_collection(FileCollection.STATIONS)
        )
        self.client.force_login(self.staff)
        data = activity_data(self.station)
        data.update(
            nested_form_data(
                {"files": inline_formset([{"document": str(document.pk), "title": ""}])}
            )
        )
        response = self.client.post(url(Activity, "add"), data)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(
            Activity.objects.get(title="代表进站联系选民").files.get().document, document
        )
        document.refresh_from_db()
        self.assertEqual(document.collection, self.station.collection)


def next_weekday(weekday, after=3):
    """The first date at least `after` days ahead falling on `weekday` (Monday 0)."""
    day = timezone.localdate() + datetime.timedelta(days=after)
    return day + datetime.timedelta(days=(weekday - day.weekday()) % 7)


class TestDutyDeputies(AdminTestCase):
    """Issue 16 item 2: ended deputies are refused on duty and not shown; the picker offers the
    station's resident deputies first and serving deputies only; a reception outside the
    station's opening days or hours is a warning."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.ended = DeputyFactory(
            name="孙志强",
            status="terminated",
            status_date=timezone.localdate() - datetime.timedelta(days=30),
            status_reason="transferred",
        )
        cls.on_duty_then_ended = DeputyFactory(name="周丽华")

    def test_an_ended_deputy_is_refused_with_his_name(self):
        for action in ({"action-publish": "1"}, {}):  # publishing, and saving a draft
            with self.subTest(action=action):
                data = reception_data(
                    self.station,
                    deputies=[self.wang, self.ended],
                    date=next_weekday(1).isoformat(),
                    **action,
                )
                response = self.client.post(url(Reception, "add"), data)
                self.assertEqual(response.status_code, 200)
                errors = response.context["form"].errors["deputies"]
                self.assertIn("孙志强的代表资格已于", errors[0])
                self.assertIn("终止（调离）", errors[0])
                self.assertNotIn("王建国", errors[0])
                self.assertFalse(Reception.objects.filter(topic="听取群众意见").exists())

    def test_the_picker_offers_serving_deputies_residents_first(self):
        response = self.client.get(url(Reception, "edit", self.reception.pk))
        field = response.context["form"].fields["deputies"]
        groups = [
            (label, [str(choice[1]) for choice in members])
            for label, members in field.widget.choices
        ]
        self.assertEqual(groups[0][0], "本站进站代表")
        self.assertEqual([name.split("（")[0] for name in groups[0][1]], ["王建国"])
        self.assertEqual(groups[1][0], "其他在任代表")
        others = [name.split("（")[0] for name in groups[1][1]]
        self.assertIn("李秀英", others)
        self.assertNotIn("孙志强", others)
        self.assertContains(response, "data-deputy-picker")
        self.assertContains(response, "stations/deputy-picker.js")

    def test_a_deputy_whose_term_ended_is_not_shown_on_the_station_page(self):
        reception = with_deputies(
            ReceptionFactory(station=self.station, date=future(6), topic="就业帮扶"),
            self.on_duty_then_ended,
            self.wang,
        )
        self.on_duty_then_ended.status = "terminated"
        self.on_duty_then_ended.status_date = timezone.localdate() - datetime.timedelta(days=1)
        self.on_duty_then_ended.status_reason = "resigned"
        self.on_duty_then_ended.save()
        from stations.views import receptions_with_deputies

        shown = receptions_with_deputies(Reception.objects.filter(pk=reception.pk)).get()
        self.assertEqual([deputy.name for deputy in shown.duty_deputies], ["王建国"])

    def test_a_reception_outside_the_opening_hours_is_a_warning(self):
        self.assertEqual(self.station.opening_hours, "每周一至周五 8:30—17:30")
        saturday = next_weekday(5)
        cases = [
            (saturday, "09:00", "11:30", "是周六，不是开放日"),
            (next_weekday(2), "18:30", "20:00", "18:30—20:00不在开放时间内"),
        ]
        for date, start, end, expected in cases:
            with self.subTest(expected):
                data = reception_data(
                    self.station,
                    deputies=[self.wang],
                    date=date.isoformat(),
                    start_time=start,
                    end_time=end,
                    topic=f"接待{expected}",
                    **{"action-publish": "1"},
                )
                response = self.client.post(url(Reception, "add"), data)
                self.assertEqual(response.status_code, 302)
                warnings = [m for m in messages_of(response) if expected in m]
                self.assertEqual(len(warnings), 1, messages_of(response))
                self.assertIn("（本站开放时间：每周一至周五 8:30—17:30）", warnings[0])

    def test_no_warning_within_the_opening_hours(self):
        data = reception_data(
            self.station,
            deputies=[self.wang],
            date=next_weekday(2).isoformat(),
            **{"action-publish": "1"},
        )
        response = self.client.post(url(Reception, "add"), data)
        self.assertEqual(response.status_code, 302)
        self.assertEqual([m for m in messages_of(response) if "开放时间" in m], [])


class TestOpeningHoursText(TestCase):
    def test_what_is_read_from_the_text(self):
        from stations.opening import parse

        hours = parse("每周一至周五 8:30—12:00，14:30—17:30")
        self.assertEqual(hours.days, {0, 1, 2, 3, 4})
        self.assertEqual(
            hours.ranges,
            [
                (datetime.time(8, 30), datetime.time(12, 0)),
                (datetime.time(14, 30), datetime.time(17, 30)),
            ],
        )
        self.assertEqual(parse("每周六、周日上午9:00-11:30").days, {5, 6})
        self.assertEqual(parse("每天 9:00～17:00").days, set(range(7)))
        self.assertEqual(parse("工作日").days, {0, 1, 2, 3, 4})
        self.assertEqual(parse("星期五到星期一").days, {4, 5, 6, 0})
        unknown = parse("预约开放")
        self.assertIsNone(unknown.days)
        self.assertEqual(unknown.ranges, [])
