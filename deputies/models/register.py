from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import DraftStateMixin, LockableMixin, Orderable, RevisionMixin
from wagtail.search import index

from core.utils import check_date_range
from deputies.forms import DeputyAdminForm
from deputies.pinyin import pinyin_keys
from deputies.strokes import name_sort_key


class Level(models.Model):
    """A level of people's congress a deputy sits in: 全国/省/市/县/乡镇 (seeded by a migration)."""

    NATIONAL, PROVINCIAL, CITY, COUNTY, TOWNSHIP = (
        "national",
        "provincial",
        "city",
        "county",
        "township",
    )
    CHOICES = [
        (NATIONAL, "全国"),
        (PROVINCIAL, "省"),
        (CITY, "市"),
        (COUNTY, "县"),
        (TOWNSHIP, "乡镇"),
    ]

    code = models.CharField("代码", max_length=20, unique=True, choices=CHOICES)
    name = models.CharField("名称", max_length=10, unique=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        ordering = ["sort_order"]
        verbose_name = "代表层级"
        verbose_name_plural = "代表层级"

    def __str__(self):
        return f"{self.name}人大代表"


class Term(models.Model):
    """届: a term of the county people's congress, e.g. 第十八届 (2021–2026)."""

    number = models.PositiveSmallIntegerField("届次", unique=True, help_text="如 18 表示第十八届")
    name = models.CharField("名称", max_length=30, help_text="如：第十八届")
    start_date = models.DateField("开始日期")
    end_date = models.DateField("结束日期", null=True, blank=True)

    panels = [
        FieldRowPanel([FieldPanel("number"), FieldPanel("name")]),
        FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
    ]

    class Meta:
        ordering = ["-number"]
        verbose_name = "届次"
        verbose_name_plural = "届次"

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        check_date_range(self.start_date, self.end_date)

    @classmethod
    def current(cls, date=None):
        date = date or timezone.localdate()
        return (
            cls.objects.filter(start_date__lte=date)
            .filter(models.Q(end_date__isnull=True) | models.Q(end_date__gte=date))
            .order_by("-number")
            .first()
        )


class Area(models.Model):
    """行政区划: the county, its townships/streets and their villages/communities (a tree)."""

    COUNTY, TOWNSHIP, STREET, VILLAGE, COMMUNITY = (
        "county",
        "township",
        "street",
        "village",
        "community",
    )
    KIND_CHOICES = [
        (COUNTY, "县"),
        (TOWNSHIP, "乡镇"),
        (STREET, "街道"),
        (VILLAGE, "村"),
        (COMMUNITY, "社区"),
    ]
    # Which kinds may sit under which: county → township/street → village/community.
    ALLOWED_PARENTS = {
        COUNTY: (None,),
        TOWNSHIP: (COUNTY,),
        STREET: (COUNTY,),
        VILLAGE: (TOWNSHIP, STREET),
        COMMUNITY: (TOWNSHIP, STREET),
    }

    name = models.CharField("名称", max_length=50)
    kind = models.CharField("类型", max_length=20, choices=KIND_CHOICES)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    code = models.CharField(
        "区划代码", max_length=12, blank=True, help_text="统计用区划代码（12位），可留空"
    )
    sort_order = models.PositiveIntegerField("排序", default=0)
    # Computed from the name on save (deputies/pinyin.py): the finder matches "xqc" → 新桥村.
    pinyin = models.CharField("拼音", max_length=500, blank=True, editable=False)
    pinyin_initials = models.CharField("拼音首字母", max_length=200, blank=True, editable=False)

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("kind")]),
        FieldPanel("parent"),
        FieldRowPanel([FieldPanel("code"), FieldPanel("sort_order")]),
    ]

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="unique_area_name_per_parent"),
        ]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        self.pinyin, self.pinyin_initials = pinyin_keys(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "pinyin", "pinyin_initials"}
        super().save(*args, **kwargs)

    @property
    def full_name(self):
        if self.parent_id and self.kind in (self.VILLAGE, self.COMMUNITY):
            return f"{self.parent.name}{self.name}"
        return self.name

    @property
    def township(self):
        """The township or street this area belongs to (itself when it is one)."""
        if self.kind in (self.TOWNSHIP, self.STREET):
            return self
        if self.kind in (self.VILLAGE, self.COMMUNITY):
            return self.parent
        return None

    def clean(self):
        super().clean()
        allowed = self.ALLOWED_PARENTS.get(self.kind, ())
        parent_kind = self.parent.kind if self.parent_id else None
        if parent_kind not in allowed:
            names = dict(self.KIND_CHOICES)
            if None in allowed:
                message = f"“{names[self.kind]}”不能有上级区划。"
            else:
                wanted = "或".join(names[k] for k in allowed)
                message = f"“{names[self.kind]}”的上级应为{wanted}。"
            raise ValidationError({"parent": message})


