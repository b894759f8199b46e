"""Uploads are checked by content, not by name, on every upload path of the admin (add, edit,
multiple uploader, chooser upload tab, for images and for documents), and a refused file leaves
nothing behind: no row, no file in MEDIA_ROOT, nothing in the temporary upload folder. Served
documents carry safe headers (core/uploads.py, website/settings/base.py; docs/security.md,
"Uploads and served files")."""

import html
import io
import json
import os
import re
import shutil
import struct
import tempfile
import time
import zipfile
import zlib
from pathlib import Path

import docx
import PIL.Image
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from openpyxl import Workbook
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, UploadedFile

from core import uploads
from documents.extract import extract_text
from tests.admin_helpers import make_user

Document = get_document_model()
Image = get_image_model()
ROOT = Path(__file__).resolve().parents[2]
MB = 1024 * 1024


# --- good files ---------------------------------------------------------------------------------


def pdf_bytes(text="关于规范城区停车收费的通知"):
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    page.setFont("STSong-Light", 14)
    page.drawString(72, 760, text)
    page.save()
    return buffer.getvalue()


def docx_bytes(text="第一条 为了规范本县人民代表大会常务委员会的工作，制定本办法。"):
    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def xlsx_bytes():
    workbook = Workbook()
    workbook.active.append(["姓名", "选区"])
    workbook.active.append(["张三", "城关镇"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def odf_bytes(mimetype=b"application/vnd.oasis.opendocument.text", extra=()):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", "<office:document-content/>", zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", "<manifest:manifest/>", zipfile.ZIP_DEFLATED)
        for name in extra:
            archive.writestr(name, "Sub Main\nEnd Sub")
    return buffer.getvalue()


def zip_bytes(members=(("说明.txt", b"activity"),)):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return buffer.getvalue()


def image_bytes(format="PNG", size=(40, 30)):
    buffer = io.BytesIO()
    PIL.Image.new("RGB", size, "#9e1b1f").save(buffer, format)
    return buffer.getvalue()


# An OLE2 compound file header (the first sector of every .doc/.xls): the check is the signature.
OLE2_HEADER = uploads.OLE2 + bytes(16) + b"\x3e\x00\x03\x00\xfe\xff\x09\x00" + bytes(480)

GOOD_DOCUMENTS = {
    "通知.pdf": pdf_bytes,
    "办法.docx": docx_bytes,
    "名册.xlsx": xlsx_bytes,
    "记录.odt": odf_bytes,
    "统计.ods": lambda: odf_bytes(b"application/vnd.oasis.opendocument.spreadsheet"),
    "旧版.doc": lambda: OLE2_HEADER,
    "旧表.xls": lambda: OLE2_HEADER,
    "资料.zip": zip_bytes,
    "说明.txt": lambda: "第一条 本办法自公布之日起施行。".encode(),
    "说明GBK.txt": lambda: "第一条 本办法自公布之日起施行。".encode("gb18030"),
    "法规.md": lambda: "# 县人大常委会议事规则\n\n<!-- INFO END -->\n\n第一条 …".encode(),
    "名单.csv": lambda: "姓名,选区\n张三,城关镇\n".encode("utf-8-sig"),
}


# --- hostile files ------------------------------------------------------------------------------

HTML_PAGE = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG_SCRIPT = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="30" onload="alert(1)">'
    b"<script>alert(document.cookie)</script></svg>"
)


