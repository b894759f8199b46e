"""The station network (代表工作站 / 代表之家): stations, reception days (代表接待日) and activity
records (活动记录), and the routable StationIndexPage that shows them.

Stations, receptions and activities are snippets with drafts, revisions and locking, so staff get
Wagtail's history and revert; who may touch which station's records is stations/permissions.py.
Queries and context of the public pages live in stations/views.py; rule checks in checks.py."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import DraftStateMixin, LockableMixin, Orderable, Page, RevisionMixin
from wagtail.models.audit_log import BaseLogEntry, ModelLogEntryManager
from wagtail.search import index

from core.models import BasePage, FileCollection
from deputies.models import Area, Deputy

# The six working systems every station must have on its wall (DESIGN.md §2).
SYSTEM_CHOICES = [
    ("activity", "活动制度"),
    ("training", "学习培训制度"),
    ("voters", "联系选民制度"),
    ("reception", "接待群众制度"),
    ("inspection", "视察调查制度"),
    ("reception_day", "代表接待日制度"),
]


class StationQuerySet(models.QuerySet):
    def public(self):
        return self.filter(live=True)

    def managed_by(self, user):
        """The stations `user` administers (Station.managers)."""
        return self.filter(managers=user)


class Station(DraftStateMixin, RevisionMixin, LockableMixin, index.Indexed, ClusterableModel):
    """人大代表工作站 / 人大代表之家: what hangs on the station's wall, shown publicly."""

    KIND_CHOICES = [
        ("station", "人大代表工作站"),
        ("home", "人大代表之家"),
        ("point", "人大代表联络点"),
    ]

    name = models.CharField("名称", max_length=100, unique=True)
    kind = models.CharField("类型", max_length=20, choices=KIND_CHOICES, default="station")
    township = models.ForeignKey(
        Area,
        verbose_name="所在乡镇（街道）",
        on_delete=models.PROTECT,
        related_name="stations",
        limit_choices_to={"kind__in": [Area.TOWNSHIP, Area.STREET]},
    )
    areas = ParentalManyToManyField(
        Area,
        verbose_name="服务村（社区）",
        blank=True,
        related_name="served_by_stations",
        limit_choices_to={"kind__in": [Area.VILLAGE, Area.COMMUNITY]},
        help_text="本站服务的村（社区），群众按村名查找站点时用到",
    )
    introduction = RichTextField(
        "简介", blank=True, features=["bold", "italic", "ol", "ul", "link"]
    )
    address = models.CharField("地址", max_length=200)
    latitude = models.DecimalField(
        "纬度",
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
        help_text="WGS-84 十进制度数，如 38.041234",
    )
    longitude = models.DecimalField(
        "经度",
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
        help_text="WGS-84 十进制度数，如 114.512345",
    )
    opening_hours = models.CharField(
        "开放时间", max_length=200, blank=True, help_text="如：每周一至周五 8:30—17:30"
    )
    phone = models.CharField("联系电话", max_length=50, blank=True)
    person_in_charge = models.CharField("负责人", max_length=30, blank=True)
    person_in_charge_post = models.CharField("负责人职务", max_length=100, blank=True)
    administrator_name = models.CharField("管理员", max_length=30, blank=True)
    administrator_phone = models.CharField("管理员电话", max_length=50, blank=True)
    equipment = models.TextField(
        "设施设备", blank=True, help_text="如：接待室、会议室、电脑、投影仪"
    )
    photo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name="站点照片",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name="后台管理账号",
        blank=True,
        related_name="managed_stations",
        help_text="这些账号（需在“工作站管理员”组）只能维护本站的信息、接待日和活动记录",
    )

    collection = models.ForeignKey(
        "wagtailcore.Collection",
        verbose_name="图片和文件夹",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="本站照片和文件所在的文件夹（随工作站创建，以站名命名）",
    )

    objects = StationQuerySet.as_manager()

    panels = [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("name"), FieldPanel("kind")]),
                FieldPanel("township"),
                FieldPanel("areas"),
                FieldPanel("introduction"),
                FieldPanel("photo"),
            ],
            heading="基本信息",
        ),
        MultiFieldPanel(
            [
                FieldPanel("address"),
                FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
                FieldRowPanel([FieldPanel("opening_hours"), FieldPanel("phone")]),
            ],
            heading="位置与开放时间",
        ),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [FieldPanel("person_in_charge"), FieldPanel("person_in_charge_post")]
                ),
                FieldRowPanel(
                    [FieldPanel("administrator_name"), FieldPanel("administrator_phone")]
                ),
            ],
            heading="负责人与管理员（上墙公示）",
        ),
        InlinePanel("resident_deputies", heading="进站代表", label="代表"),
        FieldPanel("equipment"),
        InlinePanel("systems", heading="工作制度", label="制度"),
        FieldPanel("managers"),
    ]

    # The site search (search/backends/site.py): result type and URL (the station route).
    search_result_type = "station"
    search_index_page = "stations.StationIndexPage"
    search_url_prefix = "station_url_prefix"

    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.SearchField("address"),
        index.SearchField("introduction"),
        index.FilterField("live"),
    ]

    class Meta:
        ordering = ["township__sort_order", "township__name", "name"]
        verbose_name = "代表工作站"
        verbose_name_plural = "代表工作站"
        permissions = [
            ("manage_all_stations", "可管理全部工作站（不限于本人管理的站点）"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        if kwargs.get("update_fields") is None:  # not Wagtail's bookkeeping saves
            self.sync_collection()
            adopt_files(self, self.file_pks())

    def with_content_json(self, content):
        """A revision never changes the station's collection (older revisions have none)."""
        obj = super().with_content_json(content)
        obj.collection_id = self.collection_id
        return obj

    def sync_collection(self):
        """Give the station its collection (a child of the stations' collection, named after
        the station), or rename it with the station."""
        from wagtail.models import Collection

        if self.collection_id is None:
            parent = FileCollection.collection_for(FileCollection.STATIONS)
            if parent is None:  # before the migrations made it
                return
            self.collection = parent.add_child(instance=Collection(name=self.name))
            Station.objects.filter(pk=self.pk).update(collection=self.collection)
        elif self.collection.name != self.name:
            Collection.objects.filter(pk=self.collection_id).update(name=self.name)
            self.collection.name = self.name

    def file_pks(self):
        """(image pks, document pks) the station's own record uses: photo, systems' files."""
        documents = {system.document_id for system in self.systems.all()}
        return {self.photo_id} - {None}, documents - {None}

    def clean(self):
        super().clean()
        errors = {}
        if (self.latitude is None) != (self.longitude is None):
            errors["longitude" if self.longitude is None else "latitude"] = (
                "经度和纬度应同时填写或同时留空。"
            )
        if self.township_id and self.township.kind not in (Area.TOWNSHIP, Area.STREET):
            errors["township"] = "所在乡镇（街道）应选择乡镇或街道。"
        if errors:
            raise ValidationError(errors)

    @property
    def has_coordinates(self):
        return self.latitude is not None and self.longitude is not None

    def resident_deputy_ids(self):
        return set(self.resident_deputies.values_list("deputy_id", flat=True))


class StationDeputy(Orderable):
    """进站代表: a deputy resident at a station, on its wall with photo, name, post and contact."""

    station = ParentalKey(Station, related_name="resident_deputies", on_delete=models.CASCADE)
    deputy = models.ForeignKey(
        Deputy, verbose_name="代表", on_delete=models.CASCADE, related_name="station_residencies"
    )
    role = models.CharField(
        "站内职务", max_length=30, blank=True, help_text="如：站长、联络员；可留空"
    )
    start_date = models.DateField("进站日期", null=True, blank=True)

    panels = [FieldRowPanel([FieldPanel("deputy"), FieldPanel("role"), FieldPanel("start_date")])]

    class Meta(Orderable.Meta):
        verbose_name = "进站代表"
        verbose_name_plural = "进站代表"
        constraints = [
            models.UniqueConstraint(fields=["station", "deputy"], name="unique_station_deputy"),
        ]

    def __str__(self):
        return f"{self.station} · {self.deputy}"


class StationSystem(Orderable):
    """One of the station's working systems (工作制度), as text or as a file."""

    station = ParentalKey(Station, related_name="systems", on_delete=models.CASCADE)
    kind = models.CharField("制度", max_length=20, choices=SYSTEM_CHOICES)
    text = models.TextField("制度内容", blank=True)
    document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name="制度文件",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [FieldPanel("kind"), FieldPanel("text"), FieldPanel("document")]

    class Meta(Orderable.Meta):
        verbose_name = "工作制度"
        verbose_name_plural = "工作制度"
        constraints = [
            models.UniqueConstraint(fields=["station", "kind"], name="unique_station_system"),
        ]

    def __str__(self):
        return self.get_kind_display()

    def clean(self):
        super().clean()
        if not self.text.strip() and not self.document_id:
            raise ValidationError({"text": "请填写制度内容或上传制度文件。"})

    @property
    def is_complete(self):
        return bool(self.text.strip() or self.document_id)


def adopt_files(station, file_pks):
    """Move the images and documents (pks) a station's record uses from the stations' common
    collection into the station's own: uploads from a station's forms end up in its collection
    even when the uploader (代表工委, several stations) left the upload in the common one.
    Files in any other collection (editorial images, another station's) stay where they are."""
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model

    if station.collection_id is None:
        return
    parent = FileCollection.collection_for(FileCollection.STATIONS)
    if parent is None:
        return
    images, documents = file_pks
    for model, pks in ((get_image_model(), images), (get_document_model(), documents)):
        if pks:
            model.objects.filter(pk__in=pks, collection=parent).update(
                collection_id=station.collection_id
            )


class StationRecordQuerySet(models.QuerySet):
    def for_stations(self, stations):
        return self.filter(station__in=stations)


class ReceptionQuerySet(StationRecordQuerySet):
    def public(self):
        return self.filter(live=True, station__live=True)

    def upcoming(self, now=None):
        """Reception days that have not ended yet, soonest first."""
        now = timezone.localtime(now)
        return self.filter(
            Q(date__gt=now.date()) | Q(date=now.date(), end_time__gte=now.time())
        ).order_by("date", "start_time")


class Reception(DraftStateMixin, RevisionMixin, LockableMixin, ClusterableModel):
    """代表接待日: a day when deputies receive the public at a station, published ahead."""

    station = models.ForeignKey(
        Station, verbose_name="工作站", on_delete=models.CASCADE, related_name="receptions"
    )
    date = models.DateField("日期")
    start_time = models.TimeField("开始时间", default=datetime.time(9, 0))
    end_time = models.TimeField("结束时间", default=datetime.time(11, 30))
    deputies = ParentalManyToManyField(
        Deputy, verbose_name="值班代表", blank=True, related_name="receptions"
    )
    topic = models.CharField(
        "接待主题", max_length=200, blank=True, help_text="如：乡村振兴、营商环境；可留空"
    )
    notes = models.TextField("说明", blank=True, help_text="公开显示，如地点变更、预约方式")

    objects = ReceptionQuerySet.as_manager()

    panels = [
        FieldPanel("station"),
        FieldRowPanel([FieldPanel("date"), FieldPanel("start_time"), FieldPanel("end_time")]),
        FieldPanel("deputies"),
        FieldPanel("topic"),
        FieldPanel("notes"),
    ]

    class Meta:
        ordering = ["-date", "-start_time"]
        verbose_name = "代表接待日"
        verbose_name_plural = "代表接待日"

    def __str__(self):
        return f"{self.station} {self.date:%Y-%m-%d} 代表接待日"

    def clean(self):
        super().clean()
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            raise ValidationError({"end_time": "结束时间应晚于开始时间。"})

    @property
    def starts_at(self):
        return timezone.make_aware(datetime.datetime.combine(self.date, self.start_time))

    @property
    def ends_at(self):
        return timezone.make_aware(datetime.datetime.combine(self.date, self.end_time))

    def non_resident_deputies(self, deputies=None):
        """Deputies on duty who are not resident at the station (a warning, not an error)."""
        resident = self.station.resident_deputy_ids()
        deputies = self.deputies.all() if deputies is None else deputies
        return [deputy for deputy in deputies if deputy.pk not in resident]


class ActivityQuerySet(StationRecordQuerySet):
    def public(self):
        return self.filter(live=True, is_public=True, station__live=True)


class Activity(DraftStateMixin, RevisionMixin, LockableMixin, index.Indexed, ClusterableModel):
    """活动记录: what happened at a station, with photos and files; public or internal."""

    KIND_CHOICES = [
        ("training", "学习培训"),
        ("voters", "联系选民"),
        ("reception", "接待群众"),
        ("inspection", "视察调研"),
        ("group", "代表小组活动"),
        ("initiative", "倡议活动"),
        ("other", "其他"),
    ]

    station = models.ForeignKey(
        Station, verbose_name="工作站", on_delete=models.CASCADE, related_name="activities"
    )
    kind = models.CharField("活动类型", max_length=20, choices=KIND_CHOICES)
    title = models.CharField("标题", max_length=200)
    date = models.DateField("活动日期")
    deputies = ParentalManyToManyField(
        Deputy, verbose_name="参加代表", blank=True, related_name="station_activities"
    )
    participants_count = models.PositiveIntegerField(
        "参加群众人数", null=True, blank=True, help_text="只填人数，不要填群众姓名"
    )
    body = RichTextField("活动内容", blank=True, features=["bold", "italic", "ol", "ul", "link"])
    is_public = models.BooleanField(
        "公开", default=True, help_text="不公开的记录只在后台存档，不在网站显示"
    )

    objects = ActivityQuerySet.as_manager()

    panels = [
        FieldPanel("station"),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("date")]),
        FieldPanel("title"),
        FieldPanel("deputies"),
        FieldPanel("participants_count"),
        FieldPanel("body"),
        InlinePanel("photos", heading="活动照片", label="照片"),
        InlinePanel("files", heading="活动资料", label="文件"),
        FieldPanel("is_public"),
    ]

    # The site search (search/backends/site.py): public activities are results of their own type,
    # dated, shown on their station's page (search_url_path); internal ones are never found
    # (is_public, and search_public() below).
    search_result_type = "activity"
    search_result_date = "date"
    search_index_page = "stations.StationIndexPage"
    search_url_prefix = "station_url_prefix"

    search_fields = [
        index.SearchField("title"),
        index.AutocompleteField("title"),
        index.SearchField("body"),
        index.FilterField("live"),
        index.FilterField("is_public"),
        index.FilterField("station"),
    ]

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = "活动记录"
        verbose_name_plural = "活动记录"

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.title}"

    @classmethod
    def search_public(cls):
        """What the site search may show: public activities of live stations (a filter the
        search backends can apply: on the `station` FilterField)."""
        return cls.objects.filter(station__in=Station.objects.filter(live=True))

    def search_url_path(self):
        """Where a search result leads, after the station route's prefix: the record on its
        station's page."""
        return f"{self.station_id}/#activity-{self.pk}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        if kwargs.get("update_fields") is None:  # not Wagtail's bookkeeping saves
            adopt_files(self.station, self.file_pks())

    def file_pks(self):
        """(image pks, document pks) of the activity's photos and files."""
        images = {photo.image_id for photo in self.photos.all()}
        documents = {file.document_id for file in self.files.all()}
        return images - {None}, documents - {None}

    def clean(self):
        super().clean()
        if self.date and self.date > timezone.localdate() + datetime.timedelta(days=1):
            raise ValidationError(
                {"date": "活动记录的日期不能晚于今天；尚未举行的活动请发布为接待日或通知。"}
            )


