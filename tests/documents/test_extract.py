"""documents/extract.py: text from PDF, Word, Markdown and plain text, on fixtures made here
(Chinese PDFs with reportlab's built-in CID font, Word files with python-docx, GB18030 text)."""

import logging
import zipfile
from io import BytesIO

import docx
import pytest
from django.core.files.base import ContentFile
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from core.factories import DocumentFactory
from documents.extract import (
    TEXT_FAILED,
    TEXT_NO_LAYER,
    TEXT_NONE,
    TEXT_OK,
    extract_text,
    normalise_text,
    page_list,
    refresh_full_text,
)
from documents.factories import DocumentFileFactory, NormativeDocumentFactory
from documents.models import NormativeDocument

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

NOTICE = [
    "某某县人民政府关于印发农村人居环境整治实施办法的通知",
    "县政发〔2026〕3号",
    "各乡镇人民政府，县直各单位：",
    "第一条　为了改善农村人居环境，制定本办法。",
    "第二条　本办法自2026年4月1日起施行。",
]


# --- fixtures, shared with test_import.py -------------------------------------------------------


def pdf_bytes(pages, title=None, encrypt=None):
    """A PDF with one line of Chinese text per item, one list of lines per page."""
    buffer = BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, encrypt=encrypt)
    if title:
        pdf.setTitle(title)
    for lines in pages:
        pdf.setFont(FONT, 14)
        for number, line in enumerate(lines):
            pdf.drawString(60, 780 - 24 * number, line)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def scanned_pdf_bytes(pages=2):
    """What a scanner produces: every page one picture, no text at all."""
    picture = Image.new("RGB", (400, 560), "white")
    for x in range(40, 360, 8):  # some "print" so the page is not blank
        for y in range(60, 500, 16):
            picture.putpixel((x, y), (0, 0, 0))
    buffer = BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    for _ in range(pages):
        pdf.drawImage(ImageReader(picture), 40, 60, width=500, height=700)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def entity_bomb_docx():
    """A .docx whose document.xml defines entities that expand to 10^9 "lol"s (billion laughs)."""
    source = zipfile.ZipFile(BytesIO(docx_bytes(["正文"])))
    entities = '<!ENTITY a0 "lol">' + "".join(
        f'<!ENTITY a{n} "{f"&a{n - 1};" * 10}">' for n in range(1, 10)
    )
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                head, rest = data.decode().split("?>", 1)
                rest = rest.replace("正文", "&a9;")
                data = f"{head}?><!DOCTYPE w:document [{entities}]>{rest}".encode()
            bomb.writestr(item, data)
    return out.getvalue()


def docx_bytes(paragraphs=(), table=None, picture=False, title=""):
    document = docx.Document()
    if title:
        document.core_properties.title = title
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for row, cells in zip(grid.rows, table, strict=True):
            for cell, text in zip(row.cells, cells, strict=True):
                cell.text = text
    if picture:
        image = BytesIO()
        Image.new("RGB", (200, 100), "gray").save(image, "PNG")
        image.seek(0)
        document.add_picture(image)
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- PDF ----------------------------------------------------------------------------------------


class TestPdf:
    def test_chinese_text_is_extracted_from_every_page(self, tmp_path):
        path = tmp_path / "通知.pdf"
        path.write_bytes(pdf_bytes([NOTICE[:3], NOTICE[3:]], title="县政府通知"))

        result = extract_text(path)

        assert result.status == TEXT_OK
        assert result.note == ""
        lines = result.text.split("\n")
        assert lines[0] == NOTICE[0]
        assert "第一条　为了改善农村人居环境，制定本办法。" in lines
        assert "第二条　本办法自2026年4月1日起施行。" in lines
        assert result.title == "县政府通知"

    def test_a_scan_without_text_layer_is_flagged_not_indexed_empty(self):
        result = extract_text(scanned_pdf_bytes(pages=3), "扫描件.pdf")

        assert result.status == TEXT_NO_LAYER
        assert result.text == ""
        assert "PDF 共 3 页" in result.note
        assert "需人工录入" in result.note

    def test_a_page_without_text_is_named_in_the_note(self):
        result = extract_text(pdf_bytes([NOTICE, [], NOTICE]), "a.pdf")

        assert result.status == TEXT_OK
        assert result.note == "第 2 页没有文字（可能是扫描页），请核对"

    def test_a_typed_cover_on_scanned_pages_is_flagged_with_its_text_kept(self):
        result = extract_text(pdf_bytes([NOTICE, [], [], []]), "a.pdf")

        assert result.status == TEXT_NO_LAYER
        assert result.text.startswith(NOTICE[0])
        assert result.note == "PDF 共 4 页，其中第 2–4 页没有文字（可能是扫描页），需人工录入"

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            (b"just some bytes", "不是 PDF 格式"),
            (b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\ngarbage", "无法读取 PDF 文件"),
        ],
    )
    def test_a_damaged_pdf_fails_with_a_reason(self, data, message):
        result = extract_text(data, "坏.pdf")

        assert result.status == TEXT_FAILED
        assert message in result.note
        assert result.text == ""

    def test_an_encrypted_pdf_fails_with_a_reason(self):
        result = extract_text(pdf_bytes([NOTICE], encrypt="mima"), "加密.pdf")

        assert result.status == TEXT_FAILED
        assert "已加密" in result.note