def raw_deflate_zeros(mebibytes):
    """A raw deflate stream of `mebibytes` MiB of zeros, made without compressing them all: one
    MiB is compressed once and ended with a full flush (so it refers to nothing before it), and
    that segment repeated inflates to the whole; an empty final block closes the stream."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    segment = compressor.compress(bytes(MB)) + compressor.flush(zlib.Z_FULL_FLUSH)
    final = zlib.compressobj(9, zlib.DEFLATED, -15).flush()
    return segment * mebibytes + final


def zip_bomb_docx(mebibytes=2047):
    """A docx whose word/document.xml inflates to `mebibytes` MiB (2 GB, the most a zip without
    ZIP64 extensions declares) from about 2 MB: the other members are those of a real
    python-docx file, the bomb is written by hand (its CRC is left 0: the point is that
    nobody ever inflates it)."""
    real = zipfile.ZipFile(io.BytesIO(docx_bytes()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in real.infolist():
            if info.filename != "word/document.xml":
                archive.writestr(info.filename, real.read(info))
        central = archive  # written below by hand, then closed by the context manager
        data = raw_deflate_zeros(mebibytes)
        info = zipfile.ZipInfo("word/document.xml", date_time=(2026, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        info.file_size, info.compress_size, info.CRC = mebibytes * MB, len(data), 0
        info.header_offset = buffer.tell()
        buffer.write(info.FileHeader(zip64=False))
        buffer.write(data)
        central.start_dir = buffer.tell()
        central.filelist.append(info)
        central.NameToInfo[info.filename] = info
    return buffer.getvalue()


def many_members_docx(count=5000):
    real = zipfile.ZipFile(io.BytesIO(docx_bytes()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for info in real.infolist():
            archive.writestr(info.filename, real.read(info))
        for number in range(count):
            archive.writestr(f"word/media/p{number}.xml", b"")
    return buffer.getvalue()


def macro_docx():
    real = zipfile.ZipFile(io.BytesIO(docx_bytes()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in real.infolist():
            archive.writestr(info.filename, real.read(info))
        archive.writestr("word/vbaProject.bin", OLE2_HEADER)
    return buffer.getvalue()


def png_header(width, height):
    """A tiny PNG declaring width × height 1-bit pixels: a decompression bomb of Pillow's kind
    (Pillow refuses it from the header, before inflating anything)."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    rows = zlib.compress(bytes(1 + (width + 7) // 8) * 16)  # a few rows; enough to be opened
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
    )


MISMATCH = "文件内容与扩展名"
HTML_TEXT = "文件内容是网页"
BOMB = "压缩炸弹"
MACRO = "含有宏"

HOSTILE_DOCUMENTS = {
    # name: (content, what the message says)
    "网页.pdf": (lambda: HTML_PAGE, MISMATCH),
    "伪装.pdf": (lambda: b"<html><!-- %PDF-1.7 -->" + HTML_PAGE, MISMATCH),
    "网页.docx": (lambda: HTML_PAGE, MISMATCH),
    "压缩包.docx": (zip_bytes, MISMATCH),
    "表格.docx": (xlsx_bytes, MISMATCH),
    "旧版.docx": (lambda: OLE2_HEADER, "旧版 Word"),
    "炸弹.docx": (zip_bomb_docx, BOMB),
    "千件.docx": (many_members_docx, BOMB),
    "宏.docx": (macro_docx, MACRO),
    "网页.xls": (lambda: b"<table><tr><td>1</td></tr></table>", MISMATCH),
    "文本.doc": (lambda: "这不是 Word 文件".encode(), MISMATCH),
    "网页.odt": (lambda: HTML_PAGE, MISMATCH),
    "类型.ods": (odf_bytes, MISMATCH),
    "宏.odt": (lambda: odf_bytes(extra=["Basic/Standard/Module1.xml"]), MACRO),
    "网页.zip": (lambda: HTML_PAGE, MISMATCH),
    "网页.txt": (lambda: HTML_PAGE, HTML_TEXT),
    "脚本.csv": (lambda: "姓名\n<script>alert(1)</script>\n".encode(), HTML_TEXT),
    "图形.md": (lambda: SVG_SCRIPT, HTML_TEXT),
    "二进制.txt": (lambda: bytes(range(256)) * 4, "编码"),
    "程序.txt": (lambda: b"MZ\x00\x01\x02\x03" * 256, "二进制"),
}

TOO_MANY_PIXELS = "图片像素过多"
NOT_AN_IMAGE = "不是图片"

HOSTILE_IMAGES = {
    "脚本.svg": (lambda: SVG_SCRIPT, "不支持的图片格式"),
    "脚本.png": (lambda: SVG_SCRIPT, MISMATCH),
    "网页.jpg": (lambda: HTML_PAGE, MISMATCH),  # Willow takes the markup for SVG
    "文本.jpg": (lambda: "这不是图片".encode(), NOT_AN_IMAGE),
    "炸弹.png": (lambda: png_header(20_000, 20_000), TOO_MANY_PIXELS),
    "大图.png": (lambda: png_header(8_000, 6_000), TOO_MANY_PIXELS),  # 48 MP, Pillow opens it
    "动图.png": (lambda: image_bytes("GIF"), MISMATCH),
}