class Constituency(models.Model):
    """选区: an electoral district of one term, covering one or more areas."""

    term = models.ForeignKey(
        Term, verbose_name="届次", on_delete=models.PROTECT, related_name="constituencies"
    )
    level = models.ForeignKey(
        Level,
        verbose_name="层级",
        on_delete=models.PROTECT,
        related_name="constituencies",
        help_text="在本选区选举哪一级人大代表（通常为县或乡镇）",
    )
    name = models.CharField("名称", max_length=50, help_text="如：第一选区")
    areas = models.ManyToManyField(
        Area, verbose_name="覆盖区划", blank=True, related_name="constituencies"
    )
    seats = models.PositiveSmallIntegerField("应选代表名额", null=True, blank=True)

    panels = [
        FieldRowPanel([FieldPanel("term"), FieldPanel("level")]),
        FieldRowPanel([FieldPanel("name"), FieldPanel("seats")]),
        FieldPanel("areas"),
    ]

    class Meta:
        ordering = ["term", "level__sort_order", "name"]
        verbose_name = "选区"
        verbose_name_plural = "选区"
        constraints = [
            models.UniqueConstraint(
                fields=["term", "level", "name"], name="unique_constituency_name"
            ),
        ]

    def __str__(self):
        return f"{self.term}{self.level.name}级{self.name}"


class DeputyQuerySet(models.QuerySet):
    def serving(self, date=None):
        """在任 on `date`: elected on or before it and not terminated by then."""
        date = date or timezone.localdate()
        return self.filter(
            models.Q(status=Deputy.SERVING)
            | models.Q(status=Deputy.TERMINATED, status_date__gt=date)
        ).filter(models.Q(elected_date__isnull=True) | models.Q(elected_date__lte=date))

    def public(self):
        """What citizens may see: published (live) records."""
        return self.filter(live=True)