# --- Word ---------------------------------------------------------------------------------------


class TestDocx:
    def test_paragraphs_and_tables_in_document_order(self):
        data = docx_bytes(
            NOTICE[:2], table=[["项目", "责任单位"], ["垃圾治理", "县城管局"]], title="属性标题"
        )

        result = extract_text(BytesIO(data), "通知.docx")

        assert result.status == TEXT_OK
        assert result.text.split("\n") == [
            NOTICE[0],
            NOTICE[1],
            "项目\t责任单位",
            "垃圾治理\t县城管局",
        ]
        assert result.title == "属性标题"

    def test_leading_full_width_indent_is_stripped_inner_spaces_kept(self):
        result = extract_text(docx_bytes(["　　第一条　为了……"]), "a.docx")

        assert result.text == "第一条　为了……"

    def test_a_word_file_with_only_a_picture_is_flagged(self):
        result = extract_text(docx_bytes(picture=True), "扫描.docx")

        assert result.status == TEXT_NO_LAYER
        assert "需人工录入" in result.note

    def test_an_old_doc_renamed_to_docx_is_explained(self):
        result = extract_text(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "旧.docx")

        assert result.status == TEXT_FAILED
        assert "旧版 Word（.doc）" in result.note

    def test_a_damaged_docx_fails_with_a_reason(self):
        result = extract_text(b"PK\x03\x04 not really a zip", "坏.docx")

        assert result.status == TEXT_FAILED
        assert "无法打开 Word 文件" in result.note


# --- text and Markdown --------------------------------------------------------------------------


class TestPlainText:
    def test_utf8_with_and_without_bom(self):
        text = "第一条　为了规范管理，制定本办法。"
        for data in (text.encode(), "\ufeff".encode() + text.encode()):
            result = extract_text(data, "a.txt")
            assert (result.status, result.text, result.note) == (TEXT_OK, text, "")

    def test_gb18030_is_detected(self):
        # 𠀀 (U+20000) exists in GB18030 only, not in GBK: the whole standard is supported.
        text = "县人民政府关于𠀀字的通知\r\n第一条　本办法适用于本县。"

        result = extract_text(text.encode("gb18030"), "通知.txt")

        assert result.status == TEXT_OK
        assert result.text == "县人民政府关于𠀀字的通知\n第一条　本办法适用于本县。"
        assert "GB18030" in result.note

    def test_utf16_with_bom(self):
        result = extract_text("县人民政府通知".encode("utf-16"), "a.txt")

        assert (result.status, result.text) == (TEXT_OK, "县人民政府通知")

    def test_binary_content_is_refused(self):
        data = bytes(range(256)) * 20

        result = extract_text(data, "a.txt")

        assert result.status == TEXT_FAILED
        assert result.note  # a Chinese reason
        assert result.text == ""

    def test_empty_file(self):
        result = extract_text(b"  \n", "a.txt")

        assert (result.status, result.note) == (TEXT_FAILED, "文件为空。")

    def test_markdown_title_header_and_marker(self):
        text = (
            "# 中华人民共和国测试法\n\n"
            "2020年1月1日 第十三届全国人民代表大会常务委员会第一次会议通过\n\n"
            "<!-- INFO END -->\n\n## 第一章 总则\n\n第一条　为了测试，制定本法。\n"
        )

        result = extract_text(text.encode(), "测试法.md")

        assert result.status == TEXT_OK
        assert result.title == "中华人民共和国测试法"
        assert result.header == "2020年1月1日 第十三届全国人民代表大会常务委员会第一次会议通过"
        assert "INFO END" not in result.text
        assert "#" not in result.text
        assert result.text.endswith("第一章 总则\n\n第一条　为了测试，制定本法。")


