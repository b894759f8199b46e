"""The shared StreamField vocabulary of every content page."""

from django.core.exceptions import ValidationError
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageBlock

# Rich text may carry headings h2–h4 only: the page title is the one h1.
RICH_TEXT_FEATURES = ["h2", "h3", "h4", "bold", "italic", "ol", "ul", "hr", "link", "document-link"]


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label="标题文字", max_length=120)
    level = blocks.ChoiceBlock(
        label="级别",
        choices=[("h2", "二级标题"), ("h3", "三级标题"), ("h4", "四级标题")],
        default="h2",
    )

    class Meta:
        icon = "title"
        label = "小标题"
        template = "components/streamfield/heading_block.html"
        description = "正文中的小标题（二至四级）"
        preview_value = {"text": "一、主要做法", "level": "h2"}


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageBlock(label="图片")
    caption = blocks.CharBlock(label="图注", required=False, max_length=200)

    class Meta:
        icon = "image"
        label = "图片"
        template = "components/streamfield/image_block.html"
        description = "图片、替代文字与图注；非装饰性图片必须填写替代文字"


class CaptionedTableBlock(TableBlock):
    """A table that must have a caption and a header row or column (WCAG 1.3.1)."""

    def clean(self, value):
        value = super().clean(value)
        if value:
            errors = []
            if not (value.get("table_caption") or "").strip():
                errors.append("请填写表格标题（表注），以便读屏软件识别。")
            if value.get("table_header_choice") in (None, "", "neither"):
                errors.append("请设置表头行或表头列。")
            if errors:
                raise ValidationError(errors)
        return value

    class Meta:
        icon = "table"
        label = "表格"
        template = "components/streamfield/table_block.html"
        description = "带标题和表头的数据表格"


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label="文件")
    title = blocks.CharBlock(label="显示名称", required=False, help_text="留空则使用文件标题")

    class Meta:
        icon = "doc-full"
        label = "附件"
        template = "components/streamfield/document_block.html"
        description = "可下载的附件（PDF、Word、Excel 等）"


class TitledEmbedBlock(blocks.StructBlock):
    embed = EmbedBlock(label="视频或外部内容链接")
    title = blocks.CharBlock(label="标题", help_text="描述嵌入内容，供读屏软件使用")

    def clean(self, value):
        value = super().clean(value)
        if not value.get("embed"):
            raise StructBlockValidationError({"embed": ValidationError("请填写链接。")})
        return value

    class Meta:
        icon = "media"
        label = "嵌入视频"
        template = "components/streamfield/embed_block.html"
        description = "嵌入视频等外部内容，并提供标题"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label="引文")
    source = blocks.CharBlock(label="出处", required=False)

    class Meta:
        icon = "openquote"
        label = "引文"
        template = "components/streamfield/quote_block.html"
        description = "引用的讲话或文件原文"
        preview_value = {"text": "人民代表大会制度是我国的根本政治制度。", "source": ""}


class BodyStreamBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        features=RICH_TEXT_FEATURES,
        label="段落",
        icon="pilcrow",
        template="components/streamfield/paragraph_block.html",
        description="正文段落",
        preview_value="<p>县人大常委会认真贯彻落实党中央决策部署，依法履行职责。</p>",
    )
    image = CaptionedImageBlock()
    table = CaptionedTableBlock(
        table_options={"startRows": 3, "startCols": 3, "renderer": "text"},
    )
    document = DocumentBlock()
    embed = TitledEmbedBlock()
    quote = QuoteBlock()

    class Meta:
        label = "正文"
