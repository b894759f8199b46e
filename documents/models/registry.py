import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import DraftStateMixin, LockableMixin, Orderable, RevisionMixin
from wagtail.search import index

RECEIPT_NUMBER = re.compile(r"〕(\d+)号$")

# The brackets a 文号's year is written in: 〔〕 is the standard (GB/T 9704), the others are
# common typing variants of the same number.
NUMBER_BRACKETS = ("〔〕", "[]", "［］", "【】", "()", "（）", "﹝﹞")
_TO_STANDARD = str.maketrans(
    {pair[0]: "〔" for pair in NUMBER_BRACKETS} | {pair[1]: "〕" for pair in NUMBER_BRACKETS}
)
_SPACES = re.compile(r"\s+")


def number_key(number):
    """A 文号 as compared: without spaces, its year brackets written 〔〕."""
    return _SPACES.sub("", number or "").translate(_TO_STANDARD)


def number_variants(number):
    """The spellings of a 文号 that `number_key` takes for the same number."""
    key = number_key(number)
    return {key.replace("〔", pair[0]).replace("〕", pair[1]) for pair in NUMBER_BRACKETS}


class IssuingBody(models.Model):
    """制定机关: the body that issued a document (县人民政府, 县教育局 …)."""

    name = models.CharField("名称", max_length=100, unique=True)
    sort_order = models.PositiveIntegerField("排序", default=0)

    panels = [FieldPanel("name"), FieldPanel("sort_order")]

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = "制定机关"
        verbose_name_plural = "制定机关"

    def __str__(self):
        return self.name


class NormativeDocumentQuerySet(models.QuerySet):
    def public(self):
        """What the public registry shows: published (live) documents."""
        return self.filter(live=True)

    def with_number(self, *numbers):
        """Documents whose 文号 is one of `numbers`, in any bracket spelling (`number_key`)."""
        variants = set()
        for number in numbers:
            if number_key(number):
                variants |= number_variants(number)
        if not variants:
            return self.none()
        return self.filter(number__in=variants)