class Deputy(DraftStateMixin, RevisionMixin, LockableMixin, index.Indexed, ClusterableModel):
    """人大代表: a person holding one or more deputyships. Contact details here are the public ones;
    voters' personal data lives in VoterContactPerson, never here."""

    SERVING, TERMINATED = "serving", "terminated"
    STATUS_CHOICES = [(SERVING, "在任"), (TERMINATED, "终止")]
    REASON_CHOICES = [
        ("resigned", "辞职"),
        ("recalled", "罢免"),
        ("transferred", "调离"),
        ("deceased", "去世"),
        ("other", "其他"),
    ]
    GENDER_CHOICES = [("male", "男"), ("female", "女")]

    register_number = models.CharField(
        "代表编号",
        max_length=30,
        unique=True,
        help_text="名册中的代表编号（如代表证号），导入时用于识别同一名代表，设定后不要更改",
    )
    name = models.CharField("姓名", max_length=30)
    surname_length = models.PositiveSmallIntegerField(
        "姓的字数", default=1, help_text="复姓（欧阳、诸葛等）填 2，用于按姓氏笔画排序"
    )
    photo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name="照片",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    gender = models.CharField("性别", max_length=10, choices=GENDER_CHOICES)
    ethnicity = models.CharField("民族", max_length=20, default="汉族")
    birth_year = models.PositiveSmallIntegerField("出生年份", null=True, blank=True)
    party = models.CharField("政治面貌", max_length=30, blank=True, help_text="如：中共党员、群众")
    education = models.CharField("学历", max_length=30, blank=True)
    post = models.CharField("工作单位及职务", max_length=200, blank=True)
    levels = models.ManyToManyField(Level, verbose_name="代表层级", related_name="deputies")
    phone = models.CharField("公开联系电话", max_length=50, blank=True, help_text="会在网站公开")
    email = models.EmailField("公开电子邮箱", blank=True, help_text="会在网站公开")
    biography = models.TextField("简介", blank=True)
    elected_date = models.DateField("当选日期", null=True, blank=True)
    status = models.CharField("状态", max_length=20, choices=STATUS_CHOICES, default=SERVING)
    status_date = models.DateField("终止日期", null=True, blank=True)
    status_reason = models.CharField("终止原因", max_length=20, choices=REASON_CHOICES, blank=True)
    sort_key = models.CharField(
        "排序键",
        max_length=200,
        blank=True,
        editable=False,
        db_index=True,
        help_text="按姓氏笔画排序的键，保存时自动计算",
    )

    objects = DeputyQuerySet.as_manager()

    base_form_class = DeputyAdminForm  # one constituency per term and level (deputies/forms.py)

    panels = [
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [
                        FieldPanel("register_number"),
                        FieldPanel("name"),
                        FieldPanel("surname_length"),
                    ]
                ),
                FieldPanel("photo"),
                FieldRowPanel(
                    [FieldPanel("gender"), FieldPanel("ethnicity"), FieldPanel("birth_year")]
                ),
                FieldRowPanel([FieldPanel("party"), FieldPanel("education")]),
                FieldPanel("post"),
            ],
            heading="基本信息",
        ),
        MultiFieldPanel(
            [
                FieldPanel("levels", widget=forms.CheckboxSelectMultiple),
                FieldPanel("elected_date"),
                InlinePanel("elections", label="选区"),
                FieldPanel("deputy_groups"),
            ],
            heading="代表资格",
        ),
        MultiFieldPanel([FieldPanel("phone"), FieldPanel("email")], heading="公开联系方式"),
        FieldPanel("biography"),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [FieldPanel("status"), FieldPanel("status_date"), FieldPanel("status_reason")]
                )
            ],
            heading="状态",
        ),
        InlinePanel("supervision_roles", heading="社会监督职务", label="职务"),
    ]

    # The site search (search/backends/site.py): result type and URL (the profile route).
    search_result_type = "deputy"
    search_index_page = "deputies.DeputyIndexPage"
    search_url_prefix = "profile_url_prefix"

    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.SearchField("post"),
        index.FilterField("status"),
        index.FilterField("live"),
    ]

    class Meta:
        ordering = ["sort_key", "name"]
        verbose_name = "人大代表"
        verbose_name_plural = "人大代表"

    def __str__(self):
        return self.name

    @property
    def surname(self):
        return self.name[: self.surname_length]

    @property
    def given_name(self):
        return self.name[self.surname_length :]

    def clean(self):
        super().clean()
        self.name = (self.name or "").strip()
        errors = {}
        if self.status == self.TERMINATED:
            if not self.status_date:
                errors["status_date"] = "代表资格终止时请填写终止日期。"
            if not self.status_reason:
                errors["status_reason"] = "代表资格终止时请选择终止原因。"
        elif self.status_date or self.status_reason:
            errors["status"] = "填写了终止日期或原因时，状态应为“终止”。"
        if self.surname_length not in (1, 2) or self.surname_length >= len(self.name or "x"):
            errors["surname_length"] = "姓的字数应为 1 或 2，且短于姓名。"
        if self.status_date and self.elected_date and self.status_date < self.elected_date:
            errors["status_date"] = "终止日期不能早于当选日期。"
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.sort_key = name_sort_key(self.name, self.surname_length)
        super().save(*args, **kwargs)

    def is_serving(self, date=None):
        date = date or timezone.localdate()
        if self.elected_date and self.elected_date > date:
            return False
        return self.status == self.SERVING or (
            self.status_date is not None and self.status_date > date
        )


class Election(Orderable):
    """A deputy's election in a constituency (代表资格): one constituency per term and level."""

    deputy = ParentalKey(Deputy, related_name="elections", on_delete=models.CASCADE)
    constituency = models.ForeignKey(
        Constituency, verbose_name="选区", on_delete=models.PROTECT, related_name="elections"
    )
    elected_date = models.DateField("当选日期", null=True, blank=True)

    panels = [FieldRowPanel([FieldPanel("constituency"), FieldPanel("elected_date")])]

    class Meta(Orderable.Meta):
        verbose_name = "选区"
        verbose_name_plural = "选区"

    def __str__(self):
        return f"{self.deputy} · {self.constituency}"


def duplicate_term_elections(constituencies):
    """Pairs of constituencies of the same term and level among a deputy's elections: a deputy is
    elected in one constituency per term and level. Used by the admin form and the importer."""
    seen = {}
    clashes = []
    for constituency in constituencies:
        key = (constituency.term_id, constituency.level_id)
        if key in seen and seen[key] != constituency:
            clashes.append((seen[key], constituency))
        seen.setdefault(key, constituency)
    return clashes