# --- the upload paths ---------------------------------------------------------------------------


def response_text(response):
    """Everything a person would read in the response: the page, or a JSON answer's strings."""
    content = response.content.decode("utf-8")
    if response["Content-Type"].startswith("application/json"):
        content = json.dumps(json.loads(content), ensure_ascii=False)
    return html.unescape(content)


class UploadPath:
    def __init__(self, kind, view):
        self.kind, self.view = kind, view
        self.model = Document if kind == "document" else Image

    def __str__(self):
        return f"{self.kind} {self.view}"

    def url(self, existing=None):
        prefix = "wagtaildocs" if self.kind == "document" else "wagtailimages"
        if self.view == "edit":
            return reverse(f"{prefix}:edit", args=[existing.pk])
        if self.view == "chooser":
            return reverse(f"{prefix}_chooser:create")
        return reverse(f"{prefix}:{'add_multiple' if self.view == 'multiple' else 'add'}")

    def data(self, file):
        collection = Collection.get_first_root_node().pk
        if self.view == "multiple":
            return {"files[]": file, "title": "上传", "collection": collection}
        prefix = {"chooser": f"{self.kind}-chooser-upload-"}.get(self.view, "")
        return {f"{prefix}title": "上传", f"{prefix}file": file, f"{prefix}collection": collection}

    def accepted(self, response):
        if self.view in ("add", "edit"):
            return response.status_code == 302
        answer = json.loads(response.content)
        if self.view == "multiple":
            return answer.get("success", False)
        return answer.get("step") in ("chosen", "select_format")


PATHS = [
    UploadPath(kind, view)
    for kind in ("document", "image")
    for view in ("add", "edit", "multiple", "chooser")
]


def files_under(folder):
    return sorted(
        str(Path(directory, name).relative_to(folder))
        for directory, _dirs, names in os.walk(folder)
        for name in names
    )


class UploadTestCase(TestCase):
    """A superuser, and a MEDIA_ROOT and temporary upload folder of each test's own, so that
    what a refused upload leaves behind can be seen by walking them."""

    @classmethod
    def setUpTestData(cls):
        cls.admin = make_user("uploads-admin", superuser=True)

    def setUp(self):
        self.client.force_login(self.admin)
        self.media = tempfile.mkdtemp(prefix="uploads-media-")
        self.temp = tempfile.mkdtemp(prefix="uploads-temp-")
        self.addCleanup(shutil.rmtree, self.media, True)
        self.addCleanup(shutil.rmtree, self.temp, True)
        overrides = self.settings(MEDIA_ROOT=self.media, FILE_UPLOAD_TEMP_DIR=self.temp)
        overrides.enable()
        self.addCleanup(overrides.disable)

    def existing(self, path):
        """The object an edit path replaces the file of (and its edit page seen once, which
        makes the preview rendition an image's edit page shows)."""
        if path.kind == "document":
            existing = Document.objects.create(
                title="原件", file=ContentFile(pdf_bytes(), name="原件.pdf")
            )
        else:
            existing = Image.objects.create(
                title="原图", file=ContentFile(image_bytes(), name="原图.png")
            )
        self.assertEqual(self.client.get(path.url(existing)).status_code, 200)
        return existing

    def upload(self, path, file, existing=None):
        return self.client.post(path.url(existing), path.data(file))

    def assertRefused(self, path, name, content, message):
        existing = self.existing(path) if path.view == "edit" else None
        before = files_under(self.media)
        count = path.model.objects.count()
        response = self.upload(path, SimpleUploadedFile(name, content), existing)
        self.assertIn(response.status_code, (200,), f"{path}: {name}")
        self.assertFalse(path.accepted(response), f"{path}: {name} was accepted")
        self.assertIn(message, response_text(response), f"{path}: {name}")
        self.assertEqual(path.model.objects.count(), count, f"{path}: {name}")
        self.assertFalse(UploadedFile.objects.exists(), f"{path}: {name}")
        self.assertEqual(files_under(self.media), before, f"{path}: {name}")
        self.assertEqual(files_under(self.temp), [], f"{path}: {name}")
        if existing is not None:
            stored_name = existing.file.name
            existing.refresh_from_db()
            self.assertEqual(existing.file.name, stored_name, path)
            self.assertTrue(existing.title.startswith("原"), path)