class ActivityPhoto(Orderable):
    activity = ParentalKey(Activity, related_name="photos", on_delete=models.CASCADE)
    image = models.ForeignKey(
        "wagtailimages.Image", verbose_name="照片", on_delete=models.CASCADE, related_name="+"
    )
    caption = models.CharField("说明", max_length=200, blank=True)

    panels = [FieldPanel("image"), FieldPanel("caption")]

    class Meta(Orderable.Meta):
        verbose_name = "活动照片"
        verbose_name_plural = "活动照片"


class ActivityFile(Orderable):
    activity = ParentalKey(Activity, related_name="files", on_delete=models.CASCADE)
    document = models.ForeignKey(
        "wagtaildocs.Document", verbose_name="文件", on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField("说明", max_length=200, blank=True)

    panels = [FieldPanel("document"), FieldPanel("title")]

    class Meta(Orderable.Meta):
        verbose_name = "活动资料"
        verbose_name_plural = "活动资料"


class StationLogEntryManager(ModelLogEntryManager):
    def viewable_by_user(self, user):
        """The entries of the station models the user holds a permission on, narrowed to his
        stations. (Not Wagtail's base method: it caches the allowed content types on the user
        object across log entry models, so ModelLogEntry's answer would hide these.)"""
        from django.contrib.contenttypes.models import ContentType

        from stations.permissions import scope_log_entries

        if user.is_superuser:
            return self.all()
        models = [
            model
            for model in (Station, Reception, Activity)
            if any(
                user.has_perm(f"stations.{action}_{model._meta.model_name}")
                for action in ("view", "change", "delete", "add", "publish")
            )
        ]
        content_types = ContentType.objects.get_for_models(*models).values()
        return scope_log_entries(self.filter(content_type__in=content_types), user)


class StationLogEntry(BaseLogEntry):
    """The audit log of stations, receptions and activities (registered for them with Wagtail's
    log registry in stations/wagtail_hooks.py), kept apart from Wagtail's ModelLogEntry so that
    a station administrator reads only his own stations' history."""

    object_id = models.CharField(max_length=255, db_index=True)

    objects = StationLogEntryManager()

    class Meta(BaseLogEntry.Meta):
        ordering = ["-timestamp", "-id"]
        verbose_name = "工作站操作记录"
        verbose_name_plural = "工作站操作记录"

    def __str__(self):
        return (
            f"StationLogEntry {self.pk}: {self.action} {self.object_verbose_name} {self.object_id}"
        )


class StationIndexPage(RoutablePageMixin, BasePage):
    """The public station network: directory by township (""), a page per station (<pk>/), its
    printable notice board (<pk>/print/), iCal feeds (receptions.ics, <pk>/receptions.ics), the
    map (map/), "find my deputy and station" (find/) and the directory as a CSV download (csv/).
    Context lives in stations/views.py."""

    activities_count = models.PositiveSmallIntegerField("站点页显示活动条数", default=6)

    content_panels = [*Page.content_panels, FieldPanel("summary"), FieldPanel("activities_count")]

    template = "pages/station_index_page.html"
    parent_page_types = ["home.HomePage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = "代表工作站首页"
        verbose_name_plural = "代表工作站首页"

    @path("", name="index")
    def index_route(self, request):
        from stations import views

        return views.directory(self, request)

    @path("map/", name="map")
    def map_route(self, request):
        from stations import views

        return views.station_map(self, request)

    @path("find/", name="find")
    def find_route(self, request):
        from stations import views

        return views.find(self, request)

    @path("receptions.ics", name="calendar")
    def calendar_route(self, request):
        from stations import views

        return views.calendar(self, request)

    @path("csv/", name="csv")
    def csv_route(self, request):
        from stations import views

        return views.csv_download(self, request)

    @path("<int:pk>/", name="station")
    def station_route(self, request, pk):
        from stations import views

        return views.station_detail(self, request, pk)

    @path("<int:pk>/print/", name="print")
    def print_route(self, request, pk):
        from stations import views

        return views.notice_board(self, request, pk)

    @path("<int:pk>/receptions.ics", name="station_calendar")
    def station_calendar_route(self, request, pk):
        from stations import views

        return views.calendar(self, request, pk)

    @cached_property
    def station_url_prefix(self):
        """The station route's URL up to the pk, worked out once (see DeputyIndexPage)."""
        return self.url + self.reverse_subpage("station", args=[0]).removesuffix("0/")

    def station_url(self, station):
        return f"{self.station_url_prefix}{station.pk}/"

    def get_sitemap_urls(self, request=None):
        from stations import views

        return [*super().get_sitemap_urls(request), *views.sitemap_entries(self, request)]