class TestUnsupported:
    @pytest.mark.parametrize(
        ("filename", "message"),
        [
            ("通知.doc", "不支持旧版 .doc 文件"),
            ("通知.wps", "不支持旧版 .wps 文件"),
            ("照片.jpg", "不支持的文件类型 .jpg（支持 .md、.txt、.docx、.pdf）"),
            ("无扩展名", "文件没有扩展名"),
        ],
    )
    def test_reason_names_the_type(self, filename, message):
        result = extract_text(b"data", filename)

        assert result.status == TEXT_FAILED
        assert message in result.note

    def test_a_missing_file_is_a_failure_not_an_exception(self, tmp_path):
        result = extract_text(tmp_path / "不存在.txt")

        assert result.status == TEXT_FAILED
        assert result.note.startswith("无法读取文件")

    def test_a_file_object_needs_a_name(self):
        with pytest.raises(TypeError):
            extract_text(BytesIO(b"x"))


class TestNormalise:
    def test_line_endings_control_characters_and_blank_lines(self):
        text = "第一行\r\n\r\n\r\n\r\n第二\x00行\r第三行\x0b  \n\n"

        assert normalise_text(text) == "第一行\n\n第二行\n第三行"

    def test_full_width_punctuation_is_kept(self):
        text = "（一）依照《中华人民共和国立法法》第五条：“不得增设”；ＡＢ１２"

        assert normalise_text(text) == text

    def test_radicals_from_pdf_fonts_become_ideographs(self):
        # What pypdf gives for 人民法院门户 from a PDF printed with Noto CJK by Chromium.
        assert normalise_text("⼈⺠法院⻔⼾，⻓⻘〈⽅案〉") == "人民法院门户，长青〈方案〉"

    def test_page_list(self):
        assert page_list([1, 2, 3, 5, 7, 8]) == "1–3、5、7–8"


# --- refresh_full_text (used by the admin when files are attached) -----------------------------


@pytest.mark.django_db
class TestRefreshFullText:
    def attach(self, document, filename, data, label="正文"):
        wagtail_document = DocumentFactory(file=ContentFile(data, name=filename))
        return DocumentFileFactory(document=document, file=wagtail_document, label=label)

    def test_sets_text_status_and_note_without_saving(self):
        document = NormativeDocumentFactory(full_text="旧文本")
        self.attach(document, "通知.docx", docx_bytes(NOTICE))

        refresh_full_text(document)

        assert document.full_text.startswith(NOTICE[0])
        assert (document.text_status, document.text_note) == (TEXT_OK, "")
        document.refresh_from_db()
        assert document.full_text == "旧文本"

    def test_save_true_saves_the_three_fields(self):
        document = NormativeDocumentFactory(full_text="旧文本")
        self.attach(document, "扫描.pdf", scanned_pdf_bytes(pages=1))

        refresh_full_text(document, save=True)

        document.refresh_from_db()
        assert document.text_status == NormativeDocument.TEXT_NO_LAYER
        assert document.full_text == ""
        assert "需人工录入" in document.text_note

    def test_several_files_are_joined_under_their_labels(self):
        document = NormativeDocumentFactory()
        self.attach(document, "正文.txt", "正文内容。".encode(), label="正文")
        self.attach(document, "说明.txt", "起草说明内容。".encode("gb18030"), label="起草说明")
        self.attach(document, "附件.pdf", b"broken", label="附件")

        refresh_full_text(document)

        assert document.full_text == "【正文】\n正文内容。\n\n【起草说明】\n起草说明内容。"
        assert document.text_status == TEXT_OK
        assert "附件：文件不是 PDF 格式" in document.text_note
        assert "起草说明：按 GB18030" in document.text_note

    def test_only_a_broken_file_means_failed(self):
        document = NormativeDocumentFactory()
        self.attach(document, "坏.docx", b"PK\x03\x04 broken")

        refresh_full_text(document)

        assert document.text_status == TEXT_FAILED
        assert document.full_text == ""
        assert "无法打开 Word 文件" in document.text_note

    def test_no_files_means_no_text(self):
        document = NormativeDocumentFactory(full_text="手工录入的文本")

        refresh_full_text(document)

        assert (document.full_text, document.text_status) == ("", TEXT_NONE)


def test_entity_bomb_docx_is_refused_with_a_message_and_no_traceback(caplog):
    with caplog.at_level(logging.INFO):
        result = extract_text(entity_bomb_docx(), "炸弹.docx")
    assert not result.ok
    assert "不安全的实体定义" in result.note
    assert [record for record in caplog.records if record.exc_info] == []