class TestHostileDocuments(UploadTestCase):
    def test_each_hostile_document_is_refused_on_each_path(self):
        for path in PATHS[:4]:
            for name, (make, message) in HOSTILE_DOCUMENTS.items():
                content = make()
                with self.subTest(path=str(path), file=name):
                    self.assertRefused(path, name, content, message)

    def test_good_documents_are_accepted_on_each_path(self):
        for path in PATHS[:4]:
            for name, make in GOOD_DOCUMENTS.items():
                content = make()  # once: PDFs and zips carry their time of making
                with self.subTest(path=str(path), file=name):
                    existing = self.existing(path) if path.view == "edit" else None
                    response = self.upload(path, SimpleUploadedFile(name, content), existing)
                    self.assertTrue(path.accepted(response), response_text(response)[:2000])
                    stored = (
                        Document.objects.order_by("-pk").first()
                        if not existing
                        else (Document.objects.get(pk=existing.pk))
                    )
                    with stored.file.open("rb") as handle:
                        self.assertEqual(handle.read(), content)

    def test_an_extension_outside_the_list_is_refused_by_wagtail(self):
        path = PATHS[0]
        self.assertRefused(path, "页面.html", HTML_PAGE, "html")
        self.assertRefused(path, "图形.svg", SVG_SCRIPT, "svg")

    def test_every_allowed_extension_has_a_content_check(self):
        self.assertLessEqual(set(settings.WAGTAILDOCS_EXTENSIONS), set(uploads.DOCUMENT_CHECKS))
        self.assertLessEqual(
            set(settings.WAGTAILDOCS_EXTENSIONS), set(settings.WAGTAILDOCS_CONTENT_TYPES)
        )


class TestHostileImages(UploadTestCase):
    def test_each_hostile_image_is_refused_on_each_path(self):
        for path in PATHS[4:]:
            for name, (make, message) in HOSTILE_IMAGES.items():
                with self.subTest(path=str(path), file=name):
                    self.assertRefused(path, name, make(), message)

    def test_svg_is_not_an_allowed_image_type(self):
        self.assertNotIn("svg", settings.WAGTAILIMAGES_EXTENSIONS)
        self.assertLessEqual(settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS, 40_000_000)

    def test_good_images_are_accepted_on_each_path(self):
        for path in PATHS[4:]:
            for name, format in (("照片.png", "PNG"), ("照片.jpg", "JPEG")):
                with self.subTest(path=str(path), file=name):
                    existing = self.existing(path) if path.view == "edit" else None
                    size = (41 + len(path.view), 30 + (format == "JPEG"))
                    content = image_bytes(format, size)  # distinct: no duplicate warning
                    response = self.upload(path, SimpleUploadedFile(name, content), existing)
                    self.assertTrue(path.accepted(response), response_text(response)[:2000])


class StreamedBody:
    """A multipart/form-data body read in pieces, with a file of `size` bytes read from a sparse
    file on disk: the test client never holds the 200 MB in memory."""

    boundary = "----uploads-test-boundary"

    def __init__(self, fields, file_field, file_name, head, size, folder):
        self.sparse = Path(folder, "sparse.bin")
        with self.sparse.open("wb") as handle:
            handle.write(head)
            handle.truncate(size)
        head = "".join(
            f'--{self.boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
            for name, value in fields.items()
        )
        head += (
            f'--{self.boundary}\r\nContent-Disposition: form-data; name="{file_field}"; '
            f'filename="{file_name}"\r\nContent-Type: application/octet-stream\r\n\r\n'
        )
        self.parts = [
            io.BytesIO(head.encode()),
            self.sparse.open("rb"),
            io.BytesIO(f"\r\n--{self.boundary}--\r\n".encode()),
        ]
        self.length = len(head.encode()) + size + len(f"\r\n--{self.boundary}--\r\n")

    def readline(self, size=-1):
        line = b""
        while not line.endswith(b"\n") and (size < 0 or len(line) < size):
            byte = self.read(1)
            if not byte:
                break
            line += byte
        return line

    def read(self, size=-1):
        out = b""
        while self.parts and (size < 0 or len(out) < size):
            piece = self.parts[0].read(-1 if size < 0 else size - len(out))
            if not piece:
                self.parts.pop(0).close()
                continue
            out += piece
        return out

    def close(self):
        for part in self.parts:
            part.close()
        self.sparse.unlink(missing_ok=True)


