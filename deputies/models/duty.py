"""The duty record: voter contact (双联系), check-ins (双报到), trainings, duty reports (述职)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Q
from django.utils import timezone
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel
from wagtail.models import Orderable

from core.utils import check_date_range

from .base import quarter_bounds, quarter_of
from .organisation import DeputyGroup
from .register import Deputy


class VoterContact(models.Model):
    """代表联系选民: how many voters a deputy contacted in a period. Only the count is public."""

    METHOD_CHOICES = [
        ("visit", "走访"),
        ("forum", "座谈"),
        ("reception", "接待"),
        ("phone", "电话/网络"),
        ("other", "其他"),
    ]

    deputy = models.ForeignKey(
        Deputy, verbose_name="代表", on_delete=models.CASCADE, related_name="voter_contacts"
    )
    start_date = models.DateField("开始日期")
    end_date = models.DateField("结束日期")
    method = models.CharField("方式", max_length=20, choices=METHOD_CHOICES, default="visit")
    voters_count = models.PositiveIntegerField("联系选民人数")
    summary = models.TextField(
        "情况摘要", blank=True, help_text="可公开的概要，不要写选民姓名、电话等个人信息"
    )

    panels = [
        FieldPanel("deputy"),
        FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
        FieldRowPanel([FieldPanel("method"), FieldPanel("voters_count")]),
        FieldPanel("summary"),
    ]

    class Meta:
        ordering = ["-start_date"]
        verbose_name = "联系选民记录"
        verbose_name_plural = "联系选民记录"

    def __str__(self):
        period = f"{self.start_date:%Y-%m-%d}—{self.end_date:%Y-%m-%d}"
        return f"{self.deputy} {period} 联系选民{self.voters_count}人"

    def clean(self):
        super().clean()
        check_date_range(self.start_date, self.end_date)


class VoterContactPerson(models.Model):
    """A voter a deputy contacted: personal data, visible only to the restricted staff group
    选民信息管理 (model permissions); never rendered on public pages or in public exports."""

    contact = models.ForeignKey(
        VoterContact, verbose_name="联系记录", on_delete=models.CASCADE, related_name="persons"
    )
    name = models.CharField("选民姓名", max_length=30)
    phone = models.CharField("联系电话", max_length=30, blank=True)
    address = models.CharField("住址", max_length=200, blank=True)
    concern = models.TextField("反映的问题", blank=True)

    panels = [
        FieldPanel("contact"),
        FieldRowPanel([FieldPanel("name"), FieldPanel("phone")]),
        FieldPanel("address"),
        FieldPanel("concern"),
    ]

    class Meta:
        verbose_name = "选民个人信息"
        verbose_name_plural = "选民个人信息"

    def __str__(self):
        return f"{self.name}（{self.contact.deputy}联系）"


class CheckInQuerySet(models.QuerySet):
    def in_quarter(self, year, quarter):
        start, end = quarter_bounds(year, quarter)
        return self.filter(date__gte=start, date__lte=end)


class CheckIn(models.Model):
    """双报到: a deputy's quarterly report to his deputy group or to his constituency's voters."""

    TO_GROUP, TO_VOTERS = "group", "voters"
    KIND_CHOICES = [(TO_GROUP, "向代表小组报到"), (TO_VOTERS, "向选区选民报到")]

    deputy = models.ForeignKey(
        Deputy, verbose_name="代表", on_delete=models.CASCADE, related_name="checkins"
    )
    kind = models.CharField("报到对象", max_length=20, choices=KIND_CHOICES)
    group = models.ForeignKey(
        DeputyGroup,
        verbose_name="代表小组",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="checkins",
        help_text="向代表小组报到时必填",
    )
    date = models.DateField("报到日期", default=timezone.localdate)
    content = models.TextField(
        "报到内容", help_text="交流了什么、收集了哪些意见建议（不含选民个人信息）"
    )

    objects = CheckInQuerySet.as_manager()

    panels = [
        FieldRowPanel([FieldPanel("deputy"), FieldPanel("date")]),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("group")]),
        FieldPanel("content"),
    ]

    class Meta:
        ordering = ["-date"]
        verbose_name = "报到记录"
        verbose_name_plural = "报到记录"

    def __str__(self):
        return f"{self.deputy} {self.date:%Y-%m-%d} {self.get_kind_display()}"

    @property
    def quarter(self):
        year, quarter = quarter_of(self.date)
        return f"{year}年第{quarter}季度"

    def clean(self):
        super().clean()
        if self.kind == self.TO_GROUP and not self.group_id:
            raise ValidationError({"group": "向代表小组报到时请选择代表小组。"})
        if self.kind == self.TO_VOTERS and self.group_id:
            raise ValidationError({"group": "向选区选民报到时不需要选择代表小组。"})

    @classmethod
    def overdue(cls, date=None):
        """Serving, published deputies without any check-in in the quarter holding `date`."""
        date = date or timezone.localdate()
        start, end = quarter_bounds(*quarter_of(date))
        return (
            Deputy.objects.public()
            .serving(date)
            .annotate(
                checkins_this_quarter=Count(
                    "checkins", filter=Q(checkins__date__gte=start, checkins__date__lte=end)
                )
            )
            .filter(checkins_this_quarter=0)
        )


class Training(ClusterableModel):
    """培训: one session (场) with its attendance per deputy (人次 are counted, never typed)."""

    LEVEL_CHOICES = [
        ("provincial", "省级"),
        ("city", "市级"),
        ("county", "县级"),
        ("expert", "专家讲座"),
    ]
    FORM_CHOICES = [
        ("central", "集中培训"),
        ("video", "远程视频"),
        ("meeting", "以会代训"),
        ("exchange", "经验交流会"),
        ("forum", "座谈会"),
    ]

    title = models.CharField("培训名称", max_length=200)
    organiser_level = models.CharField("组织层级", max_length=20, choices=LEVEL_CHOICES)
    form = models.CharField("培训形式", max_length=20, choices=FORM_CHOICES)
    start_date = models.DateField("开始日期")
    end_date = models.DateField("结束日期", null=True, blank=True)
    location = models.CharField("地点", max_length=100, blank=True)
    topics = models.CharField(
        "培训内容",
        max_length=300,
        blank=True,
        help_text="用顿号分隔，如：地方组织法、选举法、代表法",
    )
    description = models.TextField("情况说明", blank=True)

    panels = [
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("organiser_level"), FieldPanel("form")]),
        FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date"), FieldPanel("location")]),
        FieldPanel("topics"),
        FieldPanel("description"),
        InlinePanel("attendances", heading="参训代表", label="参训代表"),
    ]

    class Meta:
        ordering = ["-start_date"]
        verbose_name = "培训"
        verbose_name_plural = "培训"

    def __str__(self):
        return f"{self.start_date:%Y-%m-%d} {self.title}"

    def clean(self):
        super().clean()
        check_date_range(self.start_date, self.end_date)

    @property
    def topic_list(self):
        return [
            t.strip()
            for t in self.topics.replace(",", "、").replace("，", "、").split("、")
            if t.strip()
        ]

    @classmethod
    def yearly_counts(cls, year):
        """场次 and 人次 of one year, from the records."""
        trainings = cls.objects.filter(start_date__year=year)
        return {
            "sessions": trainings.count(),
            "attendances": TrainingAttendance.objects.filter(training__in=trainings).count(),
        }


class TrainingAttendance(Orderable):
    training = ParentalKey(Training, related_name="attendances", on_delete=models.CASCADE)
    deputy = models.ForeignKey(
        Deputy, verbose_name="代表", on_delete=models.CASCADE, related_name="training_attendances"
    )

    panels = [FieldPanel("deputy")]

    class Meta(Orderable.Meta):
        verbose_name = "参训代表"
        verbose_name_plural = "参训代表"
        constraints = [
            models.UniqueConstraint(
                fields=["training", "deputy"], name="unique_training_attendance"
            ),
        ]


class DutyReport(models.Model):
    """述职: a deputy's report to the voters, with the voters' ratings counted."""

    deputy = models.ForeignKey(
        Deputy, verbose_name="代表", on_delete=models.CASCADE, related_name="duty_reports"
    )
    date = models.DateField("述职日期")
    title = models.CharField("标题", max_length=200, blank=True)
    venue = models.CharField("地点", max_length=100, blank=True)
    text = models.TextField("述职内容")
    satisfied = models.PositiveIntegerField("满意票数", default=0)
    basically_satisfied = models.PositiveIntegerField("基本满意票数", default=0)
    dissatisfied = models.PositiveIntegerField("不满意票数", default=0)

    panels = [
        FieldRowPanel([FieldPanel("deputy"), FieldPanel("date")]),
        FieldRowPanel([FieldPanel("title"), FieldPanel("venue")]),
        FieldPanel("text"),
        FieldRowPanel(
            [FieldPanel("satisfied"), FieldPanel("basically_satisfied"), FieldPanel("dissatisfied")]
        ),
    ]

    class Meta:
        ordering = ["-date"]
        verbose_name = "述职报告"
        verbose_name_plural = "述职报告"

    def __str__(self):
        return self.title or f"{self.deputy} {self.date:%Y年}述职"

    @property
    def votes(self):
        return self.satisfied + self.basically_satisfied + self.dissatisfied

    @property
    def satisfaction_rate(self):
        """满意和基本满意 as a percentage of votes, or None without votes."""
        if not self.votes:
            return None
        return round((self.satisfied + self.basically_satisfied) * 100 / self.votes, 1)