class NormativeDocument(
    DraftStateMixin, RevisionMixin, LockableMixin, index.Indexed, ClusterableModel
):
    """规范性文件: a document filed for review (报备), with its files and their extracted text."""

    VALID, AMENDED, REPEALED = "valid", "amended", "repealed"
    VALIDITY_CHOICES = [(VALID, "有效"), (AMENDED, "已修改"), (REPEALED, "已废止")]

    # How the full text was obtained from the files (documents/extract.py).
    TEXT_NONE, TEXT_OK, TEXT_NO_LAYER, TEXT_FAILED = "none", "ok", "no_text_layer", "failed"
    TEXT_STATUS_CHOICES = [
        (TEXT_NONE, "无文件"),
        (TEXT_OK, "已提取"),
        (TEXT_NO_LAYER, "扫描件无文字层，需人工录入"),
        (TEXT_FAILED, "提取失败"),
    ]

    title = models.CharField("标题", max_length=300)
    number = models.CharField("文号", max_length=100, blank=True, help_text="如：县政发〔2026〕3号")
    issuing_body = models.ForeignKey(
        IssuingBody,
        verbose_name="制定机关",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    category = models.CharField(
        "类别", max_length=50, blank=True, help_text="如：规范性文件、地方性法规、部门规章"
    )
    date_issued = models.DateField("公布日期", null=True, blank=True)
    date_filed = models.DateField("报备日期", null=True, blank=True)
    date_effective = models.DateField("施行日期", null=True, blank=True)
    validity = models.CharField("效力", max_length=20, choices=VALIDITY_CHOICES, default=VALID)
    superseded_by = models.ForeignKey(
        "self",
        verbose_name="修改或废止本文件的文件",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supersedes",
        help_text="效力为“已修改”或“已废止”时，选择修改或废止它的文件",
    )
    summary = models.TextField("摘要", blank=True, max_length=1000)
    full_text = models.TextField(
        "全文", blank=True, help_text="从文件中提取，供检索和网页显示；可人工修订"
    )
    text_status = models.CharField(
        "全文提取", max_length=20, choices=TEXT_STATUS_CHOICES, default=TEXT_NONE
    )
    text_note = models.CharField("提取说明", max_length=300, blank=True)
    # Registration (接收登记) and its electronic receipt (回执).
    receipt_number = models.CharField(
        "登记回执编号", max_length=40, unique=True, null=True, blank=True, editable=False
    )
    registered_at = models.DateTimeField("登记时间", null=True, blank=True, editable=False)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Identity for `import_documents` (documents/importer.py): re-importing updates, never
    # duplicates. source_path is the file's path relative to the folder given on the command
    # line; content_hash the SHA-256 of its bytes.
    source_path = models.CharField("来源文件", max_length=500, blank=True, db_index=True)
    content_hash = models.CharField("内容摘要值", max_length=64, blank=True, db_index=True)

    objects = NormativeDocumentQuerySet.as_manager()

    ROW_FIELDS = (
        "receipt_number",
        "registered_at",
        "registered_by_id",
        "source_path",
        "content_hash",
    )

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("title"),
                FieldRowPanel([FieldPanel("number"), FieldPanel("issuing_body")]),
                FieldPanel("category"),
                FieldRowPanel(
                    [
                        FieldPanel("date_issued"),
                        FieldPanel("date_filed"),
                        FieldPanel("date_effective"),
                    ]
                ),
            ],
            heading="基本信息",
        ),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("validity"), FieldPanel("superseded_by")])],
            heading="效力",
        ),
        FieldPanel("summary"),
        InlinePanel("files", heading="文件", label="文件"),
        MultiFieldPanel(
            [FieldPanel("text_status", read_only=True), FieldPanel("text_note", read_only=True)],
            heading="全文提取",
        ),
        FieldPanel("full_text"),
    ]

    # The site search (search/backends/site.py): result type, date, and the URL of an entry (the
    # registry page's route up to the pk); search_priority() and search_passages() below.
    search_result_type = "document"
    search_result_date = "date_issued"
    search_index_page = "documents.DocumentRegistryPage"
    search_url_prefix = "document_url_prefix"

    search_fields = [
        index.SearchField("title", boost=5),
        index.AutocompleteField("title"),
        index.SearchField("number", boost=3),
        index.SearchField("summary"),
        index.SearchField("full_text"),
        index.RelatedFields("issuing_body", [index.SearchField("name")]),
        index.FilterField("live"),
        index.FilterField("validity"),
        index.FilterField("issuing_body"),
        index.FilterField("date_issued"),
    ]

    class Meta:
        ordering = ["-date_issued", "-pk"]
        verbose_name = "规范性文件"
        verbose_name_plural = "规范性文件"
        indexes = [models.Index(fields=["live", "date_issued"], name="document_live_issued")]

    def __str__(self):
        return f"{self.title}（{self.number}）" if self.number else self.title

    VALIDITY_ORDER = {VALID: 2, AMENDED: 1, REPEALED: 0}

    def search_priority(self):
        """Among documents of the same title in the site search: valid before amended before
        repealed, then the newest (issued, else effective)."""
        day = self.date_issued or self.date_effective
        return self.VALIDITY_ORDER.get(self.validity, 0) * 1e6 + (day.toordinal() if day else 0)

    @staticmethod
    def search_passages(text):
        """The articles of the indexed text, with their anchors on the document page."""
        from documents.fulltext import articles

        return articles(text)

    def clean(self):
        super().clean()
        errors = {}
        if self.date_issued and self.date_filed and self.date_filed < self.date_issued:
            errors["date_filed"] = "报备日期不能早于公布日期。"
        if self.date_issued and self.date_effective and self.date_effective < self.date_issued:
            errors["date_effective"] = "施行日期不能早于公布日期。"
        if self.superseded_by_id and self.superseded_by_id == self.pk:
            errors["superseded_by"] = "文件不能修改或废止它自己。"
        if self.validity == self.VALID and self.superseded_by_id:
            errors["validity"] = "已选择修改或废止本文件的文件时，效力应为“已修改”或“已废止”。"
        if errors:
            raise ValidationError(errors)

    @property
    def year(self):
        date = self.date_filed or self.date_issued
        return date.year if date else None

    @property
    def latest_review(self):
        reviews = list(self.reviews.all())
        return max(reviews, key=lambda r: (r.received_date, r.pk)) if reviews else None

    def with_content_json(self, content):
        """Restoring or publishing a revision keeps the facts of the database row: a
        registration (receipt number) and the importer's identity are never undone by an older
        revision (Wagtail keeps `live` and the like the same way)."""
        obj = super().with_content_json(content)
        for field in self.ROW_FIELDS:
            setattr(obj, field, getattr(self, field))
        return obj

    def register(self, user=None, when=None):
        """接收登记: give the document its receipt number (回执编号) once; returns it.

        The number is the year's highest plus one (numbers stay unique after a deletion); the
        row is written only if it has no number yet, so two registrations of one document keep
        the first. Two documents numbered at the same moment collide on the unique constraint
        (IntegrityError): the caller retries."""
        if self.receipt_number:
            return self.receipt_number
        when = when or timezone.now()
        prefix = f"备审〔{timezone.localtime(when).year}〕"
        taken = NormativeDocument.objects.filter(receipt_number__startswith=prefix).values_list(
            "receipt_number", flat=True
        )
        highest = max(
            (int(match[1]) for number in taken if (match := RECEIPT_NUMBER.search(number))),
            default=0,
        )
        number = f"{prefix}{highest + 1}号"
        updated = NormativeDocument.objects.filter(pk=self.pk, receipt_number__isnull=True).update(
            receipt_number=number, registered_at=when, registered_by=user
        )
        if updated:
            self.receipt_number, self.registered_at, self.registered_by = number, when, user
        else:
            self.refresh_from_db(fields=["receipt_number", "registered_at", "registered_by"])
        return self.receipt_number


class DocumentFile(Orderable):
    """A file of a document (正文、附件、起草说明), with the text extracted from it."""

    document = ParentalKey(NormativeDocument, related_name="files", on_delete=models.CASCADE)
    file = models.ForeignKey(
        "wagtaildocs.Document", verbose_name="文件", on_delete=models.PROTECT, related_name="+"
    )
    label = models.CharField("说明", max_length=100, blank=True, help_text="如：正文、起草说明")

    panels = [FieldRowPanel([FieldPanel("file"), FieldPanel("label")])]

    class Meta(Orderable.Meta):
        verbose_name = "文件"
        verbose_name_plural = "文件"

    def __str__(self):
        return self.label or self.file.title