class TestOversizedUploads(UploadTestCase):
    """A 200 MB file on every path: refused with Wagtail's "文件过大" message, and the temporary
    upload file is gone (SizeLimitedUploadHandler stops writing it at the limit)."""

    SIZE = 200 * MB

    def post_streamed(self, path, name, existing=None):
        data = path.data("FILE")
        file_field = next(key for key, value in data.items() if value == "FILE")
        fields = {key: value for key, value in data.items() if key != file_field}
        folder = tempfile.mkdtemp(prefix="uploads-sparse-")
        self.addCleanup(shutil.rmtree, folder, True)
        head = b"%PDF-1.7\n" if path.kind == "document" else image_bytes()
        body = StreamedBody(fields, file_field, name, head, self.SIZE, folder)
        try:
            return self.client.generic(
                "POST",
                path.url(existing),
                b"",
                content_type=f"multipart/form-data; boundary={body.boundary}",
                **{
                    "wsgi.input": body,
                    "CONTENT_LENGTH": str(body.length),
                    # generic() sets the type only for a body it is given itself
                    "CONTENT_TYPE": f"multipart/form-data; boundary={body.boundary}",
                },
            )
        finally:
            body.close()

    def test_a_200_mb_file_is_refused_on_every_path(self):
        seen_temp = []
        original_new_file = uploads.SizeLimitedUploadHandler.new_file

        def new_file(handler, *args, **kwargs):
            original_new_file(handler, *args, **kwargs)
            seen_temp.append((handler, handler.file.temporary_file_path()))

        handler = uploads.SizeLimitedUploadHandler
        for path in PATHS:
            name = "大文件.pdf" if path.kind == "document" else "大图.png"
            with self.subTest(path=str(path)):
                existing = self.existing(path) if path.view == "edit" else None
                before = files_under(self.media)
                count = path.model.objects.count()
                seen_temp.clear()
                handler.new_file = new_file
                try:
                    started = time.perf_counter()
                    response = self.post_streamed(path, name, existing)
                    elapsed = time.perf_counter() - started
                finally:
                    handler.new_file = original_new_file
                self.assertFalse(path.accepted(response), path)
                self.assertIn("文件过大", response_text(response), path)
                self.assertIn("200.0", response_text(response), path)
                self.assertEqual(path.model.objects.count(), count, path)
                self.assertEqual(files_under(self.media), before, path)
                # The upload did go to the temporary folder, and is not there any more.
                self.assertEqual(len(seen_temp), 1, path)
                used, temporary = seen_temp[0]
                self.assertTrue(temporary.startswith(self.temp), seen_temp)
                # ... and it was cut short at the limit, not written whole and deleted later.
                self.assertEqual(len(used.head), uploads.HEAD_SIZE, path)
                self.assertEqual(files_under(self.temp), [], path)
                print(f"\n200 MB upload, {path}: {elapsed:.2f} s", end="")

    def test_only_what_no_form_accepts_is_cut_short(self):
        limits = {"WAGTAILDOCS_MAX_UPLOAD_SIZE": MB, "WAGTAILIMAGES_MAX_UPLOAD_SIZE": MB // 2}
        chunk = b"x" * (64 * 1024)
        for size, oversized in ((MB, False), (MB + 1, True)):
            with self.subTest(size=size), self.settings(**limits):
                handler = uploads.SizeLimitedUploadHandler()
                handler.new_file("file", "a.pdf", "application/pdf", size)
                for start in range(0, size, len(chunk)):
                    handler.receive_data_chunk(chunk[: size - start], start)
                result = handler.file_complete(size)
                self.assertIs(isinstance(result, uploads.OversizedUpload), oversized)
                self.assertEqual(result.size, size)
                self.assertEqual(len(result.read()), uploads.HEAD_SIZE if oversized else size)
                result.close()
                self.assertEqual(files_under(self.temp), [])


def test_nginx_limits_the_body_like_django():
    config = (ROOT / "docker" / "nginx" / "nginx.conf").read_text(encoding="utf-8")
    match = re.search(r"^\s*client_max_body_size (\d+)m;", config, re.M)
    assert match, "nginx.conf sets client_max_body_size"
    limit = int(match.group(1)) * MB
    assert settings.WAGTAILDOCS_MAX_UPLOAD_SIZE < limit <= settings.WAGTAILDOCS_MAX_UPLOAD_SIZE * 2


# --- text extraction stays bounded --------------------------------------------------------------


def test_extraction_refuses_a_zip_bomb_without_inflating_it():
    bomb = zip_bomb_docx()
    started = time.perf_counter()
    result = extract_text(bomb, "炸弹.docx")
    elapsed = time.perf_counter() - started
    assert result.status == "failed"
    assert BOMB in result.note
    assert elapsed < 1, elapsed


def test_extraction_refuses_thousands_of_members():
    result = extract_text(many_members_docx(), "千件.docx")
    assert result.status == "failed"
    assert BOMB in result.note


def test_check_zip_reads_the_member_count_before_zipfile_parses_the_directory():
    archive = zip_bytes([(f"{number}.txt", b"") for number in range(uploads.MAX_ZIP_MEMBERS + 1)])
    parsed = []
    original = zipfile.ZipFile._RealGetContents

    def spy(self):
        parsed.append(True)
        return original(self)

    zipfile.ZipFile._RealGetContents = spy
    try:
        try:
            uploads.check_zip(io.BytesIO(archive))
        except uploads.Rejected as error:
            assert BOMB in str(error)
        else:
            raise AssertionError("an archive of too many members was accepted")
    finally:
        zipfile.ZipFile._RealGetContents = original
    assert parsed == []


# --- served documents ---------------------------------------------------------------------------


class TestServedDocuments(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.media = tempfile.mkdtemp(prefix="uploads-served-")

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        shutil.rmtree(cls.media, True)

    def setUp(self):
        overrides = self.settings(MEDIA_ROOT=self.media)
        overrides.enable()
        self.addCleanup(overrides.disable)
        # Staff: opendata's before_serve_document hook hides unpublished files from the public
        # (another concern); the headers are the same for everyone.
        self.client.force_login(make_user("served-admin", superuser=True))

    def serve(self, name, content):
        document = Document.objects.create(title=name, file=ContentFile(content, name=name))
        response = self.client.get(document.url)
        self.assertEqual(response.status_code, 200, name)
        if response.streaming:
            response.content_bytes = b"".join(response.streaming_content)
        return response

    def test_a_pdf_opens_in_the_browser_with_its_checked_type(self):
        response = self.serve("通知.pdf", pdf_bytes())
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertTrue(response["Content-Disposition"].startswith("inline"))
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
        self.assertEqual(response["Content-Security-Policy"], "default-src 'none'")

    def test_other_documents_download(self):
        for name, make in GOOD_DOCUMENTS.items():
            if name.endswith(".pdf"):
                continue
            with self.subTest(name):
                response = self.serve(name, make())
                extension = name.rsplit(".", 1)[1]
                self.assertEqual(
                    response["Content-Type"], settings.WAGTAILDOCS_CONTENT_TYPES[extension]
                )
                self.assertTrue(response["Content-Disposition"].startswith("attachment"))
                self.assertEqual(response["X-Content-Type-Options"], "nosniff")

    def test_html_or_svg_stored_before_the_checks_never_opens_inline(self):
        """Files that reached storage some other way (an old upload, a script) are downloads."""
        for name, content in (("旧页面.html", HTML_PAGE), ("旧图形.svg", SVG_SCRIPT)):
            with self.subTest(name):
                response = self.serve(name, content)
                self.assertTrue(response["Content-Disposition"].startswith("attachment"))
                self.assertEqual(response["X-Content-Type-Options"], "nosniff")
                self.assertEqual(response["Content-Security-Policy"], "default-src 'none'")

    def test_every_response_says_nosniff(self):
        for url in ("/", "/no-such-page/", reverse("healthz")):
            with self.subTest(url):
                self.assertEqual(self.client.get(url)["X-Content-Type-Options"], "nosniff")


def test_nginx_media_block_says_nosniff():
    config = (ROOT / "docker" / "nginx" / "nginx.conf").read_text(encoding="utf-8")
    media = re.search(r"location /media/ \{(.*?)\n        \}", config, re.S).group(1)
    assert "X-Content-Type-Options nosniff" in media
    assert "sandbox" in media
    documents = re.search(r"location \^~ /media/documents/ \{(.*?)\}", config, re.S).group(1)
    assert "return 404" in documents
    assert "X-Content-Type-Options nosniff" in documents and "attachment" in documents
