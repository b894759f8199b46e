from django.core.exceptions import ValidationError
from django.db import models
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel
from wagtail.models import Orderable

from .base import DatedModel, DatedQuerySet
from .register import Area, Deputy, Term


class DeputyGroup(ClusterableModel):
    """代表小组: deputies grouped (usually by township) for activities in one term."""

    term = models.ForeignKey(
        Term, verbose_name="届次", on_delete=models.PROTECT, related_name="groups"
    )
    name = models.CharField("名称", max_length=50, help_text="如：城关镇代表小组")
    township = models.ForeignKey(
        Area,
        verbose_name="所在乡镇（街道）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deputy_groups",
        limit_choices_to={"kind__in": [Area.TOWNSHIP, Area.STREET]},
    )
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    panels = [
        FieldRowPanel([FieldPanel("term"), FieldPanel("name")]),
        FieldRowPanel([FieldPanel("township"), FieldPanel("sort_order")]),
        InlinePanel("memberships", heading="小组成员", label="成员"),
    ]

    class Meta:
        ordering = ["term", "sort_order", "name"]
        verbose_name = "代表小组"
        verbose_name_plural = "代表小组"
        constraints = [
            models.UniqueConstraint(fields=["term", "name"], name="unique_group_name_per_term"),
        ]

    def __str__(self):
        return f"{self.name}（{self.term}）"


class GroupMembership(DatedModel, Orderable):
    ROLE_CHOICES = [("leader", "组长"), ("deputy_leader", "副组长"), ("member", "成员")]

    group = ParentalKey(DeputyGroup, related_name="memberships", on_delete=models.CASCADE)
    deputy = models.ForeignKey(
        Deputy, verbose_name="代表", on_delete=models.CASCADE, related_name="group_memberships"
    )
    role = models.CharField("职务", max_length=20, choices=ROLE_CHOICES, default="member")

    panels = [
        FieldRowPanel([FieldPanel("deputy"), FieldPanel("role")]),
        FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
    ]

    objects = DatedQuerySet.as_manager()

    class Meta(Orderable.Meta):
        verbose_name = "小组成员"
        verbose_name_plural = "小组成员"

    def __str__(self):
        return f"{self.deputy}（{self.get_role_display()}）"


class CommitteeMember(DatedModel, ClusterableModel):
    """常委会组成人员: a deputy's post on the standing committee, dated, with the deputy groups the
    member contacts (双联系: 常委会组成人员联系代表小组)."""

    POST_CHOICES = [
        ("chair", "主任"),
        ("vice_chair", "副主任"),
        ("secretary_general", "秘书长"),
        ("member", "委员"),
    ]
    POST_ORDER = {key: position for position, (key, _label) in enumerate(POST_CHOICES)}

    deputy = models.ForeignKey(
        Deputy, verbose_name="代表", on_delete=models.PROTECT, related_name="committee_posts"
    )
    term = models.ForeignKey(
        Term, verbose_name="届次", on_delete=models.PROTECT, related_name="committee_members"
    )
    post = models.CharField("职务", max_length=30, choices=POST_CHOICES)
    sort_order = models.PositiveSmallIntegerField("同职务内排序", default=0)

    panels = [
        FieldRowPanel([FieldPanel("deputy"), FieldPanel("term")]),
        FieldRowPanel([FieldPanel("post"), FieldPanel("sort_order")]),
        FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
        InlinePanel("group_contacts", heading="联系的代表小组（双联系）", label="代表小组"),
    ]

    objects = DatedQuerySet.as_manager()

    class Meta:
        ordering = ["term", "post", "sort_order"]
        verbose_name = "常委会组成人员"
        verbose_name_plural = "常委会组成人员"

    def __str__(self):
        return f"{self.get_post_display()} {self.deputy}"

    def clean(self):
        super().clean()
        if self.deputy_id is None:
            raise ValidationError({"deputy": "常委会职务必须对应一名代表。"})


class GroupContact(DatedModel, Orderable):
    committee_member = ParentalKey(
        CommitteeMember, related_name="group_contacts", on_delete=models.CASCADE
    )
    group = models.ForeignKey(
        DeputyGroup, verbose_name="代表小组", on_delete=models.CASCADE, related_name="contacts"
    )

    panels = [
        FieldPanel("group"),
        FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
    ]

    objects = DatedQuerySet.as_manager()

    class Meta(Orderable.Meta):
        verbose_name = "联系代表小组"
        verbose_name_plural = "联系代表小组"


class SupervisionRole(DatedModel, Orderable):
    """A social supervision role a deputy holds (人民陪审员, 义务监督员, 行风监督员 …)."""

    ROLE_CHOICES = [
        ("juror", "人民陪审员"),
        ("people_supervisor", "人民监督员"),
        ("volunteer_supervisor", "义务监督员"),
        ("conduct_supervisor", "行风监督员"),
        ("special_supervisor", "特约监督员"),
        ("other", "其他"),
    ]

    deputy = ParentalKey(Deputy, related_name="supervision_roles", on_delete=models.CASCADE)
    role = models.CharField("职务", max_length=30, choices=ROLE_CHOICES)
    organisation = models.CharField("聘任单位", max_length=100, help_text="如：县人民法院")

    panels = [
        FieldRowPanel([FieldPanel("role"), FieldPanel("organisation")]),
        FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
    ]

    objects = DatedQuerySet.as_manager()

    class Meta(Orderable.Meta):
        verbose_name = "社会监督职务"
        verbose_name_plural = "社会监督职务"

    def __str__(self):
        return f"{self.organisation}{self.get_role_display()}"
