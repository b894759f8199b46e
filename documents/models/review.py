import secrets

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel

from .registry import NormativeDocument


class Review(models.Model):
    """审查: one review of a filed document. Stage moves 接收登记 → 审查中 → 已审结; each change is
    written to Wagtail's log with who and when (documents/wagtail_hooks.py)."""

    ACTIVE, ON_REQUEST, SPECIAL = "active", "on_request", "special"
    KIND_CHOICES = [(ACTIVE, "主动审查"), (ON_REQUEST, "依申请审查"), (SPECIAL, "专项审查")]

    RECEIVED, REVIEWING, CONCLUDED = "received", "reviewing", "concluded"
    STAGE_CHOICES = [(RECEIVED, "接收登记"), (REVIEWING, "审查中"), (CONCLUDED, "已审结")]
    STAGE_ORDER = [RECEIVED, REVIEWING, CONCLUDED]

    NO_PROBLEM, SUGGEST_CHANGE, CORRECTED, REVOKED = (
        "no_problem",
        "suggest_change",
        "corrected",
        "revoked",
    )
    CONCLUSION_CHOICES = [
        (NO_PROBLEM, "未发现问题"),
        (SUGGEST_CHANGE, "建议修改"),
        (CORRECTED, "已纠正"),
        (REVOKED, "已撤销"),
    ]

    document = models.ForeignKey(
        NormativeDocument,
        verbose_name="规范性文件",
        on_delete=models.CASCADE,
        related_name="reviews",
    )
    kind = models.CharField("审查方式", max_length=20, choices=KIND_CHOICES, default=ACTIVE)
    stage = models.CharField("阶段", max_length=20, choices=STAGE_CHOICES, default=RECEIVED)
    received_date = models.DateField("接收登记日期", default=timezone.localdate)
    started_date = models.DateField("开始审查日期", null=True, blank=True)
    concluded_date = models.DateField("审结日期", null=True, blank=True)
    conclusion = models.CharField("审查结论", max_length=20, choices=CONCLUSION_CHOICES, blank=True)
    opinion = models.TextField("审查意见", blank=True, help_text="审结后在网站公开")
    suggestion = models.ForeignKey(
        "documents.ReviewSuggestion",
        verbose_name="依据的审查建议",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reviews",
        help_text="依申请审查时，选择公民、组织提出的审查建议",
    )

    panels = [
        FieldPanel("document"),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("stage")]),
        FieldRowPanel(
            [FieldPanel("received_date"), FieldPanel("started_date"), FieldPanel("concluded_date")]
        ),
        MultiFieldPanel([FieldPanel("conclusion"), FieldPanel("opinion")], heading="审查结论"),
        FieldPanel("suggestion"),
    ]

    class Meta:
        ordering = ["-received_date", "-pk"]
        verbose_name = "审查"
        verbose_name_plural = "审查"

    def __str__(self):
        return f"{self.document.title} · {self.get_kind_display()}（{self.get_stage_display()}）"

    def clean(self):
        super().clean()
        errors = {}
        if self.stage in (self.REVIEWING, self.CONCLUDED) and not self.started_date:
            errors["started_date"] = "进入“审查中”阶段时请填写开始审查日期。"
        if self.stage == self.CONCLUDED:
            if not self.concluded_date:
                errors["concluded_date"] = "审结时请填写审结日期。"
            if not self.conclusion:
                errors["conclusion"] = "审结时请选择审查结论。"
        elif self.conclusion or self.concluded_date:
            errors["stage"] = "填写了审查结论或审结日期时，阶段应为“已审结”。"
        if self.started_date and self.received_date and self.started_date < self.received_date:
            errors["started_date"] = "开始审查日期不能早于接收登记日期。"
        if self.concluded_date and self.started_date and self.concluded_date < self.started_date:
            errors["concluded_date"] = "审结日期不能早于开始审查日期。"
        if errors:
            raise ValidationError(errors)

    @property
    def is_concluded(self):
        return self.stage == self.CONCLUDED


def new_tracking_number():
    """A tracking number (受理编号): date plus random digits. It names a suggestion; it does not
    open it: the status page also needs the check code below."""
    return f"JY{timezone.localdate():%Y%m%d}{secrets.randbelow(10**6):06d}"


def new_check_code():
    """The check code (查询码) given to the citizen with the tracking number: 8 characters from an
    unambiguous alphabet, about 40 bits, compared in constant time."""
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(8))


class ReviewSuggestionQuerySet(models.QuerySet):
    def same_content(self, since, **content):
        """Suggestions submitted since `since` with exactly this content (every field the form
        stores): the same submission sent again."""
        return self.filter(submitted_at__gte=since, **content)


class ReviewSuggestion(models.Model):
    """审查建议: a citizen's or organisation's request to review a document. The name and contact
    are for staff only and never appear on a public page."""

    RECEIVED, PROCESSING, REPLIED, DECLINED = "received", "processing", "replied", "declined"
    STATUS_CHOICES = [
        (RECEIVED, "已收到"),
        (PROCESSING, "办理中"),
        (REPLIED, "已答复"),
        (DECLINED, "不予受理"),
    ]

    tracking_number = models.CharField(
        "受理编号", max_length=30, unique=True, default=new_tracking_number, editable=False
    )
    check_code = models.CharField("查询码", max_length=16, default=new_check_code, editable=False)
    document = models.ForeignKey(
        NormativeDocument,
        verbose_name="建议审查的文件",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="suggestions",
    )
    document_title = models.CharField(
        "文件名称", max_length=300, blank=True, help_text="文件不在目录中时，由建议人填写"
    )
    issues = models.TextField("存在的问题", max_length=5000)
    reasons = models.TextField("理由和依据", max_length=5000)
    name = models.CharField("建议人", max_length=100)
    contact = models.CharField("联系方式", max_length=100)
    submitted_at = models.DateTimeField("提交时间", default=timezone.now, editable=False)
    status = models.CharField("办理状态", max_length=20, choices=STATUS_CHOICES, default=RECEIVED)
    reply = models.TextField("答复", blank=True, help_text="公开显示在查询页上")
    replied_at = models.DateTimeField("答复时间", null=True, blank=True)

    objects = ReviewSuggestionQuerySet.as_manager()

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("document", read_only=True),
                FieldPanel("document_title", read_only=True),
                FieldPanel("issues", read_only=True),
                FieldPanel("reasons", read_only=True),
                FieldRowPanel(
                    [FieldPanel("name", read_only=True), FieldPanel("contact", read_only=True)]
                ),
            ],
            heading="建议内容",
        ),
        MultiFieldPanel(
            [FieldPanel("status"), FieldPanel("reply"), FieldPanel("replied_at")],
            heading="办理与答复",
        ),
    ]

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = "审查建议"
        verbose_name_plural = "审查建议"

    def __str__(self):
        return f"{self.tracking_number} {self.document_label}"

    @property
    def document_label(self):
        return self.document.title if self.document_id else self.document_title

    def clean(self):
        super().clean()
        errors = {}
        if not self.document_id and not (self.document_title or "").strip():
            errors["document_title"] = "请选择文件，或填写文件名称。"
        if self.status in (self.REPLIED, self.DECLINED) and not (self.reply or "").strip():
            errors["reply"] = "答复或不予受理时，请填写答复内容（将公开显示）。"
        if errors:
            raise ValidationError(errors)

    def check_matches(self, code):
        # Bytes: compare_digest refuses str with non-ASCII characters (a TypeError, not "no").
        given = (code or "").strip().upper().encode("utf-8")
        return secrets.compare_digest(self.check_code.encode("utf-8"), given)
