from django.db import models
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting
from wagtail.models import Page
from wagtail.search import index

from .file_choices import FileChoiceFormMixin
from .slugs import new_page_slug


class SiteSettings(BaseSiteSetting):
    """Who we are, shown in the header and footer; editable in the admin (设置 → 网站信息)."""

    site_name = models.CharField("网站名称", max_length=100, default="县人大常委会")
    organisation = models.CharField(
        "主办单位", max_length=100, blank=True, default="县人民代表大会常务委员会办公室"
    )
    address = models.CharField("地址", max_length=200, blank=True)
    postcode = models.CharField("邮政编码", max_length=10, blank=True)
    phone = models.CharField("联系电话", max_length=50, blank=True)
    email = models.EmailField("电子邮箱", blank=True)
    icp_number = models.CharField(
        "ICP备案号", max_length=100, blank=True, help_text="例如：冀ICP备12345678号"
    )
    psb_number = models.CharField(
        "公安机关备案号", max_length=100, blank=True, help_text="例如：冀公网安备 13000000000000号"
    )
    psb_code = models.CharField(
        "公安机关备案编码",
        max_length=30,
        blank=True,
        help_text="备案号中的数字编码，用于链接到全国互联网安全管理服务平台",
    )

    panels = [
        FieldPanel("site_name"),
        FieldPanel("organisation"),
        MultiFieldPanel(
            [
                FieldPanel("address"),
                FieldPanel("postcode"),
                FieldPanel("phone"),
                FieldPanel("email"),
            ],
            heading="联系方式",
        ),
        MultiFieldPanel(
            [FieldPanel("icp_number"), FieldPanel("psb_number"), FieldPanel("psb_code")],
            heading="备案信息（显示在页脚）",
        ),
    ]

    class Meta:
        verbose_name = "网站信息"
        verbose_name_plural = "网站信息"

    def __str__(self):
        return self.site_name


class BasePageForm(FileChoiceFormMixin, WagtailAdminPageForm):
    """The page editor of every content page: the slug may be left empty, and is then made from
    the title's pinyin (core/slugs.py) rather than refused; images and documents only those the
    editor may choose (core/file_choices.py)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].required = False
            self.fields["slug"].help_text = (
                "页面网址的最后一段，只用小写字母、数字和连字符；留空则按标题拼音自动生成，"
                "如 guan-yu-gui-fan-cheng-qu"
            )

    def clean(self):
        if "slug" in self.fields and not self.cleaned_data.get("slug"):
            self.instance.title = self.cleaned_data.get("title") or self.instance.title
            if self.instance.title and self.parent_page is not None:
                self.cleaned_data["slug"] = new_page_slug(self.instance, self.parent_page)
        return super().clean()


class BasePage(Page):
    """Fields every content page shares: a summary for listings and the meta description."""

    base_form_class = BasePageForm

    summary = models.TextField(
        "摘要", blank=True, max_length=500, help_text="显示在列表和搜索结果中；留空则不显示"
    )

    search_fields = [*Page.search_fields, index.SearchField("summary")]

    class Meta:
        abstract = True

    @property
    def meta_description(self):
        return self.search_description or self.summary

    def full_clean(self, *args, **kwargs):
        # Pages made in code (demo content, factories) get the same slug as in the editor:
        # Wagtail's own default, slugify(title) without Unicode, is empty for a Chinese title.
        parent = getattr(self, "_cached_parent_obj", None) or (self.path and self.get_parent())
        if not self.slug and self.title and parent:
            self.slug = new_page_slug(self, parent)
        super().full_clean(*args, **kwargs)


class FileCollection(models.Model):
    """Which Wagtail collection keeps a register's files (images and documents).

    The root collection holds public editorial content only; each register's files live in a
    collection of its own (created by the apps' data migrations, see docs/security.md, "Files by
    collection"), found here by a stable key rather than by a name staff may edit."""

    STATIONS = "stations"
    DEPUTIES = "deputies"
    DOCUMENTS = "documents"
    KEY_CHOICES = [
        (STATIONS, "代表工作站（每站一个子文件夹）"),
        (DEPUTIES, "人大代表照片"),
        (DOCUMENTS, "规范性文件"),
    ]

    key = models.CharField("用途", max_length=20, choices=KEY_CHOICES, unique=True)
    collection = models.OneToOneField(
        "wagtailcore.Collection",
        verbose_name="文件夹",
        on_delete=models.PROTECT,
        related_name="register",
    )

    class Meta:
        verbose_name = "登记簿文件夹"
        verbose_name_plural = "登记簿文件夹"

    def __str__(self):
        return self.get_key_display()

    @classmethod
    def collection_for(cls, key):
        """The collection of `key` (None before the migrations have made it)."""
        row = cls.objects.select_related("collection").filter(key=key).first()
        return row.collection if row else None
